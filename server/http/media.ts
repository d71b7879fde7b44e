/**
 * `POST /media/:channelSid` (upload) and `GET /media/:mediaSid` (download) for conversation
 * members only: a visitor with a token for that channel, or an agent holding a task on it.
 * Tokens come in `Authorization: Bearer …` (never in a URL). Downloads carry the sniffed
 * type, `Content-Disposition` (inline only for images), `nosniff` and no caching. CORS is
 * open to any origin: no cookies are involved, the bearer token is the only credential.
 */
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import type { Core } from '../core/index.ts';
import { createMediaService, DEFAULT_MAX_FILE_SIZE, type MediaService } from '../core/media.ts';
import { ParleyError } from '../errors.ts';

export interface MediaRouterOptions {
  core: Core;
  dataDir: string;
  maxFileSize?: number;
  /** A media service of your own (tests); else files under `<dataDir>/media`. */
  media?: MediaService;
}

const unauthorized = () =>
  new ParleyError('unauthorized', 'Send the session token as `Authorization: Bearer <token>`', 401);
const notMember = () =>
  new ParleyError('forbidden', 'Only members of this conversation may use its files', 403);

export function mediaRouter({
  core,
  dataDir,
  maxFileSize = DEFAULT_MAX_FILE_SIZE,
  media,
}: MediaRouterOptions) {
  const service = media ?? createMediaService({ dataDir, maxFileSize });
  const router = Router();

  /** Who may touch a channel's files: its visitor, or an agent holding it. Returns the uploader id. */
  async function authorize(req: Request, channelSid: string): Promise<string> {
    const token = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    const claims = token ? core.tokens.verify(token) : null;
    if (!claims) throw unauthorized();
    if (claims.kind === 'visitor') {
      if (claims.channelSid !== channelSid) throw notMember();
      return claims.contactSid;
    }
    // A revoked agent token (worker deleted, disabled, password changed) is no token at all.
    if (!(await core.agents.authenticate(token))) throw unauthorized();
    await core.routing.assertHolds(claims.workerSid, channelSid);
    return claims.workerSid;
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

  router.post(
    '/media/:channelSid',
    express.raw({ type: () => true, limit: maxFileSize }),
    async (req: Request<{ channelSid: string }>, res: Response) => {
      const uploadedBy = await authorize(req, req.params.channelSid);
      let filename = 'file';
      try {
        filename = decodeURIComponent(req.get('x-filename') ?? 'file');
      } catch {
        throw new ParleyError('invalid_request', 'X-Filename must be URI-encoded (encodeURIComponent)', 400);
      }
      const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const record = await service.store({ channelSid: req.params.channelSid, filename, bytes, uploadedBy });
      const { sid, contentType, size } = record;
      res.status(201).json({ sid, filename: record.filename, contentType, size });
    },
  );

  router.get('/media/:mediaSid', async (req: Request<{ mediaSid: string }>, res: Response) => {
    const record = await service.describe(req.params.mediaSid);
    if (!record) throw new ParleyError('not_found', `Media ${req.params.mediaSid} was not found`, 404);
    await authorize(req, record.channelSid);
    const stored = await service.read(record.sid);
    if (!stored) throw new ParleyError('not_found', `Media ${record.sid} was not found`, 404);
    const inline = record.contentType.startsWith('image/');
    res.setHeader('Content-Type', record.contentType);
    res.setHeader(
      'Content-Disposition',
      `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(record.filename)}`,
    );
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.send(stored.bytes);
  });

  // An oversize body is refused by express.raw before it is read to the end.
  router.use('/media', (err: unknown, _req: Request, _res: Response, next: NextFunction) => {
    const status = (err as { status?: number })?.status;
    if (status === 413) {
      next(new ParleyError('file_too_large', `The file is larger than ${maxFileSize} bytes`, 413));
    } else next(err);
  });
  return router;
}
