/**
 * Wrap-up of an ended chat: a disposition from the chat's list and a note, sent with
 * Complete and kept on the task (`attributes.wrapUp`). Both are optional, so an agent in a
 * hurry can still complete; the list comes with the chat, from its Flex Flow.
 */
import { useState } from 'preact/hooks';
import type { Sid, WrapUpRequest } from '../../../protocol.ts';

export interface WrapUpFormProps {
  taskSid: Sid;
  dispositions: string[];
  busy: boolean;
  onComplete(request: WrapUpRequest): void;
}

export function WrapUpForm({ taskSid, dispositions, busy, onComplete }: WrapUpFormProps) {
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
      <p class="wrap-up__ended">This chat has ended. Wrap it up, then complete it.</p>
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
