/**
 * Supervisors' figures for the desk: `GET /v1/Figures` read with the supervisor's session
 * token, so the server decides who may see them.
 */
import type { FiguresDTO, Sid } from '../../../protocol.ts';
import { getJson } from './get-json.ts';

/** The figures of the last `hours`, for one queue or (null) every queue. */
export function loadFigures(token: string, hours: number, queueSid: Sid | null): Promise<FiguresDTO> {
  const params = new URLSearchParams({ hours: String(hours) });
  if (queueSid) params.set('queueSid', queueSid);
  return getJson(token, `/v1/Figures?${params}`, 'The figures could not be loaded.');
}
