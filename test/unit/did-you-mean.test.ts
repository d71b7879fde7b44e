import { describe, expect, it } from 'vitest';
import { didYouMean } from '../../server/did-you-mean.ts';

const task = ['attributes', 'priority', 'status', 'reason'];

describe('didYouMean', () => {
  it('finds the field a typo was meant to be: a wrong case, a swap, a missing or extra letter', () => {
    expect(didYouMean('assignmentstatus', ['status', 'assignmentStatus'])).toBe('assignmentStatus');
    expect(didYouMean('form', ['from', 'body'])).toBe('from');
    expect(didYouMean('atributes', task)).toBe('attributes');
    expect(didYouMean('janitorEnable', ['janitorEnabled', 'enabled'])).toBe('janitorEnabled');
    expect(didYouMean('filter-friendly-name', ['filter_friendly_name'])).toBe('filter_friendly_name');
  });

  it("finds Parley's name in Twilio's longer one", () => {
    expect(didYouMean('AssignmentStatus', task)).toBe('status');
    expect(didYouMean('TaskAttributes', task)).toBe('attributes');
  });

  it('suggests nothing when no known name is close', () => {
    expect(didYouMean('colour', task)).toBeUndefined();
    expect(didYouMean('x', ['to'])).toBeUndefined();
    expect(didYouMean('a'.repeat(5000), task)).toBeUndefined();
    expect(didYouMean('status', [])).toBeUndefined();
  });
});
