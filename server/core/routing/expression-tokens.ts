/** The tokenizer of TaskRouter expressions: every token keeps its 1-based column for errors. */
import { ParleyError } from '../../errors.ts';

/** A syntax error in an expression; the message starts with the 1-based column. */
export class ExpressionError extends ParleyError {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super('invalid_expression', `column ${column}: ${message}`, 400);
  }
}

export type Token =
  | { type: 'word'; text: string; upper: string; column: number }
  | { type: 'string'; text: string; value: string; column: number }
  | { type: 'number'; text: string; value: number; column: number }
  | { type: 'op'; text: string; column: number }
  | { type: 'end'; text: ''; column: number };

const OPERATORS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '(', ')', '[', ']', ','];
const WORD = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*/;
const NUMBER = /^-?\d+(\.\d+)?/;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    const column = i + 1;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const end = text.indexOf(ch, i + 1);
      if (end < 0) throw new ExpressionError(`the string opened here is never closed with ${ch}`, column);
      tokens.push({ type: 'string', text: text.slice(i, end + 1), value: text.slice(i + 1, end), column });
      i = end + 1;
      continue;
    }
    const rest = text.slice(i);
    const number = NUMBER.exec(rest);
    if (number && (ch !== '-' || /^-\d/.test(rest))) {
      tokens.push({ type: 'number', text: number[0], value: Number(number[0]), column });
      i += number[0].length;
      continue;
    }
    const word = WORD.exec(rest);
    if (word) {
      tokens.push({ type: 'word', text: word[0], upper: word[0].toUpperCase(), column });
      i += word[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => rest.startsWith(o));
    if (op) {
      tokens.push({ type: 'op', text: op, column });
      i += op.length;
      continue;
    }
    if (ch === '=') throw new ExpressionError('a single "=" is not an operator: compare with "=="', column);
    if (ch === '-') {
      throw new ExpressionError(
        'hyphens are not allowed: name attributes with letters, digits and _',
        column,
      );
    }
    throw new ExpressionError(`unexpected character "${ch}"`, column);
  }
  tokens.push({ type: 'end', text: '', column: text.length + 1 });
  return tokens;
}
