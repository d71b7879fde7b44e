/**
 * The admin console in Chromium, from an empty served database (no demo data): the bootstrap
 * admin signs in, creates an agent, a queue, a workflow, a web Flex Flow with its look seen in
 * the live preview of the real widget, imports a bot flow, reads the audit log; deleting the
 * agent ends their desk at once. Each screen passes an axe-core scan (WCAG 2.2 AA).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const ADMIN = { username: 'ops', password: 'correct horse battery' };

let parley: TestParley;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** The customer's site: another origin, serving whatever snippet the console gave. */
let shop: Server;
let shopOrigin: string;
let shopSnippet = '';

beforeAll(async () => {
  parley = await startParley({ seedDemo: false, adminBootstrap: ADMIN, limits: { signInPerMinute: 1000 } });
  browser = await launchBrowser();
  shop = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(
      `<!doctype html><html lang="en"><head><title>Shop</title></head><body><h1>Shop</h1>${shopSnippet}</body></html>`,
    );
  });
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
  shopOrigin = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
  context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  context.setDefaultTimeout(10_000);
  page = await context.newPage();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await parley?.stop();
  await new Promise((resolve) => shop?.close(resolve));
});

interface Violation {
  id: string;
  help: string;
  targets: unknown[];
}

/** axe-core's WCAG 2.0–2.2 A and AA rules over the whole console page. */
async function violations(): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(c: unknown, o: unknown): Promise<{ violations: [] }> } })
      .axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    return result.violations.map(
      ({ id, help, nodes }: { id: string; help: string; nodes: { target: unknown }[] }) => ({
        id,
        help,
        targets: nodes.map((n) => n.target),
      }),
    );
  });
}

const nav = (name: string) =>
  page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name, exact: true });

