/**
 * The known name a mistyped one was probably meant to be, so an error refusing an unknown field
 * can say which field to send instead (`assignmentstatus` → `assignmentStatus`).
 */

/** Edit distance with adjacent swaps (Damerau–Levenshtein, optimal string alignment). */
function distance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const above = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        (above[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (above[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = best;
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/**
 * The closest of `known` to `name`, ignoring case, `_` and `-`, or `undefined` when none is
 * close enough to be a typo (about one edit in four characters). Failing that, a known name the
 * given one ends with: Twilio's longer name for the same field (`AssignmentStatus` → `status`).
 *
 * @example didYouMean('assignmentstatus', ['status', 'assignmentStatus']) // 'assignmentStatus'
 * @example didYouMean('AssignmentStatus', ['priority', 'status']) // 'status'
 */
export function didYouMean(name: string, known: readonly string[]): string | undefined {
  const fold = (s: string) => s.toLowerCase().replace(/[_-]/g, '');
  const wanted = fold(name);
  if (wanted.length > 100) return undefined; // a name that long is not a typo, and costs quadratic time
  let best: { name: string; cost: number } | undefined;
  for (const candidate of known) {
    const cost = distance(wanted, fold(candidate));
    if (cost <= Math.max(1, Math.floor(candidate.length / 4)) && (!best || cost < best.cost))
      best = { name: candidate, cost };
  }
  if (best) return best.name;
  const endings = known.filter(
    (candidate) => fold(candidate).length >= 4 && wanted.endsWith(fold(candidate)),
  );
  return endings.sort((a, b) => b.length - a.length)[0];
}
