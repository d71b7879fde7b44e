/**
 * Signing in and keeping the agent's session token. The token lives in sessionStorage, so a
 * reload stays signed in while closing the tab signs out, as a shared desk computer needs.
 */
import type { AgentSessionResponse, ErrorBody } from '../../../protocol.ts';

const SESSION_KEY = 'parley.agent.session';

export type AgentSession = AgentSessionResponse;

/**
 * Exchanges a username and password for a session.
 * Throws an Error whose message can be shown to the agent as it is.
 */
export async function signIn(username: string, password: string): Promise<AgentSession> {
  let response: Response;
  try {
    response = await fetch('/v1/AgentSessions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
  } catch {
    throw new Error('Cannot reach the server. Check your connection and try again.');
  }
  if (response.ok) return (await response.json()) as AgentSession;
  if (response.status === 401) throw new Error('Wrong username or password.');
  if (response.status === 429) throw new Error('Too many sign-in attempts. Wait a minute, then try again.');
  const body = (await response.json().catch(() => null)) as Partial<ErrorBody> | null;
  throw new Error(body?.message ?? `Sign-in failed (HTTP ${response.status}).`);
}

export function loadSession(storage: Storage = sessionStorage): AgentSession | null {
  try {
    const session = JSON.parse(storage.getItem(SESSION_KEY) ?? 'null') as AgentSession | null;
    if (!session?.token) return null;
    if (Date.parse(session.expiresAt) <= Date.now()) return null;
    return session;
  } catch {
    return null;
  }
}

export function saveSession(session: AgentSession, storage: Storage = sessionStorage): void {
  storage.setItem(SESSION_KEY, JSON.stringify(session));
}

export function clearSession(storage: Storage = sessionStorage): void {
  storage.removeItem(SESSION_KEY);
}
