/**
 * The widget's design tokens as CSS custom properties with defaults. A host page can theme the
 * widget by setting them on the host (`#parley-webchat { --parley-primary: #6b3e26 }`):
 * custom properties are the one thing that crosses the shadow boundary, on purpose.
 */
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

/** Above nearly every host-page overlay, below the browser's own maximum. */
export const zIndex = 2147483000;
