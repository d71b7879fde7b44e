/**
 * `POST /v1/Interactions`: an outbound conversation on a messaging Flex Flow, with immediate
 * task creation (reserved for `routing.workerSid`) or task creation on the customer's response
 * (`creationOnMessage: true`).
 */
import { Router } from 'express';
import type { Core } from '../core/index.ts';
import { parse } from '../schemas.ts';
import { schemas } from './schemas.ts';

export function interactionsRouter(core: Core): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    const input = parse(schemas.interaction, req.body);
    const { session, channel, message, task } = await core.messaging.interactions.create(input);
    res.status(201).json({
      sessionSid: session.sid,
      channelSid: channel.sid,
      messageSid: message?.sid ?? null,
      taskSid: task?.sid ?? null,
      session,
      channel,
      task,
    });
  });
  return router;
}
