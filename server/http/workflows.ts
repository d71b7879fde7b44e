/** `/v1/Workflows`: which queue a task goes to, in Twilio's workflow JSON. */
import { Router } from 'express';
import type { Core } from '../core/index.ts';
import { notFound } from '../errors.ts';
import { parse } from '../schemas.ts';
import { postOrPatch } from './routing.ts';
import { schemas } from './schemas.ts';

export function workflowsRouter(core: Core): Router {
  const { store, routing } = core;
  const router = Router();

  router.post('/', async (req, res) => {
    res.status(201).json(await routing.resources.createWorkflow(parse(schemas.workflow, req.body)));
  });
  router.get('/', async (req, res) => {
    parse(schemas.noQuery, req.query, 'query');
    const workflows = await store.workflows.list();
    res.json({ workflows, meta: { pageSize: workflows.length } });
  });
  router.get('/:sid', async (req, res) => {
    const workflow = await store.workflows.get(req.params.sid);
    if (!workflow) throw notFound('Workflow', req.params.sid);
    res.json(workflow);
  });
  postOrPatch(router, '/:sid', async (req, res) => {
    res.json(
      await routing.resources.updateWorkflow(req.params.sid, parse(schemas.workflow.partial(), req.body)),
    );
  });
  router.delete('/:sid', async (req, res) => {
    await routing.resources.deleteWorkflow(req.params.sid);
    res.status(204).end();
  });
  return router;
}
