/**
 * Uploads (finding 4): twenty files at the size limit at once (memory stays bounded because
 * bodies stream to storage), more files than an address may send in a minute, more files and
 * bytes than a conversation holds (from several addresses, racing), and files into a chat
 * that has ended.
 */
import {
  type Attack,
  ask,
  connectSocket,
  openChat,
  otherAddress,
  PNG,
  tally,
  taskFlexFlow,
  upload,
} from './tools.ts';

const MB = 1024 * 1024;
/** PARLEY_UPLOAD_MAX_BYTES's default. */
const MAX_FILE = 10 * MB;

type Chat = { channelSid: string; token: string };

export const uploadsAtLimit: Attack<Chat[]> = {
  finding: '4',
  name: '20 uploads of 10 MB (the size limit) at once, one per chat',
  async prepare(attacker) {
    const flexFlowSid = await taskFlexFlow(attacker.target);
    return Promise.all(Array.from({ length: 20 }, () => openChat(attacker, flexFlowSid)));
  },
  async run(attacker, chats) {
    const answers = await Promise.all(
      chats.map((c) => upload(attacker, attacker.address, c.channelSid, c.token, MAX_FILE)),
    );
    return {
      tried: answers.length,
      seen: `answered ${tally(answers)}`,
      checks: { 'files at the limit are taken': answers.every((a) => a.status === 201) },
    };
  },
};

export const uploadsOverRate: Attack<Chat> = {
  finding: '4',
  name: 'uploads past the per-address rate (20 a minute)',
  async prepare(attacker) {
    return openChat(attacker, await taskFlexFlow(attacker.target));
  },
  async run(attacker, chat) {
    const count = 20 + Math.max(5, Math.round(20 * attacker.scale));
    const answers = await Promise.all(
      Array.from({ length: count }, () =>
        upload(attacker, attacker.address, chat.channelSid, chat.token, PNG.length),
      ),
    );
    const taken = answers.filter((a) => a.status === 201).length;
    return {
      tried: count,
      seen: `answered ${tally(answers)}`,
      checks: {
        'at most 20 are taken': taken <= 20,
        'the rest are refused 429': answers.every((a) => a.status === 201 || a.status === 429),
      },
    };
  },
};

export const uploadsOverQuota: Attack<{ few: Chat; big: Chat }> = {
  finding: '4',
  name: "one chat's quota (50 files, 100 MB) raced from several addresses",
  async prepare(attacker) {
    const flexFlowSid = await taskFlexFlow(attacker.target);
    return { few: await openChat(attacker, flexFlowSid), big: await openChat(attacker, flexFlowSid) };
  },
  async run(attacker, { few, big }) {
    // 60 small files from three addresses (20 each, within the rate), all at once.
    const small = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        upload(attacker, otherAddress(attacker, 1 + (i % 3)), few.channelSid, few.token, PNG.length),
      ),
    );
    // Eleven files of 10 MB into the other chat: 110 MB against its 100 MB.
    const large = await Promise.all(
      Array.from({ length: 11 }, () =>
        upload(attacker, otherAddress(attacker, 4), big.channelSid, big.token, MAX_FILE),
      ),
    );
    const taken = (list: typeof small) => list.filter((a) => a.status === 201).length;
    return {
      tried: small.length + large.length,
      seen: `60 small files: ${tally(small)}; 11 of 10 MB: ${tally(large)}`,
      checks: {
        'exactly 50 small files are kept': taken(small) === 50,
        'the rest are refused too_many_files': small.every(
          (a) => a.status === 201 || a.code === 'too_many_files',
        ),
        'at most 100 MB are kept': taken(large) <= 10,
        'no upload fails with a server error': [...small, ...large].every((a) => a.status < 500),
      },
    };
  },
};

export const uploadsAfterEnd: Attack<Chat> = {
  finding: '4',
  name: 'uploads into a chat the visitor has ended',
  async prepare(attacker) {
    const chat = await openChat(attacker, await taskFlexFlow(attacker.target));
    const socket = await connectSocket(attacker, '/webchat', chat.token);
    await ask(socket, 'message:send', { clientId: 'hello', body: 'hello' });
    const ended = await ask<{ error?: unknown }>(socket, 'chat:end');
    socket.close();
    if (!ended || ended.error) throw new Error(`chat:end answered ${JSON.stringify(ended)}`);
    return chat;
  },
  async run(attacker, chat) {
    const count = Math.max(3, Math.round(10 * attacker.scale));
    const answers = await Promise.all(
      Array.from({ length: count }, () =>
        upload(attacker, attacker.address, chat.channelSid, chat.token, PNG.length),
      ),
    );
    return {
      tried: count,
      seen: `answered ${tally(answers)}`,
      checks: { 'every upload is refused channel_ended': answers.every((a) => a.code === 'channel_ended') },
    };
  },
};
