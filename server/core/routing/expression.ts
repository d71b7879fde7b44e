/**
 * TaskRouter expressions: the small boolean language of `targetWorkers`, workflow filters
 * and target expressions, e.g. `languages HAS "de" AND level >= 2`. Parsed once into a tree
 * and evaluated against attributes; a syntax error names the column where it went wrong.
 *
 * Grammar (keywords are case-insensitive):
 *   or      := and (("OR" | "||") and)*
 *   and     := not (("AND" | "&&") not)*
 *   not     := ("NOT" | "!") not | compare
 *   compare := operand (op operand)?      op: == != < > <= >= HAS CONTAINS IN "NOT IN"
 *   operand := "(" or ")" | literal | identifier        identifier: a.b.c
 *   literal := "text" | 'text' | number | true | false | null | [literal, …]
 */
import { evaluate } from './expression-eval.ts';
import { ExpressionError, type Token, tokenize } from './expression-tokens.ts';

export { ExpressionError, evaluate };

export type Value = string | number | boolean | null | Value[];

export type Expression =
  | { kind: 'literal'; value: Value }
  | { kind: 'identifier'; path: string[] }
  | { kind: 'not'; operand: Expression }
  | { kind: 'logical'; op: 'AND' | 'OR'; left: Expression; right: Expression }
  | { kind: 'compare'; op: CompareOp; left: Expression; right: Expression };

export type CompareOp = '==' | '!=' | '<' | '>' | '<=' | '>=' | 'HAS' | 'CONTAINS' | 'IN' | 'NOT IN';

/** Where identifiers are looked up: `root` for bare names, `task.` / `worker.` prefixes when given. */
export interface Scope {
  root: Record<string, unknown>;
  task?: Record<string, unknown>;
  worker?: Record<string, unknown>;
}

const COMPARE_OPS = new Set(['==', '!=', '<', '>', '<=', '>=', 'HAS', 'CONTAINS', 'IN', 'NOT IN']);

/**
 * Parses an expression, or throws an `ExpressionError` pointing at the column.
 * @example parseExpression('skills HAS "sales" AND level > 1')
 */
export function parseExpression(text: string): Expression {
  const tokens = tokenize(text);
  let at = 0;
  const peek = (): Token => tokens[at] as Token;
  const take = (): Token => tokens[at++] as Token;
  const isWord = (t: Token, ...words: string[]) => t.type === 'word' && words.includes(t.upper);
  const isOp = (t: Token, ...ops: string[]) => t.type === 'op' && ops.includes(t.text);

  function or(): Expression {
    let left = and();
    while (isWord(peek(), 'OR') || isOp(peek(), '||')) {
      take();
      left = { kind: 'logical', op: 'OR', left, right: and() };
    }
    return left;
  }
  function and(): Expression {
    let left = not();
    while (isWord(peek(), 'AND') || isOp(peek(), '&&')) {
      take();
      left = { kind: 'logical', op: 'AND', left, right: not() };
    }
    return left;
  }
  function not(): Expression {
    const t = peek();
    if ((isWord(t, 'NOT') && !isWord(tokens[at + 1] as Token, 'IN')) || isOp(t, '!')) {
      take();
      return { kind: 'not', operand: not() };
    }
    return compare();
  }
  function compare(): Expression {
    const left = operand();
    const t = peek();
    let op: string | null = null;
    if (t.type === 'op' && COMPARE_OPS.has(t.text)) op = t.text;
    else if (t.type === 'word' && isWord(t, 'HAS', 'CONTAINS', 'IN')) op = t.upper;
    else if (isWord(t, 'NOT') && isWord(tokens[at + 1] as Token, 'IN')) {
      take();
      op = 'NOT IN';
    }
    if (!op) return left;
    take();
    return { kind: 'compare', op: op as CompareOp, left, right: operand() };
  }
  function operand(): Expression {
    const t = take();
    if (isOp(t, '(')) {
      const inner = or();
      expect(')', 'to close the parenthesis');
      return inner;
    }
    if (isOp(t, '[')) return { kind: 'literal', value: list(t) };
    if (t.type === 'string' || t.type === 'number') return { kind: 'literal', value: t.value };
    if (t.type === 'word') {
      if (t.upper === 'TRUE' || t.upper === 'FALSE') return { kind: 'literal', value: t.upper === 'TRUE' };
      if (t.upper === 'NULL') return { kind: 'literal', value: null };
      if (!RESERVED.has(t.upper)) return { kind: 'identifier', path: t.text.split('.') };
    }
    throw new ExpressionError(
      t.type === 'end'
        ? 'the expression ends where a value or attribute was expected'
        : `expected a value or attribute, found "${t.text}"`,
      t.column,
    );
  }
  function list(open: Token): Value[] {
    const values: Value[] = [];
    if (isOp(peek(), ']')) {
      take();
      return values;
    }
    for (;;) {
      const item = operand();
      if (item.kind !== 'literal') {
        throw new ExpressionError('a list holds only literal values', open.column);
      }
      values.push(item.value);
      if (isOp(peek(), ',')) take();
      else break;
    }
    expect(']', 'to close the list');
    return values;
  }
  function expect(op: string, why: string) {
    const t = take();
    if (!isOp(t, op)) {
      throw new ExpressionError(`expected "${op}" ${why}, found ${describe(t)}`, t.column);
    }
  }

  const tree = or();
  const rest = peek();
  if (rest.type !== 'end') {
    throw new ExpressionError(`unexpected ${describe(rest)}: join conditions with AND or OR`, rest.column);
  }
  return tree;
}

const RESERVED = new Set(['AND', 'OR', 'NOT', 'HAS', 'CONTAINS', 'IN']);
const describe = (t: Token) => (t.type === 'end' ? 'the end of the expression' : `"${t.text}"`);

/** Parses once; the returned function evaluates the expression against a scope. */
export function compileExpression(text: string): (scope: Scope) => boolean {
  const tree = parseExpression(text);
  return (scope) => evaluate(tree, scope);
}
