/**
 * Replaces the composer once the conversation ended: the rating (a lazy chunk the window loads
 * and passes in, when asked for), then a new chat.
 */
import type { ComponentType } from 'preact';
import { useApp, useChatState } from './app-context';
import { css } from './sheet';
import { color } from './theme';

const panel = css`
  padding: 14px 16px;
  border-top: 1px solid ${color.border};
  text-align: center;
  p {
    margin: 0 0 10px;
    color: ${color.muted};
  }
  button {
    border: 0;
    border-radius: 8px;
    padding: 9px 16px;
    background: ${color.primary};
    color: ${color.onPrimary};
    font: inherit;
    cursor: pointer;
  }
`;

export function ChatEnded({ Rating }: { Rating: ComponentType | undefined }) {
  const { strings, actions } = useApp();
  const { endedByVisitor } = useChatState();
  return (
    <div class={panel}>
      <p role="status">{endedByVisitor ? strings.youEnded : strings.ended}</p>
      {Rating && <Rating />}
      <button type="button" onClick={actions.startNew}>
        {strings.startNewChat}
      </button>
    </div>
  );
}
