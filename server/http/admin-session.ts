/**
 * Admin console sessions: `POST /v1/AdminSessions` signs a worker holding the `admin` role in
 * (the same per-account backoff and per-address limit as the agent desktop's sign-in), and
 * answers an agent token marked `scope: "admin"`. Only such a token authorises the admin REST
 * API (see admin-auth.ts), so the console uses the API automation uses while a desk session
 * never does, even an admin's. It stays an agent token of the worker's own: a new password,
 * disabling or deleting the worker ends the console session at once, on every node, and
 * taking the admin role away ends its access at the next request.
 */
import { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Core } from '../core/index.ts';
import { DEMO_AGENT } from '../core/seed.ts';
import { SignInLocked } from '../core/sign-in-backoff.ts';
import type { TokenClaims } from '../core/tokens.ts';
import { forbidden } from '../errors.ts';
import { parse } from '../schemas.ts';
import type { AuditActor, Worker } from '../store/types.ts';
import { counterStore } from './rate-limit-store.ts';
import { schemas } from './schemas.ts';

export const ADMIN_ROLE = 'admin';

/** The worker's `roles` attribute: ["agent", "supervisor", "admin"] or some of them. */
export function rolesOf(worker: Pick<Worker, 'attributes'>): string[] {
  const roles = worker.attributes.roles;
  return Array.isArray(roles) ? roles.filter((role): role is string => typeof role === 'string') : [];
}

/**
 * Whether a worker may use the admin console. In demo mode the demo's agent may too, so
 * `npm start` shows the console without a setup step; `parley serve` never grants that.
 */
export function isAdminWorker(worker: Pick<Worker, 'attributes' | 'username'>, demo: boolean): boolean {
  return rolesOf(worker).includes(ADMIN_ROLE) || (demo && worker.username === DEMO_AGENT.username);
}

/** An agent token with one claim more, which the agent desktop's sign-in never sets. */
type AdminClaims = { kind: 'agent'; workerSid: string; version: number; scope: 'admin' };

const isAdminScoped = (claims: unknown) => (claims as Partial<AdminClaims> | null)?.scope === 'admin';

export interface AdminSessions {
  /**
   * The actor a Bearer token stands for: an admin worker; `'not_admin'` for a console session
   * whose worker lost the admin role; null for anything else (no console session).
   */
  actorOf(token: string): Promise<AuditActor | 'not_admin' | null>;
}

export function createAdminSessions(core: Pick<Core, 'agents' | 'tokens'>, demo: boolean): AdminSessions {
  return {
    async actorOf(token) {
      if (!isAdminScoped(core.tokens.verify(token))) return null;
      const worker = await core.agents.authenticate(token);
      if (!worker) return null;
      if (!isAdminWorker(worker, demo)) return 'not_admin';
      return { kind: 'worker', workerSid: worker.sid, name: worker.username ?? worker.friendlyName };
    },
  };
}

export function adminSessionsRouter(core: Core, demo: boolean, signInPerMinute: number): Router {
  const router = Router();
  router.post(
    '/v1/AdminSessions',
    rateLimit({
      windowMs: 60_000,
      limit: signInPerMinute,
      // The same budget as the agent desktop's sign-in: one address guesses at one rate.
      store: counterStore(core.counter, 'http:signin'),
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      handler: (_req, res) => {
        const message = 'Too many sign-in attempts: wait a minute and try again';
        res.status(429).json({ code: 'rate_limited', message, status: 429 });
      },
    }),
    async (req, res) => {
      const { username, password } = parse(schemas.agentSession, req.body);
      let session: Awaited<ReturnType<typeof core.agents.signIn>>;
      try {
        session = await core.agents.signIn(username, password);
      } catch (err) {
        if (err instanceof SignInLocked) res.setHeader('Retry-After', String(err.retryAfterSeconds));
        throw err;
      }
      const worker = await core.store.workers.get(session.worker.sid);
      if (!worker || !isAdminWorker(worker, demo)) {
        throw forbidden(
          `${username} does not hold the admin role: an administrator can add "admin" to its roles under Agents, or run parley admin create-user`,
        );
      }
      await core.store.audit.record({
        actor: { kind: 'worker', workerSid: worker.sid, name: username },
        action: 'sign_in',
        resourceType: 'AdminSessions',
        resourceSid: worker.sid,
        request: 'POST /v1/AdminSessions',
        before: null,
        after: null,
      });
      // Signed like the desk's token, so the agents service checks and revokes it the same way.
      const claims: AdminClaims = {
        kind: 'agent',
        workerSid: worker.sid,
        version: worker.tokenVersion,
        scope: 'admin',
      };
      const { token, expiresAt } = core.tokens.sign(claims as TokenClaims);
      res.status(201).json({ ...session, token, expiresAt });
    },
  );
  return router;
}
