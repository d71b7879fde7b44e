/**
 * Activities: the three built-ins routing is written against (Available, Unavailable,
 * Offline), and the custom ones a workspace defines beside them (Break, Training…). A custom
 * activity that offers chats puts its agents in the base activity Available, one that does not
 * in Unavailable, so routing's queries read one column as before.
 */
import { createHash } from 'node:crypto';
import { conflict, notFound, ParleyError } from '../../errors.ts';
import type { Activity, Sid } from '../../protocol.ts';
import type { CustomActivity, Store } from '../../store/types.ts';

export const BUILT_IN_ACTIVITIES: Activity[] = ['Available', 'Unavailable', 'Offline'];

/** A built-in activity's sid: stable, the same on every deployment (as the Twilio-shaped API's). */
export const builtInActivitySid = (name: Activity) =>
  `WA${createHash('sha256').update(`parley:activity:${name}`).digest('hex').slice(0, 32)}`;
export const builtInBySid = (sid: string) =>
  BUILT_IN_ACTIVITIES.find((name) => builtInActivitySid(name) === sid);

export interface ActivityView {
  sid: Sid;
  friendlyName: string;
  /** Routing offers chats to agents in it. */
  available: boolean;
  /** One of the three Parley is built on: it cannot be renamed or deleted. */
  builtIn: boolean;
  /** Agents (not disabled) in it now. */
  workers: number;
  dateCreated: string | null;
  dateUpdated: string | null;
}

/** Where a worker goes: the base activity routing reads and the custom one, if any. */
export interface ActivityChoice {
  activity: Activity;
  activitySid: Sid | null;
}

const baseOf = (custom: CustomActivity): Activity => (custom.available ? 'Available' : 'Unavailable');

const unknownActivity = (value: string) =>
  new ParleyError(
    'unknown_activity',
    `activity: "${value}" is neither Available, Unavailable, Offline nor the sid (WA…) of an activity in GET /v1/Activities`,
    400,
  );

/** A built-in name or sid, or a custom activity's sid; refuses anything else with a 400. */
export async function resolveActivity(store: Store, value: string): Promise<ActivityChoice> {
  const builtIn = BUILT_IN_ACTIVITIES.find((name) => name === value) ?? builtInBySid(value);
  if (builtIn) return { activity: builtIn, activitySid: null };
  const custom = /^WA[0-9a-f]{32}$/.test(value) ? await store.activities.get(value) : null;
  if (!custom) throw unknownActivity(value);
  return { activity: baseOf(custom), activitySid: custom.sid };
}

const NAME_MAX = 64;

function checkName(name: string) {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > NAME_MAX) {
    throw new ParleyError('invalid_request', `friendlyName: give 1 to ${NAME_MAX} characters`, 400);
  }
  if (BUILT_IN_ACTIVITIES.some((b) => b.toLowerCase() === trimmed.toLowerCase())) {
    throw conflict(`friendlyName: "${trimmed}" is a built-in activity: pick another name`);
  }
  return trimmed;
}

const taken = (name: string) =>
  conflict(`friendlyName: an activity is already called "${name}": pick another name`);

/**
 * Managing activities. `moveWorker` re-applies a custom activity to a worker in it, so a change
 * of name or of "offers chats" reaches routing, the worker's desk and the figures at once.
 */
export function createActivities(
  store: Store,
  moveWorker: (workerSid: Sid, activity: Sid) => Promise<unknown>,
) {
  async function list(): Promise<ActivityView[]> {
    const [workers, custom] = await Promise.all([store.workers.list(), store.activities.list()]);
    const active = workers.filter((w) => !w.disabled);
    return [
      ...BUILT_IN_ACTIVITIES.map((name) => ({
        sid: builtInActivitySid(name),
        friendlyName: name,
        available: name === 'Available',
        builtIn: true,
        workers: active.filter((w) => w.activitySid === null && w.activity === name).length,
        dateCreated: null,
        dateUpdated: null,
      })),
      ...custom.map((a) => ({
        ...a,
        builtIn: false,
        workers: active.filter((w) => w.activitySid === a.sid).length,
      })),
    ];
  }

  async function get(sid: Sid): Promise<ActivityView> {
    const view = (await list()).find((a) => a.sid === sid);
    if (!view) throw notFound('Activity', sid);
    return view;
  }

  const builtInRefusal = (name: string) =>
    new ParleyError(
      'built_in',
      `${name} is a built-in activity (routing, the agent desktop and the Twilio-shaped API rely on it): it cannot be renamed or deleted`,
      409,
    );

  async function reapply(sid: Sid) {
    const workers = await store.workers.list();
    for (const w of workers) if (w.activitySid === sid) await moveWorker(w.sid, sid);
  }

  return {
    list,
    get,
    async create(input: { friendlyName: string; available: boolean }): Promise<ActivityView> {
      const friendlyName = checkName(input.friendlyName);
      const created = await store.activities.create({ friendlyName, available: input.available });
      if (!created) throw taken(friendlyName);
      return get(created.sid);
    },
    async update(sid: Sid, patch: { friendlyName?: string; available?: boolean }): Promise<ActivityView> {
      const builtIn = builtInBySid(sid);
      if (builtIn) throw builtInRefusal(builtIn);
      const friendlyName = patch.friendlyName === undefined ? undefined : checkName(patch.friendlyName);
      const updated = await store.activities.update(sid, {
        ...(friendlyName !== undefined && { friendlyName }),
        ...(patch.available !== undefined && { available: patch.available }),
      });
      if (updated === null) throw notFound('Activity', sid);
      if (updated === 'taken') throw taken(friendlyName ?? '');
      await reapply(sid);
      return get(sid);
    },
    async delete(sid: Sid): Promise<void> {
      const builtIn = builtInBySid(sid);
      if (builtIn) throw builtInRefusal(builtIn);
      const outcome = await store.activities.delete(sid);
      if (outcome === 'missing') throw notFound('Activity', sid);
      if (outcome === 'in_use') {
        const n = (await store.workers.list()).filter((w) => w.activitySid === sid).length;
        throw new ParleyError(
          'activity_in_use',
          `${n} agent${n === 1 ? ' is' : 's are'} in this activity: move them to another activity first`,
          409,
        );
      }
    },
  };
}
