/**
 * Builds, by mode (`npm run build` runs them in this order):
 * - default:  the widget app for the script tag: widget/dist/parley-app-[hash].js (boot.ts) and
 *             its chunks, plus a manifest the loader build reads;
 * - `loader`: widget/dist/parley.js, the classic-script loader (embed.ts), told the app's file name;
 * - `lib`:    the npm entry (widget/dist/index.js; its .d.ts come from tsc, see widget/tsconfig.dts.json);
 * - `desk`:   the agent desktop, server/dist/desk (served at /agent by every server);
 * - `admin`:  the admin console, server/dist/admin (served at /admin by every server);
 * - `pages`:  the demo site, server/dist/demo (shop, npm example, phone simulator, test pages),
 *             served by `parley demo` only.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type Plugin, type UserConfig } from 'vite';

const root = import.meta.dirname;
const jsx = { oxc: { jsx: { runtime: 'automatic' as const, importSource: 'preact' } } };
const widgetDir = resolve(root, 'widget/dist');
/** Browsers with dynamic import, optional chaining and shadow DOM: everything the widget needs. */
const target = 'es2022';

/** The app chunk's file, from the manifest the default build wrote into `outDir`. */
function appChunkFile(outDir: string): string {
  const manifestPath = resolve(outDir, '.vite/manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, { file: string }>;
  const entry = manifest['widget/boot.ts'];
  if (!entry) throw new Error(`${manifestPath} has no widget/boot.ts entry: run \`vite build\` first`);
  return entry.file;
}

/**
 * Writes the app chunk's hashed name into the loader (`__PARLEY_APP__` in embed.ts), read from
 * the output directory actually used, so `--outDir` builds (tests) stay self-consistent.
 */
function appChunkName(): Plugin {
  let file = '';
  return {
    name: 'parley-app-chunk-name',
    configResolved(config) {
      file = appChunkFile(resolve(config.root, config.build.outDir));
    },
    transform(code, id) {
      if (id.endsWith('widget/embed.ts')) return code.replaceAll('__PARLEY_APP__', JSON.stringify(file));
    },
  };
}

/**
 * The widget's Socket.IO client is its own namespace client (widget/client/wire) on
 * engine.io-client, trimmed to what `/webchat` uses (together with this plugin, about 6 KB
 * brotli less than socket.io-client for every visitor): Engine.IO connects over WebSocket and falls
 * back to long-polling through `fetch()` (its XMLHttpRequest polling and WebTransport
 * transports are left out), its packets are JSON text, so its codec is a text-only version,
 * and the browser's `URL` parses the server's address instead of Engine.IO's own parser.
 */
function slimSocketClient(): Plugin {
  const wire = resolve(root, 'widget/client/wire');
  const unused = '\0parley-unused-transport';
  return {
    name: 'parley-slim-socket-client',
    enforce: 'pre',
    resolveId(source, importer) {
      if (!importer?.includes('node_modules')) return;
      // Re-exported by engine.io-client's entry, never asked for (XHR's module has side effects,
      // so it would stay although unused).
      if (importer.includes('engine.io-client') && /\/(webtransport|polling-xhr(\.node)?)\.js$/.test(source))
        return unused;
      if (source === 'engine.io-parser') return resolve(wire, 'engine-parser.ts');
      if (source === './contrib/parseuri.js' && importer.includes('engine.io-client'))
        return resolve(wire, 'parse-uri.ts');
    },
    load(id) {
      if (id === unused) return 'export class WT {}\nexport class XHR {}';
      if (id.replaceAll('\\', '/').endsWith('engine.io-client/build/esm/transports/index.js')) {
        return [
          "import { WS } from './websocket.js';",
          "import { Fetch } from './polling-fetch.js';",
          'export const transports = { websocket: WS, polling: Fetch };',
        ].join('\n');
      }
    },
  };
}

/**
 * Vite wraps every `import()` in a helper that preloads the chunk's dependencies and CSS. The
 * widget has neither (no CSS files, `modulePreload: false`), so the helper only costs bytes
 * (about 1 KB brotli for every visitor): it is replaced by a plain call of the import.
 */
function withoutPreloadHelper(): Plugin {
  return {
    name: 'parley-without-preload-helper',
    enforce: 'pre',
    load(id) {
      if (id.endsWith('vite/preload-helper.js')) return 'export const __vitePreload = (load) => load();';
    },
  };
}

/**
 * Collapses the whitespace of a CSS text, leaving `${…}` interpolations as they are. Every
 * declaration keeps its `;`: goober reads a declaration only up to one, so `{a:1;b:2}` without
 * the last would lose `b` (test/unit/widget-styles.test.ts compares goober's rules both ways).
 */
export const minifyCss = (text: string) =>
  text
    .split(/(\$\{[^}]*\})/)
    .map((part, i) =>
      i % 2
        ? part
        : part
            .replace(/\s+/g, ' ')
            .replace(/ ?([{};,]) ?/g, '$1')
            .replace(/: /g, ':'),
    )
    .join('')
    .trim();

