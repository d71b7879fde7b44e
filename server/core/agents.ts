/**
 * Agents as accounts: sign-in (username + password against the worker's scrypt hash, with a
 * per-account backoff), the sessions it opens, and the changes that end them.
 *
 * An agent token carries the worker's token version. Changing the password, disabling or
 * deleting the worker bumps or removes that version, so every token signed before stops
 * working at once, on every node: `authenticate` is what each transport asks, and
 * `worker.revoked` tells the transports to close the sockets already open.
 */
import { conflict, notFound, ParleyError } from '../errors.ts';
import type { Clock } from '../ids.ts';
import type { Activity, AgentSessionResponse, WorkerDTO } from '../protocol.ts';
import type { NewWorker, Store, Worker } from '../store/types.ts';
import type { EventBus } from './events.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import type { Routing } from './routing/index.ts';
import { workerView } from './routing/views.ts';
import { createSignInBackoff, type SignInBackoffOptions } from './sign-in-backoff.ts';
import type { Tokens } from './tokens.ts';

/** Who asks, on routes open to both staff credentials: the admin key, or an agent's session. */
export type StaffViewer = { kind: 'admin' } | { kind: 'agent'; workerSid: string };

export type Agents = ReturnType<typeof createAgents>;

export interface AgentsDeps {
  store: Store;
  tokens: Tokens;
  events: EventBus;
  routing: Routing;
  clock: Clock;
  signInBackoff?: Partial<SignInBackoffOptions>;
}

/** What the admin API may change on a worker. */
export interface WorkerChange {
  friendlyName?: string;
  /** A built-in activity's name or sid, or a custom activity's sid. */
  activity?: Activity | string;
  capacity?: number;
  attributes?: Record<string, unknown>;
  username?: string;
  password?: string;
  disabled?: boolean;
}

const invalidCredentials = () => new ParleyError('invalid_credentials', 'Wrong username or password', 401);

