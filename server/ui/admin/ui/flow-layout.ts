/**
 * Lays a bot flow out for its diagram: states in layers by their distance from the initial
 * state (breadth first), in the order they are reached; states nothing reaches go in a last
 * layer. Transitions that go back up or across a layer are drawn as curves beside the boxes.
 * A small layered layout of its own: no graph-layout library is a dependency of Parley.
 */

export interface DiagramState {
  name: string;
  type: string;
  x: number;
  y: number;
}

export interface DiagramEdge {
  from: string;
  to: string;
  event: string;
  /** SVG path data. */
  path: string;
  labelX: number;
  labelY: number;
}

export interface Diagram {
  width: number;
  height: number;
  states: DiagramState[];
  edges: DiagramEdge[];
}

export const BOX = { width: 190, height: 46 };
const GAP = { x: 50, y: 80 };
const MARGIN = 20;

interface StudioState {
  name?: unknown;
  type?: unknown;
  transitions?: unknown;
}

/** The flow's states and transitions, read leniently (the JSON may be half written). */
function readFlow(definition: unknown) {
  const d = (definition ?? {}) as { initial_state?: unknown; states?: unknown };
  const states = (Array.isArray(d.states) ? d.states : []) as StudioState[];
  const named = states.filter((s): s is StudioState & { name: string } => typeof s?.name === 'string');
  const transitions = named.flatMap((s) =>
    (Array.isArray(s.transitions) ? s.transitions : [])
      .filter((t): t is { event?: unknown; next: string } => typeof t?.next === 'string' && t.next !== '')
      .map((t) => ({ from: s.name, to: t.next, event: typeof t.event === 'string' ? t.event : '' })),
  );
  const initial = typeof d.initial_state === 'string' ? d.initial_state : named[0]?.name;
  return { named, transitions, initial };
}

export function layoutFlow(definition: unknown): Diagram {
  const { named, transitions, initial } = readFlow(definition);
  const depth = new Map<string, number>();
  const queue = initial && named.some((s) => s.name === initial) ? [initial] : [];
  if (queue[0]) depth.set(queue[0], 0);
  while (queue.length > 0) {
    const name = queue.shift() as string;
    for (const t of transitions) {
      if (t.from !== name || depth.has(t.to) || !named.some((s) => s.name === t.to)) continue;
      depth.set(t.to, (depth.get(name) ?? 0) + 1);
      queue.push(t.to);
    }
  }
  const unreached = Math.max(-1, ...depth.values()) + 1;
  const layers: string[][] = [];
  for (const s of named) {
    const d = depth.get(s.name) ?? unreached;
    layers[d] = [...(layers[d] ?? []), s.name];
  }
  // Reached states in the order breadth-first search met them.
  const order = [...depth.keys()];
  for (const layer of layers)
    layer?.sort((a, b) => (order.indexOf(a) + 1 || 1e9) - (order.indexOf(b) + 1 || 1e9));

  const widest = Math.max(1, ...layers.map((l) => l.length));
  const width = MARGIN * 2 + widest * BOX.width + (widest - 1) * GAP.x;
  const place = new Map<string, DiagramState>();
  layers.forEach((layer, row) => {
    const span = layer.length * BOX.width + (layer.length - 1) * GAP.x;
    layer.forEach((name, i) => {
      const type = String(named.find((s) => s.name === name)?.type ?? '');
      place.set(name, {
        name,
        type,
        x: (width - span) / 2 + i * (BOX.width + GAP.x),
        y: MARGIN + row * (BOX.height + GAP.y),
      });
    });
  });

  const edges: DiagramEdge[] = [];
  for (const t of transitions) {
    const a = place.get(t.from);
    const b = place.get(t.to);
    if (!a || !b) continue;
    const x1 = a.x + BOX.width / 2;
    const y1 = a.y + BOX.height;
    const x2 = b.x + BOX.width / 2;
    const y2 = b.y;
    if (b.y > a.y) {
      const mid = (y1 + y2) / 2;
      edges.push({
        ...t,
        path: `M${x1},${y1} C${x1},${mid} ${x2},${mid} ${x2},${y2}`,
        labelX: (x1 + x2) / 2,
        labelY: mid,
      });
    } else {
      // Back up (a loop or a retry): round the right side of both boxes.
      const side = Math.max(a.x, b.x) + BOX.width + GAP.x / 2;
      const path = `M${a.x + BOX.width},${a.y + BOX.height / 2} C${side},${a.y + BOX.height / 2} ${side},${b.y + BOX.height / 2} ${b.x + BOX.width},${b.y + BOX.height / 2}`;
      edges.push({ ...t, path, labelX: side - 6, labelY: (a.y + b.y) / 2 + BOX.height / 2 });
    }
  }
  const rows = layers.length;
  return {
    width: width + GAP.x,
    height: MARGIN * 2 + rows * BOX.height + Math.max(0, rows - 1) * GAP.y,
    states: [...place.values()],
    edges,
  };
}