async function openArea(name: string) {
  await nav(name).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

describe('the admin console', () => {
  it('refuses a wrong password and signs the bootstrap admin in', async () => {
    await page.goto(`${parley.url}/admin`);
    expect(await violations()).toEqual([]);
    await page.getByRole('textbox', { name: 'Username' }).fill(ADMIN.username);
    await page.getByRole('textbox', { name: 'Password' }).fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Wrong username or password');
    await page.getByRole('textbox', { name: 'Password' }).fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    for (const area of [
      'Agents',
      'Queues',
      'Workflows',
      'Flex Flows',
      'Bot flows',
      'Integrations',
      'Settings',
    ]) {
      await nav(area).waitFor();
    }
  });

  it('creates an agent with skills and roles, and lists them with their activity', async () => {
    await openArea('Agents');
    await page.getByRole('button', { name: 'Add agent' }).click();
    const form = page.getByRole('form', { name: 'New agent' });
    await form.getByRole('textbox', { name: 'Name', exact: true }).fill('Dana Reyes');
    await form.getByRole('textbox', { name: 'Agent username' }).fill('dana');
    await form.getByLabel('Agent password').fill('dana-password');
    await form.getByRole('textbox', { name: 'Skills' }).fill('billing, support');
    await form.getByRole('checkbox', { name: 'supervisor' }).check();
    expect(await violations()).toEqual([]);
    await form.getByRole('button', { name: 'Create agent' }).click();
    const row = page.getByRole('row', { name: /Dana Reyes/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('agent, supervisor');
    expect(await row.textContent()).toContain('Offline');
    const dana = (await parley.api('GET', '/v1/Workers')).body.workers.find(
      (w: { username: string }) => w.username === 'dana',
    );
    expect(dana.attributes).toMatchObject({ skills: ['billing', 'support'], roles: ['agent', 'supervisor'] });
  });

  it('checks a queue expression as it is typed and says how many agents it matches now', async () => {
    await openArea('Queues');
    await page.getByRole('button', { name: 'Add queue' }).click();
    const form = page.getByRole('form', { name: 'New queue' });
    await form.getByRole('textbox', { name: 'Queue name' }).fill('Billing');
    const target = form.getByRole('textbox', { name: 'Target workers' });
    await target.fill('skills HAS');
    await expect.poll(() => target.getAttribute('aria-invalid')).toBe('true');
    expect(await form.getByRole('button', { name: 'Save queue' }).isDisabled()).toBe(true);
    await target.fill('skills HAS "billing"');
    await form.getByText('Matches 1 agent now: Dana Reyes').waitFor();
    await target.fill('skills HAS "sales"');
    await form.getByText('Matches 0 agents now').waitFor();
    await target.fill('skills HAS "billing"');
    expect(await violations()).toEqual([]);
    await form.getByRole('button', { name: 'Save queue' }).click();
    await page.getByRole('row', { name: /Billing/ }).waitFor();
    const queues = (await parley.api('GET', '/v1/TaskQueues')).body.taskQueues;
    expect(queues).toMatchObject([{ friendlyName: 'Billing', targetWorkers: 'skills HAS "billing"' }]);
  });

  it('edits a workflow as a form and as Twilio JSON side by side', async () => {
    await openArea('Workflows');
    await page.getByRole('button', { name: 'Add workflow' }).click();
    const form = page.getByRole('form', { name: 'New workflow' });
    await form.getByRole('textbox', { name: 'Workflow name' }).fill('Web chats');
    await form.getByRole('button', { name: 'Add filter' }).click();
    await form.getByRole('textbox', { name: 'Filter 1 task expression' }).fill('channelType == "web"');
    const json = form.getByRole('textbox', { name: 'Twilio JSON' });
    await expect
      .poll(async () => JSON.parse(await json.inputValue()).task_routing.filters[0].expression)
      .toBe('channelType == "web"');
    const edited = JSON.parse(await json.inputValue());
    edited.task_routing.filters[0].filter_friendly_name = 'Web first';
    await json.fill(JSON.stringify(edited, null, 2));
    expect(await form.getByRole('textbox', { name: 'Filter 1 name' }).inputValue()).toBe('Web first');
    await json.fill('{ "task_routing": ');
    await form
      .getByRole('alert')
      .getByText(/Twilio JSON/)
      .waitFor();
    await json.fill(JSON.stringify(edited, null, 2));
    expect(await violations()).toEqual([]);
    await form.getByRole('button', { name: 'Save workflow' }).click();
    await page.getByText('Web chats').waitFor();
    const [workflow] = (await parley.api('GET', '/v1/Workflows')).body.workflows;
    expect(workflow.configuration.task_routing.filters[0]).toMatchObject({
      filter_friendly_name: 'Web first',
      expression: 'channelType == "web"',
    });
  });

  it('creates a web Flex Flow with origins and business hours, its brand colour seen on the real widget', async () => {
    await openArea('Flex Flows');
    await page.getByRole('button', { name: 'Add Flex Flow' }).click();
    const form = page.getByRole('form', { name: 'New Flex Flow' });
    await form.getByRole('textbox', { name: 'Flex Flow name' }).fill('Shop chat');
    await form.getByRole('textbox', { name: 'Allowed origins' }).fill(`${shopOrigin}\nself`);
    await form.getByRole('textbox', { name: 'Time zone' }).fill('Europe/Berlin');
    for (const day of ['sat', 'sun']) await form.getByRole('checkbox', { name: day }).check();
    // Every hour of every day, so the chat below never meets the offline form.
    await form.getByRole('textbox', { name: 'Opens' }).fill('00:00');
    await form.getByRole('textbox', { name: 'Closes' }).fill('24:00');
    await form.getByRole('button', { name: 'Add field' }).click();
    await form.getByRole('button', { name: 'Save Flex Flow' }).click();
    const editor = page.getByRole('form', { name: 'Edit Shop chat' });
    await editor.waitFor();
    const [flow] = (await parley.api('GET', '/v1/FlexFlows')).body.flexFlows;
    expect(flow).toMatchObject({
      channelType: 'web',
      allowedOrigins: [shopOrigin, 'self'],
      widgetConfig: {
        businessHours: {
          timezone: 'Europe/Berlin',
          schedule: [
            { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], open: '00:00', close: '24:00' },
          ],
        },
        preEngagementConfig: { fields: [{ name: 'name', label: 'Name', type: 'text', required: true }] },
      },
    });

    await editor.getByLabel('Brand colour').fill('#cc0000');
    const launcher = page
      .frameLocator('iframe[title="Widget preview"]')
      .getByRole('button', { name: 'Open chat' });
    await expect
      .poll(() => launcher.evaluate((el) => getComputedStyle(el).backgroundColor), { timeout: 10_000 })
      .toBe('rgb(204, 0, 0)');
    const snippet = await page.getByRole('textbox', { name: 'Script tag snippet' }).inputValue();
    expect(snippet).toContain(`data-flex-flow="${flow.sid}"`);
    expect(snippet).toContain('#cc0000');
    expect(await page.getByRole('textbox', { name: 'npm snippet' }).inputValue()).toContain(
      "from 'parley-webchat'",
    );
    shopSnippet = snippet;

    await editor.getByRole('button', { name: 'Create identity secret' }).click();
    const shown = editor.getByRole('status').filter({ hasText: 'Identity secret (shown once)' });
    const secret = (await shown.locator('code').textContent()) ?? '';
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    await editor.getByRole('button', { name: 'Rotate identity secret' }).waitFor();
    const stored = (await parley.api('GET', `/v1/FlexFlows/${flow.sid}`)).body;
    expect(stored.integration.identityVerification).toEqual({ required: false, secret });
    const audit = (await parley.api('GET', `/v1/AuditEvents?resourceSid=${flow.sid}&limit=1`)).body
      .auditEvents[0];
    expect(audit.after.integration.identityVerification.secret).toBe('[redacted]');
    expect(await violations()).toEqual([]);
  });

  it('shows the problems of a bot flow on its states, then imports it', async () => {
    await openArea('Bot flows');
    await page.getByRole('button', { name: 'Import bot flow' }).click();
    const form = page.getByRole('form', { name: 'Import a bot flow' });
    await form.getByRole('textbox', { name: 'Bot flow name' }).fill('Greeter');
    const definition = form.getByRole('textbox', { name: 'Flow definition' });
    const broken = {
      initial_state: 'Trigger',
      states: [
        {
          name: 'Trigger',
          type: 'trigger',
          transitions: [{ event: 'incomingMessage', next: 'Nowhere' }],
          properties: {},
        },
      ],
    };
    await definition.fill(JSON.stringify(broken));
    await form.getByRole('button', { name: 'Validate' }).click();
    const problems = form.getByRole('list', { name: 'Problems' });
    await expect.poll(() => problems.textContent()).toContain('Nowhere');
    const diagram = form.getByRole('img', { name: 'Flow diagram: 1 state, 0 transitions' });
    await diagram.waitFor();
    expect(await form.locator('[data-state="Trigger"]').getAttribute('class')).toContain(
      'diagram__state--problem',
    );
    expect(await violations()).toEqual([]);
    const fixed = {
      ...broken,
      states: [
        { ...broken.states[0], transitions: [{ event: 'incomingMessage', next: 'Hello' }] },
        { name: 'Hello', type: 'send-message', transitions: [], properties: { body: 'Hello!' } },
      ],
    };
    await definition.fill(JSON.stringify(fixed));
    await form.getByRole('img', { name: 'Flow diagram: 2 states, 1 transition' }).waitFor();
    const arrow = form.locator('[data-from="Trigger"][data-to="Hello"]');
    expect(await arrow.textContent()).toBe('incomingMessage');
    await form.getByRole('textbox', { name: 'Visitor lines' }).fill('Hi there');
    await form.getByRole('button', { name: 'Try it' }).click();
    const transcript = form.getByRole('log', { name: 'Try it transcript' });
    await expect.poll(() => transcript.textContent()).toContain('bot: Hello!');
    expect(await transcript.textContent()).toContain('Visitor: Hi there');
    await form.getByRole('button', { name: 'Save bot flow' }).click();
    await page.getByRole('button', { name: 'Export Greeter' }).waitFor();
    expect(
      (await parley.api('GET', '/v1/Flows')).body.flows.map((f: { friendlyName: string }) => f.friendlyName),
    ).toEqual(['Greeter']);
  });

  it('has an Integrations screen that passes the scan', async () => {
    await openArea('Integrations');
    await page.getByRole('heading', { name: 'Messaging connectors' }).waitFor();
    expect(await violations()).toEqual([]);
  });

  it('shows the audit log of what the admin did', async () => {
    await openArea('Settings');
    const log = page.getByRole('table', { name: 'Audit log' });
    await log.getByRole('row', { name: /create Flows/ }).waitFor();
    for (const what of [/create Workers/, /create TaskQueues/, /create Workflows/, /create FlexFlows/]) {
      expect(await log.getByRole('row', { name: what }).first().textContent()).toContain('ops');
    }
    expect(await violations()).toEqual([]);
  });

  it('lets a visitor on the page with the copied snippet chat, answered by the new agent on /agent', async () => {
    const desk = await context.newPage();
    await desk.goto(`${parley.url}/agent`);
    await desk.getByRole('textbox', { name: 'Username' }).fill('dana');
    await desk.getByRole('textbox', { name: 'Password' }).fill('dana-password');
    await desk.getByRole('button', { name: 'Sign in' }).click();
    const activity = desk.getByRole('combobox', { name: 'Activity' });
    await expect.poll(() => activity.isEnabled()).toBe(true);
    await activity.selectOption('Available');
    await expect.poll(() => activity.inputValue()).toBe('Available');

    const visitor = await context.newPage();
    await visitor.goto(shopOrigin);
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    await visitor.getByRole('textbox', { name: 'Name' }).fill('Vic Visitor');
    await visitor.getByRole('button', { name: 'Start chat' }).click();
    await visitor.getByRole('textbox', { name: 'Message' }).fill('Is my invoice paid?');
    await visitor.getByRole('textbox', { name: 'Message' }).press('Enter');

    await desk
      .getByRole('article')
      .filter({ hasText: 'Is my invoice paid?' })
      .getByRole('button', { name: 'Accept' })
      .click();
    await desk.getByRole('log', { name: 'Conversation' }).getByText('Is my invoice paid?').waitFor();
    await desk.getByRole('textbox', { name: 'Message' }).fill('Yes, on Friday.');
    await desk.getByRole('button', { name: 'Send' }).click();
    await visitor.getByRole('log', { name: 'Conversation' }).getByText('Yes, on Friday.').waitFor();
    await visitor.close();
  });

  it("ends a deleted agent's desk at once", async () => {
    const desk = context.pages().find((p) => p.url().endsWith('/agent'));
    if (!desk) throw new Error('the desk of the previous test is not open');

    await openArea('Agents');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete Dana Reyes' }).click();
    await page.getByRole('row', { name: /Dana Reyes/ }).waitFor({ state: 'detached' });
    await desk.getByRole('button', { name: 'Sign in' }).waitFor();
    await desk.close();
  });
});
