/**
 * A new admin's first hour in the console of `parley demo`, in Chromium: the demo's agent,
 * an admin by the demo's grace and not by its `roles` attribute, sees and keeps that role when
 * an agent is edited, as does a worker whose roles are stored; a second web Flex Flow saves with
 * the form's defaults, and a taken contact identity is refused in plain words; workflows count
 * their filters in good English, a Flex Flow's form says which workflow routes it, and a saved
 * bot flow says so. Each screen passes an axe-core
 * scan (WCAG 2.2 AA).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let parley: TestParley;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  // The demo's data, with the demo's agent (agent / agent) allowed into the console.
  parley = await startParley({ limits: { signInPerMinute: 1000 } });
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  context.setDefaultTimeout(10_000);
  page = await context.newPage();
  await page.goto(`${parley.url}/admin`);
  await page.getByRole('textbox', { name: 'Username' }).fill('agent');
  await page.getByRole('textbox', { name: 'Password' }).fill('agent');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await nav('Agents').waitFor();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await parley?.stop();
});

/** axe-core's WCAG 2.0–2.2 A and AA rules over the whole console page. */
async function violations(): Promise<{ id: string; targets: unknown[] }[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(c: unknown, o: unknown): Promise<{ violations: [] }> } })
      .axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    return result.violations.map(({ id, nodes }: { id: string; nodes: { target: unknown }[] }) => ({
      id,
      targets: nodes.map((n) => n.target),
    }));
  });
}

const nav = (name: string) =>
  page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name, exact: true });

