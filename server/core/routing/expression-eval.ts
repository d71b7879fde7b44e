/**
 * Evaluates a parsed TaskRouter expression against attributes. A missing attribute never
 * matches a comparison (`==`, `<`, `HAS`, `IN`, …) and always matches `!=` and `NOT IN`, so an
 * expression about a skill a worker lacks leaves that worker out rather than failing.
 */
import type { CompareOp, Expression, Scope, Value } from './expression.ts';

export function evaluate(expression: Expression, scope: Scope): boolean {
  return truthy(resolve(expression, scope));
}

function resolve(e: Expression, scope: Scope): unknown {
  switch (e.kind) {
    case 'literal':
      return e.value;
    case 'identifier':
      return lookup(e.path, scope);
    case 'not':
      return !evaluate(e.operand, scope);
    case 'logical':
      return e.op === 'AND'
        ? evaluate(e.left, scope) && evaluate(e.right, scope)
        : evaluate(e.left, scope) || evaluate(e.right, scope);
    case 'compare':
      return compare(e.op, resolve(e.left, scope), resolve(e.right, scope));
  }
}

function lookup(path: string[], scope: Scope): unknown {
  const [head, ...rest] = path;
  let value: unknown;
  if (head === 'task' && scope.task && rest.length > 0) value = scope.task;
  else if (head === 'worker' && scope.worker && rest.length > 0) value = scope.worker;
  else return dig(scope.root, path);
  return dig(value, rest);
}

function dig(value: unknown, path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function compare(op: CompareOp, left: unknown, right: unknown): boolean {
  if (left === undefined || right === undefined) return op === '!=' || op === 'NOT IN';
  switch (op) {
    case '==':
      return equal(left, right);
    case '!=':
      return !equal(left, right);
    case '<':
    case '>':
    case '<=':
    case '>=':
      return ordered(op, left, right);
    case 'HAS':
      return Array.isArray(left) ? left.some((item) => equal(item, right)) : equal(left, right);
    case 'CONTAINS':
      if (typeof left === 'string' && typeof right === 'string') return left.includes(right);
      return Array.isArray(left) && left.some((item) => equal(item, right));
    case 'IN':
      return within(left, right);
    case 'NOT IN':
      return !within(left, right);
  }
}

/** `x IN [..]`: x is in the list; an array on the left matches when any of its items is. */
function within(left: unknown, right: unknown): boolean {
  const list = Array.isArray(right) ? right : [right];
  const items = Array.isArray(left) ? left : [left];
  return items.some((item) => list.some((candidate) => equal(item, candidate)));
}

function equal(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, i) => equal(item, b[i]));
  return a === b;
}

function ordered(op: '<' | '>' | '<=' | '>=', a: unknown, b: unknown): boolean {
  const comparable =
    (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string');
  if (!comparable) return false;
  const x = a as number | string;
  const y = b as number | string;
  if (op === '<') return x < y;
  if (op === '>') return x > y;
  if (op === '<=') return x <= y;
  return x >= y;
}

function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value as Value);
}
