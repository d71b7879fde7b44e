/**
 * Flex API in Twilio's shape: `/v1/FlexFlows` and `/v1/Channels` here, `/v1/WebChannels` and
 * `/v1/Interactions` in their own modules, over the same core services as Parley's JSON routes.
 */
import { type Request, Router } from 'express';
import type { Core } from '../../core/index.ts';
import { notFound } from '../../errors.ts';
import type { IntegrationType } from '../../protocol.ts';
import { parse } from '../../schemas.ts';
import type { Channel, FlexFlow } from '../../store/types.ts';
import { schemas } from '../schemas.ts';
import { interactionChannelsRouter } from './flex-interaction-channels.ts';
import { interactionsRouter } from './flex-interactions.ts';
import { webChannelsRouter } from './flex-web-channels.ts';
import { listChannels } from './plain-channels.ts';
import { accountSidOf, baseUrlOf, Form, fixedSid, given, pageOf, pageRequest, twilioDate } from './wire.ts';

export const CHAT_SERVICE_SID = fixedSid('IS', 'chat-service');

/** Twilio's dotted `Integration.*` fields and the names Parley's integration object uses. */
const INTEGRATION_FIELDS = {
  FlowSid: ['flowSid', 'string'],
  Url: ['url', 'string'],
  WorkspaceSid: ['workspaceSid', 'string'],
  WorkflowSid: ['workflowSid', 'string'],
  Channel: ['channel', 'string'],
  Timeout: ['timeout', 'integer'],
  Priority: ['priority', 'integer'],
  CreationOnMessage: ['creationOnMessage', 'boolean'],
  RetryCount: ['retryCount', 'integer'],
} as const;

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function integrationFrom(form: Form): Record<string, unknown> {
  const integration: Record<string, unknown> = {};
  for (const [twilioName, [name, type]] of Object.entries(INTEGRATION_FIELDS)) {
    const field = `Integration.${twilioName}`;
    const value =
      type === 'string' ? form.string(field) : type === 'integer' ? form.integer(field) : form.boolean(field);
    if (value !== undefined) integration[name] = value;
  }
  return integration;
}

export function flexFlowView(req: Request, flow: FlexFlow) {
  const integration: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flow.integration)) {
    if (key !== 'secret') integration[snake(key)] = value;
  }
  return {
    account_sid: accountSidOf(req),
    sid: flow.sid,
    friendly_name: flow.friendlyName,
    chat_service_sid: CHAT_SERVICE_SID,
    channel_type: flow.channelType,
    contact_identity: flow.contactIdentity,
    enabled: flow.enabled,
    integration_type: flow.integrationType,
    integration,
    long_lived: flow.longLived,
    janitor_enabled: flow.janitorEnabled,
    date_created: twilioDate(flow.dateCreated),
    date_updated: twilioDate(flow.dateUpdated),
    url: `${baseUrlOf(req)}/v1/FlexFlows/${flow.sid}`,
  };
}

/** Fields of a Flex Flow create or update; a field not given is left out (update) or defaulted (create). */
function flexFlowFields(form: Form) {
  form.ignore('ChatServiceSid');
  const connectorUrl = form.string('MessagingConnector.Url');
  const connectorToken = form.string('MessagingConnector.AuthToken');
  return {
    friendlyName: form.string('FriendlyName'),
    channelType: form.string('ChannelType'),
    contactIdentity: form.string('ContactIdentity'),
    enabled: form.boolean('Enabled'),
    integrationType: form.string('IntegrationType'),
    integration: integrationFrom(form),
    longLived: form.boolean('LongLived'),
    janitorEnabled: form.boolean('JanitorEnabled'),
    ...(connectorUrl !== undefined && {
      messagingConnector: { url: connectorUrl, authToken: connectorToken },
    }),
  };
}

/** Twilio's default when `IntegrationType` is omitted: what the integration fields point at. */
function defaultIntegrationType(integration: Record<string, unknown>): IntegrationType {
  if (integration.flowSid) return 'studio';
  if (integration.url) return 'external';
  return 'task';
}

