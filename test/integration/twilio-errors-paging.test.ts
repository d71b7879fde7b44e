/**
 * The Twilio-shaped surface's errors and paging, family by family (Flex API, TaskRouter,
 * Studio v2, Conversations), through the official `twilio` library and raw requests: every
 * error is `{ code, message, more_info, status }` with Twilio's numeric code, and every list
 * is read to its end one item a page, by `list()` and by `each()`.
 */
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parleyHttpClient, type TwilioRequestOptions } from '../../server/twilio.ts';
import { signIn } from '../helpers/clients.ts';
import { startParley, type TestParley } from '../helpers/server.ts';
import { twilioAt } from '../helpers/twilio.ts';

const ACCOUNT_SID = `AC${'9abc0123'.repeat(4)}`;

let parley: TestParley;
let client: twilio.Twilio;
/** How many requests the library sent: a list read one item a page sends one per item. */
let requests = 0;

beforeAll(async () => {
  parley = await startParley();
  const inner = parleyHttpClient(parley.url);
  const counting = {
    request(opts: TwilioRequestOptions) {
      requests++;
      return inner.request(opts);
    },
  };
  client = twilio(ACCOUNT_SID, parley.adminKey, { httpClient: counting as never });
});
afterAll(() => parley?.stop());

const basic = (password: string) => `Basic ${Buffer.from(`${ACCOUNT_SID}:${password}`).toString('base64')}`;

