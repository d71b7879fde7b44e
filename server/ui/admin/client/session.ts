/**
 * Signing in to the admin console and keeping its session. The token is the admin worker's
 * own agent token (POST /v1/AdminSessions); it lives in sessionStorage, so closing the tab
 * signs out.
 */
import type { AgentSessionResponse, ErrorBody } from '../../../protocol.ts';

const SESSION_KEY = 'parley.admin.session';

export type AdminSession = AgentSessionResponse;

/** Exchanges a username and password for a session; throws an Error to show as it is. */
export async function signIn(username: string, password: string): Promise<AdminSession> {
  let response: Response;
  try {
    response = await fetch('/v1/AdminSessions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
  } catch {
    throw new Error('Cannot reach the server. Check your connection and try again.');
  }
  if (response.ok) return (await response.json()) as AdminSession;
  if (response.status === 401) throw new Error('Wrong username or password.');
  if (response.status === 429) throw new Error('Too many sign-in attempts. Wait a minute, then try again.');
  const body = (await response.json().catch(() => null)) as Partial<ErrorBody> | null;
  throw new Error(body?.message ?? `Sign-in failed (HTTP ${response.status}).`);
}

export function loadSession(storage: Storage = sessionStorage): AdminSession | null {
  try {
    const session = JSON.parse(storage.getItem(SESSION_KEY) ?? 'null') as AdminSession | null;
    if (!session?.token || Date.parse(session.expiresAt) <= Date.now()) return null;
    return session;
  } catch {
    return null;
  }
}

export function saveSession(session: AdminSession, storage: Storage = sessionStorage): void {
  storage.setItem(SESSION_KEY, JSON.stringify(session));
}

export function clearSession(storage: Storage = sessionStorage): void {
  storage.removeItem(SESSION_KEY);
}
