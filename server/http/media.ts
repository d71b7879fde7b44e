/**
 * `POST /media/:channelSid` (upload) and `GET /media/:mediaSid` (download) for conversation
 * members only: a visitor with a token for that channel, or an agent holding a task on it.
 * Tokens come in `Authorization: Bearer …` (never in a URL). A download may instead carry a
 * signed, expiring link's `expires` and `signature` (core/media-links.ts): that is how a
 * messaging provider fetches an agent's attachment sent as `MediaUrl`. Visitors' downloads
 * are limited in megabytes per address per minute. Uploads stream into the file
 * storage (the body is never held whole in memory); visitors' uploads are limited per
 * address per minute. Downloads stream back with the sniffed type, `Content-Disposition`
 * (inline only for images), `nosniff` and no caching. CORS is open to any origin: no cookies
 * are involved, the bearer token is the only credential.
 */
import { pipeline } from 'node:stream';
import { type NextFunction, type Request, type Response, Router } from 'express';
import type { Core } from '../core/index.ts';
import { addressKey } from '../core/rate-counter.ts';
import { ParleyError } from '../errors.ts';

export interface MediaRouterOptions {
  core: Core;
  /** Megabytes visitors at one address may download a minute (DOWNLOAD_MB_PER_MINUTE_PER_IP). */
  downloadMbPerMinutePerIp?: number;
}

/**
 * Megabytes of files visitors at one address may download a minute. A chat's images are
 * fetched again on every page the widget opens on (they are never cached), so this leaves a
 * real visitor ample room; without it, one visitor downloading their own 10 MB file in a
 * loop had the server send 160 MB a second at most of its CPU.
 */
export const DOWNLOAD_MB_PER_MINUTE_PER_IP = 500;
const MB = 1024 * 1024;

const unauthorized = () =>
  new ParleyError('unauthorized', 'Send the session token as `Authorization: Bearer <token>`', 401);
const notMember = () =>
  new ParleyError('forbidden', 'Only members of this conversation may use its files', 403);

export function mediaRouter({
  core,
  downloadMbPerMinutePerIp = DOWNLOAD_MB_PER_MINUTE_PER_IP,
}: MediaRouterOptions) {
  const router = Router();
  const { uploadsPerMinutePerIp } = core.media.limits;
  /** True while this address is under its upload budget (shared across nodes with Redis). */
  const perAddress = async (address: string) =>
    (await core.counter.hit(`upload:ip:${addressKey(address)}`, 60_000)) <= uploadsPerMinutePerIp;

  /** Who may touch a channel's files: its visitor, or an agent holding it. */
  async function authorize(req: Request, channelSid: string) {
    const token = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    const claims = token ? core.tokens.verify(token) : null;
    if (!claims) throw unauthorized();
    if (claims.kind === 'visitor') {
      if (claims.channelSid !== channelSid) throw notMember();
      return { kind: 'visitor' as const, uploadedBy: claims.contactSid };
    }
    // A revoked agent token (worker deleted, disabled, password changed) is no token at all.
    if (!(await core.agents.authenticate(token))) throw unauthorized();
    await core.routing.assertHolds(claims.workerSid, channelSid);
    return { kind: 'agent' as const, uploadedBy: claims.workerSid };
  }

  router.use('/media', (req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Access-Control-Allow-Origin', req.get('origin') ?? '*');
    res.setHeader('Vary', 'Origin');
    res.setHeader('Access-Control-Allow-Headers', 'authorization, content-type, x-filename');
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
    res.setHeader('Access-Control-Expose-Headers', 'content-disposition');
    if (req.method === 'OPTIONS') res.status(204).end();
    else next();
  });

  router.post('/media/:channelSid', async (req: Request<{ channelSid: string }>, res: Response) => {
    try {
      const { kind, uploadedBy } = await authorize(req, req.params.channelSid);
      if (kind === 'visitor' && !(await perAddress(req.ip ?? ''))) {
        throw new ParleyError(
          'rate_limited',
          `Too many files sent from this address: at most ${uploadsPerMinutePerIp} a minute; wait a minute and send it again`,
          429,
        );
      }
      let filename = 'file';
      try {
        filename = decodeURIComponent(req.get('x-filename') ?? 'file');
      } catch {
        throw new ParleyError('invalid_request', 'X-Filename must be URI-encoded (encodeURIComponent)', 400);
      }
      const length = req.get('content-length');
      const record = await core.media.upload({
        channelSid: req.params.channelSid,
        filename,
        body: req,
        declaredSize: length === undefined ? undefined : Number(length),
        uploadedBy,
      });
      const { sid, contentType, size } = record;
      res.status(201).json({ sid, filename: record.filename, contentType, size });
    } catch (err) {
      dropRestOfBody(req, res);
      throw err;
    }
  });

  router.get('/media/:mediaSid', async (req: Request<{ mediaSid: string }>, res: Response) => {
    const record = await core.media.describe(req.params.mediaSid);
    if (!record) throw new ParleyError('not_found', `Media ${req.params.mediaSid} was not found`, 404);
    if (req.query.signature !== undefined) {
      if (!core.mediaLinks.verify(record.sid, req.query.expires, req.query.signature)) {
        throw new ParleyError(
          'forbidden',
          'This media link has expired or is not valid: ask for a new one',
          403,
        );
      }
    } else {
      const { kind } = await authorize(req, record.channelSid);
      const key = `download-mb:ip:${addressKey(req.ip ?? '')}`;
      const weight = Math.max(1, Math.ceil(record.size / MB));
      if (kind === 'visitor' && (await core.counter.hit(key, 60_000, weight)) > downloadMbPerMinutePerIp) {
        res.setHeader(
          'Retry-After',
          String(Math.ceil((core.counter.resetAt(key, 60_000) - Date.now()) / 1000)),
        );
        throw new ParleyError(
          'rate_limited',
          `Too many files downloaded from this address: at most ${downloadMbPerMinutePerIp} MB a minute; wait a minute and try again`,
          429,
        );
      }
    }
    const stored = await core.media.open(record.sid);
    if (!stored) throw new ParleyError('not_found', `Media ${record.sid} was not found`, 404);
    const inline = record.contentType.startsWith('image/');
    res.setHeader('Content-Type', record.contentType);
    res.setHeader('Content-Length', String(record.size));
    res.setHeader(
      'Content-Disposition',
      `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(record.filename)}`,
    );
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    // pipeline, not pipe: a reader who goes away also closes the storage's stream (an S3
    // response would otherwise hold its connection). Once the headers are out, a failure can
    // only cut the response short, which pipeline does; the client sees a truncated body.
    pipeline(stored.body, res, () => {});
  });
  return router;
}

/**
 * Before a refused upload is answered: the client may still be sending the body. The answer
 * goes out with `Connection: close`, what is left of the body is read and dropped (never
 * stored), and the connection is cut if the client keeps sending long after the answer.
 */
function dropRestOfBody(req: Request, res: Response) {
  if (req.complete) return;
  res.setHeader('Connection', 'close');
  req.resume();
  const cut = setTimeout(() => req.socket.destroy(), 5_000);
  cut.unref();
  req.once('end', () => clearTimeout(cut));
}
