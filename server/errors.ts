/**
 * The one error class of the server. Every transport turns it into its own shape:
 * REST answers `{ code, message, status }`, socket acks `{ error: { code, message } }`.
 */
export class ParleyError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'ParleyError';
  }
}

export const notFound = (what: string, sid: string) =>
  new ParleyError('not_found', `${what} ${sid} was not found`, 404);

export const conflict = (message: string) => new ParleyError('conflict', message, 409);

export const forbidden = (message: string) => new ParleyError('forbidden', message, 403);

/** A second channel given a unique name that one already has (Twilio's code 50353). */
export const uniqueNameTaken = (name: string) =>
  new ParleyError(
    'unique_name_taken',
    `UniqueName: a conversation named ${JSON.stringify(name)} already exists; address it by that name, or choose another`,
    409,
  );

/** An If-Match that names a version the resource has moved on from (HTTP 412). */
export const changedSince = (resource: { sid: string; revision: number }) =>
  new ParleyError(
    'precondition_failed',
    `If-Match: ${resource.sid} has changed since that ETag (it is now "${resource.revision}"); fetch it again and retry with its ETag`,
    412,
  );

/** Shape of an error for the wire, whatever was thrown. Unknown errors hide their details. */
export function toErrorBody(err: unknown): { code: string; message: string; status: number } {
  if (err instanceof ParleyError) return { code: err.code, message: err.message, status: err.status };
  return { code: 'internal', message: 'Something went wrong on the server', status: 500 };
}
