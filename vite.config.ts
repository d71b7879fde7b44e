/**
 * Builds, by mode:
 * - default:  the widget for the script tag (dist/widget/parley.js + lazily loaded chunks);
 * - `lib`:    the npm entry (dist/widget/index.js + .d.ts);
 * - `pages`:  the demo-site pages the server serves (dist/pages: shop, npm example, agent desktop).
 */
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const root = import.meta.dirname;
const jsx = { oxc: { jsx: { runtime: 'automatic' as const, importSource: 'preact' } } };

export default defineConfig(({ mode }) => {
  if (mode === 'pages') {
    return {
      ...jsx,
      root: resolve(root, 'demo-site'),
      base: '/',
      resolve: { alias: { 'parley-webchat': resolve(root, 'widget/index.ts') } },
      build: {
        outDir: resolve(root, 'dist/pages'),
        emptyOutDir: true,
        rollupOptions: {
          input: {
            shop: resolve(root, 'demo-site/index.html'),
            npmExample: resolve(root, 'demo-site/npm-example.html'),
            agent: resolve(root, 'demo-site/agent/index.html'),
          },
        },
      },
    };
  }
  // The widget modes are filled in by the widget build.
  return { ...jsx };
});
