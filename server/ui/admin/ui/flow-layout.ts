/**
 * Lays a bot flow out for its diagram with dagre (a maintained layered graph layout): states
 * ranked top to bottom from the initial state, ordered to cross as few transitions as it can,
 * loops and retries routed back up around the boxes, and each transition's label given room of
 * its own so no label sits on a box. Several transitions between the same two states stay apart
 * (a multigraph). This module carries dagre (~50 KB), so the diagram loads it when first drawn.
 */
import dagre from '@dagrejs/dagre';

export interface DiagramState {
  name: string;
  type: string;
  /** The box's top-left corner. */
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
  /** Every state's box size. */
  box: { width: number; height: number };
  states: DiagramState[];
  edges: DiagramEdge[];
}

const BOX = { width: 190, height: 46 };
const MARGIN = 20;
/** The room a label takes, in the diagram's 11px label font. */
const labelSize = (event: string) => ({ width: Math.max(1, event.length) * 6.5 + 8, height: 14 });

interface StudioState {
  name?: unknown;
  type?: unknown;
  transitions?: unknown;
}

/** The flow's states and transitions, read leniently (the JSON may be half written). */
function readFlow(definition: unknown) {
  const d = (definition ?? {}) as { initial_state?: unknown; states?: unknown };
  const states = (Array.isArray(d.states) ? d.states : []) as StudioState[];
  const seen = new Set<string>();
  const named = states.filter((s): s is StudioState & { name: string } => {
    if (typeof s?.name !== 'string' || seen.has(s.name)) return false;
    seen.add(s.name);
    return true;
  });
  const transitions = named.flatMap((s) =>
    (Array.isArray(s.transitions) ? s.transitions : [])
      .filter((t): t is { event?: unknown; next: string } => typeof t?.next === 'string' && seen.has(t.next))
      .map((t) => ({ from: s.name, to: t.next, event: typeof t.event === 'string' ? t.event : '' })),
  );
  const initial = typeof d.initial_state === 'string' && seen.has(d.initial_state) ? d.initial_state : null;
  // The initial state first: dagre keeps insertion order where nothing else decides.
  const ordered = initial
    ? [...named.filter((s) => s.name === initial), ...named.filter((s) => s.name !== initial)]
    : named;
  return { states: ordered, transitions, initial };
}

/** States the initial state does not lead to, and how many steps the farthest reached one takes. */
function unreachedOf(
  states: { name: string }[],
  transitions: { from: string; to: string }[],
  initial: string | null,
) {
  const depth = new Map<string, number>(initial ? [[initial, 0]] : []);
  const queue = initial ? [initial] : [];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    for (const t of transitions) {
      if (t.from !== name || depth.has(t.to)) continue;
      depth.set(t.to, (depth.get(name) ?? 0) + 1);
      queue.push(t.to);
    }
  }
  return {
    unreached: states.filter((s) => !depth.has(s.name)).map((s) => s.name),
    farthest: Math.max(0, ...depth.values()),
  };
}

/** A smooth path through dagre's points: straight ends, quadratic bends at the inner points. */
function pathThrough(points: { x: number; y: number }[]): string {
  const [first, ...rest] = points;
  if (!first) return '';
  if (rest.length < 2) return `M${first.x},${first.y}${rest.map((p) => ` L${p.x},${p.y}`).join('')}`;
  let d = `M${first.x},${first.y}`;
  for (let i = 0; i < rest.length - 1; i++) {
    const bend = rest[i] as { x: number; y: number };
    const after = rest[i + 1] as { x: number; y: number };
    const end = i === rest.length - 2 ? after : { x: (bend.x + after.x) / 2, y: (bend.y + after.y) / 2 };
    d += ` Q${bend.x},${bend.y} ${end.x},${end.y}`;
  }
  return d;
}

export function layoutFlow(definition: unknown): Diagram {
  const { states, transitions, initial } = readFlow(definition);
  const graph = new dagre.graphlib.Graph({ multigraph: true });
  graph.setGraph({ rankdir: 'TB', nodesep: 40, edgesep: 16, ranksep: 56, marginx: MARGIN, marginy: MARGIN });
  for (const s of states) graph.setNode(s.name, { ...BOX });
  transitions.forEach((t, i) => {
    graph.setEdge(t.from, t.to, { ...labelSize(t.event), labelpos: 'c' }, String(i));
  });
  // A state nothing leads to yet (one being written) goes below the rest, not beside the start:
  // an unlabelled, weightless edge from the initial state holds it there and is never drawn.
  const { unreached, farthest } = unreachedOf(states, transitions, initial);
  if (initial)
    for (const name of unreached)
      graph.setEdge(initial, name, { width: 0, height: 0, minlen: farthest + 1, weight: 0 }, `hold:${name}`);
  dagre.layout(graph);

  const placed: DiagramState[] = states.map((s) => {
    const node = graph.node(s.name);
    return {
      name: s.name,
      type: typeof s.type === 'string' ? s.type : '',
      x: (node.x ?? 0) - BOX.width / 2,
      y: (node.y ?? 0) - BOX.height / 2,
    };
  });
  const edges: DiagramEdge[] = transitions.map((t, i) => {
    const edge = graph.edge(t.from, t.to, String(i));
    const points = edge.points ?? [];
    const middle = points[Math.floor(points.length / 2)] ?? { x: 0, y: 0 };
    return {
      ...t,
      path: pathThrough(points),
      labelX: edge.x ?? middle.x,
      // dagre centres the label's box on (x, y); SVG text sits on its baseline.
      labelY: (edge.y ?? middle.y) + 4,
    };
  });
  const { width = 0, height = 0 } = graph.graph();
  return { width: Math.ceil(width), height: Math.ceil(height), box: BOX, states: placed, edges };
}
