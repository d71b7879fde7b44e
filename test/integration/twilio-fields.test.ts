/**
 * Every field the official `twilio` library (v6) reads is in Parley's raw JSON, with the type
 * the library declares: the fields and types come from the library's own resource interfaces
 * (`interface TaskResource { … }` in node_modules/twilio/lib/rest/**), so a field Twilio adds
 * in a later version, or one Parley drops, fails here by name. One of each resource is created
 * through the library against a real Parley; the raw bodies are captured by the httpClient.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parleyHttpClient, type TwilioRequestOptions } from '../../server/twilio.ts';
import { startParley, type TestParley } from '../helpers/server.ts';
import { fakeProvider } from './messaging-helpers.ts';

const ACCOUNT_SID = `AC${'5678ef01'.repeat(4)}`;
const REST = join(dirname(createRequire(import.meta.url).resolve('twilio/package.json')), 'lib/rest');

/** `interface <name>Resource { field: type; … }` of a library file: what its Instance reads. */
function resourceFields(file: string, name: string): Record<string, string> {
  const source = readFileSync(join(REST, `${file}.d.ts`), 'utf8');
  const block = source.match(new RegExp(`interface ${name}Resource \\{([^}]*)\\}`))?.[1];
  if (!block) throw new Error(`no ${name}Resource in ${file}.d.ts`);
  return Object.fromEntries(
    [...block.matchAll(/^\s*(\w+): (.+);$/gm)].map(([, field, type]) => [field, type ?? '']),
  );
}

/** What is wrong with a raw body against the library's resource: missing, null or mistyped. */
function problemsOf(body: Record<string, unknown>, fields: Record<string, string>, nullable: string[]) {
  const problems: string[] = [];
  for (const [field, type] of Object.entries(fields)) {
    if (!(field in body)) {
      problems.push(`${field}: missing`);
      continue;
    }
    const value = body[field];
    if (value === null) {
      if (!nullable.includes(field)) problems.push(`${field}: null`);
      continue;
    }
    const ok =
      type === 'Date'
        ? typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(value)
        : type === 'number'
          ? Number.isInteger(value)
          : type === 'boolean'
            ? typeof value === 'boolean'
            : type.startsWith('Array')
              ? Array.isArray(value)
              : type.startsWith('Record')
                ? typeof value === 'object' && !Array.isArray(value)
                : type === 'any'
                  ? true
                  : typeof value === 'string'; // string, and the library's enums (TaskStatus…)
    if (!ok) problems.push(`${field}: ${JSON.stringify(value)} is not a ${type}`);
  }
  return problems;
}

let parley: TestParley;
let provider: Awaited<ReturnType<typeof fakeProvider>>;
let client: twilio.Twilio;
const responses: { method: string; uri: string; status: number; body: string }[] = [];

beforeAll(async () => {
  provider = await fakeProvider();
  parley = await startParley();
  const inner = parleyHttpClient(parley.url);
  const recording = {
    async request(opts: TwilioRequestOptions) {
      const res = await inner.request(opts);
      responses.push({ method: opts.method, uri: opts.uri, status: res.statusCode, body: res.body });
      return res;
    },
  };
  client = twilio(ACCOUNT_SID, parley.adminKey, { httpClient: recording as never });
});
afterAll(async () => {
  await parley?.stop();
  await provider?.close();
});

type Raw = Record<string, unknown>;

/** Runs one library call and returns its value and the raw JSON Parley answered. */
async function raw<T>(call: () => Promise<T>): Promise<{ value: T; body: Raw }> {
  responses.length = 0;
  const value = await call();
  const last = responses.at(-1);
  if (!last) throw new Error('the call sent no request');
  return { value, body: JSON.parse(last.body) as Raw };
}
/** The items of the first list page the library read. */
async function rawList(call: () => Promise<unknown>): Promise<Raw[]> {
  responses.length = 0;
  await call();
  const page = JSON.parse(responses[0]?.body ?? '{}') as Raw & { meta: { key: string } };
  return page[page.meta.key] as Raw[];
}
/** The first item of a list the library read. */
async function rawItem(call: () => Promise<unknown>): Promise<{ body: Raw }> {
  const [first] = await rawList(call);
  if (!first) throw new Error('the list was empty');
  return { body: first };
}

