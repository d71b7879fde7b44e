/**
 * Wrap-up of an ended chat: a disposition from the chat's list and a note, sent with
 * Complete and kept on the task (`attributes.wrapUp`). Both are optional, so an agent in a
 * hurry can still complete; the list comes with the chat, from its Flex Flow. Under a wrap-up
 * time limit the form counts down to when the server completes the chat by itself.
 */
import { useEffect, useState } from 'preact/hooks';
import type { IsoDate, Sid, WrapUpRequest } from '../../../protocol.ts';

export interface WrapUpFormProps {
  taskSid: Sid;
  dispositions: string[];
  /** When the wrap-up time limit completes the chat; null when there is none. */
  endsAt: IsoDate | null;
  busy: boolean;
  onComplete(request: WrapUpRequest): void;
}

export function WrapUpForm({ taskSid, dispositions, endsAt, busy, onComplete }: WrapUpFormProps) {
  const [disposition, setDisposition] = useState('');
  const [notes, setNotes] = useState('');

  function submit(event: Event) {
    event.preventDefault();
    onComplete({
      taskSid,
      ...(disposition && { disposition }),
      ...(notes.trim() && { notes: notes.trim() }),
    });
  }

  return (
    <form class="wrap-up" aria-label="Wrap-up" onSubmit={submit}>
      <p class="wrap-up__ended">
        This chat has ended. Wrap it up, then complete it.
        {endsAt && <Countdown endsAt={endsAt} />}
      </p>
      <div class="wrap-up__fields">
        <label class="wrap-up__field">
          <span>Disposition</span>
          <select value={disposition} onChange={(e) => setDisposition(e.currentTarget.value)}>
            <option value="">Choose…</option>
            {dispositions.map((code) => (
              <option key={code} value={code}>
                {code}
              </option>
            ))}
          </select>
        </label>
        <label class="wrap-up__field wrap-up__field--grow">
          <span>Wrap-up notes</span>
          <textarea
            value={notes}
            rows={2}
            maxLength={2000}
            onInput={(e) => setNotes(e.currentTarget.value)}
          />
        </label>
        <button type="submit" class="button button--primary" disabled={busy}>
          Complete
        </button>
      </div>
    </form>
  );
}

/** "Wrap-up ends in 1:23", ticking each second; a timer, so screen readers do not announce each tick. */
function Countdown({ endsAt }: { endsAt: IsoDate }) {
  const due = Date.parse(endsAt);
  const left = () => Math.max(0, Math.ceil((due - Date.now()) / 1000));
  const [seconds, setSeconds] = useState(left);
  useEffect(() => {
    setSeconds(left());
    const timer = setInterval(() => setSeconds(left()), 1000);
    return () => clearInterval(timer);
  }, [due]);
  if (Number.isNaN(due)) return null;
  const text = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  return (
    <span class="wrap-up__countdown" role="timer" aria-live="off">
      {' '}
      Wrap-up ends in {text}
    </span>
  );
}
