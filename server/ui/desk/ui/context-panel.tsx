/**
 * What the agent knows about the customer of the selected chat: who they are, where they are
 * on the site (live: it follows the visitor's navigation), their browser, what they told the
 * pre-engagement form, the task's data (rows with no value left out) and the customer's
 * rating of this chat, and their earlier conversations. Everything carries a human label;
 * internal ids stay in a closed "Technical details" disclosure, there for a support ticket,
 * not in the way.
 */
import type { ComponentChildren } from 'preact';
import type { CsatInfo, TransferInfo } from '../../../protocol.ts';
import { describeBrowser } from '../format/describe-browser.ts';
import {
  channelTypeLabel,
  humanLabel,
  isEmptyValue,
  isTechnical,
  taskStatusLabel,
  valueText,
} from '../format/labels.ts';
import { botTranscript, customerName, emailSubject } from '../state/selectors.ts';
import { useDeskState } from './desk-context.ts';
import { EarlierConversations } from './earlier-conversations.tsx';
import { RatingStars } from './rating-stars.tsx';

export function ContextPanel() {
  const state = useDeskState();
  const chat = state.selectedChannelSid ? state.chats[state.selectedChannelSid] : undefined;
  if (!chat) return <p class="empty">Customer details appear here.</p>;
  const { channel, task } = chat.chat;
  const { pageUrl, userAgent, preEngagementData } = channel.attributes;
  // Routing copies the pre-engagement data into the task; it is shown once, above.
  const {
    preEngagementData: _shownAbove,
    transfer,
    csat,
    ...taskAttributes
  } = task.attributes as Record<string, unknown> & { transfer?: TransferInfo; csat?: CsatInfo };
  const subject = emailSubject(chat.chat);
  const transcript = botTranscript(chat);
  // Rows with nothing in them (a bot variable never set) are left out, not shown blank.
  const split = (values: Record<string, unknown>) => {
    const shown = Object.entries(values).filter(
      ([key, value]) => !isTechnical(key, value) && !isEmptyValue(value),
    );
    return Object.fromEntries(shown);
  };
  const preEngagement = split(preEngagementData ?? {});
  // The task's own ids first, then those its attributes hold (each id once).
  const technical = new Map<string, unknown>([
    ['Conversation id', channel.sid],
    ['Task id', task.sid],
  ]);
  for (const [key, value] of Object.entries(taskAttributes)) {
    if (isTechnical(key, value) && ![...technical.values()].includes(value))
      technical.set(humanLabel(key), value);
  }

  return (
    <div class="context">
      <h2 class="pane-title">Customer</h2>
      <dl class="facts">
        <Fact label="Name">{customerName(chat.chat)}</Fact>
        <Fact label="Channel">{channelTypeLabel(channel.attributes.channelType)}</Fact>
        {subject && <Fact label="Subject">{subject}</Fact>}
        <Fact label="Page">{pageUrl ? <PageLink url={pageUrl} /> : 'Unknown'}</Fact>
        <Fact label="Browser">{describeBrowser(userAgent)}</Fact>
      </dl>
      {Object.keys(preEngagement).length > 0 && (
        <>
          <h3 class="context__heading">Pre-engagement</h3>
          <FactList values={preEngagement} />
        </>
      )}
      <h3 class="context__heading">Task</h3>
      <dl class="facts">
        <Fact label="Status">{taskStatusLabel(task.status)}</Fact>
        <Fact label="Priority">{String(task.priority)}</Fact>
        {csat && typeof csat.score === 'number' && (
          <Fact label="Rating">
            <RatingStars csat={csat} />
          </Fact>
        )}
      </dl>
      <FactList values={split(taskAttributes)} />
      {transfer && (
        <>
          <h3 class="context__heading">Transfer</h3>
          <dl class="facts">
            <Fact label="From">{transfer.fromName}</Fact>
            <Fact label="Note">{transfer.note ?? '—'}</Fact>
          </dl>
        </>
      )}
      {transcript.length > 0 && (
        <>
          <h3 class="context__heading">Bot transcript</h3>
          <ol class="transcript" aria-label="Bot transcript">
            {transcript.map((m) => (
              <li key={m.index}>
                <strong>{m.authorName}:</strong> {m.body}
              </li>
            ))}
          </ol>
        </>
      )}
      <EarlierConversations key={channel.sid} channelSid={channel.sid} />
      <details class="context__technical">
        <summary>Technical details</summary>
        <dl class="facts">
          {[...technical].map(([key, value]) => (
            <Fact key={key} label={key}>
              <code>{valueText(value)}</code>
            </Fact>
          ))}
        </dl>
      </details>
    </div>
  );
}

function Fact({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="facts__row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function FactList({ values }: { values: Record<string, unknown> }) {
  const entries = Object.entries(values);
  if (entries.length === 0) return null;
  return (
    <dl class="facts">
      {entries.map(([key, value]) => (
        <Fact key={key} label={humanLabel(key)}>
          {valueText(value)}
        </Fact>
      ))}
    </dl>
  );
}

/** Only http(s) pages become links: a customer-supplied `javascript:` URL stays text. */
function PageLink({ url }: { url: string }) {
  const safe = /^https?:\/\//i.test(url);
  return safe ? (
    <a href={url} target="_blank" rel="noopener noreferrer">
      {url}
    </a>
  ) : (
    <span>{url}</span>
  );
}
