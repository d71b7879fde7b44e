/**
 * Proxy sessions: a customer's address (a phone number, a WhatsApp id) on a Flex Flow's
 * contact identity maps to one channel while the session is open. The first message from an
 * address opens a session and its channel; later ones reuse them; a session whose channel has
 * closed is closed and replaced.
 */
import { notFound } from '../../errors.ts';
import type { Channel, FlexFlow, ProxySession, Store } from '../../store/types.ts';
import type { Conversations } from '../conversations.ts';

export type ProxySessions = ReturnType<typeof createProxySessions>;

export interface OpenedSession {
  session: ProxySession;
  channel: Channel;
  created: boolean;
}

export function createProxySessions({
  store,
  conversations,
}: {
  store: Store;
  conversations: Conversations;
}) {
  async function close(sid: string): Promise<ProxySession> {
    const session = await store.proxySessions.get(sid);
    if (!session) throw notFound('Session', sid);
    return (await store.proxySessions.close(sid)) ?? session;
  }

  return {
    close,

    /** The address's open session on the Flex Flow with its active channel, or new ones. */
    async openFor(flexFlow: FlexFlow, address: string): Promise<OpenedSession> {
      const proxyAddress = flexFlow.contactIdentity;
      const existing = await store.proxySessions.findOpen(address, proxyAddress);
      if (existing) {
        const channel = await store.channels.get(existing.channelSid);
        if (channel?.status === 'active') return { session: existing, channel, created: false };
        await store.proxySessions.close(existing.sid);
      }
      const contact =
        (await store.contacts.findByIdentity(address)) ??
        (await store.contacts.create({ identity: address, friendlyName: address, address }));
      const channel =
        (await store.channels.findActive(contact.sid, flexFlow.sid)) ??
        (await conversations.startChannel({
          flexFlow,
          contactSid: contact.sid,
          customerFriendlyName: contact.friendlyName,
          chatFriendlyName: `${flexFlow.channelType.toUpperCase()} with ${address}`,
        }));
      const opened = await store.proxySessions.open({
        flexFlowSid: flexFlow.sid,
        channelSid: channel.sid,
        identity: contact.identity,
        address,
        proxyAddress,
      });
      if (opened.session.channelSid !== channel.sid) {
        // Another request opened the session first with a channel of its own: use that one.
        await store.channels.update(channel.sid, { status: 'inactive' });
        const winner = await store.channels.get(opened.session.channelSid);
        if (!winner) throw notFound('Channel', opened.session.channelSid);
        return { session: opened.session, channel: winner, created: false };
      }
      const linked = await store.channels.update(channel.sid, {
        attributes: { ...channel.attributes, proxySessionSid: opened.session.sid, address },
      });
      return { session: opened.session, channel: linked, created: opened.created };
    },

    /** The channel closed: its sessions close with it (the janitor's part). */
    async closeForChannel(channelSid: string): Promise<ProxySession[]> {
      const open = await store.proxySessions.list({ channelSid, status: 'open' });
      const closed = await Promise.all(open.map((s) => store.proxySessions.close(s.sid)));
      return closed.filter((s): s is ProxySession => s !== null);
    },
  };
}
