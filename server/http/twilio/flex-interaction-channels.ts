/**
 * Flex API Interaction Channels and their Participants in Twilio's shape, under
 * `/v1/Interactions/KD…/Channels`. An interaction has one channel, its conversation: the
 * channel's sid is the conversation's 32 hex digits behind `UO`, a participant's its member's
 * behind `UT`. A backend closes the channel (the conversation ends; its task wraps up, or
 * completes with `Routing.status` closed) or moves an agent participant to wrapup or closed
 * (the task that agent holds wraps up or completes), as it would on Twilio.
 */
import { type Request, Router } from 'express';
import type { Core } from '../../core/index.ts';
import { notFound, ParleyError } from '../../errors.ts';
import type { Channel, Member, ProxySession, Task } from '../../store/types.ts';
import { baseUrlOf, Form, pageOf, pageRequest } from './wire.ts';

const hex = (sid: string) => sid.slice(2);
const channelUrl = (req: Request, session: ProxySession) =>
  `${baseUrlOf(req)}/v1/Interactions/KD${hex(session.sid)}/Channels/UO${hex(session.channelSid)}`;

/** The participant types Twilio has, from a member's role. */
const participantType = (member: Member) =>
  member.role === 'customer' ? 'customer' : member.role === 'agent' ? 'agent' : 'unknown';

export function interactionChannelsRouter(core: Core): Router {
  const { store, routing, channelAdmin } = core;
  const router = Router();

  /** The interaction's session and conversation; 404 for any other interaction or channel sid. */
  async function channelOf(interactionSid: string, channelSid?: string) {
    const session = /^KD[0-9a-f]{32}$/.test(interactionSid)
      ? await store.proxySessions.get(`KC${hex(interactionSid)}`)
      : null;
    if (!session) throw notFound('Interaction', interactionSid);
    if (channelSid !== undefined && channelSid !== `UO${hex(session.channelSid)}`)
      throw notFound('Interaction Channel', channelSid);
    const channel = await store.channels.get(session.channelSid);
    if (!channel) throw notFound('Interaction Channel', `UO${hex(session.channelSid)}`);
    return { session, channel };
  }

  async function channelView(req: Request, session: ProxySession, channel: Channel) {
    const url = channelUrl(req, session);
    const flexFlow = await store.flexFlows.get(session.flexFlowSid);
    return {
      sid: `UO${hex(channel.sid)}`,
      interaction_sid: `KD${hex(session.sid)}`,
      type: flexFlow?.channelType ?? 'chat',
      status: channel.status === 'active' ? 'active' : 'closed',
      error_code: null,
      error_message: null,
      url,
      links: { participants: `${url}/Participants`, invites: `${url}/Invites` },
    };
  }

  /** The conversation's open task, if any. */
  const openTask = async (channel: Channel): Promise<Task | null> => {
    const sid = channel.attributes.taskSid;
    return typeof sid === 'string' ? await store.tasks.get(sid) : null;
  };

  function participantView(req: Request, session: ProxySession, member: Member, task: Task | null) {
    const holds = member.role === 'agent' && task?.workerSid === member.identity;
    return {
      sid: `UT${hex(member.sid)}`,
      type: participantType(member),
      interaction_sid: `KD${hex(session.sid)}`,
      channel_sid: `UO${hex(session.channelSid)}`,
      url: `${channelUrl(req, session)}/Participants/UT${hex(member.sid)}`,
      routing_properties: holds ? { task_sid: task.sid, worker_sid: member.identity } : null,
    };
  }

  router.get('/v1/Interactions/:sid/Channels', async (req, res) => {
    const form = Form.query(req);
    const page = pageRequest(form);
    form.done();
    const { session, channel } = await channelOf(req.params.sid);
    res.json(pageOf(req, 'channels', [await channelView(req, session, channel)], page, (c) => c));
  });
  router.get('/v1/Interactions/:sid/Channels/:channelSid', async (req, res) => {
    const { session, channel } = await channelOf(req.params.sid, req.params.channelSid);
    res.json(await channelView(req, session, channel));
  });
  router.post('/v1/Interactions/:sid/Channels/:channelSid', async (req, res) => {
    const form = Form.body(req);
    const status = form.required('Status');
    const routingStatus = form.object('Routing')?.status;
    form.done();
    if (status !== 'closed' && status !== 'inactive')
      throw new ParleyError(
        'invalid_request',
        `body.Status: expected closed or inactive (got ${JSON.stringify(status)})`,
        400,
      );
    if (routingStatus !== undefined && routingStatus !== 'closed')
      throw new ParleyError(
        'invalid_request',
        'body.Routing: status may only be "closed" (the tasks complete); leave it out and they wrap up',
        400,
      );
    if (status === 'inactive' && routingStatus !== 'closed')
      throw new ParleyError(
        'invalid_request',
        'body.Routing: an inactive channel needs {"status": "closed"}',
        400,
      );
    const { session, channel } = await channelOf(req.params.sid, req.params.channelSid);
    // The conversation ends as through the Conversations API: an agent's task wraps up.
    const task = await openTask(channel);
    const ended = await channelAdmin.updateChannel(channel.sid, { status: 'inactive' });
    if (routingStatus === 'closed' && task) {
      const now = await store.tasks.get(task.sid);
      if (now && (now.status === 'assigned' || now.status === 'wrapping'))
        await routing.updateTask(task.sid, { status: 'completed' });
    }
    res.json(await channelView(req, session, ended));
  });

  router.get('/v1/Interactions/:sid/Channels/:channelSid/Participants', async (req, res) => {
    const form = Form.query(req);
    const page = pageRequest(form);
    form.done();
    const { session, channel } = await channelOf(req.params.sid, req.params.channelSid);
    const task = await openTask(channel);
    const members = (await store.members.list(channel.sid)).filter((m) => participantType(m) !== 'unknown');
    res.json(pageOf(req, 'participants', members, page, (m) => participantView(req, session, m, task)));
  });
  router.post('/v1/Interactions/:sid/Channels/:channelSid/Participants/:participantSid', async (req, res) => {
    const form = Form.body(req);
    const status = form.required('Status');
    form.done();
    if (status !== 'closed' && status !== 'wrapup')
      throw new ParleyError(
        'invalid_request',
        `body.Status: expected closed or wrapup (got ${JSON.stringify(status)})`,
        400,
      );
    const { session, channel } = await channelOf(req.params.sid, req.params.channelSid);
    const members = await store.members.list(channel.sid);
    const member = members.find((m) => `UT${hex(m.sid)}` === req.params.participantSid);
    if (!member) throw notFound('Participant', req.params.participantSid);
    const task = await openTask(channel);
    if (member.role !== 'agent' || task?.workerSid !== member.identity)
      throw new ParleyError(
        'conflict',
        `Participant ${req.params.participantSid} holds no task in this channel: only the agent holding it moves to wrapup or closed`,
        409,
      );
    // As the agent's own End chat (wrapup) and Complete (closed).
    if (status === 'wrapup' && task.status === 'assigned') await routing.wrap(member.identity, task.sid);
    if (status === 'closed') await routing.complete(member.identity, task.sid);
    res.json(participantView(req, session, member, await store.tasks.get(task.sid)));
  });
  return router;
}
