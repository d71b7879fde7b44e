/**
 * Workflows in Twilio's JSON format: which queue a task goes to. The first filter whose
 * expression matches the task's attributes wins; its targets are tried in order, each for its
 * `timeout`; a task no filter matches (or that outlives its filter's last timed target) goes to
 * `default_filter`.
 */
import { ParleyError } from '../../errors.ts';
import type { WorkflowConfiguration } from '../../protocol.ts';
import type { Store, Task, TaskRouting, Workflow } from '../../store/types.ts';
import { compileExpression, parseExpression } from './expression.ts';

/** Where a task waits: its queue and target, and what the target says about priority and time. */
export interface Placement extends Omit<TaskRouting, 'targetWorkerSid'> {
  queueSid: string;
  /** The target's priority, which overrides the task's. */
  priority: number | undefined;
  /** Seconds before the task moves on to the next target. */
  timeout: number | undefined;
}

type Filter = WorkflowConfiguration['task_routing']['filters'][number];

function targetPlacement(filter: Filter, index: number): Placement | null {
  const target = filter.targets[index];
  if (!target) return null;
  return {
    queueSid: target.queue,
    filterName: filter.filter_friendly_name,
    targetIndex: index,
    targetExpression: target.expression ?? null,
    priority: target.priority,
    timeout: target.timeout,
  };
}

function defaultPlacement(configuration: WorkflowConfiguration): Placement | null {
  const queue = configuration.task_routing.default_filter?.queue;
  if (!queue) return null;
  return {
    queueSid: queue,
    filterName: null,
    targetIndex: 0,
    targetExpression: null,
    priority: undefined,
    timeout: undefined,
  };
}

/** Where a task with these attributes starts; null when no filter matches and there is no default. */
export function placeTask(workflow: Workflow, attributes: Record<string, unknown>): Placement | null {
  const { filters } = workflow.configuration.task_routing;
  for (const filter of filters) {
    if (compileExpression(filter.expression)({ root: attributes, task: attributes })) {
      return targetPlacement(filter, 0);
    }
  }
  return defaultPlacement(workflow.configuration);
}

/** Where a task goes when its target times out: the filter's next target, then the default filter. */
export function nextPlacement(workflow: Workflow, task: Task): Placement | null {
  if (task.filterName === null) return null;
  const filter = workflow.configuration.task_routing.filters.find(
    (f) => f.filter_friendly_name === task.filterName,
  );
  return (
    (filter && targetPlacement(filter, task.targetIndex + 1)) ?? defaultPlacement(workflow.configuration)
  );
}

/**
 * Checks what a schema cannot: every expression parses and every queue exists. Errors name
 * the field, e.g. `body.configuration.task_routing.filters[0].expression: column 7: …`.
 */
export async function assertValidConfiguration(store: Store, configuration: WorkflowConfiguration) {
  const queues = new Set((await store.queues.list()).map((q) => q.sid));
  const field = 'body.configuration.task_routing';
  const check = (path: string, expression: string | undefined) => {
    if (expression === undefined) return;
    try {
      parseExpression(expression);
    } catch (err) {
      throw new ParleyError('invalid_request', `${path}: ${(err as Error).message}`, 400);
    }
  };
  const queue = (path: string, sid: string) => {
    if (!queues.has(sid)) {
      throw new ParleyError(
        'invalid_request',
        `${path}: TaskQueue ${sid} does not exist; create it with POST /v1/TaskQueues`,
        400,
      );
    }
  };
  configuration.task_routing.filters.forEach((filter, i) => {
    check(`${field}.filters[${i}].expression`, filter.expression);
    filter.targets.forEach((target, j) => {
      queue(`${field}.filters[${i}].targets[${j}].queue`, target.queue);
      check(`${field}.filters[${i}].targets[${j}].expression`, target.expression);
    });
  });
  const fallback = configuration.task_routing.default_filter?.queue;
  if (fallback) queue(`${field}.default_filter.queue`, fallback);
}
