/**
 * Incoming offers (reservations): who is asking and what they first wrote, so the agent can
 * decide, with a countdown to when the offer moves on to someone else.
 */
import { useEffect, useState } from 'preact/hooks';
import type { OfferDTO } from '../../../protocol.ts';
import { channelTypeLabel } from '../format/labels.ts';
import { useDesk, useDeskState, useRunAction } from './desk-context.ts';

export function OfferList() {
  const { offers } = useDeskState();
  if (offers.length === 0) return null;
  return (
    <section class="offers" aria-label="Incoming chats">
      {offers.map((offer) => (
        <OfferCard key={offer.reservation.sid} offer={offer} />
      ))}
    </section>
  );
}

function OfferCard({ offer }: { offer: OfferDTO }) {
  const { client } = useDesk();
  const run = useRunAction();
  const [busy, setBusy] = useState(false);
  const secondsLeft = useSecondsUntil(offer.reservation.expiresAt);
  const reservationSid = offer.reservation.sid;
  const act = (action: () => Promise<void>) => {
    setBusy(true);
    run(action).finally(() => setBusy(false));
  };

  return (
    <article class="offer" aria-label={`Incoming chat from ${offer.customerName}`}>
      <header class="offer__header">
        <span class="offer__badge">{channelTypeLabel(offer.channel.attributes.channelType)}</span>
        <strong class="offer__name">{offer.customerName}</strong>
        {secondsLeft !== null && (
          <span class="offer__countdown" role="timer" aria-live="off">
            Reserved for you · {secondsLeft} s
          </span>
        )}
      </header>
      {offer.transfer && (
        <p class="offer__transfer">
          Transferred by {offer.transfer.fromName}
          {offer.transfer.note ? `: ${offer.transfer.note}` : ''}
        </p>
      )}
      {offer.firstMessage && <p class="offer__message">{offer.firstMessage}</p>}
      <div class="offer__actions">
        <button
          type="button"
          class="button button--primary"
          disabled={busy}
          onClick={() => act(() => client.accept(reservationSid))}
        >
          Accept
        </button>
        <button
          type="button"
          class="button"
          disabled={busy}
          onClick={() => act(() => client.reject(reservationSid))}
        >
          Reject
        </button>
      </div>
    </article>
  );
}

/** Whole seconds until `iso`, ticking; null when the date is unreadable. */
function useSecondsUntil(iso: string): number | null {
  const due = Date.parse(iso);
  const left = () => Math.max(0, Math.ceil((due - Date.now()) / 1000));
  const [seconds, setSeconds] = useState(left);
  useEffect(() => {
    const timer = setInterval(() => setSeconds(left()), 1000);
    return () => clearInterval(timer);
  }, [due]);
  return Number.isNaN(due) ? null : seconds;
}
