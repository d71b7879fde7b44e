/** Replaces the composer once the conversation ended: the rating (a lazy chunk), then a new chat. */
import { useApp, useChatState } from './app-context';
import { loadRating, useLazy } from './lazy';
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

export function ChatEnded() {
  const { strings, actions } = useApp();
  const { endedByVisitor, channel, settings } = useChatState();
  // Asked only where an agent's task stood behind the chat and the Flex Flow did not turn it off.
  const rating = useLazy(
    loadRating,
    Boolean(channel?.attributes.taskSid) && settings?.rating?.enabled !== false,
  );
  return (
    <div class={panel}>
      <p role="status">{endedByVisitor ? strings.youEnded : strings.ended}</p>
      {rating && <rating.Rating />}
      <button type="button" onClick={actions.startNew}>
        {strings.startNewChat}
      </button>
    </div>
  );
}
