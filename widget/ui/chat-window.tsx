/**
 * The open chat window: header, status, then what comes first (settings loading, the
 * pre-engagement form, the offline form) or the conversation with its composer (or the ended
 * panel; it and the quick replies are in the lazy later.ts, fetched once the window is open). Takes focus when it opens, closes on Escape, accepts dropped files, and fills the
 * screen on phones, following the on-screen keyboard.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { isEnded, quickReplies } from '../state/chat-state';
import { useApp, useChatState } from './app-context';
import { activeIn, attach } from './attach';
import { Composer } from './composer';
import { Header } from './header';
import { loadForms, loadLater, loadRating, prefetch, useLazy } from './lazy';
import { MessageLog } from './message-log';
import { css } from './sheet';
import { StatusBanner } from './status-banner';
import { color, corner, font, radius, zIndex } from './theme';
import { TypingIndicator } from './typing-indicator';

const panel = css`
  position: fixed;
  ${corner}
  z-index: ${zIndex};
  width: 370px;
  height: min(600px, calc(100vh - 40px));
  display: flex;
  flex-direction: column;
  overflow: hidden;
  border-radius: ${radius};
  background: ${color.surface};
  color: ${color.text};
  font-family: ${font};
  font-size: 15px;
  line-height: normal;
  text-align: left;
  box-shadow: 0 12px 40px rgba(0, 0, 0, 0.25);
  &:focus {
    outline: none;
  }
  @media (max-width: 639px) {
    inset: 0 0 auto 0;
    width: 100%;
    height: var(--parley-viewport-height, 100%);
    border-radius: 0;
  }
`;
const dropZone = css`
  position: absolute;
  inset: 0;
  display: grid;
  place-items: center;
  background: rgba(255, 255, 255, 0.92);
  color: ${color.primary};
  font-weight: 600;
  border: 3px dashed ${color.primary};
  border-radius: inherit;
  pointer-events: none;
`;
const waiting = css`
  flex: 1;
  padding: 16px;
  color: ${color.muted};
`;

/** The window's height follows the visual viewport, so the on-screen keyboard never hides the composer. */
function useViewportHeight(ref: { current: HTMLElement | null }) {
  // A layout effect: its cleanup runs at unmount itself, not a frame later, so a single-page
  // app that unmounts the widget is left without our listener at once.
  useLayoutEffect(() => {
    const viewport = globalThis.visualViewport;
    if (!viewport) return;
    const follow = () => ref.current?.style.setProperty('--parley-viewport-height', `${viewport.height}px`);
    follow();
    viewport.addEventListener('resize', follow);
    return () => viewport.removeEventListener('resize', follow);
  }, []);
}

function Body() {
  const state = useChatState();
  const { strings } = useApp();
  const forms = useLazy(loadForms, state.gate === 'form' || state.gate === 'offline');
  const ended = isEnded(state);
  const later = useLazy(loadLater, ended || quickReplies(state).length > 0);
  // Asked only where an agent's task stood behind the chat and the Flex Flow did not turn it off.
  const rating = useLazy(
    loadRating,
    ended && Boolean(state.channel?.attributes.taskSid) && state.settings?.rating?.enabled !== false,
  );
  if (state.gate === 'form' || state.gate === 'offline') {
    if (!forms) return <p class={waiting}>{strings.connecting}</p>;
    return state.gate === 'form' ? <forms.PreEngagementForm /> : <forms.OfflineForm />;
  }
  if (state.gate === 'loading') return <p class={waiting}>{strings.connecting}</p>;
  return (
    <>
      <MessageLog />
      {later && <later.QuickReplies />}
      <TypingIndicator />
      {!ended ? <Composer /> : later && <later.ChatEnded Rating={rating?.Rating} />}
    </>
  );
}

export function ChatWindow() {
  const services = useApp();
  const { strings, actions } = services;
  const { settings, phase } = useChatState();
  const ref = useRef<HTMLElement>(null);
  const [dragging, setDragging] = useState(false);
  useViewportHeight(ref);
  useEffect(() => prefetch(loadLater), []);
  useEffect(() => {
    // Focus moves into the window; the composer or a form field takes it once usable.
    const window = ref.current;
    if (window && !window.contains(activeIn(window))) window.focus();
  }, []);
  const canDrop = phase === 'ready' && settings?.fileAttachment.enabled;
  return (
    <section
      ref={ref}
      class={panel}
      role="dialog"
      aria-label={strings.title}
      tabIndex={-1}
      onKeyDown={(event) => {
        if (event.key === 'Escape') actions.close();
      }}
      onDragOver={(event) => {
        if (!canDrop) return;
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(event) => {
        if (event.target === ref.current) setDragging(false);
      }}
      onDrop={(event) => {
        setDragging(false);
        if (!canDrop) return;
        event.preventDefault();
        attach([...(event.dataTransfer?.files ?? [])], services);
      }}
    >
      <Header />
      <StatusBanner />
      <Body />
      {dragging && <div class={dropZone}>{strings.dropFile}</div>}
    </section>
  );
}
