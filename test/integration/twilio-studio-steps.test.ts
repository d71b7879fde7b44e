/**
 * Studio v2 steps through the official `twilio` library: each step is dated when it was taken,
 * can be fetched by its sid, and carries the widget's outputs as its context.
 */
import type twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startParley, type TestParley } from '../helpers/server.ts';
import { twilioAt } from '../helpers/twilio.ts';

const ACCOUNT_SID = `AC${'5a7e'.repeat(8)}`;

let parley: TestParley;
let client: twilio.Twilio;

beforeAll(async () => {
  parley = await startParley();
  client = twilioAt(parley.url, ACCOUNT_SID, parley.adminKey);
});
afterAll(() => parley?.stop());

const definition = {
  description: 'Sets and greets',
  initial_state: 'Trigger',
  flags: { allow_concurrent_calls: true },
  states: [
    {
      name: 'Trigger',
      type: 'trigger',
      transitions: [{ event: 'incomingMessage' }, { event: 'incomingRequest', next: 'remember' }],
      properties: {},
    },
    {
      name: 'remember',
      type: 'set-variables',
      transitions: [{ event: 'next', next: 'greet' }],
      properties: { variables: [{ key: 'who', value: '{{flow.data.name}}' }] },
    },
    {
      name: 'greet',
      type: 'send-message',
      transitions: [{ event: 'sent' }, { event: 'failed' }],
      properties: { body: 'Hello {{flow.variables.who}}' },
    },
  ],
};

describe('Studio v2 steps', () => {
  it('are dated when taken, fetched by sid, with the widget outputs as context', async () => {
    const flexFlow = await client.flexApi.v1.flexFlow.create({
      friendlyName: 'Steps',
      chatServiceSid: `IS${'0'.repeat(32)}`,
      channelType: 'web',
    });
    const channel = await client.flexApi.v1.webChannel.create({
      flexFlowSid: flexFlow.sid,
      identity: 'steps@example.com',
      customerFriendlyName: 'Steps',
      chatFriendlyName: 'Steps chat',
    });
    const flow = await client.studio.v2.flows.create({
      friendlyName: 'Steps flow',
      status: 'published',
      definition,
    });
    const before = Math.floor(Date.now() / 1000) * 1000;
    const execution = await client.studio.v2.flows(flow.sid).executions.create({
      to: channel.sid,
      from: flexFlow.contactIdentity,
      parameters: { name: 'Ada' },
    });
    await parley.server.core.idle();
    const after = Date.now();
    const steps = await client.studio.v2.flows(flow.sid).executions(execution.sid).steps.list();
    // A send-message is logged as it sends and again as it leaves on `sent`.
    expect(steps.map((s) => s.transitionedFrom)).toEqual(['Trigger', 'remember', 'greet', 'greet']);
    for (const step of steps) {
      expect(step.dateCreated).toBeInstanceOf(Date);
      expect(step.dateCreated.getTime()).toBeGreaterThanOrEqual(before);
      expect(step.dateCreated.getTime()).toBeLessThanOrEqual(after);
      expect(step.dateUpdated).toEqual(step.dateCreated);
    }
    const remember = steps[1];
    expect(remember?.context).toMatchObject({ widgets: { remember: { variables: { who: 'Ada' } } } });

    const fetched = await client.studio.v2
      .flows(flow.sid)
      .executions(execution.sid)
      .steps(remember?.sid ?? '')
      .fetch();
    expect(fetched.sid).toBe(remember?.sid);
    expect(fetched.dateCreated).toEqual(remember?.dateCreated);
    const context = await client.studio.v2
      .flows(flow.sid)
      .executions(execution.sid)
      .steps(remember?.sid ?? '')
      .stepContext()
      .fetch();
    expect(context.context).toEqual(remember?.context);
    expect(context.stepSid).toBe(remember?.sid);

    await expect(
      client.studio.v2
        .flows(flow.sid)
        .executions(execution.sid)
        .steps(`FT${'0'.repeat(32)}`)
        .fetch(),
    ).rejects.toMatchObject({ status: 404 });
  });
});