/**
 * Asserts a raw body has every field of the library's resource. `nullable` names the fields
 * Parley leaves null, each where Twilio too answers null (an unset callback, no reason yet).
 */
function expectResource(body: Raw, file: string, name: string, nullable: string[] = []) {
  const fields = resourceFields(file, name);
  expect(problemsOf(body, fields, nullable), `${name} (${file})`).toEqual([]);
  if ('account_sid' in fields) expect(body.account_sid).toBe(ACCOUNT_SID);
  if ('workspace_sid' in fields) expect(body.workspace_sid).toMatch(/^WS[0-9a-f]{32}$/);
  if ('url' in fields) expect(String(body.url)).toMatch(new RegExp(`^${parley.url}/v[12]/`));
  if (body.links && typeof body.links === 'object')
    for (const link of Object.values(body.links)) expect(String(link)).toMatch(new RegExp(`^${parley.url}/`));
}
/** A resource nested in another (`realtime`, `cumulative`): its own fields, less the ids around it. */
function expectNested(body: unknown, file: string, name: string, nullable: string[] = []) {
  const fields = resourceFields(file, name);
  for (const outer of ['account_sid', 'workspace_sid', 'task_queue_sid', 'url']) delete fields[outer];
  expect(problemsOf(body as Raw, fields, nullable), `${name} in a Statistics resource`).toEqual([]);
}
const WS = 'taskrouter/v1/workspace/';
const sidOf = (prefix: string) => new RegExp(`^${prefix}[0-9a-f]{32}$`);

const greeting = {
  description: 'Greets',
  initial_state: 'Trigger',
  flags: { allow_concurrent_calls: true },
  states: [
    {
      name: 'Trigger',
      type: 'trigger',
      transitions: [{ event: 'incomingMessage' }, { event: 'incomingRequest', next: 'greet' }],
      properties: {},
    },
    {
      name: 'greet',
      type: 'send-message',
      transitions: [{ event: 'sent' }, { event: 'failed' }],
      properties: { body: 'Hello {{flow.data.name}}' },
    },
  ],
};

