/**
 * Visitor identity and tokens (findings 2 and 8): a verified user's token from one Flex Flow
 * presented on another that requires its own proof, an erased contact's token, offline
 * messages without proof, and a session kept alive by refreshing.
 */
import { createHmac } from 'node:crypto';
import { SECRET } from './target.ts';
import {
  type Attack,
  ask,
  claimsOf,
  connectSocket,
  handshake,
  openChat,
  postPublic,
  type Reply,
  tally,
  webFlexFlow,
} from './tools.ts';

const SECRET_X = 'site-x-identity-secret-0123456789';
const SECRET_Y = 'site-y-identity-secret-9876543210';
const proofOf = (secret: string, userId: string) => ({
  userId,
  userHash: createHmac('sha256', secret).update(userId).digest('hex'),
});

const codeOf = (r: Reply) => ({ status: r.status, code: r.body?.code as string | undefined });

interface TakeoverStage {
  flowX: string;
  flowY: string;
  victim: { channelSid: string; contactSid: string; token: string };
}

const VICTIM_SECRET = 'my address is 1 Main St, order 1234';

export const crossFlexFlowTakeover: Attack<TakeoverStage> = {
  finding: '2',
  name: "user 42 verified on Flex Flow X opens user 42's chat on Y (which requires proof)",
  async prepare(attacker) {
    const { target } = attacker;
    const flowX = await webFlexFlow(target, {
      integration: { identityVerification: { required: false, secret: SECRET_X } },
    });
    const flowY = await webFlexFlow(target, {
      integration: { identityVerification: { required: true, secret: SECRET_Y } },
    });
    // The victim is user 42 on Y, with something private in their chat.
    const victim = await openChat(attacker, flowY, { identify: proofOf(SECRET_Y, '42') });
    const socket = await connectSocket(attacker, '/webchat', victim.token);
    await ask(socket, 'message:send', { clientId: 'private', body: VICTIM_SECRET });
    socket.close();
    return { flowX, flowY, victim };
  },
  async run(attacker, { flowX, flowY, victim }) {
    // The attacker is user 42 on X (a weaker site, or one they run) and holds X's token.
    const own = await openChat(attacker, flowX, { identify: proofOf(SECRET_X, '42') });
    const tries = [
      { flexFlowSid: flowY, token: own.token },
      { flexFlowSid: flowY, identify: proofOf(SECRET_X, '42') },
      { flexFlowSid: flowY, token: own.token, identify: { userId: '42' } },
      { flexFlowSid: flowY, identify: { userId: '42', userHash: '0'.repeat(64) } },
      { flexFlowSid: flowY, token: own.token, identify: proofOf(SECRET_X, '42') },
    ];
    const rounds = Math.max(1, Math.round(5 * attacker.scale));
    const answers: Reply[] = [];
    for (let i = 0; i < rounds; i++) {
      answers.push(
        ...(await Promise.all(tries.map((body) => postPublic(attacker, '/v1/WebChannels', body)))),
      );
    }
    // X's token on its own socket reads only X's chat, whatever channel it names.
    const socket = await connectSocket(attacker, '/webchat', own.token);
    const sync = await ask(socket, 'messages:sync', { afterIndex: -1, channelSid: victim.channelSid });
    socket.close();
    const seenByAttacker = JSON.stringify([answers.map((a) => a.body), sync]);
    return {
      tried: 1 + answers.length + 1,
      seen: `Flex Flow Y answered ${tally(answers.map(codeOf))}; X's token syncs only its own chat`,
      checks: {
        'every attempt on Y is refused (401/403)': answers.every((a) => a.status === 401 || a.status === 403),
        "the attacker's own contact is not the victim's": own.contactSid !== victim.contactSid,
        'nothing of the victim is returned':
          !seenByAttacker.includes(victim.channelSid) &&
          !seenByAttacker.includes(victim.contactSid) &&
          !seenByAttacker.includes('1 Main St'),
      },
    };
  },
};

