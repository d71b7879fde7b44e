/**
 * The diagram of a bot flow: states as boxes (those with problems outlined in red), transitions
 * as arrows labelled with their event. Drawn from the JSON as it is edited. The layout (and the
 * graph-layout library in it) is loaded the first time a diagram is drawn, not with the console.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { layoutFlow } from './flow-layout.ts';

type Layout = typeof layoutFlow;

let loading: Promise<Layout> | null = null;
const loadLayout = () => {
  loading ??= import('./flow-layout.ts').then((module) => module.layoutFlow);
  return loading;
};

/** The layout function once its chunk is loaded; null until then. */
function useLayout(): Layout | null {
  const [layout, setLayout] = useState<{ run: Layout } | null>(null);
  useEffect(() => {
    let live = true;
    loadLayout().then(
      (run) => live && setLayout({ run }),
      () => {
        // A failed chunk load is retried on the next draw.
        loading = null;
      },
    );
    return () => {
      live = false;
    };
  }, []);
  return layout?.run ?? null;
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

export function FlowDiagram({
  definition,
  problemStates,
}: {
  definition: unknown;
  problemStates: Set<string>;
}) {
  const layout = useLayout();
  const diagram = useMemo(() => layout?.(definition) ?? null, [layout, definition]);
  if (!diagram || diagram.states.length === 0) return null;
  const box = diagram.box;
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a large flow scrolls inside the figure, and a scrollable region must be reachable by keyboard (WCAG 2.1.1)
    <figure class="diagram" tabIndex={0}>
      <figcaption>Diagram</figcaption>
      <svg
        role="img"
        aria-label={`Flow diagram: ${count(diagram.states.length, 'state')}, ${count(diagram.edges.length, 'transition')}`}
        width={diagram.width}
        height={diagram.height}
        viewBox={`0 0 ${diagram.width} ${diagram.height}`}
      >
        <defs>
          <marker
            id="arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto"
          >
            <path d="M0,0 L10,5 L0,10 z" fill="#606b85" />
          </marker>
        </defs>
        {diagram.edges.map((e) => (
          <g key={`${e.from}-${e.event}-${e.to}`} class="diagram__edge" data-from={e.from} data-to={e.to}>
            <path d={e.path} fill="none" stroke="#606b85" stroke-width="1.5" marker-end="url(#arrow)" />
            <text x={e.labelX} y={e.labelY} text-anchor="middle" class="diagram__label">
              {e.event}
            </text>
          </g>
        ))}
        {diagram.states.map((s) => (
          <g
            key={s.name}
            class={`diagram__state${problemStates.has(s.name) ? ' diagram__state--problem' : ''}`}
            data-state={s.name}
          >
            <rect x={s.x} y={s.y} width={box.width} height={box.height} rx="6" />
            <text x={s.x + box.width / 2} y={s.y + 19} text-anchor="middle" class="diagram__name">
              {s.name}
            </text>
            <text x={s.x + box.width / 2} y={s.y + 35} text-anchor="middle" class="diagram__type">
              {s.type}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  );
}
