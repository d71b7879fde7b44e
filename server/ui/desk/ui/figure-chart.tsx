/**
 * One of the supervisor's charts: a heading, a sentence saying what it shows, the uPlot
 * drawing, and the same numbers as a table for anyone who cannot see the drawing. Colours
 * come from the desk's CSS tokens when the chart is drawn, and it is drawn again when the
 * system switches between light and dark.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { FiguresBucket } from '../../../protocol.ts';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  /** A CSS custom property of the desk, e.g. `--brand`. */
  color: string;
}

const HEIGHT = 160;
const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** "14:00–14:15" */
export const bucketLabel = (bucket: Pick<FiguresBucket, 'start' | 'end'>) =>
  `${timeOfDay.format(new Date(bucket.start))}–${timeOfDay.format(new Date(bucket.end))}`;

/** True while the system asks for dark colours. */
function useDarkScheme(): boolean {
  const query = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
  const [dark, setDark] = useState(query?.matches ?? false);
  useEffect(() => {
    if (!query) return;
    const onChange = () => setDark(query.matches);
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, [query]);
  return dark;
}

export function FigureChart(props: {
  id: string;
  title: string;
  summary: string;
  buckets: FiguresBucket[];
  series: ChartSeries[];
  format: (value: number) => string;
}) {
  const { id, title, summary, buckets, series, format } = props;
  const plot = useRef<HTMLDivElement>(null);
  const dark = useDarkScheme();

  useEffect(() => {
    const element = plot.current;
    if (!element) return;
    const styles = getComputedStyle(element);
    const token = (name: string) => styles.getPropertyValue(name).trim() || '#888';
    const axis = {
      stroke: token('--ink'),
      grid: { stroke: token('--line'), width: 1 },
      ticks: { stroke: token('--line'), width: 1 },
    };
    const width = () => Math.max(240, element.clientWidth);
    const chart = new uPlot(
      {
        width: width(),
        height: HEIGHT,
        legend: { show: false },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max ?? 0) * 1.1] } },
        axes: [axis, { ...axis, size: 64, values: (_u, splits) => splits.map(format) }],
        series: [
          {},
          ...series.map((s) => ({
            label: s.label,
            stroke: token(s.color),
            width: 2,
            spanGaps: false,
            points: { show: true, size: 6, fill: token(s.color) },
          })),
        ],
      },
      [buckets.map((b) => Date.parse(b.start) / 1000), ...series.map((s) => s.values)],
      element,
    );
    const resize = new ResizeObserver(() => chart.setSize({ width: width(), height: HEIGHT }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [buckets, series, format, dark]);

  const rows = buckets
    .map((bucket, i) => ({ bucket, values: series.map((s) => s.values[i] ?? null) }))
    .filter((row) => row.values.some((v) => v !== null && v !== 0));
  return (
    <figure class="figures__chart" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{title}</h3>
      <p class="figures__summary">{summary}</p>
      {series.length > 1 && (
        <ul class="figures__legend">
          {series.map((s) => (
            <li key={s.label}>
              <span class="figures__swatch" style={{ background: `var(${s.color})` }} />
              {s.label}
            </li>
          ))}
        </ul>
      )}
      <div class="figures__plot" ref={plot} aria-hidden="true" />
      <details class="figures__numbers">
        <summary>Numbers: {title}</summary>
        {rows.length === 0 ? (
          <p>Nothing to show in these hours.</p>
        ) : (
          <table aria-label={`${title} by time`}>
            <thead>
              <tr>
                <th scope="col">Time</th>
                {series.map((s) => (
                  <th scope="col" key={s.label}>
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map(({ bucket, values }) => (
                <tr key={bucket.start}>
                  <th scope="row">{bucketLabel(bucket)}</th>
                  {values.map((v, i) => (
                    <td key={series[i]?.label}>{v === null ? '–' : format(v)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </details>
    </figure>
  );
}
