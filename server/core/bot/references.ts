/**
 * What a definition names outside itself — subflows, Functions, workflows — checked against
 * this server. A flow imported from another Twilio account names sids and URLs that do not
 * exist here: each is a warning that says how to map it, and the widget takes its failure
 * transition at run time (`failed`, `fail`, `failedToEnqueue`). The flow itself is never refused
 * for it.
 */
import type { FlowRepository, WorkflowRepository } from '../../store/repositories.ts';
import type { FlowDefinition, StateDefinition, ValidationProblem } from './definition.ts';
import { localFunction } from './functions.ts';
import { subflowRevision } from './widgets/run-subflow.ts';

export interface ReferenceDeps {
  flows: Pick<FlowRepository, 'get' | 'getRevision'>;
  /** Absent where there is no server to ask (the command line): workflows are not checked. */
  workflows?: Pick<WorkflowRepository, 'get' | 'list'>;
  /** PARLEY_FUNCTIONS_DIR. */
  functionsDir?: string;
  /** The flow being checked, when it is stored already (a flow may not be its own subflow). */
  flowSid?: string;
}

const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));
const templated = (v: string) => v.includes('{{') || v.includes('{%');

async function checkSubflow(
  name: string,
  properties: Record<string, unknown>,
  { flows, flowSid }: ReferenceDeps,
): Promise<ValidationProblem[]> {
  const sid = text(properties.flow_sid);
  const revision = subflowRevision(properties.flow_revision);
  const warn = (message: string): ValidationProblem[] => [
    { state: name, field: 'properties.flow_sid', message: `state "${name}" runs flow ${sid}: ${message}` },
  ];
  if (sid === flowSid)
    return warn('that is this flow itself; a subflow cannot run a subflow, so it takes failed');
  const flow = await flows.get(sid);
  if (!flow)
    return warn(
      'no flow of that sid exists here. Create the subflow (POST /v1/Flows with its definition) and set flow_sid to the sid it gets; until then the widget takes failed',
    );
  const definition = revision ? await flows.getRevision(sid, revision) : flow.definition;
  if (!definition)
    return warn(`it has no revision ${revision} (its latest is ${flow.revision}); the widget takes failed`);
  const problems: ValidationProblem[] = [];
  const trigger = definition.states.find((s) => s.name === definition.initial_state);
  if (!trigger?.transitions.some((t) => t.event === 'incomingParent' && t.next))
    problems.push(
      ...warn(
        `its trigger leads nowhere on incomingParent, so it does nothing as a subflow; connect its trigger's incomingParent to the first widget`,
      ),
    );
  if (definition.states.some((s) => s.type === 'run-subflow'))
    problems.push(
      ...warn(
        'it runs a subflow itself, which a subflow cannot do (as in Studio): that widget will take failed',
      ),
    );
  return problems;
}

function checkFunction(
  name: string,
  properties: Record<string, unknown>,
  { functionsDir }: ReferenceDeps,
): ValidationProblem[] {
  const url = text(properties.url);
  const functionSid = text(properties.function_sid) || undefined;
  if (templated(url)) return [];
  if (localFunction(functionsDir, { type: 'runFunction', url, functionSid, parameters: {} })) return [];
  let host = '';
  try {
    host = new URL(url).hostname;
  } catch {
    // Not a URL: it can only name a local function.
  }
  if (host && !host.endsWith('.twil.io')) return [];
  const wanted =
    (url ? new URL(url, 'http://local').pathname.split('/').filter(Boolean).pop() : null) ?? functionSid;
  const where = functionsDir
    ? `add ${wanted}.js to ${functionsDir}`
    : `set PARLEY_FUNCTIONS_DIR to a folder with ${wanted}.js in it`;
  return [
    {
      state: name,
      field: url ? 'properties.url' : 'properties.function_sid',
      message: `state "${name}" calls the Function "${wanted}", which does not exist here: ${where} (exports.handler = (context, event, callback) => …); until then the widget takes fail`,
    },
  ];
}

async function checkWorkflow(
  state: StateDefinition,
  { workflows }: ReferenceDeps,
): Promise<ValidationProblem[]> {
  const { name } = state;
  const sid = text(state.properties?.workflow);
  if (!workflows || !sid || templated(sid) || (await workflows.get(sid))) return [];
  const known = (await workflows.list()).map((w) => `${w.sid} ("${w.friendlyName}")`);
  const map = known.length
    ? `set the state's properties.workflow to the sid of one of this server's workflows: ${known.join(', ')}`
    : "create a workflow (POST /v1/Workflows) and set the state's properties.workflow to its sid";
  const handled = state.transitions.some((t) => t.event === 'failedToEnqueue' && t.next)
    ? ''
    : ' (this state has no failedToEnqueue transition, so the execution ends there)';
  return [
    {
      state: name,
      field: 'properties.workflow',
      message: `state "${name}" names workflow ${sid}, which does not exist here: until it is mapped no task is created and the widget takes failedToEnqueue${handled}. To map it, ${map}`,
    },
  ];
}

/** Warnings for every subflow, Function and workflow `definition` names that this server lacks. */
export async function checkReferences(
  definition: FlowDefinition,
  deps: ReferenceDeps,
): Promise<ValidationProblem[]> {
  const warnings: ValidationProblem[] = [];
  for (const state of definition.states) {
    const properties = state.properties ?? {};
    if (state.type === 'run-subflow') warnings.push(...(await checkSubflow(state.name, properties, deps)));
    else if (state.type === 'run-function') warnings.push(...checkFunction(state.name, properties, deps));
    else if (state.type === 'send-to-flex') warnings.push(...(await checkWorkflow(state, deps)));
  }
  return warnings;
}
