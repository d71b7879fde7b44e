/**
 * Schemas of the socket payloads `/webchat` and `/agent` accept. Strict like the REST bodies:
 * the widget and the agent desktop send exactly the fields of `protocol.ts`, so anything else
 * is a client bug worth an error ack naming the field.
 */
import { z } from 'zod';
import { attributes, body, clientId, index, LIMITS, sid, strictObject } from '../schemas.ts';

export const schemas = {
  sync: strictObject({ afterIndex: index }),
  send: strictObject({ clientId, body, attributes: attributes.optional() }),
  read: strictObject({ index }),
  pageContext: strictObject({ pageUrl: z.string().max(2000) }),
  channelRef: strictObject({ channelSid: sid('CH') }),
  // A built-in name or an activity's sid; routing refuses a sid it does not know.
  activity: strictObject({
    activity: z.union([z.enum(['Available', 'Unavailable', 'Offline']), sid('WA')], {
      error: 'give Available, Unavailable, Offline or the sid (WA…) of an activity',
    }),
  }),
  reservationRef: strictObject({ reservationSid: sid('WR') }),
  taskRef: strictObject({ taskSid: sid('WT') }),
  wrapUp: strictObject({
    taskSid: sid('WT'),
    disposition: z.string().trim().min(1).max(100).optional(),
    notes: z.string().max(2000, 'notes are at most 2,000 characters').optional(),
  }),
  transfer: strictObject({
    taskSid: sid('WT'),
    queueSid: sid('WQ').optional(),
    workerSid: sid('WK').optional(),
    note: z.string().max(1000).optional(),
  }),
  newConversation: strictObject({
    channelType: z.enum(['sms', 'whatsapp', 'facebook', 'custom']),
    to: z.string().trim().min(1, 'the customer\'s address, e.g. "+15557777"').max(200),
    body,
  }),
  whisper: strictObject({
    channelSid: sid('CH'),
    body: z.string().trim().min(1, 'a whisper needs a body').max(LIMITS.messageBody),
  }),
  empty: strictObject({}),
};
