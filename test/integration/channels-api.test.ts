/**
 * Flex Flow channel lifecycles and the Channel API: long-lived channels come back to a
 * returning contact, the janitor closes what a finished task leaves behind, and channels,
 * messages and members are managed through REST.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openWebChannel } from '../helpers/clients.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

let parley: TestParley;
beforeEach(async () => {
  parley = await startParley();
});
afterEach(async () => {
  await parley.stop();
});

async function availableWorker() {
  const { body } = await parley.api('POST', '/v1/Workers', {
    friendlyName: 'Robin',
    activity: 'Available',
    capacity: 2,
  });
  return body.sid as string;
}

const setFlexFlow = (patch: Record<string, unknown>) =>
  parley.api('POST', `/v1/FlexFlows/${parley.flexFlowSid}`, patch);

const channelOf = async (sid: string) => (await parley.api('GET', `/v1/Channels/${sid}`)).body;

/** The customer writes; the task is offered and accepted, then completed, all through REST. */
async function chatToCompletion(channelSid: string, from: string, body: string) {
  await parley.api('POST', `/v1/Channels/${channelSid}/Messages`, { from, body });
  await parley.server.core.idle();
  const { taskSid } = await channelOf(channelSid);
  const [offer] = (await parley.api('GET', `/v1/Tasks/${taskSid}/Reservations`)).body.reservations;
  await parley.api('POST', `/v1/Tasks/${taskSid}/Reservations/${offer.sid}`, { status: 'accepted' });
  await parley.api('POST', `/v1/Tasks/${taskSid}`, { status: 'completed' });
  await parley.server.core.idle();
  return taskSid as string;
}

describe('long-lived Flex Flows', () => {
  it('give a returning visitor the same channel, start a new engagement there, and keep the whole history', async () => {
    await setFlexFlow({ longLived: true });
    await availableWorker();
    const first = await openWebChannel(parley.url, {
      flexFlowSid: parley.flexFlowSid,
      customerFriendlyName: 'Lee',
    });
    const firstTask = await chatToCompletion(first.channelSid, first.identity, 'my parcel is late');
    expect((await channelOf(first.channelSid)).status).toBe('active');

    const again = await openWebChannel(parley.url, { flexFlowSid: parley.flexFlowSid, token: first.token });
    expect(again.channelSid).toBe(first.channelSid);
    const secondTask = await chatToCompletion(again.channelSid, again.identity, 'it arrived, thanks');
    expect(secondTask).not.toBe(firstTask);

    const { messages } = (await parley.api('GET', `/v1/Channels/${first.channelSid}/Messages`)).body;
    const customer = messages.filter((m: { authorRole: string }) => m.authorRole === 'customer');
    expect(customer.map((m: { body: string }) => m.body)).toEqual([
      'my parcel is late',
      'it arrived, thanks',
    ]);
  });

  it('without longLived, close the channel after the chat, so a returning visitor gets a new one', async () => {
    await availableWorker();
    const first = await openWebChannel(parley.url, { flexFlowSid: parley.flexFlowSid });
    await chatToCompletion(first.channelSid, first.identity, 'hello');
    expect((await channelOf(first.channelSid)).status).toBe('inactive');
    const again = await openWebChannel(parley.url, { flexFlowSid: parley.flexFlowSid, token: first.token });
    expect(again.channelSid).not.toBe(first.channelSid);
  });
});

describe('the janitor', () => {
  it('leaves the channel active when janitorEnabled is false', async () => {
    await setFlexFlow({ janitorEnabled: false });
    await availableWorker();
    const visitor = await openWebChannel(parley.url, { flexFlowSid: parley.flexFlowSid });
    await chatToCompletion(visitor.channelSid, visitor.identity, 'hello');
    expect((await channelOf(visitor.channelSid)).status).toBe('active');
  });

  it('ends the bot execution and closes the channel when the task is canceled', async () => {
    const flow = await parley.api('POST', '/v1/Flows', {
      friendlyName: 'Waits',
      definition: {
        initial_state: 'Trigger',
        states: [
          {
            name: 'Trigger',
            type: 'trigger',
            properties: {},
            transitions: [{ event: 'incomingRequest', next: 'ask' }],
          },
          {
            name: 'ask',
            type: 'send-and-wait-for-reply',
            properties: { body: 'Anything else?', timeout: '3600' },
            transitions: [{ event: 'incomingMessage' }, { event: 'timeout' }],
          },
        ],
      },
    });
    expect(flow.status).toBe(201);
    const channel = await parley.api('POST', '/v1/Channels', {
      flexFlowSid: parley.flexFlowSid,
      identity: 'janitor-case',
      taskAttributes: { topic: 'billing' },
    });
    const started = await parley.api('POST', `/v1/Flows/${flow.body.sid}/Executions`, {
      channelSid: channel.body.sid,
    });
    expect(started.status).toBe(201);
    await parley.server.core.idle();
    const canceled = await parley.api('POST', `/v1/Tasks/${channel.body.taskSid}`, { status: 'canceled' });
    expect(canceled.body.status).toBe('canceled');
    const execution = (await parley.api('GET', `/v1/Flows/${flow.body.sid}/Executions/${started.body.sid}`))
      .body;
    expect(execution.status).toBe('ended');
    expect((await channelOf(channel.body.sid)).status).toBe('inactive');
  });
});

