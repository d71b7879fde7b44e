/**
 * The chaos run's verdict, from the store as the REST API shows it: every acknowledged
 * message stored once where its ack said, indexes gapless, every client's view equal to it.
 */
import type { MessageDTO } from '../../../server/protocol.ts';
import type { ChannelView } from './channel-view.ts';
import type { Acked } from './clients.ts';

export interface Verdict {
  /** Acknowledged, but not stored (or stored under another sid or index than acknowledged). */
  lost: number;
  /** Stored more than once: the same clientId or the same body twice in a channel. */
  duplicated: number;
  /** Missing indexes, or a lastMessageIndex that disagrees with the messages. */
  gaps: number;
  /** Client views (one per client and channel) that differ from the store. */
  viewMismatches: number;
  storedMessages: number;
  channels: number;
}

type Api = (path: string) => Promise<unknown>;

/** All messages of a channel, page by page, and the channel's own last index. */
export async function storedMessages(api: Api, channelSid: string) {
  const channel = (await api(`/v1/Channels/${channelSid}`)) as { lastMessageIndex: number };
  const messages: MessageDTO[] = [];
  let afterIndex = -1;
  for (;;) {
    const page = (await api(
      `/v1/Channels/${channelSid}/Messages?afterIndex=${afterIndex}&pageSize=1000`,
    )) as {
      messages: MessageDTO[];
      meta: { nextAfterIndex: number | null };
    };
    messages.push(...page.messages);
    if (page.meta.nextAfterIndex === null) break;
    afterIndex = page.meta.nextAfterIndex;
  }
  return { lastMessageIndex: channel.lastMessageIndex, messages };
}

export async function verify(api: Api, acked: Acked[], views: ChannelView[]): Promise<Verdict> {
  const channelSids = new Set([...acked.map((a) => a.channelSid), ...views.map((v) => v.channelSid)]);
  const store = new Map<string, MessageDTO[]>();
  const verdict: Verdict = {
    lost: 0,
    duplicated: 0,
    gaps: 0,
    viewMismatches: 0,
    storedMessages: 0,
    channels: channelSids.size,
  };
  for (const sid of channelSids) {
    const { lastMessageIndex, messages } = await storedMessages(api, sid);
    store.set(sid, messages);
    verdict.storedMessages += messages.length;
    messages.forEach((m, i) => {
      if (m.index !== i) verdict.gaps++;
    });
    if (lastMessageIndex !== messages.length - 1) verdict.gaps++;
    verdict.duplicated += repeats(messages.map((m) => m.clientId).filter((id) => id !== null));
    verdict.duplicated += repeats(messages.filter((m) => m.authorRole !== 'system').map((m) => m.body));
  }
  for (const a of acked) {
    const stored = store.get(a.channelSid)?.find((m) => m.clientId === a.clientId);
    if (!stored || stored.sid !== a.sid || stored.index !== a.index || stored.body !== a.body) verdict.lost++;
  }
  for (const view of views) {
    const expected = store.get(view.channelSid) ?? [];
    const seen = view.list();
    const same =
      view.conflicts === 0 &&
      seen.length === expected.length &&
      seen.every((m, i) => m.sid === expected[i]?.sid && m.index === expected[i]?.index);
    if (!same) verdict.viewMismatches++;
  }
  return verdict;
}

function repeats(values: string[]): number {
  return values.length - new Set(values).size;
}
