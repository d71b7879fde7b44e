/**
 * The rating after a chat (a lazily loaded chunk, fetched only when a rateable chat ends):
 * "How was your chat?", five buttons "1 star" … "5 stars", an optional "Comment" and
 * "Send rating" (`POST /v1/WebChannels/Ratings` with the session token). Its texts live here,
 * in the four languages, so the open widget carries none of them.
 */
import { useState } from 'preact/hooks';
import type { ErrorBody } from '../../server/protocol';
import { useApp, useChatState } from './app-context';
import { css } from './sheet';
import { color } from './theme';

type Texts = [string, string, string, string, string, string, string];
const texts: Record<'en' | 'de' | 'fr' | 'es', Texts> = {
  en: [
    'How was your chat?',
    '1 star',
    '{n} stars',
    'Comment',
    'Send rating',
    'Thank you for your rating!',
    'The rating could not be sent: please try again.',
  ],
  de: [
    'Wie war Ihr Chat?',
    '1 Stern',
    '{n} Sterne',
    'Kommentar',
    'Bewertung senden',
    'Danke für Ihre Bewertung!',
    'Die Bewertung konnte nicht gesendet werden: bitte erneut versuchen.',
  ],
  fr: [
    'Comment s’est passée votre discussion ?',
    '1 étoile',
    '{n} étoiles',
    'Commentaire',
    'Envoyer la note',
    'Merci pour votre note !',
    'La note n’a pas pu être envoyée : veuillez réessayer.',
  ],
  es: [
    '¿Qué tal fue tu chat?',
    '1 estrella',
    '{n} estrellas',
    'Comentario',
    'Enviar valoración',
    '¡Gracias por tu valoración!',
    'No se pudo enviar la valoración: inténtalo de nuevo.',
  ],
};
/** The widget's locale, told by its Send button's text (the loaded strings name no locale). */
const bySend: Record<string, keyof typeof texts> = { Senden: 'de', Envoyer: 'fr', Enviar: 'es' };

const form = css`
  margin: 0 0 12px;
  legend {
    margin: 0 auto 6px;
    font-weight: 600;
    color: ${color.text};
  }
  .stars {
    display: flex;
    justify-content: center;
    gap: 4px;
    margin-bottom: 8px;
  }
  .stars button {
    background: none;
    color: ${color.muted};
    padding: 2px 4px;
    font-size: 24px;
    line-height: 1;
  }
  .stars button[aria-pressed='true'] {
    color: #f5a623;
  }
  textarea {
    box-sizing: border-box;
    width: 100%;
    min-height: 52px;
    margin-bottom: 8px;
    border: 1px solid ${color.border};
    border-radius: 8px;
    padding: 6px 8px;
    font: inherit;
    resize: vertical;
  }
`;

export function Rating() {
  const { strings, actions, serverUrl } = useApp();
  const { settings } = useChatState();
  const [question, one, many, commentLabel, sendLabel, thanks, failed] = texts[bySend[strings.send] ?? 'en'];
  const [score, setScore] = useState(0);
  const [comment, setComment] = useState('');
  const [state, setState] = useState<'idle' | 'sending' | 'sent' | 'failed'>('idle');
  if (state === 'sent') return <p role="status">{thanks}</p>;

  async function send(event: Event) {
    event.preventDefault();
    setState('sending');
    try {
      const response = await fetch(`${serverUrl}/v1/WebChannels/Ratings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: actions.session()?.token, score, ...(comment.trim() && { comment }) }),
      });
      const reply = (await response.json().catch(() => null)) as ErrorBody | null;
      // A chat rated before (another tab, a reload) counts as rated.
      setState(response.ok || reply?.code === 'already_rated' ? 'sent' : 'failed');
    } catch {
      setState('failed');
    }
  }

  return (
    <form class={form} onSubmit={send}>
      <fieldset style="border:0;margin:0;padding:0">
        <legend>{settings?.rating?.question ?? question}</legend>
        <div class="stars">
          {[1, 2, 3, 4, 5].map((n) => (
            <button
              key={n}
              type="button"
              aria-label={n === 1 ? one : many.replace('{n}', String(n))}
              aria-pressed={n === score}
              onClick={() => setScore(n)}
            >
              {n <= score ? '★' : '☆'}
            </button>
          ))}
        </div>
        <textarea
          aria-label={commentLabel}
          placeholder={commentLabel}
          maxLength={2000}
          value={comment}
          onInput={(event) => setComment(event.currentTarget.value)}
        />
        <button type="submit" disabled={!score || state === 'sending'}>
          {sendLabel}
        </button>
        {state === 'failed' && <p role="alert">{failed}</p>}
      </fieldset>
    </form>
  );
}
