/**
 * Tells the visitor when something is in the way: an attachment refused or uploading, the
 * conversation could not start, or the connection dropped (messages wait in the outbox). A short fade-in delay keeps the banner from
 * flashing during an ordinary connect.
 */
import { format } from '../i18n';
import { setNotice } from '../state/updates';
import { useApp, useChatState } from './app-context';
import { retryChunks } from './lazy';
import { css, keyframes } from './sheet';
import { color } from './theme';

const appear = keyframes`
  from { opacity: 0; }
  to { opacity: 1; }
`;
const banner = css`
  padding: 8px 16px;
  font-size: 13px;
  background: #fef3c7;
  color: #78350f;
  animation: ${appear} 0.2s ease-out 1s both;
  &[data-kind='info'] {
    animation: none;
  }
  &[data-kind='error'] {
    animation: none;
    background: #fee2e2;
    color: ${color.danger};
  }
  button {
    margin-left: 8px;
    font: inherit;
    text-decoration: underline;
    background: none;
    border: 0;
    color: inherit;
    cursor: pointer;
  }
`;

export function StatusBanner() {
  const { phase, connected, error, notice, queue, settings, store, chunkFailed } = {
    ...useChatState(),
    ...useApp(),
  };
  const { strings, actions } = useApp();
  if (chunkFailed) {
    return (
      <div class={banner} data-kind="error" role="alert">
        {strings.loadFailed}
        <button type="button" onClick={() => retryChunks(store)}>
          {strings.retry}
        </button>
      </div>
    );
  }
  if (notice) {
    return (
      <div
        class={banner}
        data-kind={notice.error ? 'error' : 'info'}
        role={notice.error ? 'alert' : 'status'}
      >
        {notice.text}
        {notice.error && (
          <button type="button" onClick={() => store.update(setNotice(null))}>
            {strings.dismiss}
          </button>
        )}
      </div>
    );
  }
  if (phase === 'error') {
    return (
      <div class={banner} data-kind="error" role="alert">
        {format(strings.startFailed, error ?? '')}
        <button type="button" onClick={actions.retry}>
          {strings.retry}
        </button>
      </div>
    );
  }
  if (phase === 'ready' && connected && queue && settings && !settings.agentsAvailable) {
    // Nobody can come: no endless place in line, but the truth and another way to reach us.
    return (
      <div class={banner} data-kind="info" role="status">
        {strings.noAgentsNow}
        <button type="button" onClick={actions.leaveEmail}>
          {strings.leaveEmailInstead}
        </button>
      </div>
    );
  }
  if (phase === 'ready' && connected && queue) {
    const wait = queue.estimatedWaitSeconds;
    return (
      <div class={banner} data-kind="info" role="status">
        {format(strings.queuePosition, String(queue.position))}
        {wait !== null && ` ${format(strings.queueWait, String(Math.max(1, Math.round(wait / 60))))}`}
      </div>
    );
  }
  if (phase === 'ready' && !connected) {
    return (
      <div class={banner} role="status">
        {strings.offline}
      </div>
    );
  }
  return null;
}
