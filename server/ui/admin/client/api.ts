/**
 * The admin REST API as the console calls it: the same `/v1` automation uses, authorised by
 * the console session's token. A 401 means the session ended (password changed, account
 * disabled or deleted): `onSignedOut` takes the console back to sign-in.
 */
import type { ErrorBody } from '../../../protocol.ts';

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    /** Problems a flow validation reports per state, when the API lists them. */
    readonly problems: { state?: string; field?: string; message: string }[] = [],
  ) {
    super(message);
  }
}

export interface Api {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
  del(path: string): Promise<void>;
}

export function createApi(token: string, onSignedOut: (reason: string) => void): Api {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(body !== undefined && { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError('offline', 'Cannot reach the server. Check your connection and try again.', 0);
    }
    if (response.status === 204) return undefined as T;
    const json = (await response.json().catch(() => null)) as (ErrorBody & { problems?: [] }) | null;
    if (response.ok) return json as T;
    if (response.status === 401) onSignedOut('Your session ended. Sign in again.');
    throw new ApiError(
      json?.code ?? 'error',
      json?.message ?? `The server answered HTTP ${response.status}`,
      response.status,
      json?.problems ?? [],
    );
  }
  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    del: (path) => call('DELETE', path),
  };
}
