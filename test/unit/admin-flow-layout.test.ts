/** The bot flow diagram's layout: layers from the initial state, arrows for every transition. */
import { describe, expect, it } from 'vitest';
import { layoutFlow } from '../../server/ui/admin/ui/flow-layout.ts';

const state = (name: string, type: string, next: [string, string][] = []) => ({
  name,
  type,
  properties: {},
  transitions: next.map(([event, to]) => ({ event, next: to })),
});

describe('the layout of a bot flow diagram', () => {
  it('puts each state one layer below the first state that reaches it', () => {
    const diagram = layoutFlow({
      initial_state: 'Trigger',
      states: [
        state('Trigger', 'trigger', [['incomingMessage', 'ask']]),
        state('ask', 'send-and-wait-for-reply', [['incomingMessage', 'route']]),
        state('route', 'split-based-on', [
          ['match', 'handover'],
          ['noMatch', 'ask'],
        ]),
        state('handover', 'send-to-flex'),
        state('spare', 'send-message'),
      ],
    });
    const y = (name: string) => diagram.states.find((s) => s.name === name)?.y ?? Number.NaN;
    expect(y('Trigger')).toBeLessThan(y('ask'));
    expect(y('ask')).toBeLessThan(y('route'));
    expect(y('route')).toBeLessThan(y('handover'));
    // A state nothing reaches goes below everything that is reached.
    expect(y('spare')).toBeGreaterThan(y('handover'));
    expect(diagram.edges.map((e) => `${e.from} -${e.event}-> ${e.to}`)).toEqual([
      'Trigger -incomingMessage-> ask',
      'ask -incomingMessage-> route',
      'route -match-> handover',
      'route -noMatch-> ask',
    ]);
    // The loop back up is drawn beside the boxes, not through them.
    const back = diagram.edges.find((e) => e.event === 'noMatch');
    const boxes = diagram.states.filter((s) => s.name === 'ask' || s.name === 'route');
    expect(back?.labelX).toBeGreaterThan(Math.max(...boxes.map((s) => s.x)));
  });

  it('keeps boxes of one layer apart and inside the drawing', () => {
    const diagram = layoutFlow({
      initial_state: 'Trigger',
      states: [
        state('Trigger', 'trigger', [
          ['a', 'one'],
          ['b', 'two'],
          ['c', 'three'],
        ]),
        state('one', 'send-message'),
        state('two', 'send-message'),
        state('three', 'send-message'),
      ],
    });
    const layer = diagram.states.filter((s) => s.name !== 'Trigger').sort((a, b) => a.x - b.x);
    expect(new Set(layer.map((s) => s.y)).size).toBe(1);
    const xs = layer.map((s) => s.x);
    for (const [i, x] of xs.slice(1).entries()) expect(x).toBeGreaterThan((xs[i] ?? 0) + 190);
    for (const s of diagram.states) expect(s.x + 190).toBeLessThanOrEqual(diagram.width);
  });

  it('draws what it can of half-written JSON: no states, unknown targets, missing names', () => {
    expect(layoutFlow(null).states).toEqual([]);
    expect(layoutFlow({ states: 'nope' }).states).toEqual([]);
    const diagram = layoutFlow({
      states: [state('Trigger', 'trigger', [['incomingMessage', 'Nowhere']]), { type: 'send-message' }],
    });
    expect(diagram.states.map((s) => s.name)).toEqual(['Trigger']);
    expect(diagram.edges).toEqual([]);
  });
});
