/** Whispers in the desk's state and log: merged by sid, placed among messages by time. */
import { describe, expect, it } from 'vitest';
import type { MessageDTO, WhisperDTO } from '../../server/protocol.ts';
import { createDeskState } from '../../server/ui/desk/state/desk-state.ts';
import { addWhispers, setJoined, setWatching } from '../../server/ui/desk/state/desk-updates.ts';
import { mergeByTime } from '../../server/ui/desk/ui/whispers.tsx';

const at = (second: number) => `2026-01-01T10:00:${String(second).padStart(2, '0')}.000Z`;
const message = (index: number, second: number): MessageDTO => ({
  sid: `IM${index}`,
  channelSid: 'CH1',
  index,
  from: 'x',
  authorRole: 'customer',
  authorName: 'Ada',
  body: `message ${index}`,
  attributes: {},
  clientId: null,
  dateCreated: at(second),
});
const whisper = (sid: string, second: number): WhisperDTO => ({
  sid,
  channelSid: 'CH1',
  workerSid: 'WK1',
  authorName: 'Sam',
  body: `whisper ${sid}`,
  dateCreated: at(second),
});
const order = (entries: ReturnType<typeof mergeByTime>) =>
  entries.map((e) => (e.kind === 'message' ? e.message.index : e.whisper.sid));

describe('mergeByTime', () => {
  it('places each whisper after the messages written before or with it', () => {
    const messages = [message(0, 1), message(1, 5), message(2, 9)];
    const whispers = [whisper('a', 0), whisper('b', 5), whisper('c', 6), whisper('d', 30)];
    expect(order(mergeByTime(messages, whispers))).toEqual(['a', 0, 1, 'b', 'c', 2, 'd']);
  });

  it('leaves out whispers older than the first message of a partial page', () => {
    const page = [message(7, 20), message(8, 21)];
    expect(order(mergeByTime(page, [whisper('old', 3), whisper('new', 20)], false))).toEqual([7, 'new', 8]);
    expect(order(mergeByTime([], [whisper('only', 3)], false))).toEqual(['only']);
  });
});

describe('addWhispers', () => {
  it('adds whispers to the watched chat once each, oldest first, and ignores other chats', () => {
    let state = setWatching({
      channelSid: 'CH1',
      customerName: 'Ada',
      agentName: 'Alex',
      messages: [],
      whispers: [],
      joined: false,
    })(createDeskState(null));
    state = addWhispers('CH1', [whisper('b', 8), whisper('a', 2)])(state);
    state = addWhispers('CH1', [whisper('a', 2)])(state);
    expect(state.watching?.whispers.map((w) => w.sid)).toEqual(['a', 'b']);
    expect(addWhispers('CH2', [whisper('z', 1)])(state)).toBe(state);
    expect(setJoined('CH1', true)(state).watching?.joined).toBe(true);
    expect(setJoined('CH2', true)(state)).toBe(state);
  });
});
