import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../server/store/sqlite/index.ts';
import { createTestCore } from '../helpers/core.ts';

let t: Awaited<ReturnType<typeof createTestCore>>;
beforeEach(async () => {
  t = await createTestCore();
});
afterEach(async () => {
  await t.close();
});

describe('conversations', () => {
  it('gives concurrent messages gapless indexes in one channel', async () => {
    const { contact, channel } = await t.customer();
    const posts = Array.from({ length: 200 }, (_, i) =>
      t.core.conversations.post({
        channelSid: channel.sid,
        from: contact.identity,
        body: `m${i}`,
        clientId: `c${i}`,
      }),
    );
    const results = await Promise.all(posts);
    expect(results.map((r) => r.message.index).sort((a, b) => a - b)).toEqual([...Array(200).keys()]);
    const stored = await t.store.messages.list(channel.sid, { limit: 1000 });
    expect(stored.map((m) => m.index)).toEqual([...Array(200).keys()]);
  });

  it('stores a retried clientId once and returns the original', async () => {
    const { contact, channel } = await t.customer();
    const send = () =>
      t.core.conversations.post({
        channelSid: channel.sid,
        from: contact.identity,
        body: 'hello',
        clientId: 'x1',
      });
    const [a, b, c] = await Promise.all([send(), send(), send()]);
    expect(new Set([a.message.sid, b.message.sid, c.message.sid]).size).toBe(1);
    expect([a, b, c].filter((r) => r.created)).toHaveLength(1);
    expect(await t.store.messages.list(channel.sid, { limit: 10 })).toHaveLength(1);
  });

  it('keeps separate clientId spaces per channel', async () => {
    const one = await t.customer('One');
    const two = await t.customer('Two');
    await t.core.conversations.post({
      channelSid: one.channel.sid,
      from: one.contact.identity,
      body: 'a',
      clientId: 'same',
    });
    const other = await t.core.conversations.post({
      channelSid: two.channel.sid,
      from: two.contact.identity,
      body: 'b',
      clientId: 'same',
    });
    expect(other.created).toBe(true);
  });

  it('refuses a message from someone who is not a member', async () => {
    const { channel } = await t.customer();
    await expect(
      t.core.conversations.post({ channelSid: channel.sid, from: 'stranger', body: 'hi' }),
    ).rejects.toMatchObject({ code: 'not_a_member', status: 403 });
  });

  it('moves a read horizon forward only, and never past the last message', async () => {
    const { contact, channel } = await t.customer();
    for (const body of ['a', 'b', 'c']) {
      await t.core.conversations.post({ channelSid: channel.sid, from: contact.identity, body });
    }
    expect(await t.store.members.advanceReadHorizon(channel.sid, contact.identity, 1)).toMatchObject({
      lastReadIndex: 1,
    });
    expect(await t.store.members.advanceReadHorizon(channel.sid, contact.identity, 0)).toBeNull();
    expect(await t.store.members.advanceReadHorizon(channel.sid, contact.identity, 9)).toBeNull();
  });

  it('keeps every message across a reopen of the database file', async () => {
    const { contact, channel } = await t.customer();
    await t.core.conversations.post({
      channelSid: channel.sid,
      from: contact.identity,
      body: 'persisted',
      clientId: 'p',
    });
    const reopened = createSqliteStore({ file: t.file });
    const [message] = await reopened.messages.list(channel.sid, { limit: 10 });
    expect(message).toMatchObject({ body: 'persisted', index: 0, clientId: 'p' });
    await reopened.close();
  });
});
