/**
 * The widget's design tokens as CSS custom properties with defaults. A host page can theme the
 * widget with the `theme` option or by setting them on the host
 * (`#parley-webchat { --parley-primary: #6b3e26 }`): custom properties are the one thing that
 * crosses the shadow boundary, on purpose. Default colors keep at least 4.5:1 contrast.
 */
import type { WebchatTheme } from '../types';

export const color = {
  primary: 'var(--parley-primary, #1d4ed8)',
  onPrimary: 'var(--parley-on-primary, #ffffff)',
  surface: 'var(--parley-surface, #ffffff)',
  text: 'var(--parley-text, #1f2937)',
  muted: 'var(--parley-muted, #4b5563)',
  agentBubble: 'var(--parley-agent-bubble, #f1f5f9)',
  botBubble: 'var(--parley-bot-bubble, #ecfdf5)',
  border: 'var(--parley-border, #d1d5db)',
  danger: 'var(--parley-danger, #b91c1c)',
};

export const font =
  'var(--parley-font, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif)';

export const radius = 'var(--parley-radius, 14px)';

/** Above nearly every host-page overlay, below the browser's own maximum. */
export const zIndex = 'var(--parley-z-index, 2147483000)';

/** Where the launcher and the window sit: bottom right by default. */
export const corner = `
  bottom: var(--parley-offset-y, 20px);
  right: var(--parley-right, 20px);
  left: var(--parley-left, auto);
`;

/** The dark palette, for `mode: 'dark'` and, when the system asks for it, `'auto'`. */
const dark =
  '--parley-primary:#60a5fa;--parley-on-primary:#0b1220;--parley-surface:#111827;--parley-text:#f3f4f6;--parley-muted:#cbd5e1;--parley-agent-bubble:#1f2937;--parley-bot-bubble:#064e3b;--parley-border:#9ca3af;--parley-danger:#fca5a5';

/** Rules that are not a component's: the dark palette and reduced motion. */
export const baseCss = `:host([data-mode=dark]){${dark}}@media (prefers-color-scheme:dark){:host([data-mode=auto]){${dark}}}@media (prefers-reduced-motion:reduce){*{animation:none!important;transition:none!important;scroll-behavior:auto!important}}`;

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Writes a theme onto the host as custom properties (inline, so they beat the dark palette). */
export function applyTheme(host: HTMLElement, theme: WebchatTheme = {}): void {
  const set = (name: string, value: string | number | undefined) =>
    value !== undefined && host.style.setProperty(`--parley-${name}`, String(value));
  for (const [name, value] of Object.entries(theme.colors ?? {})) set(kebab(name), value);
  set('font', theme.font);
  set('radius', theme.radius !== undefined ? `${theme.radius}px` : undefined);
  set('z-index', theme.zIndex);
  set('offset-y', theme.offsetY !== undefined ? `${theme.offsetY}px` : undefined);
  const side = `${theme.offsetX ?? 20}px`;
  set('right', theme.position === 'left' ? 'auto' : side);
  set('left', theme.position === 'left' ? side : 'auto');
  host.dataset.mode = theme.mode ?? 'light';
}
