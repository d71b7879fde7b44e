/**
 * The bot's suggested answers (`attributes.quickReplies` of the newest message) as buttons;
 * a tap sends the text as the visitor's message, and the buttons go once the visitor answered.
 */
import { quickReplies } from '../state/chat-state';
import { useApp, useChatState } from './app-context';
import { css } from './sheet';
import { color } from './theme';

const list = css`
  display: flex;
  flex-wrap: wrap;
  justify-content: flex-end;
  gap: 6px;
  padding: 0 12px 8px;
  button {
    border: 1px solid ${color.primary};
    border-radius: 16px;
    padding: 6px 12px;
    background: ${color.surface};
    color: ${color.primary};
    font: inherit;
    font-size: 14px;
    cursor: pointer;
  }
  button:focus-visible {
    outline: 2px solid ${color.primary};
    outline-offset: 2px;
  }
`;

export function QuickReplies() {
  const state = useChatState();
  const { actions } = useApp();
  const replies = quickReplies(state);
  if (!replies.length || state.phase !== 'ready') return null;
  return (
    <div class={list} data-quick-replies="">
      {replies.map((reply) => (
        <button key={reply} type="button" onClick={() => actions.send(reply)}>
          {reply}
        </button>
      ))}
    </div>
  );
}
