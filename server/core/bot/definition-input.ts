/**
 * A definition as real tools send it: an object, JSON text (Twilio's CLI sends
 * `--definition '{…}'`), or a flow as the APIs return it (`{sid, definition, …}`, or the CLI's
 * one-element list). Broken JSON is reported with its line and column.
 */

/** What `input` holds as a definition, or why it cannot be read. */
export function readDefinition(
  input: unknown,
): { definition: unknown; problem?: undefined } | { problem: string } {
  let value = input;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (err) {
      return { problem: `is not valid JSON: ${jsonErrorAt(value as string, err as Error)}` };
    }
  }
  // `twilio api:studio:v2:flows:fetch -o json` prints a list of one flow.
  if (Array.isArray(value) && value.length === 1) value = value[0];
  if (
    value &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !('states' in value) &&
    'definition' in value
  )
    return readDefinition((value as { definition: unknown }).definition);
  return { definition: value };
}

/** JSON.parse's reason with the line and column it stopped at. */
export function jsonErrorAt(text: string, err: Error): string {
  const reason = err.message
    .replace(/\s*in JSON at position \d+.*$/s, '')
    .replace(/\s*\(line \d+ column \d+\)/, '');
  const match = /position (\d+)/.exec(err.message);
  const position = match ? Number(match[1]) : text.length;
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `${reason} at line ${line}, column ${column}`;
}
