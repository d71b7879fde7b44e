/**
 * Custom activities on the desk, in Chromium against a real server: the Activity menu lists
 * the built-ins and the workspace's own; an agent who chooses "Break" (which offers no chats)
 * is offered none, and one who chooses "Focus" (which does) is offered the waiting chat.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type DeskHarness, eventually, scanForViolations, startDeskHarness } from './desk-helpers.ts';

let desk: DeskHarness;

beforeAll(async () => {
  desk = await startDeskHarness();
});
afterEach(() => desk.cleanUp());
afterAll(() => desk?.stop());

describe('custom activities on the desk', () => {
  it('chooses Break from the Activity menu and is offered nothing until choosing Focus', async () => {
    const breakActivity = await desk.parley.api('POST', '/v1/Activities', {
      friendlyName: 'Break',
      available: false,
    });
    const focus = await desk.parley.api('POST', '/v1/Activities', { friendlyName: 'Focus', available: true });
    expect([breakActivity.status, focus.status]).toEqual([201, 201]);

    const page = await desk.availableDesk();
    const activity = page.getByRole('combobox', { name: 'Activity' });
    await eventually(() => activity.locator('option').allTextContents()).toEqual([
      'Available',
      'Unavailable',
      'Offline',
      'Break',
      'Focus',
    ]);
    await activity.selectOption({ label: 'Break' });
    await eventually(() => activity.inputValue()).toBe(breakActivity.body.sid);
    const agent = (await desk.parley.api('GET', '/v1/Workers')).body.workers.find(
      (w: { username: string | null }) => w.username === 'agent',
    );
    expect(agent).toMatchObject({ activity: 'Unavailable', activityName: 'Break' });
    expect(await scanForViolations(page)).toEqual([]);

    await desk.visitorWrites('Ada Lovelace', 'Anyone there?');
    await desk.parley.server.core.idle();
    const offer = page.getByRole('article', { name: 'Incoming chat from Ada Lovelace' });
    expect(await offer.count()).toBe(0);

    await activity.selectOption({ label: 'Focus' });
    await eventually(() => activity.inputValue()).toBe(focus.body.sid);
    await offer.waitFor();
  });
});
