/**
 * The widget's offline form, answered by email: where an email Flex Flow and an SMTP server
 * are set up, a message left while nobody answers opens (or continues) the email conversation
 * of the address the visitor gave, with a task for an agent, so the agent's reply reaches the
 * visitor's inbox and their answer by mail comes back into the same conversation.
 */
import type { OfflineMessageRequest } from '../../protocol.ts';
import type { FlexFlow, Store } from '../../store/types.ts';
import type { Conversations } from '../conversations.ts';
import type { Routing } from '../routing/index.ts';
import { mailboxOf } from './address.ts';
import type { createEmailInbound } from './inbound.ts';
import type { Mailer } from './mailer.ts';

const OPEN_TASK = ['pending', 'reserved', 'assigned', 'wrapping'];

/** A form has no subject: the message's first line stands for one, as a mail program would show it. */
export function subjectOf(body: string): string {
  const line = body.trim().split('\n')[0]?.trim() ?? '';
  return line.length > 60 ? `${line.slice(0, 59).trimEnd()}…` : line;
}

export function createOfflineEmail(deps: {
  store: Store;
  conversations: Conversations;
  routing: Routing;
  inbound: ReturnType<typeof createEmailInbound>;
  mailer: Mailer | null;
}) {
  const { store, conversations, routing, inbound, mailer } = deps;

  /** The email Flex Flow a web Flex Flow's offline messages go to: its `integration.offlineEmailFlexFlowSid`, else the first enabled one. */
  async function emailFlexFlowFor(web: FlexFlow): Promise<FlexFlow | null> {
    const named = (web.integration as { offlineEmailFlexFlowSid?: unknown }).offlineEmailFlexFlowSid;
    const candidates = (await store.flexFlows.list()).filter((f) => f.enabled && f.channelType === 'email');
    return (typeof named === 'string' ? candidates.find((f) => f.sid === named) : candidates[0]) ?? null;
  }

  return {
    emailFlexFlowFor,

    /**
     * Posts the offline message into the email conversation of `request.email`; null when this
     * installation does not answer by email (then it stays a web conversation).
     */
    async leave(web: FlexFlow, request: OfflineMessageRequest): Promise<{ taskSid: string } | null> {
      const flexFlow = mailer ? await emailFlexFlowFor(web) : null;
      const address = mailboxOf(request.email);
      if (!flexFlow || !address) return null;
      const { channel } = await inbound.open(flexFlow, address, {
        subject: subjectOf(request.body),
        name: request.name,
      });
      const current = channel.attributes.taskSid ? await store.tasks.get(channel.attributes.taskSid) : null;
      // The task comes first, so the message starts neither the email Flex Flow's bot nor a second task.
      const taskSid =
        current && OPEN_TASK.includes(current.status)
          ? current.sid
          : (
              await routing.createTask(channel, {
                channelType: 'email',
                name: request.name,
                email: address,
                subject: channel.attributes.subject,
                channelSid: channel.sid,
                firstMessage: request.body,
                offline: true,
                ...(request.pageUrl && { pageUrl: request.pageUrl }),
              })
            ).sid;
      await conversations.post({
        channelSid: channel.sid,
        from: address,
        body: request.body,
        // Anyone can type any address in a form: the agent sees this one came from the website.
        attributes: { source: 'offline-form', webFlexFlowSid: web.sid },
      });
      return { taskSid };
    },
  };
}
