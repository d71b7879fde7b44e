/**
 * No silent 200s: a field Parley does not read — a typo, a Twilio name sent to the JSON API, a
 * socket payload with a stray key — is refused with an error naming it (and the field it was
 * probably meant to be), and the resource is left as it was. Free-form JSON stays open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userHashOf } from '../../server/core/identity.ts';
import { activitySid, WORKSPACE_SID } from '../../server/http/twilio/taskrouter-views.ts';
import {
  type AgentSocket,
  connectAgent,
  connectVisitor,
  openWebChannel,
  request,
  signIn,
  type VisitorSocket,
} from '../helpers/clients.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

let parley: TestParley;
let visitor: VisitorSocket;
let agent: AgentSocket;
let channelSid: string;
let taskSid: string;

beforeAll(async () => {
  parley = await startParley();
  const session = await openWebChannel(parley.url, { flexFlowSid: parley.flexFlowSid });
  channelSid = session.channelSid;
  visitor = await connectVisitor(parley.url, session.token);
  agent = await connectAgent(parley.url, (await signIn(parley.url)).token);
  await request(visitor, 'message:send', { clientId: 'c1', body: 'Hello' });
  taskSid = await taskOf(channelSid);
});
afterAll(async () => {
  visitor?.close();
  agent?.close();
  await parley?.stop();
});

/** The task the channel's first message created (routing creates it just after the ack). */
async function taskOf(sid: string, deadline = Date.now() + 5000): Promise<string> {
  for (;;) {
    const { taskSid } = (await parley.api('GET', `/v1/Channels/${sid}`)).body;
    if (taskSid) return taskSid;
    if (Date.now() > deadline) throw new Error(`no task for ${sid} within 5 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const refused = (message: string) => ({ status: 400, body: { code: 'invalid_request', message } });

describe('a field the REST API does not read', () => {
  it('is refused on a task update, and the task is not changed', async () => {
    const before = (await parley.api('GET', `/v1/Tasks/${taskSid}`)).body;
    expect(await parley.api('POST', `/v1/Tasks/${taskSid}`, { stauts: 'canceled' })).toMatchObject(
      refused('body.stauts is not a field of this resource; did you mean status?'),
    );
    // Twilio's name for the field, sent to Parley's JSON API.
    expect(await parley.api('POST', `/v1/Tasks/${taskSid}`, { AssignmentStatus: 'canceled' })).toMatchObject(
      refused('body.AssignmentStatus is not a field of this resource; did you mean status?'),
    );
    expect(await parley.api('PATCH', `/v1/Tasks/${taskSid}`, { colour: 'red' })).toMatchObject(
      refused(
        'body.colour is not a field of this resource; expected one of attributes, priority, status, reason',
      ),
    );
    expect((await parley.api('GET', `/v1/Tasks/${taskSid}`)).body).toMatchObject({
      status: before.status,
      dateUpdated: before.dateUpdated,
    });
  });

  it('is named before the required field its typo left missing', async () => {
    expect(await parley.api('POST', '/v1/TaskQueues', { friendlyname: 'Sales' })).toMatchObject(
      refused('body.friendlyname is not a field of this resource; did you mean friendlyName?'),
    );
  });

  it('is refused on every resource, with the field it was probably meant to be', async () => {
    const worker = (await parley.api('POST', '/v1/Workers', { friendlyName: 'Robin' })).body;
    const queue = (await parley.api('POST', '/v1/TaskQueues', { friendlyName: 'Sales' })).body;
    const flow = (await parley.api('GET', '/v1/Flows')).body.flows[0];
    const cases: [string, string, unknown, string][] = [
      ['POST', `/v1/Workers/${worker.sid}`, { frendlyName: 'Rob' }, 'body.frendlyName'],
      ['POST', `/v1/TaskQueues/${queue.sid}`, { targetworkers: '1==1' }, 'body.targetworkers'],
      ['POST', `/v1/FlexFlows/${parley.flexFlowSid}`, { janitorEnable: false }, 'body.janitorEnable'],
      ['POST', `/v1/Channels/${channelSid}`, { atributes: {} }, 'body.atributes'],
      ['POST', `/v1/Channels/${channelSid}/Messages`, { form: 'x', body: 'hi' }, 'body.form'],
      ['POST', `/v1/Flows/${flow.sid}`, { defintion: {} }, 'body.defintion'],
      ['POST', `/v1/Flows/${flow.sid}/Executions`, { channelSid, parameter: {} }, 'body.parameter'],
      [
        'POST',
        `/v1/Tasks/${taskSid}/Reservations/WR${'0'.repeat(32)}`,
        { Status: 'accepted' },
        'body.Status',
      ],
      ['POST', `/v1/Sessions/KC${'0'.repeat(32)}`, { satus: 'closed' }, 'body.satus'],
    ];
    for (const [method, path, body, field] of cases) {
      const reply = await parley.api(method, path, body);
      expect(reply.status, `${method} ${path}`).toBe(400);
      expect(reply.body.message, `${method} ${path}`).toMatch(
        new RegExp(`^${field.replace('.', '\\.')} is not a field of this resource; did you mean \\w+\\?$`),
      );
    }
    expect((await parley.api('GET', `/v1/Workers/${worker.sid}`)).body.friendlyName).toBe('Robin');
    expect((await parley.api('GET', `/v1/FlexFlows/${parley.flexFlowSid}`)).body.janitorEnabled).toBe(true);
  });

  it('is refused inside structured objects, naming the object it is not a field of', async () => {
    const queue = (await parley.api('POST', '/v1/TaskQueues', { friendlyName: 'Support' })).body;
    const workflow = await parley.api('POST', '/v1/Workflows', {
      friendlyName: 'Everything to support',
      configuration: { task_routing: { filters: [], default_filter: { queue: queue.sid, skip_if: '1==1' } } },
    });
    expect(workflow).toMatchObject(
      refused(
        'body.configuration.task_routing.default_filter.skip_if is not a field of default_filter; expected one of queue',
      ),
    );
    expect(
      await parley.api('PATCH', `/v1/FlexFlows/${parley.flexFlowSid}`, {
        widgetConfig: { offlinemessage: 'Back soon' },
      }),
    ).toMatchObject(
      refused(
        'body.widgetConfig.offlinemessage is not a field of widgetConfig; did you mean offlineMessage?',
      ),
    );
    expect(
      await parley.api('POST', '/v1/Interactions', {
        channel: { type: 'sms', to: '+15557777', form: '+15550100' },
        body: 'Your order shipped',
      }),
    ).toMatchObject(refused('body.channel.form is not a field of channel; did you mean from?'));
  });

  it('leaves free-form attributes and integration open', async () => {
    const task = await parley.api('POST', `/v1/Tasks/${taskSid}`, { attributes: { anything: { goes: 1 } } });
    expect(task).toMatchObject({ status: 200, body: { attributes: { anything: { goes: 1 } } } });
    const flexFlow = await parley.api('POST', `/v1/FlexFlows/${parley.flexFlowSid}`, {
      integration: { priority: 3, channel: 'chat', anyOtherKey: true },
    });
    expect(flexFlow).toMatchObject({
      status: 200,
      body: { integration: { priority: 3, anyOtherKey: true } },
    });
  });

  it('is refused on the public endpoints the widget and the desk sign in through', async () => {
    const webChannel = await fetch(`${parley.url}/v1/WebChannels`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: parley.url },
      body: JSON.stringify({ flexFlowSid: parley.flexFlowSid, customerFriendlyname: 'Sam' }),
    });
    expect(webChannel.status).toBe(400);
    expect((await webChannel.json()).message).toBe(
      'body.customerFriendlyname is not a field of this resource; did you mean customerFriendlyName?',
    );
    // The widget forwards what the site's page passed to identify(), extra keys and all.
    const secret = 'site-secret-0123456789';
    const verifying = await parley.api('POST', '/v1/FlexFlows', {
      friendlyName: 'Signed-in shop',
      channelType: 'web',
      contactIdentity: 'signed-in',
      enabled: true,
      integrationType: 'task',
      integration: { identityVerification: { required: true, secret } },
      allowedOrigins: [parley.url],
    });
    expect(verifying.status).toBe(201);
    const identified = await fetch(`${parley.url}/v1/WebChannels`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: parley.url },
      body: JSON.stringify({
        flexFlowSid: verifying.body.sid,
        identify: { userId: 'u-7', userHash: userHashOf(secret, 'u-7'), plan: 'gold' },
      }),
    });
    expect(identified.status).toBe(201);
    const signInReply = await fetch(`${parley.url}/v1/AgentSessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'agent', pasword: 'agent' }),
    });
    expect(signInReply.status).toBe(400);
    expect((await signInReply.json()).message).toBe(
      'body.pasword is not a field of this resource; did you mean password?',
    );
  });
});

