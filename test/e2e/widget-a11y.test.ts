/**
 * Accessibility in Chromium (WCAG 2.2 AA): an axe-core scan of the open widget in each of its
 * states finds nothing; a whole chat works from the keyboard alone, focus moves into the window
 * on open and back on close, Escape closes; motion stops when the visitor asks for less.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TestParley } from '../helpers/server.ts';
import {
  agentJoins,
  agentSays,
  conversation,
  createTaskFlow,
  delivered,
  eventually,
  openChat,
  storedSession,
  widgetSuite,
  write,
} from './widget-helpers.ts';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let parley: TestParley;
let browser: Browser;
let flow: string;
const visitor = widgetSuite((suite) => {
  ({ parley, browser, flow } = suite);
});

interface Violation {
  id: string;
  help: string;
  nodes: { target: unknown; failureSummary: string }[];
}

/** axe-core's WCAG 2.0–2.2 A and AA rules over the widget (not the host page around it). */
async function scan(page: Page): Promise<Violation[]> {
  // Evaluated, not added as a <script>: the page's CSP allows no inline script.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(context: unknown, options: unknown): Promise<{ violations: Violation[] }> };
      }
    ).axe;
    const result = await axe.run(
      { include: [['#parley-webchat']] },
      { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } },
    );
    return result.violations.map(({ id, help, nodes }) => ({
      id,
      help,
      nodes: nodes.map(({ target, failureSummary }) => ({ target, failureSummary: failureSummary ?? '' })),
    }));
  });
}

/** The focused element's accessible label or text, looking into the widget's shadow root. */
const focused = (page: Page) =>
  page.evaluate(() => {
    let active: Element | null = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active?.getAttribute('aria-label') ?? active?.textContent?.trim() ?? active?.tagName ?? null;
  });

