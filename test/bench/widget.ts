/**
 * The widget's cost to the host page, measured in Chromium on the demo shop against the same
 * page without the widget (its script tag removed in flight): main-thread task time, long
 * tasks (over 50 ms) and total blocking time from load until the page is idle; then the time
 * from a click on the launcher to a usable window (the message box enabled: app chunk loaded,
 * settings read, conversation created, socket connected). Medians of several runs.
 *
 *   `widgetBench()` returns a markdown section; `node --import tsx test/bench/widget.ts` prints it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser.ts';
import { startParley, type TestParley } from '../helpers/server.ts';
import { compressed, openWidgetFiles } from './sizes.ts';

const RUNS = Number(process.env.BENCH_WIDGET_RUNS ?? 7);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const ms = (value: number) => `${value.toFixed(1)} ms`;

interface PageCost {
  /** Main-thread task time (CDP Performance.TaskDuration) from navigation to idle. */
  taskMs: number;
  scriptMs: number;
  longTasks: number;
  /** Sum over long tasks of their time beyond 50 ms. */
  blockingMs: number;
}

/** Loads the shop in a fresh context, with or without the widget's script tag, and measures. */
async function pageCost(browser: Browser, url: string, withWidget: boolean): Promise<PageCost> {
  const context = await browser.newContext();
  try {
    if (!withWidget) {
      await context.route(`${url}/`, async (route) => {
        const response = await route.fetch();
        const html = (await response.text()).replace(
          /<script src="\/widget\/parley\.js"[^>]*><\/script>/,
          '',
        );
        await route.fulfill({ response, body: html });
      });
    }
    await context.addInitScript(() => {
      const w = window as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.longTasks.push(entry.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(`${url}/`, { waitUntil: 'load' });
    if (withWidget) await page.getByRole('button', { name: 'Open chat' }).waitFor();
    await page.waitForTimeout(500); // let async work (the loader, lazy scripts) settle
    const { metrics } = await cdp.send('Performance.getMetrics');
    const metric = (name: string) => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
    const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
    return {
      taskMs: metric('TaskDuration'),
      scriptMs: metric('ScriptDuration'),
      longTasks: longTasks.length,
      blockingMs: longTasks.reduce((sum, d) => sum + Math.max(0, d - 50), 0),
    };
  } finally {
    await context.close();
  }
}

/** Milliseconds from the click on the launcher to an enabled message box, in a fresh visitor's page. */
async function clickToUsable(browser: Browser, url: string): Promise<number> {
  const context = await browser.newContext();
  try {
    const page: Page = await context.newPage();
    await page.goto(`${url}/`, { waitUntil: 'load' });
    const launcher = page.getByRole('button', { name: 'Open chat' });
    await launcher.waitFor();
    await page.waitForTimeout(200);
    // Timed inside the page: from the click event to the first frame with the box enabled.
    await page.evaluate(() => {
      const w = window as unknown as { clickedAt: number };
      document.addEventListener('click', () => (w.clickedAt ??= performance.now()), { capture: true });
    });
    await launcher.click();
    // A string, not a function: tsx would wrap a named inner function in a helper the page lacks.
    return await page.evaluate<number>(`new Promise((resolve) => {
      const check = () => {
        const box = document.querySelector('#parley-webchat')?.shadowRoot?.querySelector('textarea');
        if (box && !box.disabled) resolve(performance.now() - window.clickedAt);
        else requestAnimationFrame(check);
      };
      check();
    })`);
  } finally {
    await context.close();
  }
}

/** Brotli and gzip bytes of the loader and of everything an open widget loads (as test/size.test.ts counts it). */
function bytes(): string {
  const dir = join(import.meta.dirname, '../../widget/dist');
  const size = (names: string[]) =>
    names
      .map((name) => compressed(readFileSync(join(dir, name))))
      .reduce((a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli }));
  const loader = size(['parley.js']);
  const open = size([...openWidgetFiles()].filter((file) => !file.startsWith('prefetch:')));
  return `Bytes: loader ${loader.brotli} B brotli / ${loader.gzip} B gzip; open, connected widget ${open.brotli} B brotli / ${open.gzip} B gzip.`;
}

export async function widgetBench(): Promise<string> {
  const parley: TestParley = await startParley({ limits: { webChannelsPerMinute: 10_000 } });
  const browser = await launchBrowser();
  try {
    // An agent is Available, so the widget opens to a chat rather than the offline form.
    const { body } = await parley.api<{ workers: { sid: string }[] }>('GET', '/v1/Workers');
    for (const worker of body.workers)
      await parley.api('POST', `/v1/Workers/${worker.sid}`, { activity: 'Available' });

    const without: PageCost[] = [];
    const withWidget: PageCost[] = [];
    const usable: number[] = [];
    await pageCost(browser, parley.url, true); // warm the server and the disk cache
    for (let run = 0; run < RUNS; run++) {
      without.push(await pageCost(browser, parley.url, false));
      withWidget.push(await pageCost(browser, parley.url, true));
      usable.push(await clickToUsable(browser, parley.url));
    }
    const row = (name: string, pick: (c: PageCost) => number, format: (n: number) => string) => {
      const a = median(without.map(pick));
      const b = median(withWidget.map(pick));
      return `| ${name} | ${format(a)} | ${format(b)} | ${format(b - a)} |`;
    };
    return [
      '\n## Widget on the host page\n',
      `Chromium (headless), the demo shop from this server over loopback, fresh context per run, medians of ${RUNS} runs.`,
      '',
      '| measure | page without widget | page with widget | added by the widget |',
      '|---|---|---|---|',
      row('main-thread task time to idle', (c) => c.taskMs, ms),
      row('script time', (c) => c.scriptMs, ms),
      row(
        'long tasks (> 50 ms)',
        (c) => c.longTasks,
        (n) => String(n),
      ),
      row('total blocking time', (c) => c.blockingMs, ms),
      '',
      bytes(),
      '',
      `Click on the launcher to a usable window (app loaded, settings read, conversation created, socket connected): median ${ms(median(usable))}, slowest ${ms(Math.max(...usable))}.`,
    ].join('\n');
  } finally {
    await browser.close();
    await parley.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await widgetBench());
