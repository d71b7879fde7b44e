import { describe, expect, it } from 'vitest';
import {
  compileExpression,
  type ExpressionError,
  parseExpression,
} from '../../server/core/routing/expression.ts';

const worker = {
  skills: ['sales', 'support'],
  languages: ['en', 'de'],
  level: 3,
  name: 'Ada Lovelace',
  team: 'north',
  senior: true,
  contact: { region: 'EU' },
};

const matches = (text: string, root: Record<string, unknown> = worker) => compileExpression(text)({ root });

function errorOf(text: string): ExpressionError {
  try {
    parseExpression(text);
  } catch (err) {
    return err as ExpressionError;
  }
  throw new Error(`"${text}" parsed without an error`);
}

describe('TaskRouter expressions', () => {
  it('matches everyone with 1==1', () => {
    expect(matches('1==1')).toBe(true);
    expect(matches('1 == 2')).toBe(false);
    expect(matches('"apple" != "orange"')).toBe(true);
  });

  it('compares numbers and strings with == != < > <= >=', () => {
    expect(matches('level == 3')).toBe(true);
    expect(matches('level != 3')).toBe(false);
    expect(matches('level > 2 AND level >= 3 AND level < 4 AND level <= 3')).toBe(true);
    expect(matches('level > 3')).toBe(false);
    expect(matches("team == 'north'")).toBe(true);
    expect(matches('team == "North"')).toBe(false);
    expect(matches('senior == true')).toBe(true);
  });

  it('tests arrays with HAS and strings or arrays with CONTAINS', () => {
    expect(matches('skills HAS "sales"')).toBe(true);
    expect(matches('skills HAS "billing"')).toBe(false);
    expect(matches('name CONTAINS "Love"')).toBe(true);
    expect(matches('name CONTAINS "love"')).toBe(false);
    expect(matches('languages contains "de"')).toBe(true);
  });

  it('tests membership with IN and NOT IN, an array on the left matching on any item', () => {
    expect(matches('team IN ["north", "south"]')).toBe(true);
    expect(matches('team NOT IN ["north", "south"]')).toBe(false);
    expect(matches('languages IN ["fr", "de"]')).toBe(true);
    expect(matches('languages NOT IN ["fr", "es"]')).toBe(true);
    expect(matches('level IN [1, 2, 3]')).toBe(true);
  });

  it('combines with AND, OR, NOT and parentheses, AND binding tighter than OR', () => {
    expect(matches('level == 1 OR level == 3 AND team == "north"')).toBe(true);
    expect(matches('(level == 1 OR level == 3) AND team == "south"')).toBe(false);
    expect(matches('NOT team == "south"')).toBe(true);
    expect(matches('NOT (skills HAS "sales")')).toBe(false);
    expect(matches('level == 3 && !(team == "south") || false')).toBe(true);
  });

  it('reads nested attributes and the task. and worker. prefixes of target expressions', () => {
    expect(matches('contact.region == "EU"')).toBe(true);
    const target = compileExpression('worker.languages HAS task.language AND task.vip == true');
    expect(target({ root: worker, worker, task: { language: 'de', vip: true } })).toBe(true);
    expect(target({ root: worker, worker, task: { language: 'fr', vip: true } })).toBe(false);
  });

  it('never matches a missing attribute, except with != and NOT IN', () => {
    expect(matches('missing == "x"')).toBe(false);
    expect(matches('missing HAS "x"')).toBe(false);
    expect(matches('missing > 1')).toBe(false);
    expect(matches('missing != "x"')).toBe(true);
    expect(matches('missing NOT IN ["x"]')).toBe(true);
    expect(matches('level > "2"')).toBe(false);
  });

  it('points at the column of a syntax error and says how to fix it', () => {
    const single = errorOf('level = 3');
    expect(single).toMatchObject({ code: 'invalid_expression', status: 400, column: 7 });
    expect(single.message).toBe('column 7: a single "=" is not an operator: compare with "=="');
    expect(errorOf('skills HAS "sales').message).toMatch(
      /^column 12: the string opened here is never closed/,
    );
    expect(errorOf('(level == 3').message).toBe(
      'column 12: expected ")" to close the parenthesis, found the end of the expression',
    );
    expect(errorOf('level == 3 team == "x"').message).toMatch(/^column 12: unexpected "team"/);
    expect(errorOf('level ==').message).toMatch(/^column 9: the expression ends where a value/);
    expect(errorOf('skills HAS AND').message).toMatch(
      /^column 12: expected a value or attribute, found "AND"/,
    );
    expect(errorOf('team IN ["a" "b"]').column).toBe(14);
    expect(errorOf('team IN [name]').message).toMatch(/^column 9: a list holds only literal values/);
    expect(errorOf('first-name == "x"').message).toMatch(/^column 6: hyphens are not allowed/);
    expect(errorOf('level # 3').column).toBe(7);
  });
});