describe('a query parameter a list does not read', () => {
  it('is refused, naming it, where the list has filters and where it has none', async () => {
    expect(await parley.api('GET', '/v1/Tasks?stauts=pending')).toMatchObject(
      refused('query.stauts is not a query parameter of this route; did you mean status?'),
    );
    expect(await parley.api('GET', '/v1/Workers?page=2')).toMatchObject(
      refused('query.page is not a query parameter of this route; it takes none'),
    );
    expect(await parley.api('GET', `/v1/Channels/${channelSid}/Messages?afterindex=0`)).toMatchObject(
      refused('query.afterindex is not a query parameter of this route; did you mean afterIndex?'),
    );
    expect((await parley.api('GET', '/v1/Tasks?status=pending')).status).toBe(200);
  });
});

describe('a socket payload with a field the event does not read', () => {
  it('is answered with an error naming it, and nothing is sent', async () => {
    const reply = await request<{ error?: { code: string; message: string } }>(visitor, 'message:send', {
      clientId: 'c2',
      bdy: 'Hi',
      body: 'Hi',
    });
    expect(reply.error).toEqual({
      code: 'invalid_request',
      message: 'message:send.bdy is not a field of message:send; did you mean body?',
    });
    const { messages } = await request<{ messages: { body: string }[] }>(visitor, 'messages:sync', {
      afterIndex: -1,
    });
    expect(messages.map((m) => m.body)).toEqual(['Hello']);
  });

  it('is refused on the agent namespace too, on events the desk sends with a channel', async () => {
    const reply = await request<{ error?: { message: string } }>(agent, 'activity:set', {
      activity: 'Available',
      activty: 'Offline',
    });
    expect(reply.error?.message).toBe(
      'activity:set.activty is not a field of activity:set; did you mean activity?',
    );
    const read = await request<{ error?: { message: string } }>(agent, 'channel:read', {
      channelSid,
      index: 0,
      extra: true,
    });
    expect(read.error?.message).toMatch(
      /^channel:read\.extra is not a field of channel:read; expected one of /,
    );
  });
});

