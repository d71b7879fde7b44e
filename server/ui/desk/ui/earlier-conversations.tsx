/**
 * "Earlier conversations" in the context panel: the customer's previous chats, newest first
 * (when, which channel, who handled it, how it was wrapped up, how the customer rated it),
 * each opening its read-only transcript in a dialog so the chat in progress stays where it is.
 * Read once per selected chat; the server decides who may see them.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { EarlierConversationDTO, Sid, TranscriptDTO } from '../../../protocol.ts';
import { loadEarlierConversations, loadEarlierTranscript } from '../client/earlier-conversations.ts';
import { channelTypeLabel } from '../format/labels.ts';
import { useDesk, useRunAction } from './desk-context.ts';
import { RatingStars } from './rating-stars.tsx';
import { TranscriptView } from './transcript-view.tsx';

const formatDate = (iso: string) =>
  new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });

type Loaded =
  | { state: 'loading' }
  | { state: 'failed'; message: string }
  | { state: 'ready'; list: EarlierConversationDTO[] };

export function EarlierConversations({ channelSid }: { channelSid: Sid }) {
  const { token } = useDesk();
  const run = useRunAction();
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const [transcript, setTranscript] = useState<TranscriptDTO | null>(null);

  useEffect(() => {
    let current = true;
    setLoaded({ state: 'loading' });
    loadEarlierConversations(token, channelSid).then(
      (found) => current && setLoaded({ state: 'ready', list: found.conversations }),
      (error: Error) => current && setLoaded({ state: 'failed', message: error.message }),
    );
    // A reply for a chat no longer selected is dropped.
    return () => {
      current = false;
    };
  }, [token, channelSid]);

  const open = (earlier: EarlierConversationDTO) =>
    run(async () => setTranscript(await loadEarlierTranscript(token, channelSid, earlier.channelSid)));

  return (
    <>
      <h3 class="context__heading" id="earlier-heading">
        Earlier conversations
      </h3>
      {loaded.state === 'loading' && <p class="context__note">Loading…</p>}
      {loaded.state === 'failed' && <p class="context__note">{loaded.message}</p>}
      {loaded.state === 'ready' && loaded.list.length === 0 && (
        <p class="context__note">No earlier conversations.</p>
      )}
      {loaded.state === 'ready' && loaded.list.length > 0 && (
        <ul class="earlier" aria-labelledby="earlier-heading">
          {loaded.list.map((earlier) => (
            <EarlierItem key={earlier.channelSid} earlier={earlier} onOpen={() => open(earlier)} />
          ))}
        </ul>
      )}
      {transcript && <TranscriptDialog transcript={transcript} onClose={() => setTranscript(null)} />}
    </>
  );
}

function EarlierItem({ earlier, onOpen }: { earlier: EarlierConversationDTO; onOpen(): void }) {
  const handledBy = earlier.agentNames.length ? earlier.agentNames.join(', ') : 'No agent';
  return (
    <li class="earlier__item">
      <button type="button" class="earlier__open" onClick={onOpen}>
        {formatDate(earlier.dateCreated)} · {channelTypeLabel(earlier.channelType)}
      </button>
      {earlier.subject && <span class="earlier__subject">{earlier.subject}</span>}
      <span class="earlier__meta">
        {handledBy}
        {earlier.disposition && ` · ${earlier.disposition}`}
      </span>
      {earlier.csat && <RatingStars csat={earlier.csat} />}
    </li>
  );
}

function TranscriptDialog({ transcript, onClose }: { transcript: TranscriptDTO; onClose(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => dialog.current?.showModal(), []);
  return (
    <dialog
      ref={dialog}
      class="dialog dialog--transcript"
      aria-label={`Earlier conversation with ${transcript.customerName}`}
      onClose={onClose}
    >
      <TranscriptView transcript={transcript} onBack={() => dialog.current?.close()} backLabel="Close" />
    </dialog>
  );
}
