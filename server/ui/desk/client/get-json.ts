/**
 * A GET with the agent's session token, for the desk's REST reads. The server decides what
 * the token may read; a refusal or a bad request throws an Error carrying the server's
 * message (it says what to change), else `failure`.
 */
export async function getJson<T>(token: string, path: string, failure: string): Promise<T> {
  const response = await fetch(path, { headers: { authorization: `Bearer ${token}` } }).catch(() => null);
  if (!response) throw new Error(`${failure} Check the connection and try again.`);
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error(body?.message ?? failure);
  return body as T;
}
