/**
 * The supervisor's figures on the desk, in Chromium against a real server: a visitor's chat
 * waits, offered to an agent (the supervisor sees it waiting), the agent accepts and ends it, the visitor rates it
 * "4 stars" with a comment, and the supervisor's figures show the chat's wait in the
 * waiting-time chart (its sentence, its table, a drawn uPlot canvas) and CSAT 4.0 from one
 * rating, with no axe violations, in light and dark.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type DeskHarness,
  eventually,
  finishChat,
  scanForViolations,
  signInAs,
  startDeskHarness,
} from './desk-helpers.ts';
import { createTaskFlow, delivered, openChat, write } from './widget-helpers.ts';

let desk: DeskHarness;
let flow: string;

beforeAll(async () => {
  desk = await startDeskHarness();
  flow = await createTaskFlow(desk.parley);
  const made = await desk.parley.api('POST', '/v1/Workers', {
    friendlyName: 'Sam Okafor',
    username: 'sam',
    password: 'pw-test',
    attributes: { roles: ['supervisor'] },
  });
  expect(made.status).toBe(201);
});
afterEach(() => desk.cleanUp());
afterAll(() => desk?.stop());

async function supervisorFigures(colorScheme: 'light' | 'dark' = 'light') {
  const page = await desk.openDesk({ colorScheme, width: 1280, height: 1000 });
  await signInAs(page, 'sam', 'pw-test');
  await page.getByRole('button', { name: 'Supervisor view' }).click();
  const figures = page.getByRole('region', { name: 'Figures' });
  await figures.getByRole('table', { name: 'Figures summary' }).waitFor();
  return { page, figures };
}

/** The value beside a row heading of the summary table. */
const total = (figures: ReturnType<Page['getByRole']>, name: string) =>
  figures
    .getByRole('table', { name: 'Figures summary' })
    .getByRole('row', { name: new RegExp(`^${name}`) })
    .getByRole('cell')
    .textContent();

async function visitorChats(body: string): Promise<Page> {
  const context = await desk.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${desk.parley.url}/spa.html?flow=${flow}`);
  await page.evaluate(() => (window as unknown as { spa: { mount(o: object): void } }).spa.mount({}));
  await openChat(page);
  await write(page, body);
  await delivered(page);
  return page;
}

describe("the supervisor's figures", () => {
  it('show a rated chat in the waiting-time chart and CSAT 4.0 from one rating', async () => {
    const { page, figures } = await supervisorFigures();
    expect(await total(figures, 'New chats')).toBe('0');
    expect(await total(figures, 'CSAT')).toBe('–');

    // The chat is offered to the agent, who lets it wait until the supervisor sees it waiting.
    const agent = await desk.availableDesk();
    const visitor = await visitorChats('Where is my order 10002?');
    const queued = Date.now();
    await eventually(() => total(figures, 'Waiting now')).toBe('1');
    // A wait the chart shows in whole seconds: the offer stays unanswered for over a second.
    await eventually(async () => Date.now() - queued).toBeGreaterThan(1_500);
    expect(await total(figures, 'New chats')).toBe('1');

    const offer = agent.getByRole('article', { name: /Incoming chat from/ });
    await offer.getByRole('button', { name: 'Accept' }).click();
    await offer.waitFor({ state: 'detached' });
    await finishChat(agent);

    await visitor.getByRole('button', { name: '4 stars' }).click();
    await visitor.getByRole('textbox', { name: 'Comment' }).fill('Quick once someone was there');
    await visitor.getByRole('button', { name: 'Send rating' }).click();
    await visitor.getByText('Thank you for your rating!').waitFor();

    // The rating changes the task: the figures are read again without waiting for the 30 s.
    await eventually(() => total(figures, 'CSAT')).toBe('4.0 (1 rating)');
    expect(await total(figures, 'Waiting now')).toBe('0');
    expect(await total(figures, 'Answered')).toBe('1');

    const waiting = figures.getByRole('figure', { name: 'Waiting time' });
    expect(await waiting.locator('.figures__summary').textContent()).toMatch(
      /^1 chat answered; average wait \d+ s, longest \d+ s\.$/,
    );
    await waiting.getByText('Numbers: Waiting time').click();
    const table = waiting.getByRole('table', { name: 'Waiting time by time' });
    const averages = (await table.locator('tbody tr td:nth-of-type(1)').allTextContents()).filter(
      (v) => v !== '–',
    );
    expect(averages).toHaveLength(1);
    // The chat waited over a second and a half before the agent accepted it.
    expect(Number(/^(\d+) s$/.exec(averages[0] ?? '')?.[1])).toBeGreaterThanOrEqual(1);
    const canvas = waiting.locator('.figures__plot canvas');
    expect(await canvas.count()).toBe(1);
    expect(await canvas.evaluate((c: HTMLCanvasElement) => c.width > 0 && c.height > 0)).toBe(true);

    const csat = figures.getByRole('figure', { name: 'CSAT' });
    expect(await csat.locator('.figures__summary').textContent()).toBe('CSAT 4.0 from 1 rating.');

    // The agent's status bar: Available since signing in.
    const agents = figures.getByRole('region', { name: 'Agent status' });
    await eventually(() => agents.getByText(/^Available \d+/).count()).toBeGreaterThan(0);
    expect(await scanForViolations(page)).toEqual([]);
  });

  it('are legible in dark mode: axes drawn in light ink (grid lines are dark), no axe violations', async () => {
    /** How many pixels of the chart's canvas are light (the dark theme's ink) and opaque. */
    const lightPixels = (page: Page) =>
      page
        .getByRole('figure', { name: 'Queue length' })
        .locator('.figures__plot canvas')
        .evaluate((canvas: HTMLCanvasElement) => {
          const { data } = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height) ?? {
            data: [],
          };
          let light = 0;
          for (let i = 0; i < data.length; i += 4) {
            if ((data[i + 3] ?? 0) > 200 && Math.min(data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0) > 180)
              light++;
          }
          return light;
        });
    const dark = await supervisorFigures('dark');
    await eventually(() => lightPixels(dark.page)).toBeGreaterThan(50);
    expect(await scanForViolations(dark.page)).toEqual([]);
  });
});
