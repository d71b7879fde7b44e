/**
 * The pages Parley serves. Always: the widget files at `/widget` (customers' sites load them),
 * the agent desktop at `/agent` and the admin console at `/admin`. `parley serve` answers `/`
 * with a short status page and publishes nothing else. `parley demo` adds the demo site: the shop at `/`, the npm example at
 * `/npm-example`, the phone simulator at `/phone` and the browser tests' pages (hostile.html,
 * csp.html, spa.html). Pages may carry the placeholder `__PARLEY_DEMO_FLEX_FLOW__`, replaced by
 * the demo's web Flex Flow sid.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import express, { Router } from 'express';
import type { BuiltAssets } from './built-assets.ts';

export const DEMO_FLEX_FLOW_PLACEHOLDER = '__PARLEY_DEMO_FLEX_FLOW__';

export interface PagesOptions {
  assets: BuiltAssets;
  /** Publish the demo site too (`parley demo`); never in production. */
  demo?: boolean;
  demoFlexFlowSid: () => Promise<string | null>;
}

export function pagesRouter({ assets, demo = false, demoFlexFlowSid }: PagesOptions): Router {
  const router = Router();
  const { widgetDir, deskDir, adminDir, demoDir } = assets;

  router.use(
    '/widget',
    express.static(widgetDir, {
      // The loader keeps one URL forever, so it is revalidated; chunks are content-hashed.
      setHeaders: (res, path) => {
        const immutable = !path.endsWith('parley.js') && /-[\w-]{8,}\.js$/.test(path);
        res.setHeader(
          'Cache-Control',
          immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
        );
        res.setHeader('Access-Control-Allow-Origin', '*');
      },
    }),
  );
  const hashed = { maxAge: '1y', immutable: true, index: false };
  router.use('/agent/assets', express.static(join(deskDir, 'assets'), hashed));
  router.use('/admin/assets', express.static(join(adminDir, 'assets'), hashed));

  const page = (dir: string, file: string) => async (_req: express.Request, res: express.Response) => {
    let html: string;
    try {
      html = await readFile(join(dir, file), 'utf8');
    } catch {
      res.status(503).type('text').send('This page is not built yet: run npm run build');
      return;
    }
    if (html.includes(DEMO_FLEX_FLOW_PLACEHOLDER)) {
      html = html.replaceAll(DEMO_FLEX_FLOW_PLACEHOLDER, (await demoFlexFlowSid()) ?? '');
    }
    res.type('html').setHeader('Cache-Control', 'no-cache').send(html);
  };
  router.get(['/agent', '/agent/'], page(deskDir, 'index.html'));
  router.get(['/admin', '/admin/'], page(adminDir, 'index.html'));
  if (!demo) {
    router.get('/', (_req, res) => {
      res.type('html').setHeader('Cache-Control', 'no-store').send(STATUS_PAGE);
    });
    return router;
  }
  router.use('/assets', express.static(join(demoDir, 'assets'), hashed));
  router.get('/', page(demoDir, 'index.html'));
  router.get('/npm-example', page(demoDir, 'npm-example.html'));
  router.get(['/phone', '/phone/'], page(demoDir, 'phone/index.html'));
  router.use(express.static(demoDir, { index: false }));
  return router;
}

/** What `/` answers in production: proof the server runs, and where the product pages are. */
const STATUS_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Parley</title><meta name="robots" content="noindex"></head>
<body style="font: 16px/1.5 system-ui, sans-serif; max-width: 32rem; margin: 4rem auto; padding: 0 1rem">
<h1>Parley is running</h1>
<p>Agents sign in at the <a href="/agent">agent desktop</a>, administrators at the
<a href="/admin">admin console</a>.
Websites embed the widget from <code>/widget/parley.js</code>.</p>
</body>
</html>
`;
