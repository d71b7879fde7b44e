/**
 * `/v1/Flows`: bot flows in Studio's JSON format. Create, list, get, update (a new revision),
 * delete, `POST /v1/Flows/validate`, and `/v1/Flows/:sid/Executions` (list, get with its step
 * log, and create: start the flow on a channel by request).
 */
import { type Request, type Response, Router } from 'express';
import { checkDefinition, type FlowDefinition, type ValidationProblem } from '../core/bot/definition.ts';
import type { Core } from '../core/index.ts';
import { notFound, ParleyError } from '../errors.ts';
import { parse } from '../schemas.ts';
import type { Execution } from '../store/types.ts';
import { schemas } from './schemas.ts';

/**
 * A definition that can run, with its warnings (unreachable states: Studio publishes those), or
 * a 400 whose message names every offending state.
 */
function checked(definition: unknown): { definition: FlowDefinition; warnings: ValidationProblem[] } {
  const { errors: problems, warnings } = checkDefinition(definition);
  if (problems.length > 0) {
    throw new ParleyError(
      'invalid_flow',
      `body.definition: ${problems.map((p) => p.message).join('; ')}`,
      400,
    );
  }
  return { definition: definition as FlowDefinition, warnings };
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
  context: e.state.context,
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

  router.post('/validate', (req, res) => {
    const { definition } = parse(schemas.validateFlow, req.body);
    const { warnings } = checked(definition);
    res.json({ valid: true, warnings });
  });
  router.post('/', async (req, res) => {
    const { friendlyName, definition } = parse(schemas.flow, req.body);
    const { definition: valid, warnings } = checked(definition);
    res.status(201).json({ ...(await store.flows.create({ friendlyName, definition: valid })), warnings });
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
    const check = definition === undefined ? undefined : checked(definition);
    const patch = { friendlyName, definition: check?.definition };
    res.json({ ...(await store.flows.update(req.params.sid, patch)), warnings: check?.warnings ?? [] });
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
