/**
 * A customer's rating as the desk shows it: five stars, the given ones filled, named "Rated 4
 * of 5" for assistive technology (the stars themselves are decoration), and the comment as
 * text beside them.
 */
import type { CsatInfo } from '../../../protocol.ts';

export function RatingStars({ csat }: { csat: CsatInfo }) {
  const filled = Math.max(0, Math.min(5, Math.round(csat.score)));
  return (
    <span class="rating">
      <span class="rating__stars" role="img" aria-label={`Rated ${csat.score} of 5`}>
        {'★'.repeat(filled)}
        <span class="rating__empty">{'☆'.repeat(5 - filled)}</span>
      </span>
      {csat.comment && <q class="rating__comment">{csat.comment}</q>}
    </span>
  );
}
