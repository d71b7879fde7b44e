/**
 * Who may watch a channel on `/agent`: the worker holding its task, or a supervisor (a worker
 * whose `roles` attribute has "supervisor"), who may read any channel but write none. Writes
 * stay with `routing.assertHolds`.
 */
import type { Core } from '../core/index.ts';
import { isSupervisor } from '../core/routing/supervision.ts';
import { forbidden } from '../errors.ts';

/**
 * Throws unless the worker may read the channel; resolves `'holder'` or `'supervisor'`.
 * A supervisor is checked on every call, so taking the role away takes the access away.
 */
export async function assertCanWatch(
  core: Pick<Core, 'routing' | 'store'>,
  workerSid: string,
  channelSid: string,
): Promise<'holder' | 'supervisor'> {
  try {
    await core.routing.assertHolds(workerSid, channelSid);
    return 'holder';
  } catch (err) {
    const worker = await core.store.workers.get(workerSid);
    if (!worker || !isSupervisor(worker)) throw err;
    if (!(await core.store.channels.get(channelSid)))
      throw forbidden(`Channel ${channelSid} is not one you may watch`);
    return 'supervisor';
  }
}