/**
 * The components' styles are CSS in tagged templates (goober's `css` and `keyframes`), which
 * the minifier leaves as written: their indentation and spaces are removed at build time.
 */
function minifiedStyles(): Plugin {
  return {
    name: 'parley-minified-styles',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]widget[\\/]ui[\\/][^\\/]+\.tsx?$/.test(id)) return;
      return code.replace(/\b(css|keyframes)`([^`]*)`/g, (_, tag, text) => `${tag}\`${minifyCss(text)}\``);
    },
  };
}

export default defineConfig(({ mode, command }): UserConfig => {
  // A build run from a test (vitest sets NODE_ENV=test) would otherwise resolve development
  // builds of dependencies (socket.io-client's debug logging: +3 KB brotli for every visitor).
  if (command === 'build') process.env.NODE_ENV = 'production';
  if (mode === 'desk') {
    return {
      ...jsx,
      root: resolve(root, 'server/ui/desk'),
      base: '/agent/',
      build: { outDir: resolve(root, 'server/dist/desk'), emptyOutDir: true },
    };
  }
  if (mode === 'admin') {
    return {
      ...jsx,
      root: resolve(root, 'server/ui/admin'),
      base: '/admin/',
      build: { outDir: resolve(root, 'server/dist/admin'), emptyOutDir: true },
    };
  }
  if (mode === 'pages') {
    return {
      ...jsx,
      root: resolve(root, 'demo-site'),
      base: '/',
      resolve: { alias: { 'parley-webchat': resolve(root, 'widget/index.ts') } },
      build: {
        outDir: resolve(root, 'server/dist/demo'),
        emptyOutDir: true,
        rollupOptions: {
          input: {
            shop: resolve(root, 'demo-site/index.html'),
            npmExample: resolve(root, 'demo-site/npm-example.html'),
            phone: resolve(root, 'demo-site/phone/index.html'),
            // Test pages of the widget's browser tests: hostile CSS, strict CSP, a single-page app.
            hostile: resolve(root, 'demo-site/hostile.html'),
            csp: resolve(root, 'demo-site/csp.html'),
            spa: resolve(root, 'demo-site/spa.html'),
          },
        },
      },
    };
  }
  if (mode === 'loader') {
    return {
      plugins: [appChunkName()],
      build: {
        outDir: widgetDir,
        emptyOutDir: false,
        target,
        minify: true,
        lib: {
          entry: resolve(root, 'widget/embed.ts'),
          formats: ['iife' as const],
          name: 'ParleyLoader',
          fileName: () => 'parley.js',
        },
      },
    };
  }
  if (mode === 'lib') {
    return {
      ...jsx,
      // tsc writes the declarations under types/ (rootDir is the repo); this names the entry.
      plugins: [
        slimSocketClient(),
        {
          name: 'parley-dts-entry',
          generateBundle() {
            this.emitFile({
              type: 'asset',
              fileName: 'index.d.ts',
              source: "export * from './types/widget/index';\n",
            });
          },
        },
      ],
      build: {
        outDir: widgetDir,
        emptyOutDir: false,
        target,
        // Left readable (Vite does not minify ES libraries): the consumer's bundler minifies.
        lib: {
          entry: resolve(root, 'widget/index.ts'),
          formats: ['es' as const],
          fileName: () => 'index.js',
        },
        rollupOptions: { output: { chunkFileNames: 'lib/[name]-[hash].js' } },
      },
    };
  }
  // Default: the app the loader imports. Chunks import each other by relative URL, so the
  // widget works from whatever origin and path it is served.
  return {
    ...jsx,
    base: './',
    plugins: [slimSocketClient(), withoutPreloadHelper(), minifiedStyles()],
    build: {
      outDir: widgetDir,
      emptyOutDir: true,
      target,
      manifest: true,
      modulePreload: false,
      rollupOptions: {
        input: { 'parley-app': resolve(root, 'widget/boot.ts') },
        // Everything an open widget needs in one file (one request, better compression), the
        // rarely needed parts (import()ed) apart. The entry may export more than `boot`, so the
        // modules the lazy chunks share with it (preact, the store…) stay in it for them to import.
        preserveEntrySignatures: 'allow-extension' as const,
        output: { entryFileNames: '[name]-[hash].js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  };
});