const channelView = (req: Request, channel: Channel) => ({
  account_sid: accountSidOf(req),
  flex_flow_sid: channel.flexFlowSid,
  sid: channel.sid,
  user_sid: channel.contactSid,
  task_sid: channel.attributes.taskSid ?? null,
  url: `${baseUrlOf(req)}/v1/Channels/${channel.sid}`,
  date_created: twilioDate(channel.dateCreated),
  date_updated: twilioDate(channel.dateUpdated),
});

export function preEngagementData(form: Form): Record<string, string> | undefined {
  const data = form.object('PreEngagementData');
  if (!data) return undefined;
  return Object.fromEntries(
    Object.entries(data).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  );
}

export function flexApiRouter(core: Core): Router {
  const { store, flexFlows, channelAdmin } = core;
  const router = Router();
  const getFlexFlow = async (sid: string) => {
    const flow = await store.flexFlows.get(sid);
    if (!flow) throw notFound('Flex Flow', sid);
    return flow;
  };

  router.post('/v1/FlexFlows', async (req, res) => {
    const form = Form.body(req);
    const fields = flexFlowFields(form);
    form.required('FriendlyName');
    form.required('ChannelType');
    form.done();
    const input = parse(schemas.flexFlow, {
      ...fields,
      contactIdentity: fields.contactIdentity ?? fields.friendlyName,
      enabled: fields.enabled ?? true,
      integrationType: fields.integrationType ?? defaultIntegrationType(fields.integration),
      longLived: fields.longLived ?? false,
      janitorEnabled: fields.janitorEnabled ?? true,
    });
    res.status(201).json(flexFlowView(req, await flexFlows.create(input)));
  });
  router.get('/v1/FlexFlows', async (req, res) => {
    const form = Form.query(req);
    const friendlyName = form.string('FriendlyName');
    const page = pageRequest(form);
    form.done();
    const all = (await store.flexFlows.list()).filter(
      (f) => !friendlyName || f.friendlyName === friendlyName,
    );
    res.json(pageOf(req, 'flex_flows', all, page, (f) => flexFlowView(req, f)));
  });
  router.get('/v1/FlexFlows/:sid', async (req, res) => {
    res.json(flexFlowView(req, await getFlexFlow(req.params.sid)));
  });
  router.post('/v1/FlexFlows/:sid', async (req, res) => {
    const current = await getFlexFlow(req.params.sid);
    const form = Form.body(req);
    const { integration, ...fields } = flexFlowFields(form);
    form.done();
    // Integration.Priority alone changes only the priority: nested fields merge into what is there.
    const patch = parse(schemas.flexFlowPatch, {
      ...given(fields),
      ...(Object.keys(integration).length > 0 && { integration: { ...current.integration, ...integration } }),
    });
    res.json(flexFlowView(req, await flexFlows.update(current.sid, patch)));
  });
  router.delete('/v1/FlexFlows/:sid', async (req, res) => {
    await getFlexFlow(req.params.sid);
    await store.flexFlows.delete(req.params.sid);
    res.status(204).end();
  });

  router.post('/v1/Channels', async (req, res) => {
    const form = Form.body(req);
    const input = {
      flexFlowSid: form.required('FlexFlowSid'),
      identity: form.required('Identity'),
      chatUserFriendlyName: form.required('ChatUserFriendlyName'),
      chatFriendlyName: form.required('ChatFriendlyName'),
      target: form.string('Target'),
      chatUniqueName: form.string('ChatUniqueName'),
      preEngagementData: preEngagementData(form),
      taskAttributes: form.object('TaskAttributes'),
      longLived: form.boolean('LongLived'),
    };
    form.ignore('TaskSid').done();
    const channel = await channelAdmin.createChannel(parse(schemas.createChannel, input));
    res.status(201).json(channelView(req, channel));
  });
  router.get('/v1/Channels', async (req, res) => {
    const form = Form.query(req);
    const page = pageRequest(form);
    form.done();
    res.json(await listChannels(req, store, 'flex_chat_channels', page, (c) => channelView(req, c)));
  });
  router.get('/v1/Channels/:sid', async (req, res) => {
    res.json(channelView(req, await core.conversations.getChannel(req.params.sid)));
  });
  router.delete('/v1/Channels/:sid', async (req, res) => {
    await channelAdmin.deleteChannel(req.params.sid);
    res.status(204).end();
  });

  router.use(webChannelsRouter(core));
  router.use(interactionsRouter(core));
  router.use(interactionChannelsRouter(core));
  return router;
}
