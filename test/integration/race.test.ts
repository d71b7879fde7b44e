import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack, AgentChatDTO, OfferDTO } from '../../server/protocol.ts';
import { type AgentSocket, connectAgent, openWebChannel, request, signIn } from '../helpers/clients.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

const WORKERS = 10;
const CAPACITY = 2;
const VISITORS = 30;

let parley: TestParley;
const sockets: AgentSocket[] = [];
beforeAll(async () => {
  parley = await startParley();
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await parley.stop();
});

describe('assignment under concurrent accepts', () => {
  it('never assigns a task twice nor puts a worker over capacity', async () => {
    const accepts: Promise<{ workerSid: string; reply: Ack<AgentChatDTO> }>[] = [];
    for (let w = 0; w < WORKERS; w++) {
      const username = `racer${w}`;
      const created = await parley.api('POST', '/v1/Workers', {
        friendlyName: `Racer ${w}`,
        username,
        password: 'pw-racer',
        capacity: CAPACITY,
      });
      const { token } = await signIn(parley.url, username, 'pw-racer');
      // Two tabs of the same agent: both accept every offer at the same moment.
      const tabs = [await connectAgent(parley.url, token), await connectAgent(parley.url, token)];
      sockets.push(...tabs);
      for (const tab of tabs) {
        await request(tab, 'session:sync');
        tab.on('offer:new', (offer: OfferDTO) => {
          accepts.push(
            request<Ack<AgentChatDTO>>(tab, 'reservation:accept', {
              reservationSid: offer.reservation.sid,
            }).then((reply) => ({ workerSid: created.body.sid, reply })),
          );
        });
      }
      await request(tabs[0]!, 'activity:set', { activity: 'Available' });
    }

    await Promise.all(
      Array.from({ length: VISITORS }, async (_, i) => {
        const { channelSid, identity } = await openWebChannel(parley.url, {
          flexFlowSid: parley.flexFlowSid,
          customerFriendlyName: `Visitor ${i}`,
        });
        await parley.api('POST', `/v1/Channels/${channelSid}/Messages`, {
          from: identity,
          body: 'hi',
          clientId: 'first',
        });
      }),
    );

    await expect
      .poll(async () => (await parley.api('GET', '/v1/Tasks?status=assigned')).body.tasks.length, {
        timeout: 10_000,
      })
      .toBe(WORKERS * CAPACITY);
    await parley.server.core.idle();
    const settled = await Promise.all(accepts);

    const won = settled.filter((s) => !('error' in s.reply));
    const lost = settled.filter((s) => 'error' in s.reply);
    expect(won).toHaveLength(WORKERS * CAPACITY);
    expect(lost).toHaveLength(WORKERS * CAPACITY);
    for (const { reply } of lost) expect(reply).toMatchObject({ error: { code: 'conflict' } });

    const assigned = (await parley.api('GET', '/v1/Tasks?status=assigned')).body.tasks as {
      sid: string;
      workerSid: string;
    }[];
    expect(new Set(assigned.map((t) => t.sid)).size).toBe(assigned.length);
    const perWorker = new Map<string, number>();
    for (const task of assigned) perWorker.set(task.workerSid, (perWorker.get(task.workerSid) ?? 0) + 1);
    expect(Math.max(...perWorker.values())).toBeLessThanOrEqual(CAPACITY);
    const pending = (await parley.api('GET', '/v1/Tasks?status=pending')).body.tasks;
    expect(pending).toHaveLength(VISITORS - WORKERS * CAPACITY);
  });
});
