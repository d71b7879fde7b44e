/** The round button that opens the chat window (the loader draws a look-alike before the app loads). */
import { useApp } from './app-context';
import { ChatIcon } from './icons';
import { css } from './sheet';
import { color, zIndex } from './theme';

const launcher = css`
  position: fixed;
  right: 20px;
  bottom: 20px;
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

export function Launcher() {
  const { strings, actions } = useApp();
  return (
    <button type="button" class={launcher} aria-label={strings.openChat} onClick={actions.open}>
      <ChatIcon />
    </button>
  );
}