export const erasedContactToken: Attack<{
  token: string;
  channelSid: string;
  contactSid: string;
  flexFlowSid: string;
}> = {
  finding: '8',
  name: "an erased contact's token reused to reopen the chat",
  async prepare(attacker) {
    const flexFlowSid = await webFlexFlow(attacker.target);
    const chat = await openChat(attacker, flexFlowSid);
    const socket = await connectSocket(attacker, '/webchat', chat.token);
    await ask(socket, 'message:send', { clientId: 'before', body: 'erase me: card 4111' });
    socket.close();
    // The visitor asks to be forgotten; someone kept a copy of their token.
    const erased = await attacker.target.admin('DELETE', `/v1/Contacts/${chat.contactSid}`);
    if (erased.status !== 200) throw new Error(`erasure answered ${erased.status}`);
    return { ...chat, flexFlowSid };
  },
  async run(attacker, erased) {
    const rounds = Math.max(1, Math.round(10 * attacker.scale));
    const handshakes = await Promise.all(
      Array.from({ length: rounds }, () => handshake(attacker, '/webchat', erased.token)),
    );
    const again = await openChat(attacker, erased.flexFlowSid, { token: erased.token }).catch(() => null);
    let history = '';
    if (again) {
      const socket = await connectSocket(attacker, '/webchat', again.token);
      history = JSON.stringify(await ask(socket, 'messages:sync', { afterIndex: -1 }));
      socket.close();
    }
    return {
      tried: rounds + 1,
      seen: `handshakes: ${[...new Set(handshakes)].join(', ')}; reopening gave ${
        again
          ? again.contactSid === erased.contactSid
            ? 'the erased contact'
            : 'a fresh contact'
          : 'a refusal'
      }`,
      checks: {
        'the socket handshake refuses the token': handshakes.every((h) => h === 'unauthorized'),
        'reopening never returns the erased contact or chat':
          again === null ||
          (again.contactSid !== erased.contactSid && again.channelSid !== erased.channelSid),
        'nothing of the erased chat is returned': !history.includes('4111'),
      },
    };
  },
};

export const offlineWithoutProof: Attack<{ flowX: string; flowY: string }> = {
  finding: '8',
  name: 'offline messages left on an identity-required Flex Flow without its proof',
  async prepare({ target }) {
    const flowX = await webFlexFlow(target, {
      integration: { identityVerification: { required: false, secret: SECRET_X } },
    });
    const flowY = await webFlexFlow(target, {
      integration: { identityVerification: { required: true, secret: SECRET_Y } },
    });
    return { flowX, flowY };
  },
  async run(attacker, { flowY }) {
    const message = { flexFlowSid: flowY, name: 'Dee', email: 'dee@example.com', body: 'Call me back' };
    const tries = [
      message,
      { ...message, identify: proofOf(SECRET_X, '42') },
      { ...message, identify: { userId: '42' } },
      { ...message, identify: { userId: '42', userHash: '0'.repeat(64) } },
    ];
    const rounds = Math.max(1, Math.round(5 * attacker.scale));
    const answers: Reply[] = [];
    for (let i = 0; i < rounds; i++) {
      answers.push(
        ...(await Promise.all(
          tries.map((body) => postPublic(attacker, '/v1/WebChannels/OfflineMessages', body)),
        )),
      );
    }
    return {
      tried: answers.length,
      seen: `answered ${tally(answers.map(codeOf))}`,
      checks: {
        'every offline message without proof is refused (401/403)': answers.every(
          (a) => a.status === 401 || a.status === 403,
        ),
      },
    };
  },
};

const DAY = 86_400;

export const endlessRefresh: Attack = {
  finding: '8',
  name: 'a session kept alive by session:refresh, then a token from day 31 of such a chain',
  async run(attacker) {
    const { target } = attacker;
    const chat = await openChat(attacker);
    const since = claimsOf(chat.token).since ?? Number.NaN;
    const socket = await connectSocket(attacker, '/webchat', chat.token);
    const count = Math.max(15, Math.round(50 * attacker.scale));
    const replies = [];
    for (let i = 0; i < count; i++) {
      replies.push(
        await ask<{ token?: string; error?: { code: string } }>(socket, 'session:refresh', {}, 2_000),
      );
      if (socket.disconnected) break;
    }
    socket.close();
    const tokens = replies.flatMap((r) => (r?.token ? [claimsOf(r.token)] : []));
    // The chain as it would stand 31 days on: begun then, freshly refreshed, valid for a week.
    const now = Math.floor(Date.now() / 1000);
    const payload = Buffer.from(
      JSON.stringify({ ...claimsOf(chat.token), since: now - 31 * DAY, iat: now, exp: now + 7 * DAY }),
    ).toString('base64url');
    const day31 = `${payload}.${createHmac('sha256', SECRET).update(payload).digest('base64url')}`;
    const onSocket = await handshake(attacker, '/webchat', day31);
    const reopened = await openChat(attacker, target.flexFlowSid, { token: day31 });
    return {
      tried: replies.length + 2,
      seen: `${tokens.length} of ${replies.length} refreshes answered, the rest refused; the day-31 token: handshake ${onSocket}, reopening ${reopened.contactSid === chat.contactSid ? 'resumed the session' : 'started a new contact'}`,
      checks: {
        'every refreshed token keeps the session start': tokens.every((c) => c.since === since),
        'no refreshed token outlives the start plus 30 days': tokens.every((c) => c.exp <= since + 30 * DAY),
        'refreshing is limited': tokens.length < count,
        'the day-31 token is refused by the socket': onSocket === 'unauthorized',
        'the day-31 token reopens nothing': reopened.contactSid !== chat.contactSid,
      },
    };
  },
};
