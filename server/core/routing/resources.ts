/**
 * TaskQueues and Workflows as the admin API manages them: a workflow's queues must exist, and a
 * queue a workflow routes to (or that tasks still wait in) cannot be deleted.
 */
import { conflict, notFound } from '../../errors.ts';
import type { NewWorkflow } from '../../store/types.ts';
import type { RoutingContext } from './context.ts';
import { assertValidConfiguration } from './workflows.ts';

export function createRoutingResources(ctx: RoutingContext) {
  const { store } = ctx;

  async function workflowsUsing(queueSid: string) {
    return (await store.workflows.list()).filter((w) => {
      const { filters, default_filter } = w.configuration.task_routing;
      return (
        default_filter?.queue === queueSid || filters.some((f) => f.targets.some((t) => t.queue === queueSid))
      );
    });
  }

  return {
    async updateQueue(sid: string, patch: { friendlyName?: string; targetWorkers?: string }) {
      const queue = await store.queues.update(sid, patch);
      if (!queue) throw notFound('TaskQueue', sid);
      // Other workers may match now.
      ctx.dispatchSoon();
      return queue;
    },

    async deleteQueue(sid: string) {
      if (!(await store.queues.get(sid))) throw notFound('TaskQueue', sid);
      const using = await workflowsUsing(sid);
      if (using.length > 0) {
        throw conflict(
          `TaskQueue ${sid} is a target of Workflow ${using.map((w) => w.sid).join(', ')}: change it first`,
        );
      }
      const waiting = await store.tasks.listWaiting(sid);
      if (waiting.length > 0) throw conflict(`${waiting.length} task(s) still wait in TaskQueue ${sid}`);
      await store.queues.delete(sid);
    },

    async createWorkflow(
      input: Omit<NewWorkflow, 'taskReservationTimeout' | 'reservationTimeoutActivity'> &
        Partial<NewWorkflow>,
    ) {
      await assertValidConfiguration(store, input.configuration);
      return store.workflows.create({
        friendlyName: input.friendlyName,
        configuration: input.configuration,
        taskReservationTimeout: input.taskReservationTimeout ?? ctx.reservationTimeoutSeconds,
        reservationTimeoutActivity:
          input.reservationTimeoutActivity === undefined
            ? ctx.reservationTimeoutActivity
            : input.reservationTimeoutActivity,
      });
    },

    async updateWorkflow(sid: string, patch: Partial<NewWorkflow>) {
      if (patch.configuration) await assertValidConfiguration(store, patch.configuration);
      const workflow = await store.workflows.update(sid, patch);
      if (!workflow) throw notFound('Workflow', sid);
      return workflow;
    },

    async deleteWorkflow(sid: string) {
      if (!(await store.workflows.delete(sid))) throw notFound('Workflow', sid);
    },
  };
}
