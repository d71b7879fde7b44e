/**
 * `GET /v1/Contacts?email=|phone=|identity=` (find a contact, with its conversations counted
 * and `matchedBy`: where it matched, since a form's email or phone is unverified),
 * `/v1/Contacts/:sid/Export` (everything stored about a contact, as JSON) and
 * `DELETE /v1/Contacts/:sid` (erase it: messages, files, attributes; tasks keep no personal
 * data). Admin only, like the rest of `/v1`.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Core } from '../core/index.ts';
import { parse, strictObject } from '../schemas.ts';

const contactSid = z.object({
  sid: z.string().regex(/^US[0-9a-f]{32}$/, 'expected a US… sid (US and 32 hex digits)'),
});

const lookup = strictObject({
  email: z.string().max(320).optional(),
  phone: z.string().max(40).optional(),
  identity: z.string().max(200).optional(),
});

export function privacyRouter(core: Core): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const contacts = await core.privacy.findContacts(parse(lookup, req.query, 'query'));
    res.setHeader('Cache-Control', 'no-store');
    res.json({ contacts, meta: { pageSize: contacts.length } });
  });
  router.get('/:sid/Export', async (req, res) => {
    const { sid } = parse(contactSid, req.params, 'path');
    res.setHeader('Content-Disposition', `attachment; filename="contact-${sid}.json"`);
    res.setHeader('Cache-Control', 'no-store');
    res.json(await core.privacy.exportContact(sid));
  });
  router.delete('/:sid', async (req, res) => {
    const { sid } = parse(contactSid, req.params, 'path');
    res.json(await core.privacy.eraseContact(sid));
  });
  return router;
}
