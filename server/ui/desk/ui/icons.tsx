/**
 * The desk's icon buttons draw their icons, rather than showing emoji: an emoji is a glyph of
 * whatever font the agent's machine has, and a machine without a colour emoji font shows a box.
 */
const stroke = {
  width: 18,
  height: 18,
  viewBox: '0 0 24 24',
  fill: 'none',
  stroke: 'currentColor',
  'stroke-width': 1.8,
  'stroke-linecap': 'round',
  'stroke-linejoin': 'round',
} as const;

export const SmileIcon = () => (
  <svg aria-hidden="true" {...stroke}>
    <circle cx="12" cy="12" r="9" />
    <path d="M8.5 14.5c1 1.2 2.2 1.8 3.5 1.8s2.5-.6 3.5-1.8" />
    <circle cx="9" cy="10" r="0.9" fill="currentColor" stroke="none" />
    <circle cx="15" cy="10" r="0.9" fill="currentColor" stroke="none" />
  </svg>
);

export const ClipIcon = () => (
  <svg aria-hidden="true" {...stroke}>
    <path d="M16 7v8.5a4 4 0 0 1-8 0V6a2.5 2.5 0 0 1 5 0v9a1 1 0 0 1-2 0V8" />
  </svg>
);
