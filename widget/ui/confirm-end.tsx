/** "End this chat?" under the header, with the answer focused first. */
import { useEffect, useRef } from 'preact/hooks';
import { useApp } from './app-context';
import { css } from './sheet';
import { color } from './theme';

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

export function ConfirmEnd({ onDone }: { onDone: () => void }) {
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
