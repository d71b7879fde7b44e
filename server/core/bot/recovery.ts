/**
 * Effects recorded but maybe not done, done after a restart. A step's effects are saved with
 * it before they run (runner.ts), so a process that dies between the two leaves them recorded;
 * the next start lists every execution that has some and does them again. Within Parley that
 * is harmless (a message's clientId returns the one already sent, a timer is set to the same
 * due time, a task is not created twice). An HTTP request or a function reaches a service
 * outside, and a crash can cut it off after the service got it: it is made again, at least
 * once, as any client's retry. On several nodes, one that starts while another is still making
 * such a request leaves it to a timer (see `recoverEffects`), so the service does not get it
 * twice from two live nodes.
 */

import type { Clock } from '../../ids.ts';
import type { Logger } from '../../logger.ts';
import type { Execution, Store } from '../../store/types.ts';
import { BOT_RECOVER_KIND, EFFECTS_IN_FLIGHT_MS, reachesOutside } from './effects.ts';
import type { EngineEvent } from './engine.ts';

export interface RecoveryDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  /** Does an execution's recorded effects (effects.ts). */
  performEffects: (
    execution: Execution,
    recovering: boolean,
  ) => Promise<{ next: EngineEvent | null; execution: Execution | null }>;
  /** Runs work after everything queued for the same execution (runner.ts). */
  serialize: <T>(executionSid: string, work: () => Promise<T>) => Promise<T>;
  /** Steps the execution on the event its widget resumes with (runner.ts). */
  drive: (executionSid: string, event: EngineEvent) => Promise<unknown>;
}

export function createRecovery({ store, clock, log, performEffects, serialize, drive }: RecoveryDeps) {
  /**
   * Redoes the effects recorded with the execution at `version`; resolves with the event its
   * widget resumes with, if any. The execution is read again: a visitor's message may have
   * stepped it since it was listed, here or on another node, and that step's effects are done
   * by whoever took it (done here from the old copy, they would be done again: a wait's timer
   * set again after the wait was left). An HTTP request or function recorded less than
   * EFFECTS_IN_FLIGHT_MS ago may still be under way on the node that recorded it: while
   * `waitForOthers`, it is left to a `bot.recover` timer due when that node would be done with
   * it (by then the version has moved on, or that node is gone).
   */
  async function recoverEffects(sid: string, version: number, waitForOthers: boolean) {
    const execution = await store.executions.get(sid);
    if (execution?.version !== version) return null;
    const recorded = Date.parse(execution.dateUpdated);
    if (
      waitForOthers &&
      execution.pendingEffects.some(reachesOutside) &&
      clock().getTime() - recorded < EFFECTS_IN_FLIGHT_MS
    ) {
      const due = new Date(recorded + EFFECTS_IN_FLIGHT_MS).toISOString();
      await store.timers.schedule(BOT_RECOVER_KIND, `${sid}|${version}`, due);
      return null;
    }
    return (await performEffects(execution, true)).next;
  }

  return {
    /** After a start: every execution's recorded effects, done again (or left to a timer). */
    async recover() {
      // The steps that resume after recovered effects, run once their queue is free (they take
      // it too); recovery ends when they have, so the core's idle() and stop() wait for them.
      const resumed: Promise<unknown>[] = [];
      for (const listed of await store.executions.listWithPendingEffects()) {
        const failed = (err: unknown) => log.error({ err, executionSid: listed.sid }, 'bot recovery failed');
        await serialize(listed.sid, async () => {
          const next = await recoverEffects(listed.sid, listed.version, true);
          if (next)
            resumed.push(
              Promise.resolve()
                .then(() => drive(listed.sid, next))
                .catch(failed),
            );
          // One execution that cannot be recovered does not keep the others from it.
        }).catch(failed);
      }
      await Promise.all(resumed);
    },

    /** The `bot.recover` timer fired: the effects left to it are done now, unless done meanwhile. */
    async onTimer(ref: string) {
      const [executionSid, version] = ref.split('|');
      if (!executionSid || !version) return;
      const next = await serialize(executionSid, () => recoverEffects(executionSid, Number(version), false));
      if (next) await drive(executionSid, next);
    },
  };
}
