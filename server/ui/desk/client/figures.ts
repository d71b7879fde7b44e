/**
 * Supervisors' figures for the desk: `GET /v1/Figures` read with the supervisor's session
 * token, so the server decides who may see them.
 */
import type { FiguresDTO, Sid } from '../../../protocol.ts';

/** The figures of the last `hours`, for one queue or (null) every queue. */
export async function loadFigures(token: string, hours: number, queueSid: Sid | null): Promise<FiguresDTO> {
  const params = new URLSearchParams({ hours: String(hours) });
  if (queueSid) params.set('queueSid', queueSid);
  const failure = 'The figures could not be loaded.';
  const response = await fetch(`/v1/Figures?${params}`, {
    headers: { authorization: `Bearer ${token}` },
  }).catch(() => null);
  if (!response) throw new Error(`${failure} Check the connection and try again.`);
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error(body?.message ?? failure);
  return body as FiguresDTO;
}
