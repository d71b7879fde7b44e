/**
 * The flows a definition's run-subflow states call, loaded before a step so the engine stays
 * pure. Only flows with run-subflow states pay for it.
 */
import type { FlowRepository } from '../../store/repositories.ts';
import type { FlowDefinition } from './definition.ts';
import type { ExecutionState, SubflowDefinitions } from './engine.ts';
import { subflowRevision } from './widgets/run-subflow.ts';

type Flows = Pick<FlowRepository, 'get' | 'getRevision'>;

/** The flow sids and revisions (null: the latest) that `definition` calls. */
export function subflowReferences(
  definition: FlowDefinition,
): { flowSid: string; revision: number | null }[] {
  return definition.states
    .filter((s) => s.type === 'run-subflow' && s.properties?.flow_sid)
    .map((s) => ({
      flowSid: String(s.properties.flow_sid),
      revision: subflowRevision(s.properties.flow_revision),
    }));
}

/** The subflows `definition` may enter, and the one `state` is inside, if any. */
export async function loadSubflows(
  flows: Flows,
  definition: FlowDefinition,
  state: ExecutionState,
): Promise<SubflowDefinitions> {
  const loaded = new Map<string, { revision: number; definition: FlowDefinition }>();
  const wanted = subflowReferences(definition);
  if (state.subflow) wanted.push({ flowSid: state.subflow.flowSid, revision: state.subflow.revision });
  for (const { flowSid, revision } of wanted) {
    const key = revision ? `${flowSid}@${revision}` : flowSid;
    if (loaded.has(key)) continue;
    if (revision) {
      const found = await flows.getRevision(flowSid, revision);
      if (found) loaded.set(key, { revision, definition: found });
    } else {
      const flow = await flows.get(flowSid);
      if (flow) loaded.set(key, { revision: flow.revision, definition: flow.definition });
    }
  }
  return loaded;
}
