/**
 * Every socket event and REST route, with a valid example of its input, for the fuzz and the
 * authorisation tests. Sids in paths and bodies come from a `World` built on a real server.
 * A new event or route belongs here, so both tests cover it: Parley's own JSON routes and the
 * Twilio-shaped ones (server/http/twilio) alike. A Twilio-shaped route missing here fails
 * authz-coverage.test.ts.
 */
import type { OfferDTO } from '../../server/protocol.ts';
import {
  type AgentSocket,
  connectAgent,
  connectVisitor,
  next,
  openWebChannel,
  request,
  signIn,
  type VisitorSocket,
} from '../helpers/clients.ts';
import type { TestParley } from '../helpers/server.ts';

export interface World {
  flexFlowSid: string;
  /** Visitor A's chat, assigned to the demo agent. */
  channelA: string;
  contactA: string;
  identityA: string;
  tokenA: string;
  /** Visitor B's own chat (no agent). */
  channelB: string;
  tokenB: string;
  taskA: string;
  reservationA: string;
  agentSid: string;
  agentToken: string;
  /** Another agent, holding nothing. */
  otherAgentSid: string;
  otherAgentToken: string;
  /** A worker with the supervisor role. */
  supervisorSid: string;
  supervisorToken: string;
  flowSid: string;
  queueSid: string;
  /** A file visitor A sent in its chat (null when media is not served). */
  mediaA: string | null;
  /** The secret of an API key: a credential wherever the admin key is one. */
  apiKeySecret: string;
  /** That API key's sid: the Basic username Twilio's libraries send with its secret. */
  apiKeySid: string;
  /** The one TaskRouter workspace, as `GET /v1/Workspaces` names it. */
  workspaceSid: string;
  /** A conversation of its own (no Flex Flow, no visitor), made through `/v1/Conversations`. */
  conversationSid: string;
  /** A message in it, by the system author `authz-bot`. */
  conversationMessageSid: string;
  /** `authz-bot`, the participant that message made. */
  participantSid: string;
}

/** The smallest valid PNG: a 1×1 transparent pixel. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

export const FAKE = {
  CH: `CH${'0'.repeat(32)}`,
  WT: `WT${'0'.repeat(32)}`,
  WR: `WR${'0'.repeat(32)}`,
  WK: `WK${'0'.repeat(32)}`,
  FO: `FO${'0'.repeat(32)}`,
  FW: `FW${'0'.repeat(32)}`,
  FN: `FN${'0'.repeat(32)}`,
  US: `US${'0'.repeat(32)}`,
  WQ: `WQ${'0'.repeat(32)}`,
  WW: `WW${'0'.repeat(32)}`,
  WA: `WA${'0'.repeat(32)}`,
  KD: `KD${'0'.repeat(32)}`,
  IM: `IM${'0'.repeat(32)}`,
  MB: `MB${'0'.repeat(32)}`,
  FT: `FT${'0'.repeat(32)}`,
  UO: `UO${'0'.repeat(32)}`,
  UT: `UT${'0'.repeat(32)}`,
  SK: `SK${'0'.repeat(32)}`,
};

/** An account SID, as Twilio's libraries send one: Parley has one account and takes any. */
export const ACCOUNT_SID = `AC${'5eed'.repeat(8)}`;

/** `Authorization: Basic …`, as Twilio's libraries send an account SID or API key SID and secret. */
export const basic = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

/**
 * A body form-encoded as Twilio's libraries send it: text as is, numbers and booleans as their
 * text, objects as JSON strings, and an array as its field repeated.
 */
export function formBody(fields: Record<string, unknown>): string {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      form.append(name, typeof item === 'object' && item !== null ? JSON.stringify(item) : String(item));
    }
  }
  return form.toString();
}

