/**
 * Agents (finding 6 and the sign-in backoff of finding 8): a deleted agent who keeps their desk
 * open and keeps their token, a demoted supervisor who keeps watching, and passwords guessed
 * from many addresses against one account.
 */
import type { Socket } from 'socket.io-client';
import {
  type Attack,
  ask,
  connectSocket,
  handshake,
  makeAgent,
  nextEvent,
  openChat,
  otherAddress,
  PNG,
  postPublic,
  type Reply,
  tally,
  taskFlexFlow,
  untilDisconnected,
  upload,
} from './tools.ts';

type Agent = Awaited<ReturnType<typeof makeAgent>>;

export const deletedAgent: Attack<{ agent: Agent; desks: Socket[]; chat: { channelSid: string } }> = {
  finding: '6',
  name: 'a deleted agent keeps two desks open and reuses the token and password',
  async prepare(attacker) {
    const agent = await makeAgent(attacker, 'Fired');
    const desks = await Promise.all([1, 2].map(() => connectSocket(attacker, '/agent', agent.token)));
    for (const desk of desks) await ask(desk, 'session:sync');
    const chat = await openChat(attacker, await taskFlexFlow(attacker.target));
    return { agent, desks, chat };
  },
  async run(attacker, { agent, desks, chat }) {
    const closed = Promise.all(desks.map((d) => untilDisconnected(d, 5_000)));
    const deleted = await attacker.target.admin('DELETE', `/v1/Workers/${agent.sid}`);
    const desksClosed = (await closed).every(Boolean);
    const count = Math.max(2, Math.round(10 * attacker.scale));
    const handshakes = await Promise.all(
      Array.from({ length: count }, () => handshake(attacker, '/agent', agent.token)),
    );
    const uploads = await Promise.all(
      Array.from({ length: count }, () =>
        upload(attacker, attacker.address, chat.channelSid, agent.token, PNG.length),
      ),
    );
    const signIns = await Promise.all(
      [1, 2, 3].map((k) =>
        postPublic({ ...attacker, address: otherAddress(attacker, k) }, '/v1/AgentSessions', {
          username: agent.username,
          password: agent.password,
        }),
      ),
    );
    for (const desk of desks) desk.close();
    return {
      tried: 1 + handshakes.length + uploads.length + signIns.length,
      seen: `DELETE answered ${deleted.status}; desks ${desksClosed ? 'disconnected' : 'still open'}; handshakes ${[...new Set(handshakes)].join(', ')}; uploads ${tally(uploads)}; sign-ins ${tally(signIns.map((r) => ({ status: r.status, code: r.body?.code })))}`,
      checks: {
        'both open desks are disconnected': desksClosed,
        'the token is refused by the socket': handshakes.every((h) => h === 'unauthorized'),
        'the token is refused by the media route': uploads.every((u) => u.status === 401),
        'the password is refused': signIns.every((r) => r.status === 401),
      },
    };
  },
};

interface WatchStage {
  supervisor: Agent;
  desk: Socket;
  visitor: Socket;
  channelSid: string;
}

export const demotedSupervisor: Attack<WatchStage> = {
  finding: '6',
  name: 'a demoted supervisor keeps watching a chat on the desk it has open',
  async prepare(attacker) {
    const supervisor = await makeAgent(attacker, 'Demoted', { roles: ['supervisor'] });
    const desk = await connectSocket(attacker, '/agent', supervisor.token);
    await ask(desk, 'session:sync');
    await ask(desk, 'supervisor:sync');
    const chat = await openChat(attacker, await taskFlexFlow(attacker.target));
    const visitor = await connectSocket(attacker, '/webchat', chat.token);
    await ask(desk, 'messages:sync', { channelSid: chat.channelSid, afterIndex: -1 });
    const watched = nextEvent(desk, 'message:new', 5_000);
    await ask(visitor, 'message:send', { clientId: 'watched', body: 'watched' });
    if (!(await watched)) throw new Error('the supervisor did not see the chat before the demotion');
    return { supervisor, desk, visitor, channelSid: chat.channelSid };
  },
  async run(attacker, { supervisor, desk, visitor, channelSid }) {
    const received: string[] = [];
    desk.on('message:new', (m: { body: string }) => received.push(m.body));
    desk.on('supervisor:updated', () => received.push('supervisor:updated'));
    await attacker.target.admin('POST', `/v1/Workers/${supervisor.sid}`, { attributes: { roles: [] } });
    // The desk leaves the rooms right after the change: send until a message no longer arrives.
    // A round trip on the desk after each send shows nothing is still on its way.
    let stoppedAfter = -1;
    let sent = 0;
    for (let i = 0; i < 10 && stoppedAfter < 0; i++) {
      received.length = 0;
      await ask(visitor, 'message:send', { clientId: `after-${i}`, body: `after ${i}` });
      sent++;
      await ask(desk, 'transfer:targets');
      if (!received.includes(`after ${i}`)) stoppedAfter = i;
    }
    received.length = 0;
    const count = Math.max(3, Math.round(10 * attacker.scale));
    for (let i = 0; i < count; i++) {
      await ask(visitor, 'message:send', { clientId: `later-${i}`, body: `later ${i}` });
    }
    await ask(desk, 'transfer:targets');
    const sync = await ask<{ error?: { code: string } }>(desk, 'messages:sync', {
      channelSid,
      afterIndex: -1,
    });
    const snapshot = await ask<{ error?: { code: string } }>(desk, 'supervisor:sync');
    desk.close();
    visitor.close();
    return {
      tried: sent + count + 2,
      seen: `live messages stopped after ${stoppedAfter} more; then ${received.length} of ${count} reached the desk; sync ${sync?.error?.code}, supervisor:sync ${snapshot?.error?.code}`,
      checks: {
        'live messages stop within 5 sends': stoppedAfter >= 0 && stoppedAfter < 5,
        'nothing reaches the desk afterwards': received.length === 0,
        'sync of the chat is forbidden': sync?.error?.code === 'forbidden',
        'the supervision snapshot is forbidden': snapshot?.error?.code === 'forbidden',
      },
    };
  },
};

export const passwordGuessing: Attack<Agent> = {
  finding: '8',
  name: 'passwords guessed for one account from ten addresses at once',
  prepare: (attacker) => makeAgent(attacker, 'Target'),
  async run(attacker, agent) {
    const count = Math.max(20, Math.round(60 * attacker.scale));
    // The right password comes late among the guesses: by then the account is locked.
    const guesses = Array.from({ length: count }, (_, i) =>
      i === count - 1 ? agent.password : `guess-${i}`,
    );
    const answers: Reply[] = [];
    for (let i = 0; i < count; i += 10) {
      answers.push(
        ...(await Promise.all(
          guesses.slice(i, i + 10).map((password, k) =>
            postPublic({ ...attacker, address: otherAddress(attacker, 1 + k) }, '/v1/AgentSessions', {
              username: agent.username,
              password,
            }),
          ),
        )),
      );
    }
    const checked = answers.filter((a) => a.status === 401).length;
    const last = answers.at(-1);
    return {
      tried: count,
      seen: `answered ${tally(answers.map((a) => ({ status: a.status, code: a.body?.code })))}; the right password got ${last?.status} with Retry-After ${last?.headers['retry-after']}`,
      checks: {
        'at most 6 passwords are checked (5 free, one racing)': checked <= 6,
        // sign_in_locked for the account; rate_limited once an address passes its own limit.
        'the rest are answered 429': answers.every((a) => a.status === 401 || a.status === 429),
        'the right password is not accepted while locked': last?.status === 429,
      },
    };
  },
};
