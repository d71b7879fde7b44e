/**
 * Routes open to both staff credentials (canned responses, search): an agent's session token,
 * checked as current, or the admin key. Returns who asks, or refuses with 401 naming the route.
 * With admin sessions given, an admin console session counts as the admin key.
 */
import type { Request } from 'express';
import type { StaffViewer } from '../core/agents.ts';
import type { Core } from '../core/index.ts';
import { ParleyError } from '../errors.ts';
import { adminCheck } from './admin-auth.ts';
import type { AdminSessions } from './admin-session.ts';

/** @example const viewerOf = staffViewer(core, adminKey, 'Canned responses need'); */
export function staffViewer(core: Core, adminKey: string, needs: string, adminSessions?: AdminSessions) {
  const isAdmin = adminCheck(adminKey);
  return async function viewerOf(req: Request): Promise<StaffViewer> {
    const token = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    const actor = token && adminSessions ? await adminSessions.actorOf(token) : null;
    if (actor && typeof actor === 'object') return { kind: 'admin' };
    const worker = token ? await core.agents.authenticate(token) : null;
    if (worker) return { kind: 'agent', workerSid: worker.sid };
    if (isAdmin(req)) return { kind: 'admin' };
    throw new ParleyError(
      'unauthorized',
      `${needs} Authorization: Bearer <PARLEY_ADMIN_KEY>, or an agent session token`,
      401,
    );
  };
}
