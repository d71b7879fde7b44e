/**
 * `POST /v1/WebChannels/Transcripts` `{ token, email }`: the visitor has their conversation
 * mailed to them. The session token proves whose conversation it is (it is in the body, as on
 * `POST /v1/WebChannels`, so the widget's CORS stays simple); each conversation is mailed at
 * most a few times (core/email/transcript.ts).
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Core } from '../core/index.ts';
import { addressKey } from '../core/rate-counter.ts';
import { visitorSessionOf } from '../core/visitor-session.ts';
import { ParleyError } from '../errors.ts';
import { parse, strictObject } from '../schemas.ts';
import { contextOf, limiter, type PublicLimits } from './public.ts';

const transcriptRequest = strictObject({
  token: z.string().min(1).max(2048),
  email: z.email('expected an email address, e.g. "dana@example.com"').max(200),
});

/** Transcripts one address may ask for in an hour, across all its chats (they are mail to strangers otherwise). */
export const TRANSCRIPTS_PER_HOUR_PER_IP = 10;

export function emailTranscriptsRouter(core: Core, limits: PublicLimits): Router {
  const router = Router();
  // Every request, before its token is looked up; the hourly count below is of mail sent.
  const perMinute = limiter(
    core,
    'transcripts',
    limits.webChannelsPerMinute,
    'Too many requests from this address: wait a minute and try again',
  );
  router.post('/v1/WebChannels/Transcripts', perMinute, async (req, res) => {
    const { token, email } = parse(transcriptRequest, req.body);
    // The checks every visitor route makes: contact, channel, erasure, Flex Flow scope, origin.
    const { channel } = await visitorSessionOf(core, token, contextOf(req, core.publicUrl));
    if (
      (await core.counter.hit(`transcript:ip:${addressKey(req.ip ?? '')}`, 3_600_000)) >
      TRANSCRIPTS_PER_HOUR_PER_IP
    ) {
      throw new ParleyError(
        'rate_limited',
        'Too many transcripts asked for from this address: try again later',
        429,
      );
    }
    res.status(202).json(await core.email.transcripts.send(channel.sid, email));
  });
  return router;
}
