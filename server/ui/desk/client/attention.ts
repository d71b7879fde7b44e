/**
 * Gets the agent's attention when it is needed: a short chime and a browser notification
 * (once the agent allowed them) for every new offer and for messages arriving in a chat the
 * agent is not looking at; the tab's title counts offers and unread messages, so a desk in a
 * background tab still shows that something is waiting.
 */
import type { DeskState } from '../state/desk-state.ts';
import { customerName, unreadCount } from '../state/selectors.ts';
import type { Store } from '../state/store.ts';

const TITLE = 'Parley · Agent desktop';

export interface AttentionOptions {
  store: Store<DeskState>;
  /** Plays the chime; replaceable so a test or a settings page can choose another. */
  chime?: () => void;
}

/** Starts watching the store; returns the function that stops it. */
export function watchAttention({ store, chime = createChime() }: AttentionOptions): () => void {
  const offered = new Set(store.get().offers.map((o) => o.reservation.sid));
  const unread = new Map<string, number>();
  for (const [sid, chat] of Object.entries(store.get().chats)) unread.set(sid, unreadCount(chat));

  // Notifications need the agent's consent, asked at their first click (browsers refuse to
  // ask without a gesture, and asking before the agent did anything would be rude).
  const askPermission = () => {
    if (typeof Notification !== 'undefined' && Notification.permission === 'default') {
      void Notification.requestPermission();
    }
  };
  document.addEventListener('pointerdown', askPermission, { once: true });

  const unsubscribe = store.subscribe((state) => {
    for (const offer of state.offers) {
      if (offered.has(offer.reservation.sid)) continue;
      offered.add(offer.reservation.sid);
      chime();
      notify(`New chat from ${offer.customerName}`, offer.firstMessage ?? '', offer.reservation.sid);
    }
    for (const [sid, chat] of Object.entries(state.chats)) {
      const count = unreadCount(chat);
      const before = unread.get(sid) ?? 0;
      unread.set(sid, count);
      const inView = state.selectedChannelSid === sid && document.visibilityState === 'visible';
      if (count > before && !inView) {
        const newest = chat.messages[chat.messages.length - 1];
        chime();
        notify(`${customerName(chat.chat)} wrote`, newest?.body ?? '', sid);
      }
    }
    const waiting = state.offers.length + [...unread.values()].reduce((sum, n) => sum + n, 0);
    document.title = waiting > 0 ? `(${waiting}) ${TITLE}` : TITLE;
  });

  return () => {
    unsubscribe();
    document.removeEventListener('pointerdown', askPermission);
    document.title = TITLE;
  };
}

/** A notification when allowed; `tag` replaces an earlier one about the same chat or offer. */
function notify(title: string, body: string, tag: string): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  try {
    const notification = new Notification(title, { body: body.slice(0, 140), tag });
    notification.onclick = () => {
      window.focus();
      notification.close();
    };
  } catch {
    // Some browsers only allow notifications from a service worker: the chime still plays.
  }
}

/** Two short rising tones, synthesised: no sound file to load or to block. */
export function createChime(): () => void {
  let audio: AudioContext | undefined;
  return () => {
    try {
      audio ??= new AudioContext();
      const start = audio.currentTime;
      for (const [offset, frequency] of [
        [0, 660],
        [0.14, 880],
      ] as const) {
        const tone = audio.createOscillator();
        const gain = audio.createGain();
        tone.frequency.value = frequency;
        gain.gain.setValueAtTime(0.0001, start + offset);
        gain.gain.exponentialRampToValueAtTime(0.2, start + offset + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.16);
        tone.connect(gain).connect(audio.destination);
        tone.start(start + offset);
        tone.stop(start + offset + 0.18);
      }
    } catch {
      // No audio output (or autoplay refused): the notification and the title still tell.
    }
  };
}
