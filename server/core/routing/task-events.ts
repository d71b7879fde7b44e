/**
 * Writes the task and worker events supervisors' figures are computed from, right after the
 * state change they describe. A failed write is reported and never undoes or fails the
 * change: routing goes on, the figures miss one step.
 */
import type { Activity } from '../../protocol.ts';
import type { Store, Task, TaskEventKind } from '../../store/types.ts';

export type TaskEventRecorder = ReturnType<typeof createTaskEventRecorder>;

export function createTaskEventRecorder(store: Store, onError: (err: unknown) => void) {
  return {
    /** `task` as it is after the step; `workerSid` defaults to the task's. */
    async task(
      task: Task,
      kind: TaskEventKind,
      extra: { workerSid?: string | null; details?: Record<string, unknown>; at?: string } = {},
    ) {
      try {
        await store.taskEvents.record({
          taskSid: task.sid,
          kind,
          queueSid: task.queueSid,
          workerSid: extra.workerSid === undefined ? task.workerSid : extra.workerSid,
          channelType: typeof task.attributes.channelType === 'string' ? task.attributes.channelType : 'web',
          details: extra.details,
          dateCreated: extra.at,
        });
      } catch (err) {
        onError(err);
      }
    },
    /** A worker's activity changed (nothing is written when it stayed the same). */
    async activity(workerSid: string, activity: Activity, previousActivity: Activity | null) {
      if (activity === previousActivity) return;
      try {
        await store.taskEvents.recordActivity({ workerSid, activity, previousActivity });
      } catch (err) {
        onError(err);
      }
    },
  };
}
