/**
 * Short notices (an offer timed out, a request failed). They dismiss themselves so they never
 * pile up over the desk; errors use role="alert" so they are announced at once.
 */
import { useEffect } from 'preact/hooks';
import type { Notice } from '../state/desk-state.ts';
import { dismissNotice } from '../state/desk-updates.ts';
import { useDesk, useDeskState } from './desk-context.ts';

const SHOWN_MS = 8_000;

export function Notices() {
  const { notices } = useDeskState();
  return (
    <div class="notices">
      {notices.map((notice) => (
        <NoticeItem key={notice.id} notice={notice} />
      ))}
    </div>
  );
}

function NoticeItem({ notice }: { notice: Notice }) {
  const { store } = useDesk();
  const dismiss = () => store.update(dismissNotice(notice.id));
  useEffect(() => {
    const timer = setTimeout(dismiss, SHOWN_MS);
    return () => clearTimeout(timer);
  }, [notice.id]);
  return (
    <div class={`notice notice--${notice.tone}`} role={notice.tone === 'error' ? 'alert' : 'status'}>
      <span>{notice.text}</span>
      <button type="button" class="notice__close" aria-label="Dismiss" onClick={dismiss}>
        ×
      </button>
    </div>
  );
}
