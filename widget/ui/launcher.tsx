/**
 * The round button that opens the chat window (the loader draws a look-alike before the app
 * loads), with the unread count while the window is closed.
 */
import { format } from '../i18n';
import { useApp, useChatState } from './app-context';
import { ChatIcon } from './icons';
import { css } from './sheet';
import { color, corner, zIndex } from './theme';

const launcher = css`
  position: fixed;
  ${corner}
  z-index: ${zIndex};
  width: 56px;
  height: 56px;
  border: 0;
  border-radius: 50%;
  background: ${color.primary};
  color: ${color.onPrimary};
  box-shadow: 0 4px 14px rgba(0, 0, 0, 0.25);
  cursor: pointer;
  display: grid;
  place-items: center;
  &:focus-visible {
    outline: 3px solid ${color.primary};
    outline-offset: 3px;
  }
`;
const badge = css`
  position: absolute;
  top: -4px;
  right: -4px;
  min-width: 20px;
  height: 20px;
  padding: 0 5px;
  box-sizing: border-box;
  border-radius: 10px;
  background: ${color.danger};
  color: #fff;
  font: 700 12px/20px ${'system-ui, sans-serif'};
`;

export function Launcher() {
  const { strings, actions } = useApp();
  const { unread } = useChatState();
  return (
    <button
      type="button"
      class={launcher}
      aria-label={strings.openChat}
      aria-describedby={unread ? 'parley-unread' : undefined}
      onClick={actions.open}
    >
      <ChatIcon />
      {unread > 0 && (
        <span class={badge} data-unread={unread}>
          <span aria-hidden="true">{unread > 99 ? '99+' : unread}</span>
          <span id="parley-unread" hidden>
            {format(strings.unread, String(unread))}
          </span>
        </span>
      )}
    </button>
  );
}
