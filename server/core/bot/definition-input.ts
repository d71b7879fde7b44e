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

/** Where JSON.parse stopped in `text`, said as "unexpected X at line L, column C". */
export function jsonErrorAt(text: string, _err?: Error): string {
  const position = jsonErrorPosition(text);
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  const found =
    position < text.length ? `unexpected ${JSON.stringify(text[position])}` : 'unexpected end of the text';
  return `${found} at line ${line}, column ${column}`;
}

/**
 * The offset of the first character that keeps `text` from being JSON (V8's messages do not
 * always say): a small recursive-descent reader, only run once JSON.parse has failed.
 */
function jsonErrorPosition(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const string = () => {
    i++;
    while (i < text.length) {
      const c = text[i] as string;
      if (c === '"') {
        i++;
        return;
      }
      if (c < ' ') fail();
      i += c === '\\' ? 2 : 1;
    }
    fail();
  };
  const list = (close: string, item: () => void) => {
    i++;
    space();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      item();
      space();
      if (text[i] === ',') i++;
      else if (text[i] === close) {
        i++;
        return;
      } else fail();
    }
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{') {
      list('}', () => {
        space();
        if (text[i] !== '"') fail();
        string();
        space();
        if (text[i] !== ':') fail();
        i++;
        value();
      });
      return;
    }
    if (c === '[') {
      list(']', value);
      return;
    }
    if (c === '"') {
      string();
      return;
    }
    const literal = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(
      text.slice(i, i + 400),
    );
    if (!literal) fail();
    i += (literal as RegExpExecArray)[0].length;
  };
  try {
    value();
    space();
    if (i < text.length) fail();
    return text.length;
  } catch (at) {
    return Math.min(at as number, text.length);
  }
}
