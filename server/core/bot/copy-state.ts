/**
 * The copy of an execution's state that one step works on. A step changes the state's own
 * fields, its context (trigger, flow data), `context.widgets`, `context.flow` and its
 * variables, and appends to the log, on the current context or on a subflow's parent context
 * it returns to; everything else (a widget's outputs, the trigger's message, log entries) is
 * replaced, never changed in place. So those objects are copied and the rest shared: the state
 * given to a step is left as it was, as a deep copy would leave it, at a fraction of the cost
 * (the state grows with every step's log entry and every widget's outputs).
 */
import type { ExecutionContext, ExecutionState } from '../../studio-types.ts';

function copyContext(context: ExecutionContext): ExecutionContext {
  return {
    ...context,
    widgets: { ...context.widgets },
    flow: { ...context.flow, variables: { ...context.flow.variables } },
  };
}

export function copyForStep(state: ExecutionState): ExecutionState {
  const copy: ExecutionState = { ...state, context: copyContext(state.context), log: state.log.slice() };
  if (state.subflow) copy.subflow = { ...state.subflow, parent: copyContext(state.subflow.parent) };
  return copy;
}
