/**
 * The "Transfer" dialog: pick a queue or an available agent, add a note for whoever takes the
 * chat next, and hand it over. The list comes from the server when the dialog opens.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Sid, TransferTargets } from '../../../protocol.ts';
import { useDesk, useRunAction } from './desk-context.ts';

export function TransferDialog({ taskSid, onClose }: { taskSid: Sid; onClose(): void }) {
  const { client } = useDesk();
  const run = useRunAction();
  const dialog = useRef<HTMLDialogElement>(null);
  const [targets, setTargets] = useState<TransferTargets | null>(null);
  const [target, setTarget] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    dialog.current?.showModal();
    run(async () => {
      const found = await client.transferTargets();
      setTargets(found);
      const first = found.workers[0] ?? found.queues[0];
      setTarget(first ? `${found.workers[0] ? 'worker' : 'queue'}:${first.sid}` : '');
    });
  }, []);

  function submit(event: Event) {
    event.preventDefault();
    const [kind, sid] = target.split(':');
    if (!sid) return;
    setBusy(true);
    run(async () => {
      await client.transfer({
        taskSid,
        note,
        ...(kind === 'worker' ? { workerSid: sid } : { queueSid: sid }),
      });
      onClose();
    }).finally(() => setBusy(false));
  }

  return (
    <dialog ref={dialog} class="transfer" aria-label="Transfer chat" onClose={onClose}>
      <form onSubmit={submit}>
        <h2>Transfer chat</h2>
        <label class="transfer__field">
          <span>Transfer to</span>
          <select value={target} disabled={!targets} onChange={(e) => setTarget(e.currentTarget.value)}>
            {targets && targets.workers.length > 0 && (
              <optgroup label="Available agents">
                {targets.workers.map((w) => (
                  <option key={w.sid} value={`worker:${w.sid}`}>
                    {w.friendlyName} ({w.load}/{w.capacity})
                  </option>
                ))}
              </optgroup>
            )}
            {targets && (
              <optgroup label="Queues">
                {targets.queues.map((q) => (
                  <option key={q.sid} value={`queue:${q.sid}`}>
                    {q.friendlyName}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
        </label>
        <label class="transfer__field">
          <span>Note</span>
          <textarea value={note} maxLength={1000} rows={3} onInput={(e) => setNote(e.currentTarget.value)} />
        </label>
        <div class="transfer__actions">
          <button type="button" class="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="button button--primary" disabled={busy || !target}>
            Transfer chat
          </button>
        </div>
      </form>
    </dialog>
  );
}
