/**
 * Flex API Interactions in Twilio's shape: `POST /v1/Interactions` opens an outbound
 * conversation on a messaging Flex Flow (the proxy session of the customer's address), and
 * `GET /v1/Interactions/KD…` reads it back. An interaction is that proxy session: its sid is
 * the session's (`KC…`) 32 hex digits behind `KD`, so no second record is kept.
 */
import { type Request, Router } from 'express';
import type { Core } from '../../core/index.ts';
import { notFound } from '../../errors.ts';
import type { ChannelType } from '../../protocol.ts';
import { parse } from '../../schemas.ts';
import type { ProxySession } from '../../store/types.ts';
import { schemas } from '../schemas.ts';
import { WORKSPACE_SID } from './taskrouter-views.ts';
import { baseUrlOf, Form } from './wire.ts';

const interactionSid = (session: ProxySession) => `KD${session.sid.slice(2)}`;

function interactionView(
  req: Request,
  session: ProxySession,
  channel: { type: string; participants: unknown[] },
  properties: Record<string, unknown>,
) {
  const url = `${baseUrlOf(req)}/v1/Interactions/${interactionSid(session)}`;
  return {
    sid: interactionSid(session),
    channel: { ...channel, sid: session.channelSid },
    routing: { properties: { workspace_sid: WORKSPACE_SID, ...properties } },
    interaction_context_sid: null,
    webhook_ttid: null,
    url,
    links: {
      channels: `${url}/Channels`,
      conversation: `${baseUrlOf(req)}/v1/Conversations/${session.channelSid}`,
    },
  };
}

export function interactionsRouter(core: Core): Router {
  const { store } = core;
  const router = Router();

  router.post('/v1/Interactions', async (req, res) => {
    const form = Form.body(req);
    const channel = form.object('Channel');
    const routing = form.object('Routing');
    form.required('Channel');
    form.ignore('InteractionContextSid', 'WebhookTtid').done();
    const type = String(channel?.type ?? '') as ChannelType;
    const participants = (Array.isArray(channel?.participants) ? channel.participants : []) as {
      address?: string;
      proxy_address?: string;
    }[];
    const properties = (routing?.properties ?? {}) as Record<string, unknown>;
    const input = parse(schemas.interaction.omit({ body: true }), {
      channel: { type, to: participants[0]?.address, from: participants[0]?.proxy_address },
      routing: {
        workflowSid: properties.workflow_sid,
        workerSid: properties.worker_sid,
        attributes:
          typeof properties.attributes === 'string'
            ? new Form({ attributes: properties.attributes }, 'body.Routing.properties').json('attributes')
            : properties.attributes,
      },
      creationOnMessage: !properties.worker_sid,
    });
    // The first message follows through Conversations, as with Twilio.
    const created = await core.messaging.interactions.create({ ...input, body: null });
    res
      .status(201)
      .json(
        interactionView(
          req,
          created.session,
          { type, participants },
          { ...properties, task_sid: created.task?.sid ?? null },
        ),
      );
  });

  router.get('/v1/Interactions/:sid', async (req, res) => {
    const { sid } = req.params;
    const session = /^KD[0-9a-f]{32}$/.test(sid) ? await store.proxySessions.get(`KC${sid.slice(2)}`) : null;
    if (!session) throw notFound('Interaction', sid);
    const [flexFlow, channel] = await Promise.all([
      store.flexFlows.get(session.flexFlowSid),
      store.channels.get(session.channelSid),
    ]);
    const taskSid = channel?.attributes.taskSid ?? null;
    const task = taskSid ? await store.tasks.get(taskSid) : null;
    const participants = session.participants.map((p) => ({
      address: p.address,
      proxy_address: p.proxyAddress,
    }));
    res.json(
      interactionView(
        req,
        session,
        { type: flexFlow?.channelType ?? 'custom', participants },
        {
          task_sid: taskSid,
          workflow_sid: task?.workflowSid ?? null,
          worker_sid: task?.workerSid ?? null,
          task_channel_unique_name: 'chat',
          attributes: task ? JSON.stringify(task.attributes) : null,
        },
      ),
    );
  });
  return router;
}
