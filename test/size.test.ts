/**
 * The widget's byte budgets, on the built files (`npm run build`): every byte ships to every
 * visitor of every customer's site. Sizes are brotli at maximum quality; gzip is reported too.
 *
 * What "an open widget" counts: the loader, the app chunk and every chunk it imports
 * statically, which is everything needed to draw the open window and chat in it (connect,
 * send, receive, the greeting, the composer with its Attach file button, the header, the
 * status banner). Not counted: the chunks in LAZY_SOURCES, fetched only when something needs
 * them, among them `widget/ui/later.ts` (quick replies, the End chat question, the ended
 * panel), which the open window also prefetches in the background once it is drawn, so a
 * visitor who chats usually downloads it too (about 0.7 KB brotli), after the first screen.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const widgetDir = join(root, 'widget', 'dist');
const manifestPath = join(widgetDir, '.vite', 'manifest.json');

const LOADER_BUDGET = 2 * 1024;
const OPEN_WIDGET_BUDGET = 25 * 1024;

interface ManifestChunk {
  file: string;
  src?: string;
  imports?: string[];
  dynamicImports?: string[];
}

/** Loaded only when needed, so not part of what an open widget costs. */
const LAZY_SOURCES = [
  'widget/ui/forms.tsx',
  'widget/ui/markdown.tsx',
  'widget/ui/media.tsx',
  'widget/ui/transcript.ts',
  'widget/ui/later.ts',
  'widget/ui/rating.tsx',
  'widget/ui/trouble.tsx',
  'widget/page/chime.ts',
  'widget/i18n/de.ts',
  'widget/i18n/fr.ts',
  'widget/i18n/es.ts',
];

const readManifest = () => JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, ManifestChunk>;

const brotli = (bytes: Buffer) =>
  brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY } })
    .length;
const gzip = (bytes: Buffer) => gzipSync(bytes, { level: 9 }).length;

function sizes(files: string[]) {
  const bytes = files.map((file) => readFileSync(join(widgetDir, file)));
  return {
    brotli: bytes.reduce((sum, b) => sum + brotli(b), 0),
    gzip: bytes.reduce((sum, b) => sum + gzip(b), 0),
  };
}

/** The app chunk and every chunk it imports statically: what an open widget has loaded. */
function appClosure(): string[] {
  const manifest = readManifest();
  const files = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk) throw new Error(`${key} is missing from ${manifestPath}`);
    if (files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  visit('widget/boot.ts');
  return [...files];
}

beforeAll(() => {
  // Build only when nothing is built; a partial build is a broken build, reported as such.
  if (!existsSync(widgetDir)) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  for (const file of ['parley.js', 'index.js', 'index.d.ts', '.vite/manifest.json']) {
    if (!existsSync(join(widgetDir, file)))
      throw new Error(`widget/dist/${file} is missing: run npm run build`);
  }
});

describe('widget size', () => {
  it('keeps the script-tag loader within 2 KB brotli', () => {
    const loader = sizes(['parley.js']);
    console.info(`parley.js: ${loader.brotli} B brotli, ${loader.gzip} B gzip`);
    expect(loader.brotli).toBeLessThanOrEqual(LOADER_BUDGET);
  });

  it('keeps everything an open, connected widget loads within 25 KB brotli', () => {
    const files = ['parley.js', ...appClosure()];
    const total = sizes(files);
    console.info(`open widget (${files.join(', ')}): ${total.brotli} B brotli, ${total.gzip} B gzip`);
    expect(total.brotli).toBeLessThanOrEqual(OPEN_WIDGET_BUDGET);
  });

  it('keeps the rarely needed parts in lazy chunks of their own, outside the open widget', () => {
    const manifest = readManifest();
    const open = new Set(appClosure());
    for (const source of LAZY_SOURCES) {
      const chunk = manifest[source];
      expect(chunk, `${source} should be a lazily loaded chunk`).toBeDefined();
      expect(open.has(chunk?.file ?? '')).toBe(false);
      const size = sizes([chunk?.file ?? '']);
      console.info(`lazy ${source} (${chunk?.file}): ${size.brotli} B brotli, ${size.gzip} B gzip`);
    }
  });

  it('keeps the loader free of static imports, so it runs as a classic script', () => {
    const loader = readFileSync(join(widgetDir, 'parley.js'), 'utf8');
    expect(loader).not.toMatch(/^\s*(import|export)\s/m);
    expect(loader).toContain(appClosure()[0]);
  });
});