async function openArea(name: string) {
  await nav(name).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

const rolesCell = (name: string) =>
  page
    .getByRole('row', { name: new RegExp(name) })
    .getByRole('cell')
    .nth(2);

async function workerNamed(name: string) {
  const { workers } = (await parley.api('GET', '/v1/Workers')).body;
  return workers.find((w: { friendlyName: string }) => w.friendlyName === name);
}

describe("an admin's first hour in the demo's console", () => {
  it('shows the demo agent as an admin and keeps that when his skills are edited', async () => {
    await openArea('Agents');
    await expect.poll(() => rolesCell('Alex Morgan').textContent()).toBe('agent, admin');
    await page.getByRole('button', { name: 'Edit Alex Morgan' }).click();
    const form = page.getByRole('form', { name: 'Edit Alex Morgan' });
    expect(await form.getByRole('checkbox', { name: 'agent' }).isChecked()).toBe(true);
    expect(await form.getByRole('checkbox', { name: 'supervisor' }).isChecked()).toBe(false);
    const admin = form.getByRole('checkbox', { name: 'admin' });
    expect(await admin.isChecked()).toBe(true);
    // Taking one's own admin role away would end the session: another admin must do it.
    expect(await admin.isDisabled()).toBe(true);
    expect(await violations()).toEqual([]);

    await form.getByRole('textbox', { name: 'Skills' }).fill('sales, support, billing');
    await form.getByRole('button', { name: 'Save agent' }).click();
    await page.getByRole('status').filter({ hasText: 'Alex Morgan saved' }).waitFor();
    const alex = await workerNamed('Alex Morgan');
    expect(alex.attributes.skills).toEqual(['sales', 'support', 'billing']);
    // Roles untouched are stored as they were: no `roles: []` in place of the demo's grace.
    expect(alex.attributes).not.toHaveProperty('roles');
    expect(await rolesCell('Alex Morgan').textContent()).toBe('agent, admin');
  });

  it("keeps a worker's stored roles when the form saves something else, and changes them when asked", async () => {
    await parley.api('POST', '/v1/Workers', {
      friendlyName: 'Priya Shah',
      username: 'priya',
      password: 'priya-password',
      attributes: { roles: ['supervisor', 'admin'], skills: ['sales'] },
    });
    await openArea('Queues');
    await openArea('Agents');
    await expect.poll(() => rolesCell('Priya Shah').textContent()).toBe('supervisor, admin');
    await page.getByRole('button', { name: 'Edit Priya Shah' }).click();
    const form = page.getByRole('form', { name: 'Edit Priya Shah' });
    expect(await form.getByRole('checkbox', { name: 'supervisor' }).isChecked()).toBe(true);
    expect(await form.getByRole('checkbox', { name: 'admin' }).isChecked()).toBe(true);
    await form.getByRole('textbox', { name: 'Skills' }).fill('sales, returns');
    await form.getByRole('button', { name: 'Save agent' }).click();
    await page.getByRole('status').filter({ hasText: 'Priya Shah saved' }).waitFor();
    expect((await workerNamed('Priya Shah')).attributes).toEqual({
      roles: ['supervisor', 'admin'],
      skills: ['sales', 'returns'],
      languages: [],
    });
    expect(await rolesCell('Priya Shah').textContent()).toBe('supervisor, admin');

    await page.getByRole('button', { name: 'Edit Priya Shah' }).click();
    await form.getByRole('checkbox', { name: 'admin' }).uncheck();
    await form.getByRole('button', { name: 'Save agent' }).click();
    await page.getByRole('status').filter({ hasText: 'Priya Shah saved' }).waitFor();
    expect((await workerNamed('Priya Shah')).attributes.roles).toEqual(['supervisor']);
    await expect.poll(() => rolesCell('Priya Shah').textContent()).toBe('supervisor');
  });

  it("adds a second web Flex Flow with the form's defaults", async () => {
    await openArea('Flex Flows');
    await page.getByRole('button', { name: 'Add Flex Flow' }).click();
    const form = page.getByRole('form', { name: 'New Flex Flow' });
    // The demo's "Demo shop webchat" answers `webchat`: the form proposes the next free one.
    await expect
      .poll(() => form.getByRole('textbox', { name: 'Contact identity' }).inputValue())
      .toBe('webchat-2');
    await form.getByRole('textbox', { name: 'Flex Flow name' }).fill('Second shop');
    await form.getByRole('combobox', { name: 'First step' }).selectOption({ label: 'Bot flow first' });
    await form.getByRole('button', { name: 'Save Flex Flow' }).click();
    await page.getByRole('form', { name: 'Edit Second shop' }).waitFor();
    const { flexFlows } = (await parley.api('GET', '/v1/FlexFlows')).body;
    const bots = (await parley.api('GET', '/v1/Flows')).body.flows;
    expect(flexFlows.find((f: { friendlyName: string }) => f.friendlyName === 'Second shop')).toMatchObject({
      channelType: 'web',
      contactIdentity: 'webchat-2',
      enabled: true,
      integrationType: 'studio',
      integration: { flowSid: bots[0].sid },
    });
  });

  it('says in plain words which Flex Flow holds a contact identity, and what to change', async () => {
    await page
      .getByRole('form', { name: 'Edit Second shop' })
      .getByRole('button', { name: 'Close', exact: true })
      .click();
    await page.getByRole('button', { name: 'Add Flex Flow' }).click();
    const form = page.getByRole('form', { name: 'New Flex Flow' });
    await expect
      .poll(() => form.getByRole('textbox', { name: 'Contact identity' }).inputValue())
      .toBe('webchat-3');
    await form.getByRole('textbox', { name: 'Flex Flow name' }).fill('Third shop');
    await form.getByRole('textbox', { name: 'Contact identity' }).fill('webchat');
    await form.getByRole('button', { name: 'Save Flex Flow' }).click();
    const alert = form.getByRole('alert');
    await expect
      .poll(() => alert.textContent())
      .toBe(
        'The Flex Flow “Demo shop webchat” is already enabled for Web (widget) with the contact identity ' +
          '“webchat”. Change Contact identity, or untick Enabled to save this one disabled.',
      );
    expect(await violations()).toEqual([]);

    await form.getByRole('checkbox', { name: 'Enabled' }).uncheck();
    await form.getByRole('button', { name: 'Save Flex Flow' }).click();
    await page.getByRole('form', { name: 'Edit Third shop' }).waitFor();
  });

  it('counts one filter as one filter', async () => {
    const queueSid = (await parley.api('GET', '/v1/TaskQueues')).body.taskQueues[0].sid;
    const filter = (n: number) => ({
      filter_friendly_name: `Filter ${n}`,
      expression: '1==1',
      targets: [{ queue: queueSid }],
    });
    for (const [friendlyName, filters] of [
      ['One rule', [filter(1)]],
      ['Two rules', [filter(1), filter(2)]],
    ] as const) {
      await parley.api('POST', '/v1/Workflows', {
        friendlyName,
        configuration: { task_routing: { filters } },
      });
    }
    await openArea('Workflows');
    await page.getByText('One rule (1 filter)').waitFor();
    await page.getByText('Two rules (2 filters)').waitFor();
  });

  it('shows which workflow routes a Flex Flow that names none, and routes it by one it names', async () => {
    await openArea('Flex Flows');
    await page.getByRole('button', { name: 'Edit Second shop' }).click();
    const form = page.getByRole('form', { name: 'Edit Second shop' });
    const workflow = form.getByRole('combobox', { name: 'Workflow' });
    // Naming none, it routes by the oldest workflow: the select says which that is.
    await expect
      .poll(() => workflow.locator('option:checked').textContent())
      .toBe('First workflow: One rule');
    await workflow.selectOption({ label: 'Two rules' });
    await form.getByRole('button', { name: 'Save Flex Flow' }).click();
    const secondShop = async () =>
      (await parley.api('GET', '/v1/FlexFlows')).body.flexFlows.find(
        (f: { friendlyName: string }) => f.friendlyName === 'Second shop',
      );
    const twoRules = (await parley.api('GET', '/v1/Workflows')).body.workflows.find(
      (w: { friendlyName: string }) => w.friendlyName === 'Two rules',
    );
    await expect.poll(async () => (await secondShop()).integration.workflowSid).toBe(twoRules.sid);
    expect((await secondShop()).integration.flowSid).toBeTruthy();
    expect(await violations()).toEqual([]);
    // Back to the default: it names none again.
    await workflow.selectOption({ value: '' });
    await form.getByRole('button', { name: 'Save Flex Flow' }).click();
    await expect.poll(async () => (await secondShop()).integration.workflowSid).toBeUndefined();
  });

  it('says a bot flow was saved', async () => {
    await openArea('Bot flows');
    await page.getByRole('button', { name: 'Edit Northwind assistant' }).click();
    await page
      .getByRole('form', { name: 'Edit Northwind assistant' })
      .getByRole('button', { name: 'Save bot flow' })
      .click();
    await page.getByRole('status').filter({ hasText: 'Northwind assistant saved' }).waitFor();
    expect(await page.getByRole('form', { name: 'Edit Northwind assistant' }).count()).toBe(0);
    expect(await violations()).toEqual([]);
  });
});
