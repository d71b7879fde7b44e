/** The latency-against-concurrency plot the bench writes to docs/: an SVG with no dependencies. */

export interface Series {
  name: string;
  color: string;
  /** [concurrent conversations, p50 ms, p99 ms] */
  points: [number, number, number][];
}

const W = 640;
const H = 400;
const PAD = { left: 64, right: 170, top: 36, bottom: 48 };

/** Log-log axes: conversations across, delivery latency up; p50 solid, p99 dashed. */
export function latencyPlot(series: Series[], title: string): string {
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.flatMap((p) => [p[1], p[2]])).filter((y) => y > 0);
  const [x0, x1] = [Math.log10(Math.min(...xs)), Math.log10(Math.max(...xs))];
  const [y0, y1] = [Math.floor(Math.log10(Math.min(...ys))), Math.ceil(Math.log10(Math.max(...ys)))];
  const px = (x: number) => PAD.left + ((Math.log10(x) - x0) / (x1 - x0 || 1)) * (W - PAD.left - PAD.right);
  const py = (y: number) =>
    H - PAD.bottom - ((Math.log10(Math.max(y, 10 ** y0)) - y0) / (y1 - y0 || 1)) * (H - PAD.top - PAD.bottom);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<title>${title}</title>`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2 - PAD.right / 2}" y="20" text-anchor="middle" font-size="14">${title}</text>`,
  ];
  for (let e = y0; e <= y1; e++) {
    const y = py(10 ** e);
    out.push(
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y}" y2="${y}" stroke="#ddd"/>`,
      `<text x="${PAD.left - 6}" y="${y + 4}" text-anchor="end">${10 ** e} ms</text>`,
    );
  }
  for (const x of [...new Set(xs)].sort((a, b) => a - b)) {
    out.push(
      `<line x1="${px(x)}" x2="${px(x)}" y1="${PAD.top}" y2="${H - PAD.bottom}" stroke="#eee"/>`,
      `<text x="${px(x)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${x}</text>`,
    );
  }
  out.push(
    `<text x="${(PAD.left + W - PAD.right) / 2}" y="${H - 10}" text-anchor="middle">concurrent conversations</text>`,
  );
  series.forEach((s, i) => {
    for (const [k, dash] of [
      [1, ''],
      [2, ' stroke-dasharray="5 4"'],
    ] as const) {
      const d = s.points
        .map((p, j) => `${j ? 'L' : 'M'}${px(p[0]).toFixed(1)},${py(p[k]).toFixed(1)}`)
        .join(' ');
      out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`);
    }
    const ly = PAD.top + 10 + i * 20;
    out.push(
      `<line x1="${W - PAD.right + 12}" x2="${W - PAD.right + 36}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"/>`,
      `<text x="${W - PAD.right + 42}" y="${ly + 4}">${s.name}</text>`,
    );
  });
  const ly = PAD.top + 10 + series.length * 20;
  out.push(
    `<text x="${W - PAD.right + 12}" y="${ly + 4}" fill="#555">solid p50, dashed p99</text>`,
    '</svg>',
  );
  return `${out.join('\n')}\n`;
}
