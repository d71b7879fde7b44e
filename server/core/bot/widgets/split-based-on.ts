/**
 * `split-based-on`: renders `input`, then takes the first `match` transition all of whose
 * conditions hold (each condition's `value` is templated too), else `noMatch`.
 */
import { testCondition } from '../conditions.ts';
import { render, TemplateError } from '../templates.ts';
import type { Widget } from './types.ts';

export const splitBasedOn: Widget = {
  type: 'split-based-on',
  required: ['input'],
  events: ['match', 'noMatch'],
  enter(properties, { scope, state }) {
    const input = render(properties.input, scope);
    for (const transition of state.transitions) {
      if (transition.event !== 'match' || !transition.conditions?.length) continue;
      const holds = transition.conditions.every((c) => {
        const value = render(c.value ?? '', scope);
        try {
          return testCondition(c.type, input, value);
        } catch {
          // Only a templated pattern gets here (literal ones are checked at validation).
          throw new TemplateError('regex', 'the rendered pattern is not a regular expression RE2 can run');
        }
      });
      if (holds) return { event: 'match', next: transition.next ?? '', outputs: { input } };
    }
    return { event: 'noMatch', outputs: { input } };
  },
};
