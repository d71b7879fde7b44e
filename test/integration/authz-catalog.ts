/**
 * Every socket event and REST route, with a valid example of its input, for the fuzz and the
 * authorisation tests. Sids in paths and bodies come from a `World` built on a real server.
 * A new event or route belongs here, so both tests cover it.
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
};

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
    apiKeySecret: (await parley.api('POST', '/v1/ApiKeys', { friendlyName: 'authz' })).body.secret,
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
];

export type { AgentSocket, VisitorSocket };
export { connectAgent, connectVisitor };
