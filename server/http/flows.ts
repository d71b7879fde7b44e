/**
 * `/v1/Flows`: bot flows in Studio's JSON format. Create, list, get, update (a new revision),
 * delete, `POST /v1/Flows/validate`, and `/v1/Flows/:sid/Executions` (list, get with its step
 * log, and create: start the flow on a channel by request).
 */
import { type Request, type Response, Router } from 'express';
import { checkDefinition, type FlowDefinition, type ValidationProblem } from '../core/bot/definition.ts';
import { readDefinition } from '../core/bot/definition-input.ts';
import { checkReferences } from '../core/bot/references.ts';
import type { Core } from '../core/index.ts';
import { notFound, ParleyError } from '../errors.ts';
import { parse } from '../schemas.ts';
import type { Execution } from '../store/types.ts';
import { schemas } from './schemas.ts';

/** A problem on the wire: `field` is always there (null when the problem is the whole state). */
const problemView = (p: ValidationProblem) => ({
  state: p.state,
  field: p.field ?? null,
  message: p.message,
});

/** A refused definition: the joined message, and the problems as a list a tool can show. */
class InvalidFlow extends ParleyError {
  constructor(readonly problems: ValidationProblem[]) {
    super('invalid_flow', `body.definition: ${problems.map((p) => p.message).join('; ')}`, 400);
  }
}

/**
 * A definition that can run, with its warnings (unreachable states, which Studio publishes;
 * templates reading variables that render empty; subflows, Functions and workflows this server
 * lacks), or an InvalidFlow naming every offending state. `definition` may be JSON text.
 */
async function checked(
  core: Core,
  input: unknown,
  flowSid?: string,
): Promise<{ definition: FlowDefinition; warnings: ReturnType<typeof problemView>[] }> {
  const read = readDefinition(input);
  if (read.problem !== undefined)
    throw new InvalidFlow([{ state: null, message: `the definition ${read.problem}` }]);
  const { errors, warnings } = checkDefinition(read.definition);
  if (errors.length > 0) throw new InvalidFlow(errors);
  const definition = read.definition as FlowDefinition;
  const references = await checkReferences(definition, {
    flows: core.store.flows,
    workflows: core.store.workflows,
    functionsDir: core.functionsDir,
    flowSid,
  });
  return { definition, warnings: [...warnings, ...references].map(problemView) };
}

/** Answers an InvalidFlow with its problems listed; anything else goes to the error handler. */
function refused(res: Response, err: unknown): void {
  if (!(err instanceof InvalidFlow)) throw err;
  res.status(400).json({
    code: err.code,
    message: err.message,
    status: err.status,
    problems: err.problems.map(problemView),
  });
}

const executionView = (e: Execution, withLog: boolean) => ({
  sid: e.sid,
  flowSid: e.flowSid,
  flowRevision: e.flowRevision,
  channelSid: e.channelSid,
  contactSid: e.contactSid,
  status: e.status,
  currentState: e.state.waiting?.state ?? null,
  endReason: e.state.endReason,
  // Inside a subflow, `context` stays the flow's own and the subflow's is beside it.
  context: e.state.subflow ? e.state.subflow.parent : e.state.context,
  ...(e.state.subflow && {
    subflow: {
      flowSid: e.state.subflow.flowSid,
      revision: e.state.subflow.revision,
      state: e.state.subflow.state,
      context: e.state.context,
    },
  }),
  ...(withLog && { steps: e.state.log }),
  dateCreated: e.dateCreated,
  dateUpdated: e.dateUpdated,
});

export function flowsRouter(core: Core): Router {
  const { store, bot, conversations } = core;
  const router = Router();
  const get = async (sid: string) => {
    const flow = await store.flows.get(sid);
    if (!flow) throw notFound('Flow', sid);
    return flow;
  };

  router.post('/validate', async (req, res) => {
    const { definition } = parse(schemas.validateFlow, req.body);
    try {
      const { warnings } = await checked(core, definition);
      res.json({ valid: true, warnings });
    } catch (err) {
      refused(res, err);
    }
  });
  router.post('/', async (req, res) => {
    const { friendlyName, definition } = parse(schemas.flow, req.body);
    try {
      const { definition: valid, warnings } = await checked(core, definition);
      res.status(201).json({ ...(await store.flows.create({ friendlyName, definition: valid })), warnings });
    } catch (err) {
      refused(res, err);
    }
  });
  router.get('/', async (req, res) => {
    parse(schemas.noQuery, req.query, 'query');
    const flows = await store.flows.list();
    res.json({ flows, meta: { pageSize: flows.length } });
  });
  router.get('/:sid', async (req, res) => {
    res.json(await get(req.params.sid));
  });
  const update = async (req: Request<{ sid: string }>, res: Response) => {
    await get(req.params.sid);
    const { friendlyName, definition } = parse(schemas.flow.partial(), req.body);
    try {
      const check = definition === undefined ? undefined : await checked(core, definition, req.params.sid);
      const patch = { friendlyName, definition: check?.definition };
      res.json({ ...(await store.flows.update(req.params.sid, patch)), warnings: check?.warnings ?? [] });
    } catch (err) {
      refused(res, err);
    }
  };
  router.post('/:sid', update);
  router.patch('/:sid', update);
  router.delete('/:sid', async (req, res) => {
    await get(req.params.sid);
    await store.flows.delete(req.params.sid);
    res.status(204).end();
  });

  router.get('/:sid/Executions', async (req, res) => {
    parse(schemas.noQuery, req.query, 'query');
    await get(req.params.sid);
    const executions = (await store.executions.list({ flowSid: req.params.sid })).map((e) =>
      executionView(e, false),
    );
    res.json({ executions, meta: { pageSize: executions.length } });
  });
  router.get('/:sid/Executions/:executionSid', async (req, res) => {
    const execution = await store.executions.get(req.params.executionSid);
    if (!execution || execution.flowSid !== req.params.sid)
      throw notFound('Execution', req.params.executionSid);
    res.json(executionView(execution, true));
  });
  router.post('/:sid/Executions', async (req, res) => {
    await get(req.params.sid);
    const { channelSid, parameters } = parse(schemas.startExecution, req.body);
    const channel = await conversations.getChannel(channelSid);
    const execution = await bot.startByRequest(req.params.sid, channel, parameters ?? {});
    res.status(201).json(executionView(execution, true));
  });
  return router;
}
