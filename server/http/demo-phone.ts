/**
 * The phone simulator's fake messaging provider, served by `parley demo` only, at
 * `/demo/phone/*`. It plays Twilio for the demo SMS Flex Flow (number `DEMO_PHONE_NUMBER`,
 * connector URL the relative `/demo/phone/Messages`): Parley's outbound messages arrive at `POST /demo/phone/Messages` and
 * are reported sent, then delivered; the page at `/phone` reads the conversation with
 * `GET /demo/phone/messages` and texts with `POST /demo/phone/send`, which this router signs
 * with the Flex Flow's authToken and posts to the inbound webhook. The token never reaches
 * the page.
 */
import { randomBytes } from 'node:crypto';
import express, { Router } from 'express';
import type { Core } from '../core/index.ts';
import { TWILIO_SIGNATURE_HEADER, twilioSignature, verifyTwilioSignature } from '../core/proxy/signature.ts';
import { DEMO_PHONE_CONNECTOR_PATH, DEMO_PHONE_NUMBER, seedDemoPhone } from '../core/seed.ts';
import { forbidden, ParleyError } from '../errors.ts';
import type { FlexFlow } from '../store/types.ts';

const MAX_KEPT = 500;

interface PhoneMessage {
  id: number;
  direction: 'inbound' | 'outbound';
  /** The customer's number. */
  address: string;
  body: string;
  dateCreated: string;
}

export function demoPhoneRouter(core: Core): Router {
  const router = Router();
  const messages: PhoneMessage[] = [];
  let nextId = 1;
  const keep = (m: Omit<PhoneMessage, 'id' | 'dateCreated'>) => {
    messages.push({ ...m, id: nextId++, dateCreated: new Date().toISOString() });
    if (messages.length > MAX_KEPT) messages.shift();
  };
  const base = () => core.messaging.publicUrl() ?? '';

  /** The demo SMS Flex Flow (`npm start` seeds it; created here when it does not exist). */
  async function demoFlexFlow(): Promise<
    FlexFlow & { messagingConnector: { url: string; authToken: string } }
  > {
    const flow = await seedDemoPhone(core.store, core.flexFlows);
    if (!flow.messagingConnector)
      throw new ParleyError('conflict', 'The demo SMS Flex Flow has no connector', 409);
    return flow as FlexFlow & { messagingConnector: { url: string; authToken: string } };
  }

  router.use('/demo/phone', express.urlencoded({ extended: false, limit: '64kb' }));

  router.get('/demo/phone/config', async (_req, res) => {
    const flow = await demoFlexFlow();
    res.json({ number: DEMO_PHONE_NUMBER, flexFlowSid: flow.sid });
  });

  router.get('/demo/phone/messages', (req, res) => {
    const address = String(req.query.address ?? '');
    const after = Number(req.query.after ?? 0) || 0;
    res.json({ messages: messages.filter((m) => m.address === address && m.id > after) });
  });

  router.post('/demo/phone/send', async (req, res) => {
    const { from, body } = req.body as { from?: unknown; body?: unknown };
    if (typeof from !== 'string' || !/^\+\d{6,15}$/.test(from) || typeof body !== 'string' || !body.trim()) {
      throw new ParleyError(
        'invalid_request',
        'from: a number like "+15557777"; body: the text to send',
        400,
      );
    }
    const flow = await demoFlexFlow();
    const path = `/webhooks/messaging/${flow.sid}`;
    const params = {
      From: from,
      To: DEMO_PHONE_NUMBER,
      Body: body.slice(0, 1600),
      MessageSid: `SM${randomBytes(16).toString('hex')}`,
      NumMedia: '0',
    };
    const answer = await fetch(base() + path, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        [TWILIO_SIGNATURE_HEADER]: twilioSignature(flow.messagingConnector.authToken, base() + path, params),
      },
      body: new URLSearchParams(params),
    });
    if (!answer.ok) throw new ParleyError('provider_error', `The webhook answered ${answer.status}`, 502);
    keep({ direction: 'inbound', address: from, body: params.Body });
    res.status(201).json({ messageSid: params.MessageSid });
  });

  /** Parley's connector posts here, as it would to Twilio's Messages API. */
  router.post('/demo/phone/Messages', async (req, res) => {
    const flow = await demoFlexFlow();
    const form = req.body as Record<string, string>;
    const signature = req.get(TWILIO_SIGNATURE_HEADER);
    const url = base() + DEMO_PHONE_CONNECTOR_PATH;
    if (!verifyTwilioSignature(flow.messagingConnector.authToken, url, form, signature)) {
      throw forbidden('The demo phone only takes messages signed with its Flex Flow authToken');
    }
    keep({ direction: 'outbound', address: form.To ?? '', body: form.Body ?? '' });
    const sid = `SM${randomBytes(16).toString('hex')}`;
    res.status(201).json({ sid, status: 'queued' });
    if (form.StatusCallback)
      core.track(reportDelivered(form.StatusCallback, sid, flow.messagingConnector.authToken));
  });

  async function reportDelivered(callback: string, sid: string, authToken: string) {
    for (const status of ['sent', 'delivered']) {
      await new Promise((r) => setTimeout(r, 150));
      const params = { MessageSid: sid, MessageStatus: status };
      await fetch(callback, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          [TWILIO_SIGNATURE_HEADER]: twilioSignature(authToken, callback, params),
        },
        body: new URLSearchParams(params),
      });
    }
  }
  return router;
}
