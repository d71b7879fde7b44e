/** How the supervisor's figures write durations and scores, short on axes and in full in text. */

/** "45 s", "3 min 5 s", "2 h 10 min" */
export function spoken(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s / 60} min`;
  const minutes = Math.round((s % 3600) / 60);
  return minutes ? `${Math.floor(s / 3600)} h ${minutes} min` : `${Math.floor(s / 3600)} h`;
}

/** Axis labels: "45 s", "3 min", "2 h". */
export function shortDuration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 360) / 10} h`;
}

/** Whole numbers as they are, others to one decimal. */
export const count = (value: number): string => (Number.isInteger(value) ? String(value) : value.toFixed(1));

/** A CSAT score: "4.0". */
export const score = (value: number): string => value.toFixed(1);
