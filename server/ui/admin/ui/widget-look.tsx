/**
 * The widget look's controls in the Flex Flow form: brand colour, position and window title.
 * They drive the preview and the embed snippet beside the form, not the saved Flex Flow.
 */
import { Field } from './shared.tsx';
import type { WidgetLook } from './widget-preview.tsx';

export function WidgetLookFields({ look, onChange }: { look: WidgetLook; onChange(look: WidgetLook): void }) {
  return (
    <fieldset>
      <legend>Widget look</legend>
      <p class="hint">
        Not saved with the Flex Flow: these set the preview and the snippet below, which carries the look to
        your site.
      </p>
      <div class="grid">
        <Field label="Brand colour">
          <input
            type="color"
            value={look.primary}
            onInput={(e) => onChange({ ...look, primary: e.currentTarget.value })}
          />
        </Field>
        <Field label="Position">
          <select
            value={look.position}
            onChange={(e) => onChange({ ...look, position: e.currentTarget.value as 'left' | 'right' })}
          >
            <option value="right">Bottom right</option>
            <option value="left">Bottom left</option>
          </select>
        </Field>
        <Field label="Window title">
          <input value={look.title} onInput={(e) => onChange({ ...look, title: e.currentTarget.value })} />
        </Field>
      </div>
    </fieldset>
  );
}