/** A raw request with Basic auth and a form body, as Twilio's wire format has it. */
async function send(
  method: string,
  path: string,
  form?: Record<string, string>,
  headers: Record<string, string> = {},
) {
  const res = await fetch(parley.url + path, {
    method,
    headers: {
      authorization: basic(parley.adminKey),
      ...(form && { 'content-type': 'application/x-www-form-urlencoded' }),
      ...headers,
    },
    body: form ? new URLSearchParams(form) : undefined,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Twilio's error body: numeric code, message, more_info on twilio.com, status. */
function expectTwilioError(
  res: { status: number; body: Record<string, unknown> },
  status: number,
  code: number,
) {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({
    code,
    message: expect.any(String),
    more_info: `https://www.twilio.com/docs/errors/${code}`,
    status,
  });
}

const waitingFlow = {
  description: 'Asks and waits',
  initial_state: 'Trigger',
  flags: { allow_concurrent_calls: true },
  states: [
    {
      name: 'Trigger',
      type: 'trigger',
      transitions: [{ event: 'incomingMessage' }, { event: 'incomingRequest', next: 'hello' }],
      properties: {},
    },
    {
      name: 'hello',
      type: 'send-message',
      transitions: [{ event: 'sent', next: 'ask' }],
      properties: { body: 'Hello' },
    },
    {
      name: 'ask',
      type: 'send-and-wait-for-reply',
      transitions: [{ event: 'incomingMessage' }, { event: 'timeout' }, { event: 'deliveryFailure' }],
      properties: { body: 'What is your order number?', timeout: '3600' },
    },
  ],
};

describe('Twilio errors on every family', () => {
  const families = {
    'Flex API': '/v1/FlexFlows',
    TaskRouter: '', // filled with the workspace's path
    'Studio v2': '/v2/Flows',
    Conversations: '/v1/Conversations',
  };
  /** A body each family's create would accept. */
  const valid = {
    'Flex API': { FriendlyName: 'x', ChannelType: 'web', ContactIdentity: 'colour' },
    TaskRouter: { FriendlyName: 'x' },
    'Studio v2': { FriendlyName: 'x', Status: 'published', Definition: JSON.stringify(waitingFlow) },
    Conversations: { FriendlyName: 'x' },
  };
  beforeAll(async () => {
    const [workspace] = await client.taskrouter.v1.workspaces.list();
    families.TaskRouter = `/v1/Workspaces/${workspace?.sid}/Workers`;
  });

  it('answers 404 (20404), 400 naming the field (20001), 415 (20415) and 401 (20003)', async () => {
    for (const [family, path] of Object.entries(families)) {
      const unknown = await send('GET', `${path}/${path.includes('Flows') ? 'FW' : 'XX'}${'0'.repeat(32)}`);
      expectTwilioError(unknown, 404, 20404);

      const colour = await send('POST', path, { ...valid[family as keyof typeof valid], Colour: 'red' });
      expectTwilioError(colour, 400, 20001);
      expect(colour.body.message, family).toContain('Colour');

      const json = await fetch(parley.url + path, {
        method: 'POST',
        headers: { authorization: basic(parley.adminKey), 'content-type': 'application/json' },
        body: JSON.stringify({ FriendlyName: 'x' }),
      });
      expectTwilioError({ status: json.status, body: await json.json() }, 415, 20415);
    }
    // Wrong credentials: the library raises Twilio's RestException with code 20003.
    const stranger = twilioAt(parley.url, ACCOUNT_SID, 'wrong-key');
    await expect(stranger.conversations.v1.conversations.list()).rejects.toMatchObject({
      status: 401,
      code: 20003,
      moreInfo: 'https://www.twilio.com/docs/errors/20003',
    });
  });

  it('answers 404 (20404) for a Twilio resource Parley does not have, and 405 (20004) for a method a resource does not take', async () => {
    // Resources of the families Parley does not serve, asked by the library: Twilio's 404.
    for (const missing of [
      () => client.flexApi.v1.configuration().fetch(),
      () => client.conversations.v1.services.list(),
      () => client.api.v2010.accounts(ACCOUNT_SID).fetch(),
    ])
      await expect(missing()).rejects.toMatchObject({
        status: 404,
        code: 20404,
        moreInfo: 'https://www.twilio.com/docs/errors/20404',
        message: expect.stringContaining('docs/twilio.md'),
      });
    const [workspace] = await client.taskrouter.v1.workspaces.list();
    // A voice instruction on a chat's reservation: the field named is the one sent.
    const dequeue = await send(
      'POST',
      `/v1/Workspaces/${workspace?.sid}/Tasks/WT${'0'.repeat(32)}/Reservations/WR${'0'.repeat(32)}`,
      { Instruction: 'dequeue', DequeueFrom: '+15550100' },
    );
    expectTwilioError(dequeue, 400, 20001);
    expect(dequeue.body.message).toMatch(
      /^body\.Instruction: call instructions \(dequeue\) are for voice tasks/,
    );
    const executions = `/v2/Flows/FW${'0'.repeat(32)}/Executions/FN${'0'.repeat(32)}`;
    for (const [method, path, allowed] of [
      ['DELETE', `${executions}/Steps`, 'GET'],
      ['POST', `/v1/Workspaces/${workspace?.sid}`, 'GET'],
    ] as const) {
      const res = await fetch(parley.url + path, {
        method,
        headers: { authorization: basic(parley.adminKey) },
      });
      expect(res.headers.get('allow'), `${method} ${path}`).toBe(allowed);
      expectTwilioError({ status: res.status, body: await res.json() }, 405, 20004);
    }
  });

  it('answers 409 (20409) where a request clashes with the state, in each family', async () => {
    // Flex API: a second enabled Flex Flow for the same channel type and contact identity.
    const flexFlow = await client.flexApi.v1.flexFlow.create({
      friendlyName: 'Clash',
      chatServiceSid: `IS${'0'.repeat(32)}`,
      channelType: 'web',
      contactIdentity: 'clash',
    });
    await expect(
      client.flexApi.v1.flexFlow.create({
        friendlyName: 'Clash again',
        chatServiceSid: `IS${'0'.repeat(32)}`,
        channelType: 'web',
        contactIdentity: 'clash',
      }),
    ).rejects.toMatchObject({ status: 409, code: 20409 });

    // TaskRouter: completing a task nobody has accepted.
    const [workspace] = await client.taskrouter.v1.workspaces.list();
    const ws = client.taskrouter.v1.workspaces(workspace?.sid ?? '');
    const task = await ws.tasks.create({ attributes: '{"type":"clash"}' });
    await expect(ws.tasks(task.sid).update({ assignmentStatus: 'completed' })).rejects.toMatchObject({
      status: 409,
      code: 20409,
    });

    // Studio: a second execution on a channel whose first still waits for a reply.
    const channel = await client.flexApi.v1.webChannel.create({
      flexFlowSid: flexFlow.sid,
      identity: 'clash@example.com',
      customerFriendlyName: 'Clash',
      chatFriendlyName: 'Clash',
    });
    const flow = await client.studio.v2.flows.create({
      friendlyName: 'Waits',
      status: 'published',
      definition: waitingFlow,
    });
    await client.studio.v2.flows(flow.sid).executions.create({ to: channel.sid, from: 'clash' });
    await expect(
      client.studio.v2.flows(flow.sid).executions.create({ to: channel.sid, from: 'clash' }),
    ).rejects.toMatchObject({ status: 409, code: 20409 });

    // Conversations: a message to a closed conversation.
    const conversation = await client.conversations.v1.conversations.create({ friendlyName: 'Closed' });
    await client.conversations.v1.conversations(conversation.sid).update({ state: 'closed' });
    await expect(
      client.conversations.v1.conversations(conversation.sid).messages.create({ body: 'late' }),
    ).rejects.toMatchObject({ status: 409, code: 20409 });
  });

  it('admits only the admin key (or an API key) to the statistics, reservation, web channel and interaction routes', async () => {
    const [workspace] = await client.taskrouter.v1.workspaces.list();
    const ws = `/v1/Workspaces/${workspace?.sid}`;
    const { worker } = await signIn(parley.url);
    const [queue] = await client.taskrouter.v1.workspaces(workspace?.sid ?? '').taskQueues.list();
    const routes: [string, string][] = [
      ['GET', `${ws}/Statistics`],
      ['GET', `${ws}/RealTimeStatistics`],
      ['GET', `${ws}/CumulativeStatistics`],
      ['GET', `${ws}/TaskQueues/Statistics`],
      ['GET', `${ws}/TaskQueues/${queue?.sid}/Statistics`],
      ['GET', `${ws}/TaskQueues/${queue?.sid}/RealTimeStatistics`],
      ['GET', `${ws}/TaskQueues/${queue?.sid}/CumulativeStatistics`],
      ['GET', `${ws}/Workers/Statistics`],
      ['GET', `${ws}/Workers/RealTimeStatistics`],
      ['GET', `${ws}/Workers/CumulativeStatistics`],
      ['GET', `${ws}/Workers/${worker.sid}/Statistics`],
      ['GET', `${ws}/Workers/${worker.sid}/Reservations`],
      ['GET', `${ws}/Workers/${worker.sid}/Reservations/WR${'0'.repeat(32)}`],
      ['POST', `${ws}/Workers/${worker.sid}/Reservations/WR${'0'.repeat(32)}`],
      ['GET', `${ws}/TaskChannels`],
      ['GET', `${ws}/TaskChannels/chat`],
      ['GET', `${ws}/Workers/${worker.sid}/Channels`],
      ['GET', `${ws}/Workers/${worker.sid}/Channels/chat`],
      ['POST', `${ws}/Workers/${worker.sid}/Channels/chat`],
      ['GET', '/v1/WebChannels'],
      ['GET', `/v1/WebChannels/CH${'0'.repeat(32)}`],
      ['DELETE', `/v1/WebChannels/CH${'0'.repeat(32)}`],
      ['GET', `/v1/Interactions/KD${'0'.repeat(32)}`],
    ];
    const agent = await signIn(parley.url);
    const key = (await parley.api('POST', '/v1/ApiKeys', { friendlyName: 'twilio' })).body;
    const apiKey = `Basic ${Buffer.from(`${key.sid}:${key.secret}`).toString('base64')}`;
    for (const [method, path] of routes) {
      const body =
        method !== 'POST' ? undefined : path.endsWith('/chat') ? 'Capacity=2' : 'ReservationStatus=accepted';
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      for (const authorization of [basic('wrong-key'), `Bearer ${agent.token}`, undefined]) {
        const res = await fetch(parley.url + path, {
          method,
          headers: { ...form, ...(authorization && { authorization }) },
          body,
        });
        expect(res.status, `${method} ${path} with ${authorization ?? 'nothing'}`).toBe(401);
        // Without Basic auth or a body, /v1/WebChannels and /v1/Interactions are Parley's own
        // paths too, which refuse in Parley's shape (docs/twilio.md, "Which shape answers").
        const twilioShaped =
          authorization?.startsWith('Basic') || !/^\/v1\/(WebChannels|Interactions)/.test(path);
        expect(await res.json(), `${method} ${path} with ${authorization ?? 'nothing'}`).toMatchObject({
          code: twilioShaped ? 20003 : 'unauthorized',
        });
      }
      for (const authorization of [basic(parley.adminKey), apiKey]) {
        const admitted = await fetch(parley.url + path, {
          method,
          headers: { ...form, authorization },
          body,
        });
        expect([200, 204, 404], `${method} ${path} with ${authorization}`).toContain(admitted.status);
      }
    }
  });

  it('answers 429 (20429) in Twilio shape once an address has sent too many wrong credentials', async () => {
    // A server of its own: the lock shuts this address out of it for a minute.
    const guarded = await startParley({ limits: { authFailuresPerMinute: 3 } });
    try {
      const get = async (path: string, password: string) => {
        const res = await fetch(guarded.url + path, { headers: { authorization: basic(password) } });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };
      for (let i = 0; i < 3; i++) expectTwilioError(await get('/v1/Conversations', 'wrong'), 401, 20003);
      // Failures are counted after each answer (in the shared counter): the lock follows shortly.
      let limited = await get('/v1/Conversations', 'wrong');
      for (let i = 0; i < 20 && limited.status !== 429; i++)
        limited = await get('/v1/Conversations', 'wrong');
      expectTwilioError(limited, 429, 20429);
      for (const path of ['/v1/FlexFlows', '/v2/Flows', '/v1/Workspaces'])
        expectTwilioError(await get(path, guarded.adminKey), 429, 20429);
    } finally {
      await guarded.stop();
    }
  });
});

interface Listable {
  list(options?: object): Promise<unknown[]>;
  each(options: object, callback: (item: unknown) => void): void;
}
type Item = Record<string, unknown>;

/**
 * Reads a list whole (one page of 1000), then one item a page by `list()` and by `each()`:
 * both must give the same items in the same order, past the first page. The raw first page has
 * Twilio's `meta`, and `Page=1` without a token starts where the first page ended.
 */
async function expectPaged(name: string, listable: Listable, path: string, key = ['sid', 'sid']) {
  const [camel, snake] = key as [string, string];
  const whole = (await listable.list({ pageSize: 1000 })).map((item) => (item as Item)[camel]);
  expect(whole.length, `${name}: at least two to page through`).toBeGreaterThanOrEqual(2);
  const before = requests;
  const paged = (await listable.list({ pageSize: 1 })).map((item) => (item as Item)[camel]);
  expect(paged, name).toEqual(whole);
  expect(requests - before, `${name}: one request a page`).toBeGreaterThanOrEqual(whole.length);
  const seen: unknown[] = [];
  await new Promise<void>((resolve, reject) =>
    listable.each({ pageSize: 1, done: (err?: Error) => (err ? reject(err) : resolve()) }, (item) =>
      seen.push((item as Item)[camel]),
    ),
  );
  expect(seen, `${name} by each()`).toEqual(whole);

  const first = await send('GET', `${path}?PageSize=1`);
  const meta = first.body.meta as Record<string, unknown>;
  expect(meta, name).toEqual({
    page: 0,
    page_size: 1,
    first_page_url: expect.stringMatching(new RegExp(`^${parley.url}${path}\\?`)),
    previous_page_url: null,
    next_page_url: expect.stringMatching(new RegExp(`^${parley.url}${path}\\?.*Page=1`)),
    url: expect.stringMatching(new RegExp(`^${parley.url}${path}\\?`)),
    key: expect.any(String),
  });
  const second = await send('GET', `${path}?PageSize=1&Page=1`);
  const [item] = second.body[String(meta.key)] as Item[];
  expect(item?.[snake], `${name}: Page=1`).toBe(whole[1]);
  expect((second.body.meta as Item).previous_page_url, name).toEqual(expect.stringContaining('Page=0'));
}

describe('paging on every Twilio-shaped list', () => {
  it('reads every list past its first page, by list() and each()', async () => {
    const flex = client.flexApi.v1;
    await flex.flexFlow.create({
      friendlyName: 'Paging',
      chatServiceSid: `IS${'0'.repeat(32)}`,
      channelType: 'web',
      contactIdentity: 'paging',
    });
    for (const who of ['ann', 'bob']) {
      await flex.channel.create({
        flexFlowSid: parley.flexFlowSid,
        identity: `${who}@example.com`,
        chatUserFriendlyName: who,
        chatFriendlyName: who,
      });
      await flex.webChannel.create({
        flexFlowSid: parley.flexFlowSid,
        identity: `web-${who}@example.com`,
        customerFriendlyName: who,
        chatFriendlyName: who,
      });
    }
    await expectPaged('FlexFlows', flex.flexFlow, '/v1/FlexFlows');
    await expectPaged('Channels', flex.channel, '/v1/Channels');
    await expectPaged('WebChannels', flex.webChannel, '/v1/WebChannels');

    const [workspace] = await client.taskrouter.v1.workspaces.list();
    const wsPath = `/v1/Workspaces/${workspace?.sid}`;
    const ws = client.taskrouter.v1.workspaces(workspace?.sid ?? '');
    const queue = await ws.taskQueues.create({
      friendlyName: 'Paging',
      targetWorkers: 'skills HAS "paging"',
    });
    const workflow = await ws.workflows.create({
      friendlyName: 'Paging',
      configuration: JSON.stringify({ task_routing: { filters: [], default_filter: { queue: queue.sid } } }),
    });
    await ws.workflows.create({
      friendlyName: 'Paging 2',
      configuration: JSON.stringify({ task_routing: { filters: [], default_filter: { queue: queue.sid } } }),
    });
    const available = (await ws.activities.list({ friendlyName: 'Available' }))[0]?.sid;
    const workers = [];
    for (const name of ['Pat', 'Sam']) {
      const worker = await ws.workers.create({ friendlyName: name, attributes: '{"skills":["paging"]}' });
      workers.push(await ws.workers(worker.sid).update({ activitySid: available }));
    }
    // Each task is offered to both workers in turn, and both decline: two offers on each task,
    // two on each worker.
    for (const n of [1, 2]) {
      const task = await ws.tasks.create({ workflowSid: workflow.sid, attributes: JSON.stringify({ n }) });
      for (let declined = 0; declined < 2; ) {
        await parley.server.core.idle();
        const [offer] = await ws.tasks(task.sid).reservations.list({ reservationStatus: 'pending' });
        if (!offer) continue;
        await ws.tasks(task.sid).reservations(offer.sid).update({ reservationStatus: 'rejected' });
        declined++;
      }
      if (n === 2)
        await expectPaged(
          'Task reservations',
          ws.tasks(task.sid).reservations,
          `${wsPath}/Tasks/${task.sid}/Reservations`,
        );
    }
    await expectPaged('Activities', ws.activities, `${wsPath}/Activities`);
    await expectPaged('Workers', ws.workers, `${wsPath}/Workers`);
    await expectPaged(
      'Worker reservations',
      ws.workers(workers[0]?.sid ?? '').reservations,
      `${wsPath}/Workers/${workers[0]?.sid}/Reservations`,
    );
    await expectPaged('TaskQueues', ws.taskQueues, `${wsPath}/TaskQueues`);
    await expectPaged('TaskQueues statistics', ws.taskQueues.statistics, `${wsPath}/TaskQueues/Statistics`, [
      'taskQueueSid',
      'task_queue_sid',
    ]);
    await expectPaged('Workflows', ws.workflows, `${wsPath}/Workflows`);
    await expectPaged('Tasks', ws.tasks, `${wsPath}/Tasks`);

    const studio = client.studio.v2;
    const flow = await studio.flows.create({
      friendlyName: 'Paging',
      status: 'published',
      definition: waitingFlow,
    });
    await studio.flows.create({ friendlyName: 'Paging 2', status: 'published', definition: waitingFlow });
    const channels = await flex.webChannel.list();
    for (const channel of channels.slice(-2))
      await studio
        .flows(flow.sid)
        .executions.create({ to: channel.sid, from: 'paging', parameters: { n: 1 } });
    await parley.server.core.idle();
    const [execution] = await studio.flows(flow.sid).executions.list();
    await expectPaged('Flows', studio.flows, '/v2/Flows');
    await expectPaged('Executions', studio.flows(flow.sid).executions, `/v2/Flows/${flow.sid}/Executions`);
    await expectPaged(
      'Steps',
      studio.flows(flow.sid).executions(execution?.sid ?? '').steps,
      `/v2/Flows/${flow.sid}/Executions/${execution?.sid}/Steps`,
    );

    const conversations = client.conversations.v1;
    const conversation = await conversations.conversations.create({ friendlyName: 'Paging' });
    const one = conversations.conversations(conversation.sid);
    for (const identity of ['ann', 'bob']) await one.participants.create({ identity });
    for (const body of ['one', 'two', 'three']) await one.messages.create({ author: 'ann', body });
    await expectPaged('Conversations', conversations.conversations, '/v1/Conversations');
    await expectPaged('Messages', one.messages, `/v1/Conversations/${conversation.sid}/Messages`);
    await expectPaged('Participants', one.participants, `/v1/Conversations/${conversation.sid}/Participants`);
  });
});

describe('paging with a Twilio region or edge set', () => {
  it('reads past the first page though the library writes the region into every host name', async () => {
    // TWILIO_REGION / TWILIO_EDGE in a team's environment come to the same: the library puts
    // them into the host of each URL it requests, the next_page_url that names Parley too.
    // A host name, not an address: the library cannot write a region into 127.0.0.1.
    const hosts: string[] = [];
    const inner = parleyHttpClient(parley.url.replace('127.0.0.1', 'localhost'));
    const regional = twilio(ACCOUNT_SID, parley.adminKey, {
      region: 'ie1',
      edge: 'dublin',
      httpClient: {
        request(opts: TwilioRequestOptions) {
          hosts.push(new URL(opts.uri).hostname);
          return inner.request(opts);
        },
      } as never,
    });
    await regional.flexApi.v1.flexFlow.create({
      friendlyName: 'Regional',
      chatServiceSid: `IS${'0'.repeat(32)}`,
      channelType: 'web',
      contactIdentity: 'regional',
    });
    const whole = (await regional.flexApi.v1.flexFlow.list({ pageSize: 1000 })).map((f) => f.sid);
    expect(whole.length).toBeGreaterThanOrEqual(2);
    hosts.length = 0;
    const paged = (await regional.flexApi.v1.flexFlow.list({ pageSize: 1 })).map((f) => f.sid);
    expect(paged).toEqual(whole);
    // The pages after the first were asked for at a host the library made from Parley's.
    expect(hosts.length).toBeGreaterThanOrEqual(whole.length);
    expect(
      hosts.slice(1).every((host) => host.includes('ie1')),
      hosts.join(' '),
    ).toBe(true);
  });
});
