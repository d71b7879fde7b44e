/**
 * Where a Flex Flow's chats are routed: the workflow it names, or, naming none, the first
 * workflow (oldest), or while there is none the first queue, as routing reads it.
 */
import type { FlexFlowDTO } from '../../../protocol.ts';
import type { AreaProps } from './console.tsx';
import { Field } from './shared.tsx';

export type Named = { sid: string; friendlyName: string };
export interface Routes {
  /** Oldest first, as routing takes the first. */
  workflows: Named[];
  queues: Named[];
}

export const loadRoutes = (api: AreaProps['api']): Promise<Routes> =>
  Promise.all([
    api.get<{ workflows: Named[] }>('/v1/Workflows').then((r) => r.workflows),
    api.get<{ taskQueues: Named[] }>('/v1/TaskQueues').then((r) => r.taskQueues),
  ]).then(([workflows, queues]) => ({ workflows, queues }));

/** A Flex Flow's integration without the workflow it names: the form sets that one. */
export function withoutWorkflow(integration: FlexFlowDTO['integration'] | undefined) {
  const { workflowSid: _named, ...rest } = integration ?? {};
  return rest;
}

/** The workflow select: empty for the default, named so the admin sees which one that is. */
export function WorkflowField({
  routes,
  value,
  onChange,
}: {
  routes: Routes | null;
  value: string;
  onChange(sid: string): void;
}) {
  const [first] = routes?.workflows ?? [];
  const queue = routes?.queues[0]?.friendlyName;
  return (
    <Field label="Workflow" hint="Where its chats are routed: a workflow's filters and queues">
      <select value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">
          {first ? `First workflow: ${first.friendlyName}` : `No workflow: queue ${queue ?? '(none yet)'}`}
        </option>
        {(routes?.workflows ?? []).map((w) => (
          <option key={w.sid} value={w.sid}>
            {w.friendlyName}
          </option>
        ))}
      </select>
    </Field>
  );
}
