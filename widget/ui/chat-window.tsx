/** The open chat window: header, status, the conversation, and the composer (or the ended panel). */
import { isEnded } from '../state/chat-state';
import { useApp, useChatState } from './app-context';
import { ChatEnded } from './chat-ended';
import { Composer } from './composer';
import { Header } from './header';
import { MessageLog } from './message-log';
import { css } from './sheet';
import { StatusBanner } from './status-banner';
import { color, font, zIndex } from './theme';
import { TypingIndicator } from './typing-indicator';

const panel = css`
  position: fixed;
  right: 20px;
  bottom: 20px;
  z-index: ${zIndex};
  width: 370px;
  height: min(600px, calc(100vh - 40px));
  display: flex;
  flex-direction: column;
  overflow: hidden;
  border-radius: 14px;
  background: ${color.surface};
  color: ${color.text};
  font-family: ${font};
  font-size: 15px;
  box-shadow: 0 12px 40px rgba(0, 0, 0, 0.25);
  @media (max-width: 480px) {
    inset: 0;
    width: auto;
    height: auto;
    border-radius: 0;
  }
`;

export function ChatWindow() {
  const state = useChatState();
  const { strings, actions } = useApp();
  return (
    <section
      class={panel}
      role="dialog"
      aria-label={strings.title}
      onKeyDown={(event) => {
        if (event.key === 'Escape') actions.close();
      }}
    >
      <Header />
      <StatusBanner />
      <MessageLog />
      <TypingIndicator />
      {isEnded(state) ? <ChatEnded /> : <Composer />}
    </section>
  );
}
