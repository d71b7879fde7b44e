/**
 * Isolation and privacy in Chromium: a host page's aggressive CSS neither reaches the widget
 * nor is reached by it; a strict Content-Security-Policy (no unsafe-inline, no unsafe-eval)
 * runs it with a nonce; no cookies ever; nothing stored before the first open, and only where
 * the site allows (`storage`).
 */
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TestParley } from '../helpers/server.ts';
import {
  conversation,
  delivered,
  eventually,
  messageBox,
  openChat,
  widgetSuite,
  write,
} from './widget-helpers.ts';

let parley: TestParley;
let browser: Browser;
let flow: string;
const visitor = widgetSuite((suite) => {
  ({ parley, browser, flow } = suite);
});

/** The exact header a site with a strict policy sends (documented in demo-site/csp.html). */
const STRICT_CSP = [
  "default-src 'self'",
  "script-src 'self' 'nonce-parley-csp-test'",
  "style-src 'self' 'nonce-parley-csp-test'",
  "img-src 'self' blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

/** Computed styles of the launcher and, when open, the window and the composer's textbox. */
const looks = (page: Page) =>
  page.evaluate(() => {
    const root = document.querySelector('#parley-webchat')?.shadowRoot;
    const box = (selector: string) => {
      const element = root?.querySelector(selector);
      if (!element) return null;
      const rect = element.getBoundingClientRect();
      const style = getComputedStyle(element);
      return {
        width: Math.round(rect.width),
        height: Math.round(rect.height),
        fontSize: style.fontSize,
        display: style.display,
        background: style.backgroundColor,
      };
    };
    return {
      launcher: box('button[aria-label="Open chat"]'),
      window: box('[role=dialog]'),
      textbox: box('textarea'),
    };
  });

describe('isolation from the host page', () => {
  it('renders and works on a page whose CSS resets everything, hides buttons and uses huge fonts', async () => {
    const page = await visitor.page(`/hostile.html?flow=${flow}`);
    const pageLooks = () =>
      page.evaluate(() => {
        const style = getComputedStyle(document.querySelector('h1') as Element);
        return `${style.fontSize} ${style.fontFamily} ${style.color} ${style.display}`;
      });
    await page.getByRole('button', { name: 'Open chat' }).waitFor();
    const before = await pageLooks();
    expect((await looks(page)).launcher).toEqual({
      width: 56,
      height: 56,
      fontSize: expect.any(String),
      display: 'grid',
      background: 'rgb(29, 78, 216)',
    });
    await openChat(page);
    const open = await looks(page);
    expect(open.window).toMatchObject({
      width: 370,
      fontSize: '15px',
      display: 'flex',
      background: 'rgb(255, 255, 255)',
    });
    expect(open.textbox).toMatchObject({ fontSize: '15px', height: 40 });
    await write(page, 'Still works here');
    await delivered(page);
    await conversation(page).getByText('Still works here').waitFor();
    // Nothing of the widget's leaks out: the page has only its own stylesheet, its fonts unchanged.
    expect(await page.evaluate(() => document.querySelectorAll('style, link[rel=stylesheet]').length)).toBe(
      1,
    );
    expect(await pageLooks()).toBe(before);
  });
});

describe('a strict Content-Security-Policy', () => {
  it('runs without unsafe-inline or unsafe-eval, its styles allowed by the script tag’s nonce', async () => {
    const context = await visitor.context();
    await context.route('**/csp.html*', async (route) => {
      const response = await route.fetch();
      await route.fulfill({
        response,
        headers: { ...response.headers(), 'content-security-policy': STRICT_CSP },
      });
    });
    await context.addInitScript(() => {
      const w = window as unknown as { violations: string[] };
      w.violations = [];
      document.addEventListener('securitypolicyviolation', (event) =>
        w.violations.push(`${event.violatedDirective} ${event.blockedURI}`),
      );
    });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const response = await page.goto(`${parley.url}/csp.html?flow=${flow}`);
    expect(response?.headers()['content-security-policy']).toBe(STRICT_CSP);
    await page.getByRole('button', { name: 'Open chat' }).waitFor();
    expect((await looks(page)).launcher).toMatchObject({ width: 56, background: 'rgb(29, 78, 216)' });
    await openChat(page);
    expect((await looks(page)).window).toMatchObject({ width: 370, display: 'flex' });
    await write(page, 'Under a strict policy, with *markdown* too');
    await delivered(page);
    await conversation(page).locator('em').getByText('markdown').waitFor();
    expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);
  });

  it('is what a page without the nonce gets wrong: the check above can fail', async () => {
    // Same page and policy with another nonce: the loader's styles are refused and reported.
    const context = await visitor.context();
    await context.route('**/csp.html*', async (route) => {
      const response = await route.fetch();
      await route.fulfill({
        response,
        headers: {
          ...response.headers(),
          'content-security-policy': STRICT_CSP.replaceAll('parley-csp-test', 'other'),
        },
      });
    });
    await context.addInitScript(() => {
      const w = window as unknown as { violations: string[] };
      w.violations = [];
      document.addEventListener('securitypolicyviolation', (event) =>
        w.violations.push(event.violatedDirective),
      );
    });
    const page = await context.newPage();
    await page.goto(`${parley.url}/csp.html?flow=${flow}`);
    await eventually(() =>
      page.evaluate(() => (window as unknown as { violations: string[] }).violations.length),
    ).toBeGreaterThan(0);
  });
});

describe('privacy', () => {
  it('sets no cookies and stores nothing before the first open, even with a conversation', async () => {
    const page = await visitor.page(`/hostile.html?flow=${flow}`);
    await page.getByRole('button', { name: 'Open chat' }).waitFor();
    const stored = () =>
      page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length }));
    expect(await stored()).toEqual({ local: 0, session: 0 });
    await openChat(page);
    await write(page, 'Hello');
    await delivered(page);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expect(await page.context().cookies()).toEqual([]);
  });

  it('keeps the session in sessionStorage with storage: "session", and nowhere with "none"', async () => {
    const page = await visitor.page(`/spa.html?flow=${flow}`);
    const keys = () =>
      page.evaluate(() => ({ local: Object.keys(localStorage), session: Object.keys(sessionStorage) }));
    await page.evaluate(() =>
      (window as unknown as { spa: { mount(o: object): void } }).spa.mount({ storage: 'none' }),
    );
    await openChat(page);
    await write(page, 'Nothing stored');
    await delivered(page);
    expect(await keys()).toEqual({ local: [], session: [] });

    await page.evaluate(() =>
      (window as unknown as { spa: { unmount(): void; mount(o: object): void } }).spa.unmount(),
    );
    await page.evaluate(() =>
      (window as unknown as { spa: { mount(o: object): void } }).spa.mount({ storage: 'session' }),
    );
    await openChat(page);
    await write(page, 'Stored for this tab');
    await delivered(page);
    const { local, session } = await keys();
    expect(local).toEqual([]);
    expect(session).toContain(`parley:session:${flow}`);
    expect(await messageBox(page).isEnabled()).toBe(true);
  });
});
