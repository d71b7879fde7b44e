/**
 * Conversations v1 Participants in Twilio's shape, under `/v1/Conversations/CH…/Participants`:
 * a conversation's members. A worker's sid or username joins as the agent, anyone else (an
 * identity, or `MessagingBinding.Address`) as the customer.
 */
import { type Request, Router } from 'express';
import type { Core } from '../../core/index.ts';
import { ParleyError } from '../../errors.ts';
import type { MemberRole } from '../../protocol.ts';
import { parse } from '../../schemas.ts';
import type { Member } from '../../store/types.ts';
import { schemas } from '../schemas.ts';
import { accountSidOf, baseUrlOf, Form, pageOf, pageRequest, twilioDate } from './wire.ts';

export const conversationUrl = (req: Request, sid: string) => `${baseUrlOf(req)}/v1/Conversations/${sid}`;

const participantView = (req: Request, member: Member) => ({
  account_sid: accountSidOf(req),
  conversation_sid: member.channelSid,
  sid: member.sid,
  identity: member.identity,
  attributes: JSON.stringify({ role: member.role, friendlyName: member.friendlyName }),
  messaging_binding: null,
  role_sid: null,
  last_read_message_index: member.lastReadIndex >= 0 ? member.lastReadIndex : null,
  last_read_timestamp: null,
  date_created: twilioDate(member.dateCreated),
  date_updated: twilioDate(member.dateCreated),
  url: `${conversationUrl(req, member.channelSid)}/Participants/${member.sid}`,
});

/** Mounted inside the Conversations router, after a unique name in the path is read as its sid. */
export function participantsRouter(core: Core): Router {
  const { store, conversations, channelAdmin } = core;
  const router = Router();
  const memberBySid = async (channelSid: string, sid: string) => {
    const member = (await store.members.list(channelSid)).find((m) => m.sid === sid || m.identity === sid);
    if (!member) throw new ParleyError('not_found', `Participant ${sid} was not found`, 404);
    return member;
  };
  router.post('/:sid/Participants', async (req, res) => {
    const form = Form.body(req);
    const identity = form.string('Identity') ?? form.string('MessagingBinding.Address');
    const attributes = form.object('Attributes') ?? {};
    // The number the customer writes to is the Flex Flow's (its contact identity) in Parley.
    form.ignore('DateCreated', 'DateUpdated', 'RoleSid', 'MessagingBinding.ProxyAddress').done();
    // `role` is what Parley shows of a participant (participantView): given back as it was, fine.
    const unkept = Object.keys(attributes).filter((key) => key !== 'friendlyName' && key !== 'role');
    if (unkept.length > 0)
      throw new ParleyError(
        'invalid_request',
        `body.Attributes: Parley keeps a participant's friendlyName only, not ${unkept.map((k) => `"${k}"`).join(', ')}; keep the rest in the conversation's Attributes`,
        400,
      );
    if (!identity)
      throw new ParleyError(
        'invalid_request',
        'body.Identity: give an Identity (or MessagingBinding.Address)',
        400,
      );
    // A worker joins as the agent; anyone else is the customer side of the conversation.
    const worker =
      (await store.workers.get(identity)) ?? (await store.workers.getByUsername(identity).catch(() => null));
    const role: MemberRole = worker ? 'agent' : 'customer';
    if (attributes.role !== undefined && attributes.role !== role)
      throw new ParleyError(
        'invalid_request',
        `body.Attributes: role ${JSON.stringify(attributes.role)} is not this participant's: a worker joins as agent, anyone else as customer`,
        400,
      );
    const friendlyName =
      typeof attributes.friendlyName === 'string'
        ? attributes.friendlyName
        : (worker?.friendlyName ?? identity);
    const input = parse(schemas.addMember, { identity, role, friendlyName });
    res.status(201).json(participantView(req, await channelAdmin.addMember(req.params.sid, input)));
  });
  router.get('/:sid/Participants', async (req, res) => {
    const channel = await conversations.getChannel(req.params.sid);
    const form = Form.query(req);
    const page = pageRequest(form);
    form.done();
    const members = await store.members.list(channel.sid);
    res.json(pageOf(req, 'participants', members, page, (m) => participantView(req, m)));
  });
  router.get('/:sid/Participants/:participantSid', async (req, res) => {
    res.json(participantView(req, await memberBySid(req.params.sid, req.params.participantSid)));
  });
  router.post('/:sid/Participants/:participantSid', async (req, res) => {
    const member = await memberBySid(req.params.sid, req.params.participantSid);
    const form = Form.body(req);
    const lastRead = form.integer('LastReadMessageIndex');
    form.ignore('DateCreated', 'DateUpdated', 'LastReadTimestamp').done();
    const updated =
      lastRead === undefined
        ? member
        : await channelAdmin.updateReadHorizon(req.params.sid, member.identity, lastRead);
    res.json(participantView(req, updated));
  });
  router.delete('/:sid/Participants/:participantSid', async (req, res) => {
    const member = await memberBySid(req.params.sid, req.params.participantSid);
    await channelAdmin.removeMember(req.params.sid, member.identity);
    res.status(204).end();
  });
  return router;
}
