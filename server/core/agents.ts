/** Agent sign-in: username + password against the worker's scrypt hash, answered with a token. */
import { ParleyError } from '../errors.ts';
import type { AgentSessionResponse } from '../protocol.ts';
import type { NewWorker, Store } from '../store/types.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { workerView } from './routing/views.ts';
import type { Tokens } from './tokens.ts';

export type Agents = ReturnType<typeof createAgents>;

export function createAgents({ store, tokens }: { store: Store; tokens: Tokens }) {
  return {
    async signIn(username: string, password: string): Promise<AgentSessionResponse> {
      const worker = await store.workers.getByUsername(username);
      const ok = await verifyPassword(password, worker?.passwordHash ?? null);
      if (!worker || !ok) throw new ParleyError('invalid_credentials', 'Wrong username or password', 401);
      const { token, expiresAt } = tokens.sign({ kind: 'agent', workerSid: worker.sid });
      return { token, expiresAt, worker: workerView(worker) };
    },

    /** Creates a worker, hashing its password when it has one. */
    async createWorker(input: Omit<NewWorker, 'passwordHash'> & { password?: string }) {
      const { password, ...rest } = input;
      const worker = await store.workers.create({
        ...rest,
        passwordHash: password ? await hashPassword(password) : null,
      });
      return workerView(worker);
    },
  };
}
