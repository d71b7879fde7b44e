/** Real socket.io-client visitors and agents for integration tests. */
import { io, type Socket } from 'socket.io-client';
import type {
  AgentClientEvents,
  AgentServerEvents,
  AgentSessionResponse,
  WebChannelResponse,
  WebchatClientEvents,
  WebchatServerEvents,
} from '../../server/protocol.ts';

export type VisitorSocket = Socket<WebchatServerEvents, WebchatClientEvents>;
export type AgentSocket = Socket<AgentServerEvents, AgentClientEvents>;

export async function openWebChannel(
  url: string,
  body: Record<string, unknown>,
): Promise<WebChannelResponse> {
  const res = await fetch(`${url}/v1/WebChannels`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`WebChannels answered ${res.status}: ${await res.text()}`);
  return res.json() as Promise<WebChannelResponse>;
}

export async function signIn(
  url: string,
  username = 'agent',
  password = 'agent',
): Promise<AgentSessionResponse> {
  const res = await fetch(`${url}/v1/AgentSessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 201) throw new Error(`AgentSessions answered ${res.status}: ${await res.text()}`);
  return res.json() as Promise<AgentSessionResponse>;
}

function connect<S extends Socket>(
  url: string,
  token: string,
  extraHeaders: Record<string, string>,
): Promise<S> {
  const socket = io(url, { auth: { token }, transports: ['websocket'], extraHeaders, forceNew: true }) as S;
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

export const connectVisitor = (url: string, token: string, origin = url) =>
  connect<VisitorSocket>(`${url}/webchat`, token, { origin });

export const connectAgent = (url: string, token: string) => connect<AgentSocket>(`${url}/agent`, token, {});

/** Emits a request event and resolves with its ack. */
export function request<T>(socket: Socket, event: string, payload: unknown = {}): Promise<T> {
  return new Promise((resolve) => {
    (socket.emit as (event: string, ...args: unknown[]) => void)(event, payload, resolve);
  });
}

/** Resolves with the next `event` for which `match` holds. */
export function next<T>(
  socket: Socket,
  event: string,
  match: (payload: T) => boolean = () => true,
  timeoutMs = 5000,
) {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: T) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(payload);
    };
    socket.on(event, listener);
  });
}
