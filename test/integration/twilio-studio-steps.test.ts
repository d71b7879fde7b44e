/**
 * Studio v2 steps through the official `twilio` library: each step is dated when it was taken,
 * can be fetched by its sid, and carries the widget's outputs as its context. And the
 * executions list's date filters.
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

/** A web Flex Flow of its own and a chat on it, for an execution to run in. */
async function webChat(name: string) {
  const flexFlow = await client.flexApi.v1.flexFlow.create({
    friendlyName: name,
    chatServiceSid: `IS${'0'.repeat(32)}`,
    channelType: 'web',
  });
  const channel = await client.flexApi.v1.webChannel.create({
    flexFlowSid: flexFlow.sid,
    identity: `${name.toLowerCase().replace(/ /g, '-')}@example.com`,
    customerFriendlyName: name,
    chatFriendlyName: `${name} chat`,
  });
  return { flexFlow, channel };
}

describe('Studio v2 steps', () => {
  it('are dated when taken, fetched by sid, with the widget outputs as context', async () => {
    const { flexFlow, channel } = await webChat('Steps');
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
    // One step a transition, named by its event, as Studio lists them.
    expect(steps.map((s) => [s.name, s.transitionedFrom, s.transitionedTo])).toEqual([
      ['incomingRequest', 'Trigger', 'remember'],
      ['next', 'remember', 'greet'],
      ['sent', 'greet', 'Ended'],
    ]);
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

  it('list no step for a widget that still waits', async () => {
    const { flexFlow, channel } = await webChat('Waiting steps');
    const asks = {
      ...definition,
      states: [
        ...definition.states.slice(0, 2),
        {
          ...(definition.states[2] as object),
          transitions: [{ event: 'sent', next: 'ask' }, { event: 'failed' }],
        },
        {
          name: 'ask',
          type: 'send-and-wait-for-reply',
          transitions: [{ event: 'incomingMessage' }, { event: 'timeout' }, { event: 'deliveryFailure' }],
          properties: { body: 'And your order number?', timeout: '3600' },
        },
      ],
    };
    const flow = await client.studio.v2.flows.create({
      friendlyName: 'Asks',
      status: 'published',
      definition: asks,
    });
    const execution = await client.studio.v2.flows(flow.sid).executions.create({
      to: channel.sid,
      from: flexFlow.contactIdentity,
      parameters: { name: 'Wai' },
    });
    await parley.server.core.idle();
    expect((await client.studio.v2.flows(flow.sid).executions(execution.sid).fetch()).status).toBe('active');
    const steps = await client.studio.v2.flows(flow.sid).executions(execution.sid).steps.list();
    expect(steps.map((s) => [s.name, s.transitionedFrom, s.transitionedTo])).toEqual([
      ['incomingRequest', 'Trigger', 'remember'],
      ['next', 'remember', 'greet'],
      ['sent', 'greet', 'ask'],
    ]);
  });
});

describe('Studio v2 executions list', () => {
  it('filters by DateCreatedFrom / DateCreatedTo to the second, and refuses a date it cannot read', async () => {
    const { flexFlow, channel } = await webChat('Dated');
    const flow = await client.studio.v2.flows.create({
      friendlyName: 'Dated',
      status: 'published',
      definition,
    });
    const executions = client.studio.v2.flows(flow.sid).executions;
    const execution = await executions.create({
      to: channel.sid,
      from: flexFlow.contactIdentity,
      parameters: { name: 'Dee' },
    });
    // Twilio's dates are whole seconds: the bound is the very second the execution was made in.
    const made = execution.dateCreated;
    const sids = async (filter: { dateCreatedFrom?: Date; dateCreatedTo?: Date }) =>
      (await executions.list(filter)).map((e) => e.sid);
    expect(await sids({ dateCreatedFrom: made })).toEqual([execution.sid]);
    expect(await sids({ dateCreatedTo: made })).toEqual([execution.sid]);
    expect(await sids({ dateCreatedFrom: new Date(made.getTime() + 1000) })).toEqual([]);
    expect(await sids({ dateCreatedTo: new Date(made.getTime() - 1000) })).toEqual([]);
    // A bound within the second, and one with no offset (UTC, whatever the server's zone).
    expect(await sids({ dateCreatedFrom: new Date(made.getTime() + 999) })).toEqual([execution.sid]);
    const basic = `Basic ${Buffer.from(`${ACCOUNT_SID}:${parley.adminKey}`).toString('base64')}`;
    // The server reads it as if it ran five hours behind UTC: the bound is still UTC.
    const zone = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      const local = made.toISOString().slice(0, 19);
      const noOffset = await fetch(
        `${parley.url}/v2/Flows/${flow.sid}/Executions?DateCreatedFrom=${local}&DateCreatedTo=${local}`,
        {
          headers: { authorization: basic },
        },
      );
      expect((await noOffset.json()).executions.map((e: { sid: string }) => e.sid)).toEqual([execution.sid]);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }

    const res = await fetch(`${parley.url}/v2/Flows/${flow.sid}/Executions?DateCreatedFrom=yesterday`, {
      headers: {
        authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:${parley.adminKey}`).toString('base64')}`,
      },
    });
    expect(res.status).toBe(400);
    expect((await res.json()).message).toMatch(/DateCreatedFrom.*ISO 8601/);
  });
});
