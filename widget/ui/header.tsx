/**
 * The window's header: who the visitor talks to (the agent, once one joined) and the window's
 * buttons: transcript download, End chat (asking first, in the lazily loaded later.ts), Close chat.
 */
import { useState } from 'preact/hooks';
import { currentAgent, hasStarted, isEnded } from '../state/chat-state';
import { useApp, useChatState } from './app-context';
import { Avatar } from './avatar';
import { CloseIcon, DownloadIcon } from './icons';
import { loadChunk, loadLater, loadTranscript, useLazy } from './lazy';
import { css } from './sheet';
import { color } from './theme';

const header = css`
  display: flex;
  align-items: center;
  gap: 10px;
  padding: 12px 12px 12px 16px;
  background: ${color.primary};
  color: ${color.onPrimary};
`;
const titles = css`
  flex: 1;
  min-width: 0;
  h2 {
    margin: 0;
    font-size: 16px;
    font-weight: 600;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  p {
    margin: 2px 0 0;
    font-size: 12px;
    opacity: 0.9;
  }
`;
const textButton = css`
  border: 1px solid currentColor;
  border-radius: 6px;
  background: transparent;
  color: inherit;
  font: inherit;
  font-size: 13px;
  padding: 4px 10px;
  cursor: pointer;
`;
const iconButton = css`
  border: 0;
  background: transparent;
  color: inherit;
  padding: 4px;
  cursor: pointer;
  display: grid;
  border-radius: 6px;
  &:focus-visible {
    outline: 2px solid currentColor;
  }
`;

export function Header() {
  const state = useChatState();
  const { strings, actions, store } = useApp();
  const [confirming, setConfirming] = useState(false);
  const later = useLazy(loadLater, confirming);
  const agent = currentAgent(state);
  // Nothing to end before anyone wrote: the button comes with the chat.
  const canEnd = state.phase === 'ready' && state.channel !== null && !isEnded(state) && hasStarted(state);
  // Away: the chat is closed, or the visitor waits for an agent and none is Available. A bot
  // answering while no agent is about is not away: it answers at once.
  const away =
    state.settings &&
    (!state.settings.available || (!state.settings.agentsAvailable && state.queue !== null));
  return (
    <>
      {/* Not a <header>: inside the host page it would be a second banner landmark. */}
      <div class={header}>
        {agent && <Avatar name={agent.friendlyName} />}
        <div class={titles}>
          <h2>{agent ? agent.friendlyName : strings.title}</h2>
          {!agent && <p>{away ? strings.awaySubtitle : strings.subtitle}</p>}
        </div>
        {state.messages.length > 0 && (
          <button
            type="button"
            class={iconButton}
            aria-label={strings.transcript}
            onClick={function download() {
              void loadChunk(loadTranscript, store, download).then((t) =>
                t?.downloadTranscript(state, strings.title),
              );
            }}
          >
            <DownloadIcon />
          </button>
        )}
        {canEnd && (
          <button
            type="button"
            class={textButton}
            aria-expanded={confirming}
            onClick={() => setConfirming(!confirming)}
          >
            {strings.endChat}
          </button>
        )}
        <button type="button" class={iconButton} aria-label={strings.closeChat} onClick={actions.close}>
          <CloseIcon />
        </button>
      </div>
      {canEnd && confirming && later && <later.ConfirmEnd onDone={() => setConfirming(false)} />}
    </>
  );
}