async function tabTo(page: Page, label: string, max = 15): Promise<void> {
  for (let i = 0; i < max; i++) {
    if ((await focused(page)) === label) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached "${label}" (focus is on "${await focused(page)}")`);
}

describe('an axe-core scan', () => {
  it('finds no violations in the launcher, the open chat with agent messages, quick replies, the ended chat', async () => {
    const page = await visitor.page(`/spa.html?flow=${flow}`);
    await page.evaluate(() => (window as unknown as { spa: { mount(): void } }).spa.mount());
    await page.getByRole('button', { name: 'Open chat' }).waitFor();
    expect(await scan(page)).toEqual([]);
    await openChat(page);
    await write(page, 'Hello, **is** this accessible?');
    await delivered(page);
    const channelSid = (await storedSession(page, flow))?.channelSid ?? '';
    await agentJoins(parley, channelSid);
    await agentSays(parley, channelSid, 'Yes! See [our guide](https://example.com/a11y).', {
      quickReplies: ['Thanks', 'Tell me more'],
    });
    await page.getByRole('button', { name: 'Tell me more' }).waitFor();
    expect(await scan(page)).toEqual([]);
    await page.getByRole('button', { name: 'End chat' }).click();
    expect(await scan(page)).toEqual([]);
    await page.getByRole('button', { name: 'Yes, end it' }).click();
    await page.getByRole('button', { name: 'Start new chat' }).waitFor();
    expect(await scan(page)).toEqual([]);
  });

  it('finds no violations in the pre-engagement form with errors shown, nor in dark mode', async () => {
    const withForm = await createTaskFlow(parley, {
      preEngagementConfig: {
        fields: [
          { name: 'name', label: 'Name', type: 'text', required: true },
          { name: 'topic', label: 'Topic', type: 'select', options: ['Orders'], required: true },
        ],
      },
    });
    const page = await visitor.page(`/spa.html?flow=${withForm}`);
    await page.evaluate(() =>
      (window as unknown as { spa: { mount(o: object): void } }).spa.mount({ theme: { mode: 'dark' } }),
    );
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByRole('button', { name: 'Start chat' }).click();
    await page.getByText('Please fill in this field.').first().waitFor();
    expect(await scan(page)).toEqual([]);
  });

  it('sees inside the shadow root: an unnamed button and low contrast put there are reported', async () => {
    const page = await visitor.page(`/spa.html?flow=${flow}`);
    await page.evaluate(() => (window as unknown as { spa: { mount(): void } }).spa.mount());
    await page.getByRole('button', { name: 'Open chat' }).waitFor();
    await page.evaluate(() => {
      const root = document.querySelector('#parley-webchat')?.shadowRoot;
      root?.append(Object.assign(document.createElement('button'), { innerHTML: '<svg></svg>' }));
      const faint = Object.assign(document.createElement('p'), { textContent: 'faint' });
      faint.style.cssText = 'color:#ddd;background:#fff';
      root?.append(faint);
    });
    expect((await scan(page)).map((v) => v.id).sort()).toEqual(['button-name', 'color-contrast']);
  });
});

describe('the keyboard alone', () => {
  it('opens, chats, answers a quick reply, ends and closes, with focus where it belongs', async () => {
    const page = await visitor.page(`/spa.html?flow=${flow}`);
    await page.evaluate(() => (window as unknown as { spa: { mount(): void } }).spa.mount());
    await page.getByRole('button', { name: 'Open chat' }).waitFor();
    await tabTo(page, 'Open chat');
    await page.keyboard.press('Enter');
    // Focus moves into the window, to the message box once the chat can take messages.
    await eventually(() => focused(page)).toBe('Message');
    await page.keyboard.type('Typed without a mouse');
    await page.keyboard.press('Enter');
    await delivered(page);
    const channelSid = (await storedSession(page, flow))?.channelSid ?? '';
    await agentJoins(parley, channelSid);
    await agentSays(parley, channelSid, 'Choose one', { quickReplies: ['Option A', 'Option B'] });
    await page.getByRole('button', { name: 'Option B' }).waitFor();
    await page.keyboard.press('Shift+Tab'); // back from the message box to the quick replies
    await tabTo(page, 'Option B');
    await page.keyboard.press('Enter');
    await conversation(page).getByText('Option B').waitFor();
    await delivered(page);

    await tabTo(page, 'End chat');
    await page.keyboard.press('Enter');
    await eventually(() => focused(page)).toBe('Yes, end it');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'You ended the chat.' }).waitFor();
    await tabTo(page, 'Start new chat');

    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Open chat' }).waitFor();
    await eventually(() => focused(page)).toBe('Open chat');
  });

  it('returns focus to the page’s own button that opened the chat', async () => {
    const page = await visitor.page(`/spa.html?flow=${flow}`);
    await page.evaluate(() => {
      const webchat = (window as unknown as { spa: { mount(): { open(): void } } }).spa.mount();
      const button = document.createElement('button');
      button.textContent = 'Help';
      button.onclick = () => webchat.open();
      document.body.prepend(button);
    });
    await page.getByRole('button', { name: 'Help' }).focus();
    await page.keyboard.press('Enter');
    await eventually(() => focused(page)).toBe('Message');
    await page.keyboard.press('Escape');
    await eventually(() => focused(page)).toBe('Help');
  });
});

describe('motion', () => {
  it('plays no animation when the visitor prefers reduced motion', async () => {
    const animationOf = async (reducedMotion: 'reduce' | 'no-preference') => {
      const page = await visitor.page(`/spa.html?flow=${flow}`, { reducedMotion });
      await page.evaluate(() => (window as unknown as { spa: { mount(): void } }).spa.mount());
      await openChat(page);
      // The "connection lost" banner fades in; cut the connection to show it.
      await page.context().setOffline(true);
      await page.evaluate(() => window.dispatchEvent(new Event('offline')));
      const banner = page.getByText('Connection lost', { exact: false });
      await banner.waitFor();
      const name = await banner.evaluate((element) => getComputedStyle(element).animationName);
      await page.context().setOffline(false);
      return name;
    };
    expect(await animationOf('no-preference')).not.toBe('none');
    expect(await animationOf('reduce')).toBe('none');
  });
});