/** A UNIQUE constraint refused the write (SQLite or PostgreSQL). */
const isUniqueViolation = (err: unknown) => {
  const code = (err as { code?: string }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
};

const usernameTaken = (username: string) =>
  conflict(`Username "${username}" belongs to another worker: pick another username`);

/** Holds through a race: the offer or task changed on its own while the worker was removed. */
async function unlessGone(work: Promise<unknown>) {
  try {
    await work;
  } catch (err) {
    if (!(err instanceof ParleyError && (err.status === 404 || err.status === 409))) throw err;
  }
}

export function createAgents({ store, tokens, events, routing, clock, signInBackoff }: AgentsDeps) {
  const backoff = createSignInBackoff(store, clock, signInBackoff);

  async function assertUsernameFree(username: string, workerSid?: string) {
    const holder = await store.workers.getByUsername(username);
    if (holder && holder.sid !== workerSid) throw usernameTaken(username);
  }

  /**
   * Gives the worker's work back to routing: offers are released to the next agent, chats it
   * holds go back to their queue as transfers (the next agent sees the history and a note),
   * chats it was wrapping are completed.
   */
  async function releaseWork(workerSid: string) {
    for (const reservation of await store.reservations.list({ workerSid, status: 'pending' })) {
      await unlessGone(routing.reject(null, reservation.sid));
    }
    for (const task of await store.tasks.list({ workerSid, status: 'assigned' })) {
      const note = 'The agent who held this chat is no longer available';
      await unlessGone(routing.transfer(workerSid, { taskSid: task.sid, queueSid: task.queueSid, note }));
    }
    for (const task of await store.tasks.list({ workerSid, status: 'wrapping' })) {
      await unlessGone(routing.complete(workerSid, task.sid));
    }
  }

  return {
    /**
     * Signs an agent in. Unknown usernames and wrong passwords get the same answer; a username
     * with too many failures gets `SignInLocked` (429) until its lock passes.
     */
    async signIn(username: string, password: string): Promise<AgentSessionResponse> {
      await backoff.begin(username);
      const worker = await store.workers.getByUsername(username);
      const ok = await verifyPassword(password, worker?.passwordHash ?? null);
      if (!worker || !ok) throw invalidCredentials();
      await backoff.succeeded(username);
      if (worker.disabled) {
        throw new ParleyError('worker_disabled', 'This agent account is disabled: ask an administrator', 403);
      }
      const claims = { kind: 'agent', workerSid: worker.sid, version: worker.tokenVersion } as const;
      const { token, expiresAt } = tokens.sign(claims);
      return { token, expiresAt, worker: workerView(worker) };
    },

    /** The worker an agent token belongs to, if the token is valid and still current; else null. */
    async authenticate(token: unknown): Promise<Worker | null> {
      const claims = tokens.verify(token);
      if (claims?.kind !== 'agent') return null;
      const worker = await store.workers.get(claims.workerSid);
      if (!worker || worker.disabled || (claims.version ?? 0) !== worker.tokenVersion) return null;
      return worker;
    },

    /** Creates a worker, hashing its password when it has one. Usernames are unique (409). */
    async createWorker(input: Omit<NewWorker, 'passwordHash'> & { password?: string }) {
      const { password, ...rest } = input;
      if (rest.username) await assertUsernameFree(rest.username);
      try {
        const worker = await store.workers.create({
          ...rest,
          passwordHash: password ? await hashPassword(password) : null,
        });
        return workerView(worker);
      } catch (err) {
        if (rest.username && isUniqueViolation(err)) throw usernameTaken(rest.username);
        throw err;
      }
    },

    /**
     * Changes a worker. A new password or `disabled: true` ends every session of the worker at
     * once; disabling also sets it Offline and gives its work back to routing.
     */
    async updateWorker(workerSid: string, change: WorkerChange): Promise<WorkerDTO> {
      const { username, password, disabled, ...routingPatch } = change;
      const current = await store.workers.get(workerSid);
      if (!current) throw notFound('Worker', workerSid);
      const disabling = disabled === true && !current.disabled;
      if ((disabled ?? current.disabled) && routingPatch.activity && routingPatch.activity !== 'Offline') {
        throw conflict(`Worker ${workerSid} is disabled: send "disabled": false before setting its activity`);
      }
      if (username !== undefined && username !== current.username)
        await assertUsernameFree(username, workerSid);
      const revoke = password !== undefined || disabling;
      if (username !== undefined || password !== undefined || disabled !== undefined) {
        try {
          await store.workers.update(workerSid, {
            username,
            passwordHash: password === undefined ? undefined : await hashPassword(password),
            disabled,
            revokeSessions: revoke,
          });
        } catch (err) {
          if (username && isUniqueViolation(err)) throw usernameTaken(username);
          throw err;
        }
      }
      // A new password set by an administrator lifts a lock someone else's guesses put on the account.
      const signsInAs = username ?? current.username;
      if (password !== undefined && signsInAs) await backoff.succeeded(signsInAs);
      const worker = await routing.updateWorker(workerSid, {
        ...routingPatch,
        ...(disabling && { activity: 'Offline' as const }),
      });
      if (revoke) events.emit('worker.revoked', workerSid);
      if (disabling) await releaseWork(workerSid);
      return worker;
    },

    /**
     * Deletes a worker: its sessions end at once, its work goes back to routing as when it is
     * disabled, then the worker and its reservations are removed (its tasks and messages keep
     * its sid as history).
     */
    async deleteWorker(workerSid: string): Promise<void> {
      if (!(await store.workers.get(workerSid))) throw notFound('Worker', workerSid);
      const revoked = await store.workers.update(workerSid, {
        disabled: true,
        revokeSessions: true,
        activity: 'Offline',
      });
      events.emit('worker.revoked', workerSid);
      events.emit('worker.updated', workerView(revoked));
      await releaseWork(workerSid);
      await store.workers.delete(workerSid);
    },
  };
}
