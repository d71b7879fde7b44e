/**
 * Transfer (cold, as Flex's default): the agent hands a chat to a queue or to one named agent
 * with a note. The agent's task completes (reason "transferred", without the janitor: the
 * chat goes on), the agent leaves the channel, and a new task on the same channel carries
 * `attributes.transfer`, so the next agent sees the note beside the whole history.
 */
import { conflict, forbidden, notFound, ParleyError } from '../../errors.ts';
import type { TransferInfo, TransferRequest } from '../../protocol.ts';
import type { RoutingContext } from './context.ts';
import type { TaskLifecycle } from './tasks.ts';

export function createTransfer(ctx: RoutingContext, tasks: TaskLifecycle) {
  const { store, conversations } = ctx;

  async function assertCanTake(fromSid: string, workerSid: string) {
    if (workerSid === fromSid) throw conflict('You already hold this chat: pick another agent or a queue');
    const worker = await store.workers.get(workerSid);
    if (!worker) throw notFound('Worker', workerSid);
    const available = await store.workers.listAvailable([fromSid]);
    if (!available.some((w) => w.sid === workerSid)) {
      throw conflict(
        `${worker.friendlyName} is not available to take a chat now: pick a queue or another agent`,
      );
    }
  }

  return {
    async transfer(fromSid: string, request: TransferRequest) {
      const { taskSid, queueSid, workerSid, note } = request;
      if (Boolean(queueSid) === Boolean(workerSid)) {
        throw new ParleyError(
          'invalid_request',
          'task:transfer: give exactly one of queueSid and workerSid',
          400,
        );
      }
      const task = await tasks.getTask(taskSid);
      if (task.workerSid !== fromSid) throw forbidden(`Task ${taskSid} is not assigned to you`);
      if (task.status !== 'assigned')
        throw conflict(`Task ${taskSid} is ${task.status}; only an active chat can be transferred`);
      if (queueSid && !(await store.queues.get(queueSid))) throw notFound('TaskQueue', queueSid);
      if (workerSid) await assertCanTake(fromSid, workerSid);

      const from = await store.workers.get(fromSid);
      const fromName = from?.friendlyName ?? 'The agent';
      const done = await store.tasks.transition(task.sid, ['assigned'], 'completed', 'transferred');
      if (!done) throw conflict(`Task ${taskSid} changed while it was being transferred`);
      await ctx.record.task(done, 'transferred', {
        details: workerSid ? { toWorkerSid: workerSid } : { toQueueSid: queueSid },
      });
      await ctx.announce(done);
      await conversations.removeMember(task.channelSid, fromSid);
      await conversations.postSystem(task.channelSid, `${fromName} transferred the chat`, {
        event: 'member.left',
        identity: fromSid,
      });
      const transfer: TransferInfo = {
        fromWorkerSid: fromSid,
        fromName,
        to: workerSid ? { workerSid } : { queueSid: queueSid as string },
        note: note?.trim() || null,
      };
      return tasks.enqueue(
        {
          channelSid: task.channelSid,
          queueSid: queueSid ?? task.queueSid,
          workflowSid: task.workflowSid,
          priority: task.priority,
          attributes: { ...task.attributes, transfer },
          timeout: task.timeout,
          filterName: null,
          targetIndex: 0,
          targetExpression: null,
          targetWorkerSid: workerSid ?? null,
        },
        undefined,
      );
    },
  };
}
