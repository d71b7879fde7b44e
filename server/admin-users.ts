/**
 * The first administrator of a deployment: `parley admin create-user` makes one (or gives an
 * existing worker the admin role and a new password), and `PARLEY_ADMIN_BOOTSTRAP`
 * (`username:password`) makes one when `parley serve` starts on a database where no worker
 * holds the admin role yet. Once an admin exists, the bootstrap variable changes nothing.
 */
import { hashPassword } from './core/passwords.ts';
import { ADMIN_ROLE, rolesOf } from './http/admin-session.ts';
import type { Store, Worker } from './store/types.ts';

export interface AdminUser {
  username: string;
  password: string;
  friendlyName?: string;
}

/** At least this long: the account can change every setting of the deployment. */
export const MIN_ADMIN_PASSWORD = 10;

/** Why this password may not be an admin's, or null when it may. */
export function adminPasswordProblem(password: string): string | null {
  return password.length < MIN_ADMIN_PASSWORD
    ? `an admin password needs at least ${MIN_ADMIN_PASSWORD} characters`
    : null;
}

/**
 * Creates the admin worker, or, when the username exists, adds the admin role to it, sets the
 * password and re-enables it (the way back in for a locked-out operator). Returns the worker
 * and whether it was created.
 */
export async function createAdminUser(
  store: Store,
  user: AdminUser,
): Promise<{ worker: Worker; created: boolean }> {
  const passwordHash = await hashPassword(user.password);
  const existing = await store.workers.getByUsername(user.username);
  if (!existing) {
    const worker = await store.workers.create({
      friendlyName: user.friendlyName ?? user.username,
      username: user.username,
      passwordHash,
      activity: 'Offline',
      capacity: 1,
      attributes: { roles: [ADMIN_ROLE] },
    });
    return { worker, created: true };
  }
  const roles = rolesOf(existing);
  const attributes = roles.includes(ADMIN_ROLE)
    ? existing.attributes
    : { ...existing.attributes, roles: [...roles, ADMIN_ROLE] };
  const worker = await store.workers.update(existing.sid, {
    passwordHash,
    attributes,
    disabled: false,
    revokeSessions: true,
  });
  await store.workers.clearSignInAttempts(user.username);
  return { worker, created: false };
}

/** Creates the bootstrap admin unless some worker already holds the admin role; true if it did. */
export async function bootstrapAdmin(store: Store, user: AdminUser): Promise<boolean> {
  const workers = await store.workers.list();
  if (workers.some((worker) => rolesOf(worker).includes(ADMIN_ROLE))) return false;
  // Several nodes may start at once: one of them creates the admin.
  if (!(await store.claimOnce('admin-bootstrap'))) return false;
  await createAdminUser(store, user);
  return true;
}
