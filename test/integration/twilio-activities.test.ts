/**
 * Custom activities through the official `twilio` library (host changed only): a script lists
 * the workspace's activities, creates "Break" and "Training", renames one, puts a worker in a
 * custom activity by ActivitySid and finds it listed under that activity, then deletes one.
 */
import type twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startParley, type TestParley } from '../helpers/server.ts';
import { twilioAt } from '../helpers/twilio.ts';

const ACCOUNT_SID = `AC${'1234abcd'.repeat(4)}`;

let parley: TestParley;
let client: twilio.Twilio;

beforeAll(async () => {
  parley = await startParley();
  client = twilioAt(parley.url, ACCOUNT_SID, parley.adminKey);
});
afterAll(() => parley?.stop());

describe('custom activities through the twilio library', () => {
  it('lists, creates, renames and deletes activities and sets a worker ActivitySid', async () => {
    const [workspace] = await client.taskrouter.v1.workspaces.list();
    const ws = client.taskrouter.v1.workspaces(workspace?.sid ?? '');
    expect((await ws.activities.list()).map((a) => a.friendlyName)).toEqual([
      'Available',
      'Unavailable',
      'Offline',
    ]);

    const breakActivity = await ws.activities.create({ friendlyName: 'Break', available: false });
    expect(breakActivity).toMatchObject({
      friendlyName: 'Break',
      available: false,
      workspaceSid: workspace?.sid,
    });
    expect(breakActivity.sid).toMatch(/^WA[0-9a-f]{32}$/);
    expect(breakActivity.dateCreated).toBeInstanceOf(Date);
    const training = await ws.activities.create({ friendlyName: 'Training' });
    expect(training.available).toBe(true);
    const renamed = await ws.activities(training.sid).update({ friendlyName: 'Coaching' });
    expect(renamed.friendlyName).toBe('Coaching');
    expect((await ws.activities.list({ available: 'false' })).map((a) => a.friendlyName)).toEqual([
      'Unavailable',
      'Offline',
      'Break',
    ]);
    expect((await ws.activities(breakActivity.sid).fetch()).friendlyName).toBe('Break');

    const worker = await ws.workers.create({ friendlyName: 'Robin', activitySid: breakActivity.sid });
    expect(worker).toMatchObject({ activitySid: breakActivity.sid, activityName: 'Break', available: false });
    const coached = await ws.workers(worker.sid).update({ activitySid: training.sid });
    expect(coached).toMatchObject({ activitySid: training.sid, activityName: 'Coaching', available: true });
    expect((await ws.workers.list({ activitySid: training.sid })).map((w) => w.sid)).toEqual([worker.sid]);
    expect((await ws.workers.list({ activityName: 'Coaching' })).map((w) => w.sid)).toEqual([worker.sid]);

    await expect(ws.activities(training.sid).remove()).rejects.toMatchObject({ status: 409 });
    await expect(ws.workers(worker.sid).update({ activitySid: `WA${'0'.repeat(32)}` })).rejects.toMatchObject(
      {
        status: 400,
      },
    );
    expect(await ws.activities(breakActivity.sid).remove()).toBe(true);
    expect((await ws.activities.list()).map((a) => a.friendlyName)).toEqual([
      'Available',
      'Unavailable',
      'Offline',
      'Coaching',
    ]);
  });
});