/** Builds the cast: visitors A and B, the agent holding A's chat, another agent, a supervisor. */
export async function buildWorld(parley: TestParley): Promise<World> {
  const a = await openWebChannel(parley.url, {
    flexFlowSid: parley.flexFlowSid,
    customerFriendlyName: 'Ada',
  });
  const b = await openWebChannel(parley.url, { flexFlowSid: parley.flexFlowSid, customerFriendlyName: 'Bo' });
  const agent = await signIn(parley.url);
  const agentSocket = await connectAgent(parley.url, agent.token);
  await request(agentSocket, 'session:sync');
  await request(agentSocket, 'activity:set', { activity: 'Available' });
  const offered = next<OfferDTO>(agentSocket, 'offer:new');
  await parley.api('POST', `/v1/Channels/${a.channelSid}/Messages`, { from: a.identity, body: 'hello' });
  const offer = await offered;
  await request(agentSocket, 'reservation:accept', { reservationSid: offer.reservation.sid });
  // Nobody else gets B's task while the tests run.
  await request(agentSocket, 'activity:set', { activity: 'Unavailable' });
  agentSocket.close();

  const other = await parley.api('POST', '/v1/Workers', {
    friendlyName: 'Other Agent',
    username: 'other',
    password: 'other-pw',
  });
  const supervisor = await parley.api('POST', '/v1/Workers', {
    friendlyName: 'Sam Supervisor',
    username: 'supervisor',
    password: 'super-pw',
    attributes: { roles: ['supervisor'] },
  });
  const flows = (await parley.api('GET', '/v1/Flows')).body.flows as { sid: string }[];
  const upload = await fetch(`${parley.url}/media/${a.channelSid}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${a.token}`, 'x-filename': 'pixel.png', 'content-type': 'image/png' },
    body: PNG,
  });
  const queues = (await parley.api('GET', '/v1/TaskQueues')).body.taskQueues as { sid: string }[];
  const apiKey = (await parley.api('POST', '/v1/ApiKeys', { friendlyName: 'authz' })).body;
  const twilioApi = async (method: string, path: string, fields?: Record<string, unknown>) => {
    const res = await fetch(parley.url + path, {
      method,
      headers: {
        authorization: basic(ACCOUNT_SID, parley.adminKey),
        ...(fields && { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      body: fields && formBody(fields),
    });
    return res.json();
  };
  const workspaces = (await twilioApi('GET', '/v1/Workspaces')).workspaces as { sid: string }[];
  const conversation = await twilioApi('POST', '/v1/Conversations', { FriendlyName: 'Back office' });
  const note = await twilioApi('POST', `/v1/Conversations/${conversation.sid}/Messages`, {
    Author: 'authz-bot',
    Body: 'noted',
  });
  return {
    flexFlowSid: parley.flexFlowSid,
    channelA: a.channelSid,
    contactA: a.contactSid,
    identityA: a.identity,
    tokenA: a.token,
    channelB: b.channelSid,
    tokenB: b.token,
    taskA: offer.task.sid,
    reservationA: offer.reservation.sid,
    agentSid: agent.worker.sid,
    agentToken: agent.token,
    otherAgentSid: other.body.sid,
    otherAgentToken: (await signIn(parley.url, 'other', 'other-pw')).token,
    supervisorSid: supervisor.body.sid,
    supervisorToken: (await signIn(parley.url, 'supervisor', 'super-pw')).token,
    flowSid: flows[0]?.sid ?? FAKE.FW,
    queueSid: queues[0]?.sid ?? '',
    mediaA: upload.status === 201 ? ((await upload.json()) as { sid: string }).sid : null,
    apiKeySecret: apiKey.secret,
    apiKeySid: apiKey.sid,
    workspaceSid: workspaces[0]?.sid ?? '',
    conversationSid: conversation.sid,
    conversationMessageSid: note.sid,
    participantSid: note.participant_sid,
  };
}

export interface SocketEvent {
  namespace: '/webchat' | '/agent';
  event: string;
  /** A valid payload, aimed at visitor A's chat where it names one. */
  example: (w: World) => Record<string, unknown>;
  /** Reads or writes visitor A's channel (so only its members may). */
  touchesChannel: boolean;
  /** Writes (a supervisor may watch, never write). */
  writes: boolean;
  /** Only for workers with the supervisor role. */
  supervisorOnly?: boolean;
}

export const SOCKET_EVENTS: SocketEvent[] = [
  {
    namespace: '/webchat',
    event: 'messages:sync',
    example: () => ({ afterIndex: -1 }),
    touchesChannel: true,
    writes: false,
  },
  {
    namespace: '/webchat',
    event: 'message:send',
    example: () => ({ clientId: `c-${Math.random()}`, body: 'hi', attributes: { k: 'v' } }),
    touchesChannel: true,
    writes: true,
  },
  { namespace: '/webchat', event: 'typing:start', example: () => ({}), touchesChannel: true, writes: true },
  {
    namespace: '/webchat',
    event: 'channel:read',
    example: () => ({ index: 0 }),
    touchesChannel: true,
    writes: true,
  },
  {
    namespace: '/webchat',
    event: 'context:update',
    example: () => ({ pageUrl: 'https://shop.example/checkout' }),
    touchesChannel: true,
    writes: true,
  },
  {
    namespace: '/webchat',
    event: 'session:refresh',
    example: () => ({}),
    touchesChannel: false,
    writes: false,
  },
  // Last of the visitor's: it ends the chat.
  { namespace: '/webchat', event: 'chat:end', example: () => ({}), touchesChannel: true, writes: true },
  { namespace: '/agent', event: 'session:sync', example: () => ({}), touchesChannel: false, writes: false },
  {
    namespace: '/agent',
    event: 'activity:set',
    example: () => ({ activity: 'Unavailable' }),
    touchesChannel: false,
    writes: false,
  },
  {
    namespace: '/agent',
    event: 'messages:sync',
    example: (w) => ({ channelSid: w.channelA, afterIndex: -1 }),
    touchesChannel: true,
    writes: false,
  },
  {
    namespace: '/agent',
    event: 'message:send',
    example: (w) => ({ channelSid: w.channelA, clientId: `c-${Math.random()}`, body: 'hello' }),
    touchesChannel: true,
    writes: true,
  },
  {
    namespace: '/agent',
    event: 'typing:start',
    example: (w) => ({ channelSid: w.channelA }),
    touchesChannel: true,
    writes: true,
  },
  {
    namespace: '/agent',
    event: 'channel:read',
    example: (w) => ({ channelSid: w.channelA, index: 0 }),
    touchesChannel: true,
    writes: true,
  },
  {
    namespace: '/agent',
    event: 'reservation:accept',
    example: (w) => ({ reservationSid: w.reservationA }),
    touchesChannel: true,
    writes: true,
  },
  {
    namespace: '/agent',
    event: 'reservation:reject',
    example: (w) => ({ reservationSid: w.reservationA }),
    touchesChannel: true,
    writes: true,
  },
  {
    namespace: '/agent',
    event: 'task:wrap',
    example: (w) => ({ taskSid: w.taskA }),
    touchesChannel: true,
    writes: true,
  },
  {
    namespace: '/agent',
    event: 'task:complete',
    example: (w) => ({ taskSid: w.taskA }),
    touchesChannel: true,
    writes: true,
  },
  {
    namespace: '/agent',
    event: 'transfer:targets',
    example: () => ({}),
    touchesChannel: false,
    writes: false,
  },
  {
    namespace: '/agent',
    event: 'task:transfer',
    example: (w) => ({ taskSid: w.taskA, queueSid: w.queueSid }),
    touchesChannel: true,
    writes: true,
  },
  {
    // Opens a conversation of its own (no SMS Flex Flow here: not found), never touches A's.
    namespace: '/agent',
    event: 'interaction:create',
    example: () => ({ channelType: 'sms', to: '+15550001', body: 'hello' }),
    touchesChannel: false,
    writes: true,
  },
  {
    namespace: '/agent',
    event: 'supervisor:sync',
    example: () => ({}),
    touchesChannel: false,
    writes: false,
    supervisorOnly: true,
  },
  {
    // A whisper is a staff-only note: the customer's chat gets nothing, so a supervisor may.
    namespace: '/agent',
    event: 'whisper:send',
    example: (w) => ({ channelSid: w.channelA, body: 'a note for staff' }),
    touchesChannel: true,
    writes: false,
  },
  {
    namespace: '/agent',
    event: 'whispers:sync',
    example: (w) => ({ channelSid: w.channelA }),
    touchesChannel: true,
    writes: false,
  },
  {
    // Only takes the socket out of the chat's room: nothing to refuse.
    namespace: '/agent',
    event: 'watch:stop',
    example: (w) => ({ channelSid: w.channelA }),
    touchesChannel: false,
    writes: false,
  },
  {
    namespace: '/agent',
    event: 'supervisor:join',
    example: (w) => ({ channelSid: w.channelA }),
    touchesChannel: true,
    writes: true,
    supervisorOnly: true,
  },
  {
    // Right after the join: the supervisor leaves. Only a worker who joined as supervisor may,
    // so the agent holding the chat (a member, never joined) is refused like anyone else.
    namespace: '/agent',
    event: 'supervisor:leave',
    example: (w) => ({ channelSid: w.channelA }),
    touchesChannel: true,
    writes: true,
    supervisorOnly: true,
  },
];

/**
 * `member`: a session token of the conversation (visitor, or agent holding it). `holder`: staff
 * with a part in visitor A's chat: the agent holding it, a supervisor, or the admin key (never a
 * visitor, never another agent). `supervisor`: a supervisor's session token or the admin key
 * (another agent is refused with 403).
 */
export type Access = 'public' | 'admin' | 'member' | 'holder' | 'supervisor' | 'staff';

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: (w: World) => string;
  /** The route as documented, for test names. */
  name: string;
  access: Access;
  body?: (w: World) => Record<string, unknown>;
  /** Refuses API keys (403) where the admin key gets in: keys cannot manage keys. */
  refusesApiKeys?: boolean;
  /**
   * Twilio-shaped (server/http/twilio): called as Twilio's libraries call it, with HTTP Basic
   * credentials (`basic`) and a form-encoded body (`formBody`); its errors carry Twilio's
   * numeric codes (`20003` for credentials refused).
   */
  form?: boolean;
}

const demoFlow = {
  description: 'fuzz',
  states: [{ name: 'Trigger', type: 'trigger', transitions: [{ event: 'incomingMessage' }], properties: {} }],
  initial_state: 'Trigger',
  flags: { allow_concurrent_calls: true },
};

export const ROUTES: Route[] = [
  {
    method: 'POST',
    name: 'POST /v1/WebChannels',
    path: () => '/v1/WebChannels',
    access: 'public',
    body: (w) => ({
      flexFlowSid: w.flexFlowSid,
      customerFriendlyName: 'Fuzz',
      preEngagementData: { a: 'b' },
    }),
  },
  {
    method: 'GET',
    name: 'GET /v1/WebChannels/Config',
    path: (w) => `/v1/WebChannels/Config?flexFlowSid=${w.flexFlowSid}`,
    access: 'public',
  },
  {
    method: 'POST',
    name: 'POST /v1/WebChannels/OfflineMessages',
    path: () => '/v1/WebChannels/OfflineMessages',
    access: 'public',
    body: (w) => ({ flexFlowSid: w.flexFlowSid, name: 'Fuzz', email: 'f@example.com', body: 'hi' }),
  },
  {
    method: 'POST',
    name: 'POST /v1/AgentSessions',
    path: () => '/v1/AgentSessions',
    access: 'public',
    body: () => ({ username: 'nobody', password: 'wrong-password' }),
  },
  {
    method: 'POST',
    name: 'POST /v1/Channels',
    path: () => '/v1/Channels',
    access: 'admin',
    body: (w) => ({ flexFlowSid: w.flexFlowSid, identity: 'fuzz-user', chatUserFriendlyName: 'Fuzz' }),
  },
  {
    method: 'GET',
    name: 'GET /v1/Channels/:sid',
    path: (w) => `/v1/Channels/${w.channelA}`,
    access: 'admin',
  },
  {
    method: 'GET',
    name: 'GET /v1/Channels/:sid/Messages',
    path: (w) => `/v1/Channels/${w.channelA}/Messages`,
    access: 'admin',
  },
  {
    method: 'POST',
    name: 'POST /v1/Channels/:sid/Messages',
    path: (w) => `/v1/Channels/${w.channelA}/Messages`,
    access: 'admin',
    body: (w) => ({ from: w.identityA, body: 'from REST', clientId: `r-${Math.random()}`, attributes: {} }),
  },
  {
    method: 'GET',
    name: 'GET /v1/Channels/:sid/Members',
    path: (w) => `/v1/Channels/${w.channelA}/Members`,
    access: 'admin',
  },
  {
    method: 'POST',
    name: 'POST /v1/FlexFlows',
    path: () => '/v1/FlexFlows',
    access: 'admin',
    body: () => ({
      friendlyName: 'Fuzz flow',
      channelType: 'custom',
      contactIdentity: `fuzz-${Math.random()}`,
      enabled: false,
      integrationType: 'task',
      allowedOrigins: ['https://a.example'],
    }),
  },
  { method: 'GET', name: 'GET /v1/FlexFlows', path: () => '/v1/FlexFlows', access: 'admin' },
  {
    method: 'GET',
    name: 'GET /v1/FlexFlows/:sid',
    path: (w) => `/v1/FlexFlows/${w.flexFlowSid}`,
    access: 'admin',
  },
  {
    method: 'POST',
    name: 'POST /v1/FlexFlows/:sid',
    path: (w) => `/v1/FlexFlows/${w.flexFlowSid}`,
    access: 'admin',
    body: () => ({ friendlyName: 'Demo shop webchat' }),
  },
  {
    method: 'PATCH',
    name: 'PATCH /v1/FlexFlows/:sid',
    path: (w) => `/v1/FlexFlows/${w.flexFlowSid}`,
    access: 'admin',
    body: () => ({ friendlyName: 'Demo shop webchat' }),
  },
  {
    method: 'DELETE',
    name: 'DELETE /v1/FlexFlows/:sid',
    path: () => `/v1/FlexFlows/${FAKE.FO}`,
    access: 'admin',
  },
  {
    method: 'POST',
    name: 'POST /v1/Flows/validate',
    path: () => '/v1/Flows/validate',
    access: 'admin',
    body: () => ({ definition: demoFlow }),
  },
  {
    method: 'POST',
    name: 'POST /v1/Flows',
    path: () => '/v1/Flows',
    access: 'admin',
    body: () => ({ friendlyName: 'Fuzz bot', definition: demoFlow }),
  },
  { method: 'GET', name: 'GET /v1/Flows', path: () => '/v1/Flows', access: 'admin' },
  { method: 'GET', name: 'GET /v1/Flows/:sid', path: (w) => `/v1/Flows/${w.flowSid}`, access: 'admin' },
  {
    method: 'POST',
    name: 'POST /v1/Flows/:sid',
    path: () => `/v1/Flows/${FAKE.FW}`,
    access: 'admin',
    body: () => ({ friendlyName: 'Renamed' }),
  },
  {
    method: 'PATCH',
    name: 'PATCH /v1/Flows/:sid',
    path: () => `/v1/Flows/${FAKE.FW}`,
    access: 'admin',
    body: () => ({ friendlyName: 'Renamed' }),
  },
  { method: 'DELETE', name: 'DELETE /v1/Flows/:sid', path: () => `/v1/Flows/${FAKE.FW}`, access: 'admin' },
  {
    method: 'GET',
    name: 'GET /v1/Flows/:sid/Executions',
    path: (w) => `/v1/Flows/${w.flowSid}/Executions`,
    access: 'admin',
  },
  {
    method: 'GET',
    name: 'GET /v1/Flows/:sid/Executions/:sid',
    path: (w) => `/v1/Flows/${w.flowSid}/Executions/${FAKE.FN}`,
    access: 'admin',
  },
  {
    method: 'POST',
    name: 'POST /v1/Flows/:sid/Executions',
    path: () => `/v1/Flows/${FAKE.FW}/Executions`,
    access: 'admin',
    body: (w) => ({ channelSid: w.channelB, parameters: {} }),
  },
  {
    method: 'POST',
    name: 'POST /v1/Workers',
    path: () => '/v1/Workers',
    access: 'admin',
    body: () => ({ friendlyName: 'Fuzz worker', capacity: 1 }),
  },
  { method: 'GET', name: 'GET /v1/Workers', path: () => '/v1/Workers', access: 'admin' },
  { method: 'GET', name: 'GET /v1/Workers/:sid', path: (w) => `/v1/Workers/${w.agentSid}`, access: 'admin' },
  {
    method: 'POST',
    name: 'POST /v1/Workers/:sid',
    path: (w) => `/v1/Workers/${w.otherAgentSid}`,
    access: 'admin',
    body: () => ({ capacity: 2 }),
  },
  {
    method: 'PATCH',
    name: 'PATCH /v1/Workers/:sid',
    path: (w) => `/v1/Workers/${w.otherAgentSid}`,
    access: 'admin',
    body: () => ({ capacity: 2 }),
  },
  {
    method: 'POST',
    name: 'POST /v1/TaskQueues',
    path: () => '/v1/TaskQueues',
    access: 'admin',
    body: () => ({ friendlyName: 'Fuzz queue', targetWorkers: '1==1' }),
  },
  { method: 'GET', name: 'GET /v1/TaskQueues', path: () => '/v1/TaskQueues', access: 'admin' },
  { method: 'GET', name: 'GET /v1/Tasks', path: () => '/v1/Tasks', access: 'admin' },
  { method: 'GET', name: 'GET /v1/Tasks/:sid', path: (w) => `/v1/Tasks/${w.taskA}`, access: 'admin' },
  {
    method: 'GET',
    name: 'GET /v1/Tasks/:sid/Reservations',
    path: (w) => `/v1/Tasks/${w.taskA}/Reservations`,
    access: 'admin',
  },
  {
    method: 'GET',
    name: 'GET /v1/Contacts/:sid/Export',
    path: (w) => `/v1/Contacts/${w.contactA}/Export`,
    access: 'admin',
  },
  {
    method: 'DELETE',
    name: 'DELETE /v1/Contacts/:sid',
    path: () => `/v1/Contacts/${FAKE.US}`,
    access: 'admin',
  },
  { method: 'GET', name: 'GET /v1/Activities', path: () => '/v1/Activities', access: 'staff' },
  {
    method: 'GET',
    name: 'GET /v1/Activities/:sid',
    path: () => `/v1/Activities/WA${'f'.repeat(32)}`,
    access: 'admin',
  },
  {
    method: 'POST',
    name: 'POST /v1/Activities',
    path: () => '/v1/Activities',
    access: 'admin',
    body: () => ({ friendlyName: 'Lunch', available: false }),
  },
  {
    method: 'POST',
    name: 'POST /v1/Activities/:sid',
    path: () => `/v1/Activities/WA${'f'.repeat(32)}`,
    access: 'admin',
    body: () => ({ friendlyName: 'Long lunch' }),
  },
  {
    method: 'DELETE',
    name: 'DELETE /v1/Activities/:sid',
    path: () => `/v1/Activities/WA${'f'.repeat(32)}`,
    access: 'admin',
  },
  {
    method: 'GET',
    name: 'GET /v1/Contacts',
    path: () => '/v1/Contacts?email=fuzz%40example.com',
    access: 'admin',
  },
  {
    method: 'GET',
    name: 'GET /v1/Settings/Retention',
    path: () => '/v1/Settings/Retention',
    access: 'admin',
  },
  {
    method: 'POST',
    name: 'POST /v1/Settings/Retention',
    path: () => '/v1/Settings/Retention',
    access: 'admin',
    // No example field: `days` takes null (keep conversations), which the fuzz counts as a
    // wrong type; admin-data.test.ts tries its bad values.
    body: () => ({}),
  },
  {
    // Disabled: a webhook the fuzz makes sends nothing.
    method: 'POST',
    name: 'POST /v1/Webhooks',
    path: () => '/v1/Webhooks',
    access: 'admin',
    body: () => ({ url: 'https://crm.example.com/in', events: ['task.created'], enabled: false }),
  },
  { method: 'GET', name: 'GET /v1/Webhooks', path: () => '/v1/Webhooks', access: 'admin' },
  {
    method: 'GET',
    name: 'GET /v1/Webhooks/:sid',
    path: () => `/v1/Webhooks/WH${'f'.repeat(32)}`,
    access: 'admin',
  },
  {
    method: 'POST',
    name: 'POST /v1/Webhooks/:sid',
    path: () => `/v1/Webhooks/WH${'f'.repeat(32)}`,
    access: 'admin',
    body: () => ({ enabled: false }),
  },
  {
    method: 'DELETE',
    name: 'DELETE /v1/Webhooks/:sid',
    path: () => `/v1/Webhooks/WH${'f'.repeat(32)}`,
    access: 'admin',
  },
  {
    method: 'GET',
    name: 'GET /v1/Webhooks/:sid/Deliveries',
    path: () => `/v1/Webhooks/WH${'f'.repeat(32)}/Deliveries`,
    access: 'admin',
  },
  {
    method: 'POST',
    name: 'POST /v1/Webhooks/:sid/Deliveries/:deliverySid/Resend',
    path: () => `/v1/Webhooks/WH${'f'.repeat(32)}/Deliveries/WD${'f'.repeat(32)}/Resend`,
    access: 'admin',
    body: () => ({}),
  },
  { method: 'GET', name: 'GET /metrics', path: () => '/metrics', access: 'admin' },
  {
    method: 'GET',
    name: 'GET /media/:sid',
    path: (w) => `/media/${w.mediaA ?? `ME${'0'.repeat(32)}`}`,
    access: 'member',
  },
  {
    method: 'POST',
    name: 'POST /media/:channelSid',
    path: (w) => `/media/${w.channelA}`,
    access: 'member',
  },
  {
    method: 'GET',
    name: 'GET /v1/Channels/:sid/EarlierConversations',
    path: (w) => `/v1/Channels/${w.channelA}/EarlierConversations`,
    access: 'holder',
  },
  {
    // B is another customer: those admitted get 404, as if it did not exist.
    method: 'GET',
    name: 'GET /v1/Channels/:sid/EarlierConversations/:earlierSid',
    path: (w) => `/v1/Channels/${w.channelA}/EarlierConversations/${w.channelB}`,
    access: 'holder',
  },
  {
    method: 'GET',
    name: 'GET /v1/Figures',
    path: (w) => `/v1/Figures?hours=8&queueSid=${w.queueSid}`,
    access: 'supervisor',
  },
  // Staff routes (`staff`): any agent's session token or the admin key; an agent sees only
  // their own canned responses and the chats they had a part in (another agent's transcript
  // answers 404), which canned-responses.test.ts and conversation-search.test.ts check.
  { method: 'GET', name: 'GET /v1/CannedResponses', path: () => '/v1/CannedResponses', access: 'staff' },
  {
    method: 'POST',
    name: 'POST /v1/CannedResponses',
    path: () => '/v1/CannedResponses',
    access: 'staff',
    body: () => ({
      shortcut: `authz-${Math.random().toString(36).slice(2, 10)}`,
      title: 'Hi',
      body: 'Hello',
    }),
  },
  {
    method: 'GET',
    name: 'GET /v1/CannedResponses/:sid',
    path: () => `/v1/CannedResponses/CR${'0'.repeat(32)}`,
    access: 'staff',
  },
  {
    method: 'POST',
    name: 'POST /v1/CannedResponses/:sid',
    path: () => `/v1/CannedResponses/CR${'0'.repeat(32)}`,
    access: 'staff',
    body: () => ({ title: 'Renamed' }),
  },
  {
    method: 'DELETE',
    name: 'DELETE /v1/CannedResponses/:sid',
    path: () => `/v1/CannedResponses/CR${'0'.repeat(32)}`,
    access: 'staff',
  },
  {
    method: 'GET',
    name: 'GET /v1/ConversationSearch',
    path: () => '/v1/ConversationSearch?q=hello',
    access: 'staff',
  },
  {
    method: 'GET',
    name: 'GET /v1/Transcripts/:channelSid',
    path: (w) => `/v1/Transcripts/${w.channelA}`,
    access: 'staff',
  },
  // The widget's calls with the visitor's token in the body: the guard is the token, not a header.
  {
    method: 'POST',
    name: 'POST /v1/WebChannels/Ratings',
    path: () => '/v1/WebChannels/Ratings',
    access: 'public',
    body: (w) => ({ token: w.tokenA, score: 5, comment: 'Quick and kind' }),
  },
  {
    method: 'POST',
    name: 'POST /v1/WebChannels/History',
    path: () => '/v1/WebChannels/History',
    access: 'public',
    body: (w) => ({ token: w.tokenA }),
  },
  {
    method: 'POST',
    name: 'POST /v1/AdminSessions',
    path: () => '/v1/AdminSessions',
    access: 'public',
    body: () => ({ username: 'nobody', password: 'wrong-password' }),
  },
  { method: 'GET', name: 'GET /v1/Ratings', path: () => '/v1/Ratings', access: 'admin' },
  {
    method: 'POST',
    name: 'POST /v1/ApiKeys',
    path: () => '/v1/ApiKeys',
    access: 'admin',
    body: () => ({ friendlyName: 'authz' }),
    refusesApiKeys: true,
  },
  {
    method: 'GET',
    name: 'GET /v1/ApiKeys',
    path: () => '/v1/ApiKeys',
    access: 'admin',
    refusesApiKeys: true,
  },
  {
    method: 'GET',
    name: 'GET /v1/ApiKeys/:sid',
    path: () => `/v1/ApiKeys/SK${'0'.repeat(32)}`,
    access: 'admin',
    refusesApiKeys: true,
  },
  {
    method: 'DELETE',
    name: 'DELETE /v1/ApiKeys/:sid',
    path: () => `/v1/ApiKeys/SK${'0'.repeat(32)}`,
    access: 'admin',
    refusesApiKeys: true,
  },
  // The Twilio-shaped surface, served before all of the above (twilioRoutes, below).
  ...twilioRoutes(),
];

/** A route of the Twilio-shaped surface: `name` is its method and path pattern. */
function twilio(
  name: `${Route['method']} /${string}`,
  path: (w: World) => string,
  body?: (w: World) => Record<string, unknown>,
): Route {
  const method = name.slice(0, name.indexOf(' ')) as Route['method'];
  return { method, name: `${name} (Twilio)`, path, access: 'admin', form: true, ...(body && { body }) };
}

/**
 * The Twilio-shaped surface (server/http/twilio), in the order server/http/twilio/index.ts
 * mounts it: Flex API, TaskRouter, Conversations, Studio. It is mounted before Parley's own
 * routes and takes only the admin key or an API key (as Basic credentials, or Bearer): no
 * visitor's, agent's or supervisor's token, so every row is `admin`. Writes aim at a sid that
 * does not exist (deletes), at resources of their own (the conversation, new channels, tasks and
 * workers), or set what they touch to what it was, so the other rows meet the same world.
 */
function twilioRoutes(): Route[] {
  const ws = (w: World) => `/v1/Workspaces/${w.workspaceSid}`;
  const conversation = (w: World) => `/v1/Conversations/${w.conversationSid}`;
  const execution = (w: World) => `/v2/Flows/${w.flowSid}/Executions/${FAKE.FN}`;
  const unique = () => Math.random().toString(36).slice(2, 10);
  return [
    // Flex API: Flex Flows and Channels (flex-api.ts)
    twilio(
      'POST /v1/FlexFlows',
      () => '/v1/FlexFlows',
      () => ({
        FriendlyName: 'Fuzz flow',
        ChannelType: 'custom',
        ContactIdentity: `fuzz-${unique()}`,
        Enabled: false,
        IntegrationType: 'task',
        'Integration.Priority': 1,
        LongLived: false,
      }),
    ),
    twilio('GET /v1/FlexFlows', () => '/v1/FlexFlows'),
    twilio('GET /v1/FlexFlows/:sid', (w) => `/v1/FlexFlows/${w.flexFlowSid}`),
    twilio(
      'POST /v1/FlexFlows/:sid',
      (w) => `/v1/FlexFlows/${w.flexFlowSid}`,
      () => ({ FriendlyName: 'Demo shop webchat', JanitorEnabled: true }),
    ),
    twilio('DELETE /v1/FlexFlows/:sid', () => `/v1/FlexFlows/${FAKE.FO}`),
    twilio(
      'POST /v1/Channels',
      () => '/v1/Channels',
      (w) => ({
        FlexFlowSid: w.flexFlowSid,
        Identity: `fuzz-${unique()}`,
        ChatUserFriendlyName: 'Fuzz',
        ChatFriendlyName: 'Fuzz chat',
        PreEngagementData: { topic: 'billing' },
        LongLived: false,
      }),
    ),
    twilio('GET /v1/Channels', () => '/v1/Channels'),
    twilio('GET /v1/Channels/:sid', (w) => `/v1/Channels/${w.channelA}`),
    twilio('DELETE /v1/Channels/:sid', () => `/v1/Channels/${FAKE.CH}`),
    // Flex API: WebChannels from a backend (flex-web-channels.ts); the widget's are public JSON
    twilio(
      'POST /v1/WebChannels',
      () => '/v1/WebChannels',
      (w) => ({
        FlexFlowSid: w.flexFlowSid,
        Identity: `fuzz-${unique()}`,
        CustomerFriendlyName: 'Fuzz',
        ChatFriendlyName: 'Fuzz chat',
        PreEngagementData: { topic: 'billing' },
      }),
    ),
    twilio('GET /v1/WebChannels', () => '/v1/WebChannels'),
    twilio('GET /v1/WebChannels/:sid', (w) => `/v1/WebChannels/${w.channelA}`),
    twilio(
      'POST /v1/WebChannels/:sid',
      (w) => `/v1/WebChannels/${w.channelB}`,
      () => ({ PostEngagementData: 'ignored' }),
    ),
    twilio('DELETE /v1/WebChannels/:sid', () => `/v1/WebChannels/${FAKE.CH}`),
    // Flex API: Interactions (flex-interactions.ts); no SMS Flex Flow here, so not found
    twilio(
      'POST /v1/Interactions',
      () => '/v1/Interactions',
      (w) => ({
        Channel: { type: 'sms', participants: [{ address: '+15550001', proxy_address: '+15550100' }] },
        Routing: { properties: { workspace_sid: w.workspaceSid, attributes: { topic: 'billing' } } },
      }),
    ),
    twilio('GET /v1/Interactions/:sid', () => `/v1/Interactions/${FAKE.KD}`),
    // Interaction Channels and their Participants (flex-interaction-channels.ts): not found
    twilio('GET /v1/Interactions/:sid/Channels', () => `/v1/Interactions/${FAKE.KD}/Channels`),
    twilio(
      'GET /v1/Interactions/:sid/Channels/:sid',
      () => `/v1/Interactions/${FAKE.KD}/Channels/${FAKE.UO}`,
    ),
    twilio(
      'POST /v1/Interactions/:sid/Channels/:sid',
      () => `/v1/Interactions/${FAKE.KD}/Channels/${FAKE.UO}`,
      () => ({ Status: 'closed' }),
    ),
    twilio(
      'GET /v1/Interactions/:sid/Channels/:sid/Participants',
      () => `/v1/Interactions/${FAKE.KD}/Channels/${FAKE.UO}/Participants`,
    ),
    twilio(
      'POST /v1/Interactions/:sid/Channels/:sid/Participants/:sid',
      () => `/v1/Interactions/${FAKE.KD}/Channels/${FAKE.UO}/Participants/${FAKE.UT}`,
      () => ({ Status: 'wrapup' }),
    ),
    // TaskRouter: the workspace (taskrouter.ts)
    twilio('GET /v1/Workspaces', () => '/v1/Workspaces'),
    twilio('GET /v1/Workspaces/:sid', (w) => ws(w)),
    // TaskRouter: statistics of the workspace and its queues (taskrouter-statistics.ts)
    twilio('GET /v1/Workspaces/:sid/RealTimeStatistics', (w) => `${ws(w)}/RealTimeStatistics`),
    twilio('GET /v1/Workspaces/:sid/CumulativeStatistics', (w) => `${ws(w)}/CumulativeStatistics`),
    twilio('GET /v1/Workspaces/:sid/Statistics', (w) => `${ws(w)}/Statistics`),
    twilio('GET /v1/Workspaces/:sid/TaskQueues/Statistics', (w) => `${ws(w)}/TaskQueues/Statistics`),
    twilio(
      'GET /v1/Workspaces/:sid/TaskQueues/:sid/RealTimeStatistics',
      (w) => `${ws(w)}/TaskQueues/${w.queueSid}/RealTimeStatistics`,
    ),
    twilio(
      'GET /v1/Workspaces/:sid/TaskQueues/:sid/CumulativeStatistics',
      (w) => `${ws(w)}/TaskQueues/${w.queueSid}/CumulativeStatistics`,
    ),
    twilio(
      'GET /v1/Workspaces/:sid/TaskQueues/:sid/Statistics',
      (w) => `${ws(w)}/TaskQueues/${w.queueSid}/Statistics`,
    ),
    // TaskRouter: statistics of the workers (taskrouter-worker-statistics.ts)
    twilio(
      'GET /v1/Workspaces/:sid/Workers/RealTimeStatistics',
      (w) => `${ws(w)}/Workers/RealTimeStatistics`,
    ),
    twilio(
      'GET /v1/Workspaces/:sid/Workers/CumulativeStatistics',
      (w) => `${ws(w)}/Workers/CumulativeStatistics`,
    ),
    twilio('GET /v1/Workspaces/:sid/Workers/Statistics', (w) => `${ws(w)}/Workers/Statistics`),
    twilio(
      'GET /v1/Workspaces/:sid/Workers/:sid/Statistics',
      (w) => `${ws(w)}/Workers/${w.agentSid}/Statistics`,
    ),
    // TaskRouter: TaskChannels and WorkerChannels (taskrouter-channels.ts)
    twilio('GET /v1/Workspaces/:sid/TaskChannels', (w) => `${ws(w)}/TaskChannels`),
    twilio('GET /v1/Workspaces/:sid/TaskChannels/:sid', (w) => `${ws(w)}/TaskChannels/chat`),
    twilio('GET /v1/Workspaces/:sid/Workers/:sid/Channels', (w) => `${ws(w)}/Workers/${w.agentSid}/Channels`),
    twilio(
      'GET /v1/Workspaces/:sid/Workers/:sid/Channels/:sid',
      (w) => `${ws(w)}/Workers/${w.agentSid}/Channels/chat`,
    ),
    twilio(
      'POST /v1/Workspaces/:sid/Workers/:sid/Channels/:sid',
      (w) => `${ws(w)}/Workers/${w.otherAgentSid}/Channels/chat`,
      () => ({ Capacity: 2, Available: true }),
    ),
    // TaskRouter: Activities, Workers, TaskQueues, Workflows, Tasks (taskrouter.ts)
    twilio('GET /v1/Workspaces/:sid/Activities', (w) => `${ws(w)}/Activities`),
    twilio('GET /v1/Workspaces/:sid/Activities/:sid', (w) => `${ws(w)}/Activities/${FAKE.WA}`),
    twilio(
      'POST /v1/Workspaces/:sid/Activities',
      (w) => `${ws(w)}/Activities`,
      () => ({ FriendlyName: `Break ${unique()}`, Available: false }),
    ),
    twilio(
      'POST /v1/Workspaces/:sid/Activities/:sid',
      (w) => `${ws(w)}/Activities/${FAKE.WA}`,
      () => ({ FriendlyName: 'Long break', Available: false }),
    ),
    twilio('DELETE /v1/Workspaces/:sid/Activities/:sid', (w) => `${ws(w)}/Activities/${FAKE.WA}`),
    twilio(
      'POST /v1/Workspaces/:sid/Workers',
      (w) => `${ws(w)}/Workers`,
      () => ({ FriendlyName: 'Fuzz worker', Attributes: { skills: ['billing'] } }),
    ),
    twilio('GET /v1/Workspaces/:sid/Workers', (w) => `${ws(w)}/Workers`),
    twilio('GET /v1/Workspaces/:sid/Workers/:sid', (w) => `${ws(w)}/Workers/${w.agentSid}`),
    twilio(
      'POST /v1/Workspaces/:sid/Workers/:sid',
      (w) => `${ws(w)}/Workers/${w.otherAgentSid}`,
      () => ({ FriendlyName: 'Other Agent', Attributes: {} }),
    ),
    twilio('DELETE /v1/Workspaces/:sid/Workers/:sid', (w) => `${ws(w)}/Workers/${FAKE.WK}`),
    twilio(
      'POST /v1/Workspaces/:sid/TaskQueues',
      (w) => `${ws(w)}/TaskQueues`,
      () => ({ FriendlyName: 'Fuzz queue', TargetWorkers: '1==1' }),
    ),
    twilio('GET /v1/Workspaces/:sid/TaskQueues', (w) => `${ws(w)}/TaskQueues`),
    twilio('GET /v1/Workspaces/:sid/TaskQueues/:sid', (w) => `${ws(w)}/TaskQueues/${w.queueSid}`),
    twilio(
      'POST /v1/Workspaces/:sid/TaskQueues/:sid',
      (w) => `${ws(w)}/TaskQueues/${FAKE.WQ}`,
      () => ({ FriendlyName: 'Renamed queue', TargetWorkers: '1==1' }),
    ),
    twilio('DELETE /v1/Workspaces/:sid/TaskQueues/:sid', (w) => `${ws(w)}/TaskQueues/${FAKE.WQ}`),
    twilio(
      'POST /v1/Workspaces/:sid/Workflows',
      (w) => `${ws(w)}/Workflows`,
      (w) => ({
        FriendlyName: 'Fuzz workflow',
        Configuration: { task_routing: { filters: [], default_filter: { queue: w.queueSid } } },
        TaskReservationTimeout: 120,
      }),
    ),
    twilio('GET /v1/Workspaces/:sid/Workflows', (w) => `${ws(w)}/Workflows`),
    twilio('GET /v1/Workspaces/:sid/Workflows/:sid', (w) => `${ws(w)}/Workflows/${FAKE.WW}`),
    twilio(
      'POST /v1/Workspaces/:sid/Workflows/:sid',
      (w) => `${ws(w)}/Workflows/${FAKE.WW}`,
      () => ({ FriendlyName: 'Renamed workflow', TaskReservationTimeout: 60 }),
    ),
    twilio('DELETE /v1/Workspaces/:sid/Workflows/:sid', (w) => `${ws(w)}/Workflows/${FAKE.WW}`),
    // A task without a channel gets a plain one of its own; nobody is Available to be offered it.
    twilio(
      'POST /v1/Workspaces/:sid/Tasks',
      (w) => `${ws(w)}/Tasks`,
      () => ({ Attributes: { name: 'Fuzz' }, Priority: 0, Timeout: 3600, TaskChannel: 'chat' }),
    ),
    twilio('GET /v1/Workspaces/:sid/Tasks', (w) => `${ws(w)}/Tasks`),
    twilio('GET /v1/Workspaces/:sid/Tasks/:sid', (w) => `${ws(w)}/Tasks/${w.taskA}`),
    twilio(
      'POST /v1/Workspaces/:sid/Tasks/:sid',
      (w) => `${ws(w)}/Tasks/${w.taskA}`,
      () => ({ Priority: 0 }),
    ),
    twilio('DELETE /v1/Workspaces/:sid/Tasks/:sid', (w) => `${ws(w)}/Tasks/${FAKE.WT}`),
    // TaskRouter: Reservations, under the task and under the worker (taskrouter-reservations.ts);
    // A's is accepted already, so accepting it again changes nothing.
    twilio(
      'GET /v1/Workspaces/:sid/Tasks/:sid/Reservations',
      (w) => `${ws(w)}/Tasks/${w.taskA}/Reservations`,
    ),
    twilio(
      'GET /v1/Workspaces/:sid/Tasks/:sid/Reservations/:sid',
      (w) => `${ws(w)}/Tasks/${w.taskA}/Reservations/${w.reservationA}`,
    ),
    twilio(
      'POST /v1/Workspaces/:sid/Tasks/:sid/Reservations/:sid',
      (w) => `${ws(w)}/Tasks/${w.taskA}/Reservations/${w.reservationA}`,
      () => ({ ReservationStatus: 'accepted' }),
    ),
    twilio(
      'GET /v1/Workspaces/:sid/Workers/:sid/Reservations',
      (w) => `${ws(w)}/Workers/${w.agentSid}/Reservations`,
    ),
    twilio(
      'GET /v1/Workspaces/:sid/Workers/:sid/Reservations/:sid',
      (w) => `${ws(w)}/Workers/${w.agentSid}/Reservations/${w.reservationA}`,
    ),
    twilio(
      'POST /v1/Workspaces/:sid/Workers/:sid/Reservations/:sid',
      (w) => `${ws(w)}/Workers/${w.agentSid}/Reservations/${w.reservationA}`,
      () => ({ ReservationStatus: 'accepted' }),
    ),
    // Conversations (conversations.ts): every channel is one, so A's chat is read here too.
    twilio(
      'POST /v1/Conversations',
      () => '/v1/Conversations',
      () => ({ FriendlyName: 'Fuzz', UniqueName: 'fuzz', Attributes: { topic: 'returns' }, State: 'active' }),
    ),
    twilio('GET /v1/Conversations', () => '/v1/Conversations'),
    twilio('GET /v1/Conversations/:sid', (w) => `/v1/Conversations/${w.channelA}`),
    twilio('POST /v1/Conversations/:sid', conversation, () => ({
      FriendlyName: 'Back office',
      Attributes: { team: 'returns' },
    })),
    twilio('DELETE /v1/Conversations/:sid', () => `/v1/Conversations/${FAKE.CH}`),
    twilio(
      'POST /v1/Conversations/:sid/Messages',
      (w) => `${conversation(w)}/Messages`,
      () => ({ Author: 'authz-bot', Body: 'hello', Attributes: { k: 'v' } }),
    ),
    twilio('GET /v1/Conversations/:sid/Messages', (w) => `/v1/Conversations/${w.channelA}/Messages`),
    twilio(
      'GET /v1/Conversations/:sid/Messages/:sid',
      (w) => `${conversation(w)}/Messages/${w.conversationMessageSid}`,
    ),
    twilio(
      'POST /v1/Conversations/:sid/Messages/:sid',
      (w) => `${conversation(w)}/Messages/${w.conversationMessageSid}`,
      () => ({ Attributes: { k: 'v' } }),
    ),
    twilio('DELETE /v1/Conversations/:sid/Messages/:sid', (w) => `${conversation(w)}/Messages/${FAKE.IM}`),
    twilio(
      'POST /v1/Conversations/:sid/Participants',
      (w) => `${conversation(w)}/Participants`,
      () => ({ Identity: 'authz-customer', Attributes: { friendlyName: 'Cy' } }),
    ),
    twilio('GET /v1/Conversations/:sid/Participants', (w) => `/v1/Conversations/${w.channelA}/Participants`),
    twilio(
      'GET /v1/Conversations/:sid/Participants/:sid',
      (w) => `${conversation(w)}/Participants/${w.participantSid}`,
    ),
    twilio(
      'POST /v1/Conversations/:sid/Participants/:sid',
      (w) => `${conversation(w)}/Participants/${w.participantSid}`,
      () => ({ LastReadMessageIndex: 0 }),
    ),
    twilio(
      'DELETE /v1/Conversations/:sid/Participants/:sid',
      (w) => `${conversation(w)}/Participants/${FAKE.MB}`,
    ),
    // Studio v2 (studio.ts)
    twilio(
      'POST /v2/Flows',
      () => '/v2/Flows',
      () => ({ FriendlyName: 'Fuzz bot', Status: 'published', Definition: demoFlow, CommitMessage: 'first' }),
    ),
    twilio('GET /v2/Flows', () => '/v2/Flows'),
    twilio('GET /v2/Flows/:sid', (w) => `/v2/Flows/${w.flowSid}`),
    twilio(
      'POST /v2/Flows/:sid',
      (w) => `/v2/Flows/${w.flowSid}`,
      () => ({ Status: 'published', CommitMessage: 'unchanged' }),
    ),
    twilio('DELETE /v2/Flows/:sid', () => `/v2/Flows/${FAKE.FW}`),
    // From no Flex Flow's address: the flow runs on a conversation of its own with To.
    twilio(
      'POST /v2/Flows/:sid/Executions',
      (w) => `/v2/Flows/${w.flowSid}/Executions`,
      () => ({ To: '+15550123', From: 'authz', Parameters: { order: '42' } }),
    ),
    twilio('GET /v2/Flows/:sid/Executions', (w) => `/v2/Flows/${w.flowSid}/Executions`),
    twilio('GET /v2/Flows/:sid/Executions/:sid', execution),
    twilio('POST /v2/Flows/:sid/Executions/:sid', execution, () => ({ Status: 'ended' })),
    twilio('DELETE /v2/Flows/:sid/Executions/:sid', execution),
    twilio('GET /v2/Flows/:sid/Executions/:sid/Context', (w) => `${execution(w)}/Context`),
    twilio('GET /v2/Flows/:sid/Executions/:sid/Steps', (w) => `${execution(w)}/Steps`),
    twilio('GET /v2/Flows/:sid/Executions/:sid/Steps/:sid', (w) => `${execution(w)}/Steps/${FAKE.FT}`),
    twilio(
      'GET /v2/Flows/:sid/Executions/:sid/Steps/:sid/Context',
      (w) => `${execution(w)}/Steps/${FAKE.FT}/Context`,
    ),
  ];
}

export type { AgentSocket, VisitorSocket };
export { connectAgent, connectVisitor };
