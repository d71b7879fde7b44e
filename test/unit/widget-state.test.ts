/**
 * The widget's pure state updates: how server messages, acknowledgements and pending sends
 * merge into one conversation without duplicates.
 */
import { describe, expect, it } from 'vitest';
import type { MessageDTO } from '../../server/protocol.ts';
import { type ChatState, currentAgent, initialChatState, lastIndex } from '../../widget/state/chat-state.ts';
import { messageFromAck } from '../../widget/state/sent-message.ts';
import { createStore } from '../../widget/state/store.ts';
import {
  addPending,
  enterConversation,
  expireTyping,
  mergeMessages,
  setTyping,
  upsertMember,
} from '../../widget/state/updates.ts';

const CHANNEL = 'CH1';

function message(index: number, overrides: Partial<MessageDTO> = {}): MessageDTO {
  return {
    sid: `IM${index}`,
    channelSid: CHANNEL,
    index,
    from: 'visitor-1',
    authorRole: 'customer',
    authorName: 'Ada',
    body: `message ${index}`,
    attributes: {},
    clientId: null,
    dateCreated: '2025-01-01T10:00:00.000Z',
    ...overrides,
  };
}

const inChannel = (): ChatState => enterConversation(CHANNEL, 'visitor-1', [])(initialChatState);

describe('widget state', () => {
  it('keeps messages in index order and each index once, however often they arrive', () => {
    let state = inChannel();
    state = mergeMessages([message(2), message(0)])(state);
    state = mergeMessages([message(1), message(2)])(state);
    expect(state.messages.map((m) => m.index)).toEqual([0, 1, 2]);
    expect(lastIndex(state)).toBe(2);
  });

  it('replaces a pending message by the stored one with the same clientId', () => {
    let state = addPending({ clientId: 'c-1', body: 'hi', dateCreated: '2025-01-01T10:00:00.000Z' })(
      inChannel(),
    );
    expect(state.pending).toHaveLength(1);
    state = mergeMessages([message(0, { clientId: 'c-1', body: 'hi' })])(state);
    // A retried send acknowledged a second time changes nothing.
    state = mergeMessages([message(0, { clientId: 'c-1', body: 'hi' })])(state);
    expect(state.pending).toEqual([]);
    expect(state.messages.map((m) => m.body)).toEqual(['hi']);
  });

  it('puts the stored message together from what was sent and its ack, or takes the stored original', () => {
    const pending = {
      clientId: 'c-1',
      body: 'hi',
      dateCreated: '2025-01-01T09:59:59.000Z',
      failed: 'rate_limited',
      channelSid: CHANNEL,
    };
    const author = {
      channelSid: CHANNEL,
      from: 'visitor-1',
      authorRole: 'customer',
      authorName: 'Ada',
    } as const;
    const ack = { sid: 'IM0', index: 0, dateCreated: '2025-01-01T10:00:00.000Z' };
    const built = messageFromAck(pending, ack, author);
    // Exactly a stored message: the server's time, none of the pending copy's own fields.
    expect(built).toEqual(message(0, { clientId: 'c-1', body: 'hi', sid: 'IM0' }));
    let state = addPending(pending)(inChannel());
    state = mergeMessages([built])(state);
    expect(state.pending).toEqual([]);
    expect(state.messages).toEqual([built]);

    const withMedia = messageFromAck({ ...pending, attributes: { media: { sid: 'ME1' } } }, ack, author);
    expect(withMedia.attributes).toEqual({ media: { sid: 'ME1' } });
    // A retry whose first ack was lost: what the channel holds wins over what the retry carried.
    const original = message(0, { clientId: 'c-1', body: 'what was stored' });
    expect(messageFromAck(pending, { ...ack, message: original }, author)).toBe(original);
  });

  it('ignores messages and members of another channel', () => {
    let state = mergeMessages([message(0, { channelSid: 'CH-other' })])(inChannel());
    state = upsertMember({
      sid: 'MB1',
      channelSid: 'CH-other',
      identity: 'agent',
      role: 'agent',
      friendlyName: 'Alex Morgan',
      lastReadIndex: -1,
      dateCreated: '2025-01-01T10:00:00.000Z',
    })(state);
    expect(state.messages).toEqual([]);
    expect(currentAgent(state)).toBeUndefined();
  });

  it('names the agent who joined last', () => {
    const member = (sid: string, friendlyName: string) => ({
      sid,
      channelSid: CHANNEL,
      identity: sid,
      role: 'agent' as const,
      friendlyName,
      lastReadIndex: -1,
      dateCreated: '2025-01-01T10:00:00.000Z',
    });
    const state = upsertMember(member('MB2', 'Sam Lee'))(
      upsertMember(member('MB1', 'Alex Morgan'))(inChannel()),
    );
    expect(currentAgent(state)?.friendlyName).toBe('Sam Lee');
  });

  it('starts an empty log for a new channel but keeps the log of a resumed one', () => {
    const withHistory = mergeMessages([message(0)])(inChannel());
    expect(enterConversation(CHANNEL, 'visitor-1', [])(withHistory).messages).toHaveLength(1);
    expect(enterConversation('CH2', 'visitor-1', [])(withHistory).messages).toEqual([]);
  });

  it('shows who is typing until the indicator expires', () => {
    const typing = setTyping('Alex Morgan', 1_000)(inChannel());
    expect(expireTyping(999)(typing).typing?.name).toBe('Alex Morgan');
    expect(expireTyping(1_000)(typing).typing).toBeNull();
  });

  it('notifies subscribers only when an update changes the state', () => {
    const store = createStore(inChannel());
    let calls = 0;
    store.subscribe(() => calls++);
    store.update(mergeMessages([]));
    store.update(mergeMessages([message(0)]));
    expect(calls).toBe(1);
  });
});
