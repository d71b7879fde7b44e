/**
 * Webhooks from messaging providers, Twilio-shaped and form-encoded: inbound messages at
 * `POST /webhooks/messaging/:flexFlowSid` and delivery reports at
 * `POST /webhooks/messaging/status/:messageSid?channelSid=CH…`. Both must carry
 * `X-Twilio-Signature` under the Flex Flow's `messagingConnector.authToken`, computed over
 * Parley's public URL (PARLEY_PUBLIC_URL behind a proxy) with the request's path and query.
 * A signed inbound form is then checked field by field (see messaging-form.ts): a duplicate
 * field, a body over 1,600 characters or a sender that is not a messaging address is a 400.
 */
import express, { type Request, Router } from 'express';
import type { Core } from '../core/index.ts';
import { TWILIO_SIGNATURE_HEADER, verifyTwilioSignature } from '../core/proxy/signature.ts';
import { forbidden, notFound, ParleyError } from '../errors.ts';
import type { FlexFlow } from '../store/types.ts';
import { parseInboundForm } from './messaging-form.ts';

export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

type Form = Record<string, string | undefined>;

export function messagingRouter(core: Core): Router {
  const router = Router();
  // Twilio sends a few dozen fields at most; a form of hundreds is not a provider's.
  router.use(
    '/webhooks/messaging',
    express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 }),
  );

  async function messagingFlexFlow(
    sid: string,
  ): Promise<FlexFlow & { messagingConnector: { authToken: string } }> {
    const flexFlow = await core.store.flexFlows.get(sid);
    if (!flexFlow?.messagingConnector || flexFlow.channelType === 'web') {
      throw notFound('messaging Flex Flow', sid);
    }
    return flexFlow as FlexFlow & { messagingConnector: { authToken: string } };
  }

  function assertSigned(req: Request, authToken: string) {
    const url = `${core.messaging.publicUrl() ?? ''}${req.originalUrl}`;
    const signature = req.get(TWILIO_SIGNATURE_HEADER);
    if (!verifyTwilioSignature(authToken, url, (req.body ?? {}) as Form, signature)) {
      throw forbidden(
        signature
          ? `${TWILIO_SIGNATURE_HEADER} does not match: sign ${url} and the form fields with the Flex Flow's authToken`
          : `${TWILIO_SIGNATURE_HEADER} is missing`,
      );
    }
  }

  router.post('/webhooks/messaging/status/:messageSid', async (req, res) => {
    const channelSid = typeof req.query.channelSid === 'string' ? req.query.channelSid : '';
    const channel = await core.store.channels.get(channelSid);
    if (!channel) throw notFound('Channel', channelSid);
    const flexFlow = await messagingFlexFlow(channel.flexFlowSid);
    assertSigned(req, flexFlow.messagingConnector.authToken);
    const status = String((req.body as Form).MessageStatus ?? '');
    const message = await core.messaging.delivery.onStatus(channel.sid, req.params.messageSid, status);
    if (message === undefined) {
      throw new ParleyError(
        'invalid_request',
        `MessageStatus "${status}" is not a Twilio message status`,
        400,
      );
    }
    if (message === null) throw notFound('Message', req.params.messageSid);
    res.status(204).end();
  });

  router.post('/webhooks/messaging/:flexFlowSid', async (req, res) => {
    const flexFlow = await messagingFlexFlow(req.params.flexFlowSid);
    assertSigned(req, flexFlow.messagingConnector.authToken);
    if (!flexFlow.enabled)
      throw new ParleyError('flex_flow_disabled', `Flex Flow ${flexFlow.sid} is disabled`, 409);
    await core.messaging.inbound.receive(flexFlow, parseInboundForm(req.body));
    res.type('text/xml').send(EMPTY_TWIML);
  });
  return router;
}
