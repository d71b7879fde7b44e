/**
 * Byte counts of the built widget: the script-tag loader, and everything it loads to show an
 * open widget (the loader plus every chunk in widget/dist that is not the npm entry).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dist = join(import.meta.dirname, '../../widget/dist');

export function compressed(bytes: Buffer) {
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

export function widgetSizeReport(): string {
  let files: string[];
  try {
    files = readdirSync(dist).filter((f) => f.endsWith('.js'));
  } catch {
    return 'widget/dist is not built: run `npm run build`.';
  }
  const rows = files
    .filter((f) => f !== 'index.js')
    .map((f) => ({ file: f, ...compressed(readFileSync(join(dist, f))) }));
  const line = (r: { file: string; raw: number; gzip: number; brotli: number }) =>
    `| ${r.file} | ${r.raw} | ${r.gzip} | ${r.brotli} |`;
  return [
    '| file | bytes | gzip | brotli |',
    '|---|---|---|---|',
    ...rows.map(line),
    `| **all widget chunks** | ${rows.reduce((s, r) => s + r.raw, 0)} | ${rows.reduce((s, r) => s + r.gzip, 0)} | ${rows.reduce((s, r) => s + r.brotli, 0)} |`,
  ].join('\n');
}