describe('the Channel API', () => {
  it('creates with chatUniqueName, target and a per-channel longLived, and ends a chat with status inactive', async () => {
    const created = await parley.api('POST', '/v1/Channels', {
      flexFlowSid: parley.flexFlowSid,
      identity: 'sms-contact',
      target: '+15550009999',
      chatUniqueName: 'order-1234',
      longLived: true,
      taskAttributes: { topic: 'orders' },
    });
    expect(created).toMatchObject({
      status: 201,
      body: {
        attributes: { chatUniqueName: 'order-1234', longLived: true },
        taskSid: expect.stringMatching(/^WT/),
      },
    });
    const ended = await parley.api('POST', `/v1/Channels/${created.body.sid}`, { status: 'inactive' });
    expect(ended.body.status).toBe('inactive');
    expect((await parley.api('GET', `/v1/Tasks/${created.body.taskSid}`)).body.status).toBe('canceled');
    const renamed = await parley.api('PATCH', `/v1/Channels/${created.body.sid}`, {
      friendlyName: 'Order 1234',
      attributes: { orderId: 1234 },
    });
    expect(renamed.body).toMatchObject({
      friendlyName: 'Order 1234',
      attributes: { orderId: 1234, channelType: 'web' },
    });
    expect((await parley.api('DELETE', `/v1/Channels/${created.body.sid}`)).status).toBe(204);
    expect((await parley.api('GET', `/v1/Channels/${created.body.sid}`)).status).toBe(404);
  });

  it('gets, updates and deletes messages, and adds, moves and removes members', async () => {
    const { body: channel } = await parley.api('POST', '/v1/Channels', {
      flexFlowSid: parley.flexFlowSid,
      identity: 'pat',
    });
    const posted = await parley.api('POST', `/v1/Channels/${channel.sid}/Messages`, {
      from: 'pat',
      body: 'one',
    });
    await parley.api('POST', `/v1/Channels/${channel.sid}/Messages`, { from: 'pat', body: 'two' });
    const path = `/v1/Channels/${channel.sid}/Messages/${posted.body.sid}`;
    expect((await parley.api('GET', path)).body).toMatchObject({ body: 'one', index: 0 });
    const updated = await parley.api('POST', path, { attributes: { flagged: true } });
    expect(updated.body.attributes).toEqual({ flagged: true });
    expect((await parley.api('DELETE', path)).status).toBe(204);
    expect((await parley.api('GET', path)).status).toBe(404);
    const rest = (await parley.api('GET', `/v1/Channels/${channel.sid}/Messages`)).body.messages;
    expect(rest.map((m: { index: number }) => m.index)).toEqual([1]);

    const added = await parley.api('POST', `/v1/Channels/${channel.sid}/Members`, {
      identity: 'supervisor-1',
      friendlyName: 'Sam Super',
    });
    expect(added).toMatchObject({
      status: 201,
      body: { identity: 'supervisor-1', role: 'agent', lastReadIndex: -1 },
    });
    const read = await parley.api('POST', `/v1/Channels/${channel.sid}/Members/supervisor-1`, {
      lastReadIndex: 1,
    });
    expect(read.body.lastReadIndex).toBe(1);
    expect((await parley.api('DELETE', `/v1/Channels/${channel.sid}/Members/supervisor-1`)).status).toBe(204);
    expect((await parley.api('DELETE', `/v1/Channels/${channel.sid}/Members/supervisor-1`)).status).toBe(404);
  });

  it('names the bad field', async () => {
    const { body: channel } = await parley.api('POST', '/v1/Channels', {
      flexFlowSid: parley.flexFlowSid,
      identity: 'x1',
    });
    const badStatus = await parley.api('POST', `/v1/Channels/${channel.sid}`, { status: 'closed' });
    expect(badStatus.body.message).toMatch(/^body\.status:/);
    const badHorizon = await parley.api('POST', `/v1/Channels/${channel.sid}/Members/x1`, {
      lastReadIndex: 'x',
    });
    expect(badHorizon.body.message).toMatch(/^body\.lastReadIndex:/);
    const badRole = await parley.api('POST', `/v1/Channels/${channel.sid}/Members`, {
      identity: 'y',
      role: 'boss',
    });
    expect(badRole.body.message).toMatch(/^body\.role:/);
    const badLongLived = await parley.api('POST', '/v1/Channels', {
      flexFlowSid: parley.flexFlowSid,
      identity: 'x2',
      longLived: 'yes',
    });
    expect(badLongLived.body.message).toMatch(/^body\.longLived:/);
  });
});