describe('the Twilio-shaped TaskRouter', () => {
  const basic = () => `Basic ${Buffer.from(`AC${'1'.repeat(32)}:${parley.adminKey}`).toString('base64')}`;
  const form = (path: string, body: Record<string, string>) =>
    fetch(`${parley.url}/v1/Workspaces/${WORKSPACE_SID}${path}`, {
      method: 'POST',
      headers: { authorization: basic(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body),
    });

  it('will not make a disabled worker Available, as /v1/Workers will not', async () => {
    const worker = (await parley.api('POST', '/v1/Workers', { friendlyName: 'Kim', disabled: true })).body;
    const res = await form(`/Workers/${worker.sid}`, { ActivitySid: activitySid('Available') });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: 20409, message: expect.stringContaining('disabled') });
    expect((await parley.api('GET', `/v1/Workers/${worker.sid}`)).body.activity).toBe('Offline');
    const renamed = await form(`/Workers/${worker.sid}`, { FriendlyName: 'Kim L.' });
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ friendly_name: 'Kim L.', activity_name: 'Offline' });
  });

  it('names the parameter a mistyped one was probably meant to be', async () => {
    const res = await form(`/Tasks/${taskSid}`, { AssignmentStatuss: 'canceled' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      code: 20001,
      message:
        'body.AssignmentStatuss: AssignmentStatuss is not a parameter of this resource in Parley; did you mean AssignmentStatus?',
    });
  });
});
