/**
 * The wrap-up time limit on the desk, in Chromium against a real server: under a Flex Flow's
 * `integration.wrapUpSeconds` the wrap-up form counts down "Wrap-up ends in m:ss", and when the
 * time runs out the chat completes by itself and leaves the desk.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WrapUpInfo } from '../../server/protocol.ts';
import {
  acceptOffer,
  type DeskHarness,
  endChat,
  eventually,
  scanForViolations,
  startDeskHarness,
} from './desk-helpers.ts';

let desk: DeskHarness;

beforeAll(async () => {
  desk = await startDeskHarness();
});
afterEach(() => desk.cleanUp());
afterAll(() => desk?.stop());

const setLimit = (wrapUpSeconds: number) =>
  desk.parley.api('POST', `/v1/FlexFlows/${desk.parley.flexFlowSid}`, { integration: { wrapUpSeconds } });

describe('wrap-up time limit on the desk', () => {
  it('counts down in the wrap-up form, then completes the chat by itself', async () => {
    expect((await setLimit(75)).status).toBe(200);
    const page = await desk.availableDesk();
    await desk.visitorWrites('Ada Lovelace', 'Is my order on its way?');
    await acceptOffer(page, 'Ada Lovelace');
    await endChat(page);
    const form = page.getByRole('form', { name: 'Wrap-up' });
    const timer = form.getByRole('timer');
    expect(await timer.textContent()).toMatch(/^\s*Wrap-up ends in 1:1[0-5]$/);
    const first = await timer.textContent();
    // It ticks.
    await eventually(() => timer.textContent()).not.toBe(first);
    expect(await scanForViolations(page)).toEqual([]);
    await form.getByRole('button', { name: 'Complete' }).click();
    await form.waitFor({ state: 'detached' });

    expect((await setLimit(2)).status).toBe(200);
    const visitor = await desk.visitorWrites('Grace Hopper', 'Thanks, that was all');
    await acceptOffer(page, 'Grace Hopper');
    await endChat(page);
    await form.getByRole('timer').waitFor();
    // Nobody presses Complete: the form goes, and the chat leaves the desk, on its own.
    await form.waitFor({ state: 'detached', timeout: 10_000 });
    const chats = page.getByRole('navigation', { name: 'Active chats' });
    await eventually(() => chats.getByText('Grace Hopper').count()).toBe(0);
    const channel = await desk.parley.api('GET', `/v1/Channels/${visitor.channel.channelSid}`);
    const task = await desk.parley.api('GET', `/v1/Tasks/${channel.body.attributes.taskSid}`);
    expect(task.body.status).toBe('completed');
    expect((task.body.attributes.wrapUp as WrapUpInfo).autoCompleted).toBe(true);
  });
});
