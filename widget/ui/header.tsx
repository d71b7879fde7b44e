/**
 * The window's header: who the visitor talks to (the agent, once one joined) and the window's
 * buttons: transcript download, End chat (asking first), Close chat.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { currentAgent, hasStarted, isEnded } from '../state/chat-state';
import { useApp, useChatState } from './app-context';
import { Avatar } from './avatar';
import { CloseIcon, DownloadIcon } from './icons';
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

const confirmBar = css`
  display: flex;
  align-items: center;
  gap: 8px;
  padding: 8px 12px;
  background: ${color.agentBubble};
  span {
    flex: 1;
  }
  button {
    font: inherit;
    font-size: 14px;
    border-radius: 6px;
    padding: 5px 10px;
    cursor: pointer;
    border: 1px solid ${color.primary};
    background: ${color.surface};
    color: ${color.primary};
  }
  button:first-of-type {
    background: ${color.primary};
    color: ${color.onPrimary};
  }
`;

/** "End this chat?" with the answer focused first. */
function ConfirmEnd({ onDone }: { onDone: () => void }) {
  const { strings, actions } = useApp();
  const yes = useRef<HTMLButtonElement>(null);
  useEffect(() => yes.current?.focus(), []);
  return (
    // biome-ignore lint/a11y/useSemanticElements: a fieldset's legend cannot sit in this one-line bar.
    <div class={confirmBar} role="group" aria-label={strings.endChatConfirm}>
      <span>{strings.endChatConfirm}</span>
      <button
        ref={yes}
        type="button"
        onClick={() => {
          onDone();
          actions.end();
        }}
      >
        {strings.confirmEnd}
      </button>
      <button type="button" onClick={onDone}>
        {strings.cancel}
      </button>
    </div>
  );
}

export function Header() {
  const state = useChatState();
  const { strings, actions } = useApp();
  const [confirming, setConfirming] = useState(false);
  const agent = currentAgent(state);
  // Nothing to end before anyone wrote: the button comes with the chat.
  const canEnd = state.phase === 'ready' && state.channel !== null && !isEnded(state) && hasStarted(state);
  const away = state.settings && (!state.settings.available || !state.settings.agentsAvailable);
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
            onClick={() =>
              void import('./transcript').then((t) => t.downloadTranscript(state, strings.title))
            }
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
      {canEnd && confirming && <ConfirmEnd onDone={() => setConfirming(false)} />}
    </>
  );
}
