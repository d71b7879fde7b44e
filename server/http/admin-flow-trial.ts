/**
 * `POST /v1/Flows/simulate`: the admin console's "Try it". Runs a bot flow definition (saved or
 * not) against a script of visitor lines on this server, with the engine `parley flows
 * simulate` uses, and answers the transcript. Nothing is stored and no channel is opened; HTTP
 * widgets really call out, within the server's egress rules (loopback only in demo mode).
 */
import { Router } from 'express';
import { z } from 'zod';
import { checkDefinition, type FlowDefinition } from '../core/bot/definition.ts';
import { readDefinition } from '../core/bot/definition-input.ts';
import { simulate } from '../core/bot/simulate.ts';
import { createEgressPolicy } from '../core/egress.ts';
import type { Core } from '../core/index.ts';
import { ParleyError } from '../errors.ts';
import { friendlyName, parse, strictObject } from '../schemas.ts';

const trial = strictObject({
  definition: z.unknown().refine((d) => d !== undefined, 'a trial needs a definition'),
  /** What the visitor writes, a line each; `/timeout` fires a waiting widget's timeout. */
  script: z.array(z.string().max(2000)).min(1, 'write at least one visitor line').max(50),
  name: friendlyName.optional(),
});

export function flowTrialRouter(core: Pick<Core, 'functionsDir'>, options: { demo: boolean }): Router {
  const router = Router();
  const egress = createEgressPolicy({ allowLoopback: options.demo });
  router.post('/Flows/simulate', async (req, res) => {
    const { definition, script, name } = parse(trial, req.body);
    const read = readDefinition(definition);
    if (read.problem !== undefined)
      throw new ParleyError('invalid_flow', `body.definition: the definition ${read.problem}`);
    const { errors } = checkDefinition(read.definition);
    if (errors.length > 0) {
      throw new ParleyError('invalid_flow', `body.definition: ${errors.map((p) => p.message).join('; ')}`);
    }
    const transcript: string[] = [];
    async function* lines() {
      yield* script;
    }
    const execution = await simulate(read.definition as FlowDefinition, lines(), {
      name,
      baseUrl: `${req.protocol}://${req.get('host')}`,
      print: (line) => transcript.push(line),
      egress,
      functionsDir: core.functionsDir,
    });
    res.json({ transcript, status: execution.status, waitingIn: execution.waiting?.state ?? null });
  });
  return router;
}
