/**
 * The bot flow diagram's layout (dagre): layers from the initial state, an arrow for every
 * transition, and no box or label on top of another, even in a large flow full of loops.
 */
import { describe, expect, it } from 'vitest';
import { type Diagram, layoutFlow } from '../../server/ui/admin/ui/flow-layout.ts';
import { supportBot } from '../fixtures/flows/support-bot.ts';

const state = (name: string, type: string, next: [string, string][] = []) => ({
  name,
  type,
  properties: {},
  transitions: next.map(([event, to]) => ({ event, next: to })),
});

interface Rect {
  what: string;
  x: number;
  y: number;
  width: number;
  height: number;
}
const overlap = (a: Rect, b: Rect) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** Every pair of boxes, and of a box and a label, that overlap: none in a readable diagram. */
function collisions(diagram: Diagram): string[] {
  const boxes: Rect[] = diagram.states.map((s) => ({ what: s.name, ...diagram.box, x: s.x, y: s.y }));
  // A label's text: 11px, centred on labelX, its baseline 4px below the centre.
  const labels: Rect[] = diagram.edges.map((e) => ({
    what: `label ${e.from} -${e.event}->`,
    x: e.labelX - e.event.length * 3,
    y: e.labelY - 11,
    width: e.event.length * 6,
    height: 11,
  }));
  const found: string[] = [];
  for (const [i, a] of boxes.entries()) {
    for (const b of boxes.slice(i + 1)) if (overlap(a, b)) found.push(`${a.what} / ${b.what}`);
    for (const label of labels) if (overlap(a, label)) found.push(`${a.what} / ${label.what}`);
  }
  return found;
}

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
    // The loop back up is routed around the boxes: its label sits on none of them.
    expect(collisions(diagram)).toEqual([]);
    expect(diagram.edges.every((e) => /^M[\d.-]+,[\d.-]+( [LQ][\d., -]+)+$/.test(e.path))).toBe(true);
  });

  it('lays out a 15-state flow full of loops with no box or label on another, inside the drawing', () => {
    const diagram = layoutFlow(supportBot);
    expect(diagram.states).toHaveLength(15);
    expect(diagram.edges).toHaveLength(26);
    expect(collisions(diagram)).toEqual([]);
    for (const s of diagram.states) {
      expect(s.x).toBeGreaterThanOrEqual(0);
      expect(s.y).toBeGreaterThanOrEqual(0);
      expect(s.x + diagram.box.width).toBeLessThanOrEqual(diagram.width);
      expect(s.y + diagram.box.height).toBeLessThanOrEqual(diagram.height);
    }
    // Two transitions between the same states (match to three places, two to route_topic) each get an arrow.
    expect(new Set(diagram.edges.map((e) => e.path)).size).toBe(diagram.edges.length);
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
