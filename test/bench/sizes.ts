/**
 * Byte counts of the built widget: every chunk in widget/dist but the npm entry, each marked
 * with when a visitor loads it (`open`: the loader and what the open widget needs, counted as
 * test/size.test.ts counts it; `lazy`: only when something needs it; `prefetched`: lazy, and
 * also fetched in the background once the window is open), then the open widget's total.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dist = join(import.meta.dirname, '../../widget/dist');

/** Lazy chunks the open window fetches in the background (widget/ui/chat-window.tsx). */
const PREFETCHED = ['widget/ui/later.ts'];

export function compressed(bytes: Buffer) {
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

/** The loader, the app chunk and every chunk the app imports statically. */
export function openWidgetFiles(): Set<string> {
  const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8')) as Record<
    string,
    { file: string; imports?: string[] }
  >;
  const files = new Set<string>(['parley.js']);
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  visit('widget/boot.ts');
  for (const source of PREFETCHED) if (manifest[source]) files.add(`prefetch:${manifest[source].file}`);
  return files;
}

export function widgetSizeReport(): string {
  let files: string[];
  let open: Set<string>;
  try {
    files = readdirSync(dist).filter((f) => f.endsWith('.js'));
    open = openWidgetFiles();
  } catch {
    return 'widget/dist is not built: run `npm run build`.';
  }
  const when = (file: string) =>
    open.has(file) ? 'open' : open.has(`prefetch:${file}`) ? 'prefetched' : 'lazy';
  const rows = files
    .filter((f) => f !== 'index.js')
    .map((f) => ({ file: f, when: when(f), ...compressed(readFileSync(join(dist, f))) }));
  type Row = { raw: number; gzip: number; brotli: number };
  const sum = (list: Row[], name: string) =>
    `| **${name}** | | ${list.reduce((s, r) => s + r.raw, 0)} | ${list.reduce((s, r) => s + r.gzip, 0)} | ${list.reduce((s, r) => s + r.brotli, 0)} |`;
  return [
    '| file | loaded | bytes | gzip | brotli |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.file} | ${r.when} | ${r.raw} | ${r.gzip} | ${r.brotli} |`),
    sum(
      rows.filter((r) => r.when === 'open'),
      'open, connected widget',
    ),
    sum(rows, 'all widget chunks'),
  ].join('\n');
}