describe('every field the twilio library reads is set', () => {
  it('Flex API: FlexFlows, Channels, WebChannels, Interactions', async () => {
    const flexFlow = await raw(() =>
      client.flexApi.v1.flexFlow.create({
        friendlyName: 'Fields web',
        chatServiceSid: `IS${'0'.repeat(32)}`,
        channelType: 'web',
      }),
    );
    expect(flexFlow.body.sid).toMatch(sidOf('FO'));
    expect(flexFlow.body.chat_service_sid).toMatch(sidOf('IS'));
    expectResource(flexFlow.body, 'flexApi/v1/flexFlow', 'FlexFlow');
    expectResource(
      (await raw(() => client.flexApi.v1.flexFlow(flexFlow.value.sid).fetch())).body,
      'flexApi/v1/flexFlow',
      'FlexFlow',
    );
    expectResource(
      (await rawItem(() => client.flexApi.v1.flexFlow.list())).body,
      'flexApi/v1/flexFlow',
      'FlexFlow',
    );

    const channel = await raw(() =>
      client.flexApi.v1.channel.create({
        flexFlowSid: flexFlow.value.sid,
        identity: 'fields@example.com',
        chatUserFriendlyName: 'Fields',
        chatFriendlyName: 'Fields chat',
      }),
    );
    expect(channel.body.sid).toMatch(sidOf('CH'));
    expect(channel.body.user_sid).toMatch(sidOf('US'));
    // A web Flex Flow routes on the first message: no task yet, as on Twilio.
    expectResource(channel.body, 'flexApi/v1/channel', 'Channel', ['task_sid']);
    expectResource(
      (await rawItem(() => client.flexApi.v1.channel.list())).body,
      'flexApi/v1/channel',
      'Channel',
      ['task_sid'],
    );

    const web = await raw(() =>
      client.flexApi.v1.webChannel.create({
        flexFlowSid: flexFlow.value.sid,
        identity: 'web@example.com',
        customerFriendlyName: 'Web',
        chatFriendlyName: 'Web chat',
      }),
    );
    expectResource(web.body, 'flexApi/v1/webChannel', 'WebChannel');
    const fetched = await raw(() => client.flexApi.v1.webChannel(web.value.sid).fetch());
    expectResource(fetched.body, 'flexApi/v1/webChannel', 'WebChannel');
    const listed = await client.flexApi.v1.webChannel.list();
    expect(listed.map((c) => c.sid)).toContain(web.value.sid);
    expect(listed.every((c) => c.flexFlowSid !== undefined)).toBe(true);

    const sms = await parley.api('POST', '/v1/FlexFlows', {
      friendlyName: 'Fields SMS',
      channelType: 'sms',
      contactIdentity: '+15550111',
      enabled: true,
      integrationType: 'task',
      messagingConnector: { url: provider.url, authToken: 'provider-auth-token' },
    });
    expect(sms.status).toBe(201);
    const interaction = await raw(() =>
      client.flexApi.v1.interaction.create({
        channel: {
          type: 'sms',
          initiated_by: 'agent',
          participants: [{ address: '+15557001', proxy_address: '+15550111' }],
        },
        routing: { properties: { task_channel_unique_name: 'sms' } },
      }),
    );
    expect(interaction.body.sid).toMatch(sidOf('KD'));
    // Neither given in the request: Twilio answers null too.
    expectResource(interaction.body, 'flexApi/v1/interaction', 'Interaction', [
      'interaction_context_sid',
      'webhook_ttid',
    ]);
    const again = await raw(() => client.flexApi.v1.interaction(interaction.value.sid).fetch());
    expectResource(again.body, 'flexApi/v1/interaction', 'Interaction', [
      'interaction_context_sid',
      'webhook_ttid',
    ]);
    expect(again.value.channel).toMatchObject({
      type: 'sms',
      sid: (interaction.value.channel as { sid: string }).sid,
      participants: [{ address: '+15557001', proxy_address: '+15550111' }],
    });
  });

  it('TaskRouter: workspace, activities, queues, workflows, workers, tasks, reservations', async () => {
    const workspace = await rawItem(() => client.taskrouter.v1.workspaces.list());
    // No callback set (Parley's events go to its webhooks), as a new Twilio workspace.
    const noCallback = ['event_callback_url', 'events_filter'];
    expectResource(workspace.body, 'taskrouter/v1/workspace', 'Workspace', noCallback);
    const wsSid = String(workspace.body.sid);
    expect(wsSid).toMatch(sidOf('WS'));
    expectResource(
      (await raw(() => client.taskrouter.v1.workspaces(wsSid).fetch())).body,
      'taskrouter/v1/workspace',
      'Workspace',
      noCallback,
    );
    const ws = client.taskrouter.v1.workspaces(wsSid);

    const activity = await rawItem(() => ws.activities.list());
    expect(activity.body.sid).toMatch(sidOf('WA'));
    expectResource(activity.body, 'taskrouter/v1/workspace/activity', 'Activity');

    // A queue without assignment or reservation activities: Twilio answers null for both.
    const queueNulls = [
      'assignment_activity_sid',
      'assignment_activity_name',
      'reservation_activity_sid',
      'reservation_activity_name',
    ];
    const queue = await raw(() =>
      ws.taskQueues.create({ friendlyName: 'Fields', targetWorkers: 'skills HAS "fields"' }),
    );
    expect(queue.body.sid).toMatch(sidOf('WQ'));
    expectResource(queue.body, 'taskrouter/v1/workspace/taskQueue', 'TaskQueue', queueNulls);

    const workflow = await raw(() =>
      ws.workflows.create({
        friendlyName: 'Fields first',
        configuration: JSON.stringify({
          task_routing: { filters: [], default_filter: { queue: queue.value.sid } },
        }),
      }),
    );
    expect(workflow.body.sid).toMatch(sidOf('WW'));
    // No assignment callback: Parley's events go to its webhooks; Twilio answers null when unset.
    expectResource(workflow.body, 'taskrouter/v1/workspace/workflow', 'Workflow', [
      'assignment_callback_url',
      'fallback_assignment_callback_url',
    ]);

    const worker = await raw(() =>
      ws.workers.create({ friendlyName: 'Fields agent', attributes: JSON.stringify({ skills: ['fields'] }) }),
    );
    expect(worker.body.sid).toMatch(sidOf('WK'));
    expectResource(worker.body, 'taskrouter/v1/workspace/worker', 'Worker');
    // The one TaskChannel, chat, and the worker's channel on it: its capacity is the worker's.
    const taskChannel = await rawItem(() => ws.taskChannels.list());
    expect(taskChannel.body).toMatchObject({ unique_name: 'chat', sid: expect.stringMatching(sidOf('TC')) });
    expectResource(taskChannel.body, `${WS}taskChannel`, 'TaskChannel');
    expectResource(
      (await raw(() => ws.taskChannels('chat').fetch())).body,
      `${WS}taskChannel`,
      'TaskChannel',
    );
    const workerChannel = await rawItem(() => ws.workers(worker.value.sid).workerChannels.list());
    expect(workerChannel.body.sid).toMatch(sidOf('WC'));
    expectResource(workerChannel.body, `${WS}worker/workerChannel`, 'WorkerChannel');
    const wider = await raw(() =>
      ws.workers(worker.value.sid).workerChannels('chat').update({ capacity: 3 }),
    );
    expectResource(wider.body, `${WS}worker/workerChannel`, 'WorkerChannel');
    expect(wider.value).toMatchObject({
      configuredCapacity: 3,
      assignedTasks: 0,
      availableCapacityPercentage: 100,
    });
    expect((await parley.api('GET', `/v1/Workers/${worker.value.sid}`)).body.capacity).toBe(3);
    await expect(
      ws.workers(worker.value.sid).workerChannels('chat').update({ available: false }),
    ).rejects.toMatchObject({ status: 400, message: expect.stringContaining('body.Available') });

    const available = (await ws.activities.list({ friendlyName: 'Available' }))[0]?.sid;
    await ws.workers(worker.value.sid).update({ activitySid: available });

    const task = await raw(() =>
      ws.tasks.create({
        workflowSid: workflow.value.sid,
        attributes: JSON.stringify({ type: 'fields' }),
        priority: 3,
      }),
    );
    expect(task.body.sid).toMatch(sidOf('WT'));
    // Not canceled or completed: no reason yet; routed by the queue, no single target: as Twilio.
    expectResource(task.body, 'taskrouter/v1/workspace/task', 'Task', ['reason', 'routing_target']);
    expect(task.body.task_channel_sid).toMatch(sidOf('TC'));

    // The task is offered to the one worker it targets (once routing has run); read both ways.
    let reservation: Raw | undefined;
    for (let i = 0; i < 50 && !reservation; i++) {
      await parley.server.core.idle();
      [reservation] = await rawList(() => ws.tasks(task.value.sid).reservations.list());
    }
    expect(reservation?.sid).toMatch(sidOf('WR'));
    expectResource(reservation as Raw, 'taskrouter/v1/workspace/task/reservation', 'Reservation');
    const mine = await rawItem(() => ws.workers(worker.value.sid).reservations.list());
    expectResource(mine.body, 'taskrouter/v1/workspace/worker/reservation', 'Reservation');
    expect(mine.body.sid).toBe(reservation?.sid);
    const accepted = await raw(() =>
      ws
        .workers(worker.value.sid)
        .reservations(String(reservation?.sid))
        .update({ reservationStatus: 'accepted' }),
    );
    expectResource(accepted.body, 'taskrouter/v1/workspace/worker/reservation', 'Reservation');
    expect(accepted.value.reservationStatus).toBe('accepted');
    const holding = await ws.workers(worker.value.sid).workerChannels('chat').fetch();
    expect(holding).toMatchObject({ assignedTasks: 1, availableCapacityPercentage: 66 });
    const assigned = await raw(() => ws.tasks(task.value.sid).fetch());
    expect(assigned.value.assignmentStatus).toBe('assigned');
    expectResource(assigned.body, 'taskrouter/v1/workspace/task', 'Task', ['reason', 'routing_target']);
  });

  it('TaskRouter statistics: workspace, queues, workers', async () => {
    const [workspace] = await client.taskrouter.v1.workspaces.list();
    const ws = client.taskrouter.v1.workspaces(workspace?.sid ?? '');
    const queue = await ws.taskQueues.create({ friendlyName: 'Stats', targetWorkers: 'skills HAS "stats"' });
    const workflow = await ws.workflows.create({
      friendlyName: 'Stats flow',
      configuration: JSON.stringify({ task_routing: { filters: [], default_filter: { queue: queue.sid } } }),
    });
    const worker = await ws.workers.create({
      friendlyName: 'Stats agent',
      attributes: JSON.stringify({ skills: ['stats'] }),
    });
    const waiting = await ws.tasks.create({ workflowSid: workflow.sid, attributes: '{"n":1}', priority: 9 });
    await ws.tasks.create({ workflowSid: workflow.sid, attributes: '{"n":2}', priority: 9 });
    const canceled = await ws.tasks.create({ workflowSid: workflow.sid, attributes: '{"n":3}' });
    await ws.tasks(canceled.sid).update({ assignmentStatus: 'canceled', reason: 'duplicate' });

    const realTime = await raw(() => ws.realTimeStatistics().fetch());
    // No task waiting anywhere would make the longest waiting sid null, as Twilio's; here two do.
    expectResource(
      realTime.body,
      'taskrouter/v1/workspace/workspaceRealTimeStatistics',
      'WorkspaceRealTimeStatistics',
    );
    expect((realTime.body.tasks_by_status as Record<string, number>).pending).toBeGreaterThanOrEqual(2);
    expect(realTime.body.activity_statistics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ friendly_name: 'Offline', sid: expect.stringMatching(sidOf('WA')) }),
      ]),
    );

    const cumulative = await raw(() =>
      ws.cumulativeStatistics().fetch({ minutes: 60, splitByWaitTime: '5,60' }),
    );
    expectResource(
      cumulative.body,
      'taskrouter/v1/workspace/workspaceCumulativeStatistics',
      'WorkspaceCumulativeStatistics',
    );
    expect(cumulative.body.tasks_created).toBeGreaterThanOrEqual(3);
    expect(cumulative.body.tasks_canceled).toBeGreaterThanOrEqual(1);
    expect(cumulative.body.split_by_wait_time).toMatchObject({
      '5': { below: { tasks_canceled: expect.any(Number) } },
    });

    // Wait-time splits are given only when SplitByWaitTime asks for them.
    const noSplit = ['split_by_wait_time'];
    const both = await raw(() => ws.statistics().fetch());
    expectResource(both.body, 'taskrouter/v1/workspace/workspaceStatistics', 'WorkspaceStatistics');
    expectNested(both.body.realtime, `${WS}workspaceRealTimeStatistics`, 'WorkspaceRealTimeStatistics');
    expectNested(
      both.body.cumulative,
      `${WS}workspaceCumulativeStatistics`,
      'WorkspaceCumulativeStatistics',
      noSplit,
    );

    const queueRealTime = await raw(() => ws.taskQueues(queue.sid).realTimeStatistics().fetch());
    expectResource(
      queueRealTime.body,
      'taskrouter/v1/workspace/taskQueue/taskQueueRealTimeStatistics',
      'TaskQueueRealTimeStatistics',
    );
    expect(queueRealTime.value).toMatchObject({
      totalTasks: 2,
      tasksByStatus: { pending: 2, reserved: 0, assigned: 0, wrapping: 0 },
      tasksByPriority: { '9': 2 },
      totalEligibleWorkers: 1,
      totalAvailableWorkers: 0,
      longestTaskWaitingSid: waiting.sid,
    });
    const queueCumulative = await raw(() => ws.taskQueues(queue.sid).cumulativeStatistics().fetch());
    expectResource(
      queueCumulative.body,
      'taskrouter/v1/workspace/taskQueue/taskQueueCumulativeStatistics',
      'TaskQueueCumulativeStatistics',
      noSplit,
    );
    expect(queueCumulative.value).toMatchObject({ tasksEntered: 3, tasksCanceled: 1, tasksMoved: 0 });
    const queueBoth = await raw(() => ws.taskQueues(queue.sid).statistics().fetch());
    expectResource(queueBoth.body, `${WS}taskQueue/taskQueueStatistics`, 'TaskQueueStatistics');
    expectNested(
      queueBoth.body.realtime,
      `${WS}taskQueue/taskQueueRealTimeStatistics`,
      'TaskQueueRealTimeStatistics',
    );
    expectNested(
      queueBoth.body.cumulative,
      `${WS}taskQueue/taskQueueCumulativeStatistics`,
      'TaskQueueCumulativeStatistics',
      noSplit,
    );
    const queuesPage = await rawItem(() => ws.taskQueues.statistics.list({ friendlyName: 'Stats' }));
    expectResource(queuesPage.body, `${WS}taskQueue/taskQueuesStatistics`, 'TaskQueuesStatistics');
    const everyQueue = await ws.taskQueues.statistics.list({ friendlyName: 'Stats' });
    expect(everyQueue.map((q) => q.taskQueueSid)).toEqual([queue.sid]);
    expect(everyQueue[0]?.realtime).toMatchObject({ total_tasks: 2 });

    const workersRealTime = await raw(() => ws.workers.realTimeStatistics().fetch());
    expectResource(
      workersRealTime.body,
      'taskrouter/v1/workspace/worker/workersRealTimeStatistics',
      'WorkersRealTimeStatistics',
    );
    const workersCumulative = await raw(() => ws.workers.cumulativeStatistics().fetch());
    expectResource(
      workersCumulative.body,
      'taskrouter/v1/workspace/worker/workersCumulativeStatistics',
      'WorkersCumulativeStatistics',
    );
    expect(workersCumulative.value.activityDurations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ friendly_name: 'Available', avg: expect.any(Number) }),
      ]),
    );
    const workers = await raw(() => ws.workers.statistics().fetch());
    expectResource(workers.body, `${WS}worker/workersStatistics`, 'WorkersStatistics');
    expectNested(workers.body.realtime, `${WS}worker/workersRealTimeStatistics`, 'WorkersRealTimeStatistics');
    expectNested(
      workers.body.cumulative,
      `${WS}worker/workersCumulativeStatistics`,
      'WorkersCumulativeStatistics',
    );
    const one = await raw(() => ws.workers(worker.sid).statistics().fetch());
    expectResource(one.body, `${WS}worker/workerStatistics`, 'WorkerStatistics');
    expectNested(
      one.body.cumulative,
      `${WS}worker/workersCumulativeStatistics`,
      'WorkersCumulativeStatistics',
    );
    expect(one.value.cumulative).toMatchObject({
      reservations_created: 0,
      activity_durations: expect.any(Array),
    });
  });

  it('Studio v2: flows, executions, execution context, steps', async () => {
    const flexFlow = await client.flexApi.v1.flexFlow.create({
      friendlyName: 'Fields studio',
      chatServiceSid: `IS${'0'.repeat(32)}`,
      channelType: 'web',
    });
    const channel = await client.flexApi.v1.webChannel.create({
      flexFlowSid: flexFlow.sid,
      identity: 'studio@example.com',
      customerFriendlyName: 'Studio',
      chatFriendlyName: 'Studio chat',
    });
    // Parley never stores a commit message, and its definitions are checked when saved.
    const flow = await raw(() =>
      client.studio.v2.flows.create({
        friendlyName: 'Fields flow',
        status: 'published',
        definition: greeting,
      }),
    );
    expect(flow.body.sid).toMatch(sidOf('FW'));
    expectResource(flow.body, 'studio/v2/flow', 'Flow', ['commit_message', 'author_sid']);
    const execution = await raw(() =>
      client.studio.v2.flows(flow.value.sid).executions.create({
        to: channel.sid,
        from: flexFlow.contactIdentity,
        parameters: { name: 'Ada' },
      }),
    );
    expect(execution.body.sid).toMatch(sidOf('FN'));
    expect(execution.body.contact_sid).toMatch(sidOf('FX'));
    expectResource(execution.body, 'studio/v2/flow/execution', 'Execution', ['initiated_by']);
    expectResource(
      (await rawItem(() => client.studio.v2.flows(flow.value.sid).executions.list())).body,
      'studio/v2/flow/execution',
      'Execution',
      ['initiated_by'],
    );
    const context = await raw(() =>
      client.studio.v2.flows(flow.value.sid).executions(execution.value.sid).executionContext().fetch(),
    );
    expectResource(context.body, 'studio/v2/flow/execution/executionContext', 'ExecutionContext');
    await parley.server.core.idle();
    const step = await rawItem(() =>
      client.studio.v2.flows(flow.value.sid).executions(execution.value.sid).steps.list(),
    );
    expect(step.body.sid).toMatch(sidOf('FT'));
    // A top-level step has no parent step, as in Twilio.
    expectResource(step.body, 'studio/v2/flow/execution/executionStep', 'ExecutionStep', ['parent_step_sid']);
  });

  it('Conversations: conversations, messages, participants', async () => {
    // No messaging service or bindings: a chat conversation, as Twilio's without SMS.
    const conversation = await raw(() =>
      client.conversations.v1.conversations.create({ friendlyName: 'Fields', uniqueName: 'fields' }),
    );
    expect(conversation.body.sid).toMatch(sidOf('CH'));
    expectResource(conversation.body, 'conversations/v1/conversation', 'Conversation', [
      'messaging_service_sid',
      'bindings',
    ]);
    const participant = await raw(() =>
      client.conversations.v1
        .conversations(conversation.value.sid)
        .participants.create({ identity: 'fields-kim' }),
    );
    // A chat participant: no SMS binding, no role, nothing read yet: Twilio answers null too.
    const participantNulls = [
      'messaging_binding',
      'role_sid',
      'last_read_message_index',
      'last_read_timestamp',
    ];
    expectResource(
      participant.body,
      'conversations/v1/conversation/participant',
      'Participant',
      participantNulls,
    );
    const message = await raw(() =>
      client.conversations.v1
        .conversations(conversation.value.sid)
        .messages.create({ author: 'fields-kim', body: 'hi' }),
    );
    expect(message.body.sid).toMatch(sidOf('IM'));
    // No media, no delivery receipts (chat), no content template: null in Twilio too.
    const messageNulls = ['media', 'delivery', 'content_sid'];
    expectResource(message.body, 'conversations/v1/conversation/message', 'Message', messageNulls);
    expect(message.body.participant_sid).toBe(participant.body.sid);
    expectResource(
      (await rawItem(() => client.conversations.v1.conversations(conversation.value.sid).messages.list()))
        .body,
      'conversations/v1/conversation/message',
      'Message',
      messageNulls,
    );
  });
});
