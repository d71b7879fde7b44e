/** "<name> is typing…", while the other side's typing events keep coming (the client expires it). */
import { format } from '../i18n';
import { useApp, useChatState } from './app-context';
import { css } from './sheet';
import { color } from './theme';

const line = css`
  min-height: 18px;
  padding: 0 16px 4px;
  font-size: 12px;
  font-style: italic;
  color: ${color.muted};
`;

export function TypingIndicator() {
  const { typing } = useChatState();
  const { strings } = useApp();
  return (
    <div class={line} aria-live="polite">
      {typing ? format(strings.typing, typing.name) : ''}
    </div>
  );
}
