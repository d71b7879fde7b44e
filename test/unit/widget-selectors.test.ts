/**
 * The widget's derived facts and pure helpers: which quick replies to offer, which message is
 * "Seen", unread counting, markdown-lite (links only to safe schemes) and form validation.
 */
import { describe, expect, it } from 'vitest';
import type { MemberDTO, MessageDTO } from '../../server/protocol.ts';
import { defaultStrings } from '../../widget/i18n/index.ts';
import { type ChatState, initialChatState, quickReplies, seenIndex } from '../../widget/state/chat-state.ts';
import {
  addPending,
  clearUnread,
  countUnread,
  enterConversation,
  mergeMessages,
  removeMessage,
  setOpen,
  setQueue,
} from '../../widget/state/updates.ts';
import { fieldError } from '../../widget/ui/forms.tsx';
import { renderMarkdown, safeUrl } from '../../widget/ui/markdown.tsx';

const CHANNEL = 'CH1';
const ME = 'visitor-1';

function message(index: number, from: string, attributes: Record<string, unknown> = {}): MessageDTO {
  return {
    sid: `IM${index}`,
    channelSid: CHANNEL,
    index,
    from,
    authorRole: from === ME ? 'customer' : 'bot',
    authorName: from,
    body: `message ${index}`,
    attributes,
    clientId: null,
    dateCreated: '2025-01-01T10:00:00.000Z',
  };
}

const agent = (lastReadIndex: number): MemberDTO => ({
  sid: 'MB2',
  channelSid: CHANNEL,
  identity: 'agent',
  role: 'agent',
  friendlyName: 'Alex',
  lastReadIndex,
  dateCreated: '2025-01-01T10:00:00.000Z',
});

const withMessages = (...messages: MessageDTO[]): ChatState =>
  mergeMessages(messages)(enterConversation(CHANNEL, ME, [])(initialChatState));

describe('quick replies', () => {
  it('offers those of the newest message while the visitor has not answered', () => {
    const state = withMessages(message(0, ME), message(1, 'bot', { quickReplies: ['Yes', 'No', 3] }));
    expect(quickReplies(state)).toEqual(['Yes', 'No']);
  });

  it('offers none once the visitor answered, is sending, or a newer message has none', () => {
    const asked = withMessages(message(0, 'bot', { quickReplies: ['Yes'] }));
    expect(quickReplies(mergeMessages([message(1, ME)])(asked))).toEqual([]);
    expect(quickReplies(addPending({ clientId: 'c', body: 'Yes', dateCreated: '' })(asked))).toEqual([]);
    expect(quickReplies(mergeMessages([message(1, 'bot')])(asked))).toEqual([]);
  });
});

describe('read receipts', () => {
  it('marks the visitor’s newest message within the agent’s read horizon', () => {
    const state = withMessages(message(0, ME), message(1, ME), message(2, 'bot'), message(3, ME));
    expect(seenIndex({ ...state, members: [agent(2)] })).toBe(1);
    expect(seenIndex({ ...state, members: [agent(3)] })).toBe(3);
    expect(seenIndex({ ...state, members: [] })).toBe(-1);
  });
});

describe('unread', () => {
  it('counts while closed and clears on open', () => {
    let state = countUnread(2)(initialChatState);
    expect(state.unread).toBe(2);
    expect(countUnread(1)(setOpen(true)(state)).unread).toBe(2);
    state = clearUnread(state);
    expect(state.unread).toBe(0);
  });
});

describe('markdown-lite', () => {
  type Node = { type: string; props: { href?: string; children?: unknown } } | string;
  const shape = (nodes: unknown): unknown =>
    (nodes as Node[]).map((node) =>
      typeof node === 'string'
        ? node
        : [
            node.type,
            ...(node.props.href ? [node.props.href] : []),
            ...[node.props.children].flat().map((c) => (typeof c === 'object' ? shape([c]) : c)),
          ],
    );

  it('turns bold, italic, code and links into elements', () => {
    expect(shape(renderMarkdown('**Hi** _there_ `x` [docs](https://e.x/d) and mailto:a@b.c'))).toEqual([
      ['strong', 'Hi'],
      ' ',
      ['em', 'there'],
      ' ',
      ['code', 'x'],
      ' ',
      ['a', 'https://e.x/d', 'docs'],
      ' and ',
      ['a', 'mailto:a@b.c', 'mailto:a@b.c'],
    ]);
  });

  it('leaves anything but http, https and mailto links as text', () => {
    const text = '[x](javascript:alert(1)) [y](data:text/html,hi)';
    const nodes = renderMarkdown(text);
    expect(nodes.every((node) => typeof node === 'string')).toBe(true);
    expect(nodes.join('')).toBe(text);
    expect(safeUrl('JAVASCRIPT:alert(1)')).toBeNull();
    expect(safeUrl('https://example.com/a b')).toBe('https://example.com/a%20b');
  });

  it('keeps a trailing full stop out of a bare link, and snake_case words as they are', () => {
    expect(shape(renderMarkdown('See https://e.x/a. Use snake_case_names.'))).toEqual([
      'See ',
      ['a', 'https://e.x/a', 'https://e.x/a'],
      '. Use snake_case_names.',
    ]);
  });
});

describe('pre-engagement validation', () => {
  const s = defaultStrings;
  it('names what is wrong: missing, not an email, not the pattern, not an option', () => {
    expect(fieldError({ name: 'n', label: 'N', type: 'text', required: true }, ' ', s)).toBe(s.required);
    expect(fieldError({ name: 'e', label: 'E', type: 'email' }, 'a@b', s)).toBe(s.invalidEmail);
    expect(fieldError({ name: 'o', label: 'O', type: 'text', pattern: '\\d{4}' }, '12345', s)).toBe(
      s.invalid,
    );
    expect(fieldError({ name: 't', label: 'T', type: 'select', options: ['A'] }, 'B', s)).toBe(s.invalid);
    expect(fieldError({ name: 'o', label: 'O', type: 'text', pattern: '\\d{4}' }, '1234', s)).toBeNull();
    expect(fieldError({ name: 'x', label: 'X', type: 'text' }, '', s)).toBeNull();
  });
});

describe('Channel API changes and the queue', () => {
  it('replaces an updated message, drops a removed one, and follows the queue position', () => {
    let state = withMessages(message(0, ME), message(1, 'bot'));
    state = mergeMessages([{ ...message(1, 'bot'), body: 'edited' }])(state);
    expect(state.messages.map((m) => m.body)).toEqual(['message 0', 'edited']);
    state = removeMessage(CHANNEL, 'IM0')(state);
    expect(state.messages.map((m) => m.index)).toEqual([1]);
    expect(removeMessage('CHother', 'IM1')(state)).toBe(state);
    state = setQueue({ channelSid: CHANNEL, taskSid: 'WT1', position: 2, estimatedWaitSeconds: 90 })(state);
    expect(state.queue).toEqual({ position: 2, estimatedWaitSeconds: 90 });
    state = setQueue({ channelSid: CHANNEL, taskSid: 'WT1', position: null, estimatedWaitSeconds: null })(
      state,
    );
    expect(state.queue).toBeNull();
  });
});
