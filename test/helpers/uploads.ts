/**
 * Uploads as a client streams them: `POST /media/:channelSid` over node:http, the body written
 * in 64 KiB pieces as the server reads them (never built whole in memory), with or without a
 * Content-Length, optionally cut off part way like a client that goes away.
 */
import { request } from 'node:http';

/** The smallest valid PNG: a 1×1 transparent pixel. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

export interface StreamUpload {
  filename: string;
  /** Total bytes sent: `head`, then filler (`a` for .txt, zeros otherwise). */
  size: number;
  head?: Buffer;
  /** Send a Content-Length (default) or a chunked body of unknown length. */
  declareLength?: boolean;
  /** Destroy the request after this many bytes, as a client that goes away. */
  abortAfter?: number;
  /** Awaited at the abort point before the request is destroyed (e.g. until the server is writing). */
  beforeAbort?: () => Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the server answers
export type UploadResult = { status: number; body: any };

export function streamUpload(
  url: string,
  channelSid: string,
  token: string,
  { filename, size, head = Buffer.alloc(0), declareLength = true, abortAfter, beforeAbort }: StreamUpload,
): Promise<UploadResult> {
  const filler = Buffer.alloc(65_536, filename.endsWith('.txt') ? 0x61 : 0);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(`${url}/media/${channelSid}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/octet-stream',
        'x-filename': encodeURIComponent(filename),
        ...(declareLength && { 'content-length': String(size) }),
      },
    });
    req.on('response', (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }),
      );
      res.on('error', reject);
    });
    // The server may answer (a refusal) and close while the body is still going out.
    req.on('error', (err) => {
      if (!answered && abortAfter === undefined) reject(err);
    });
    let sent = 0;
    const write = () => {
      while (!answered && sent < size) {
        if (abortAfter !== undefined && sent >= abortAfter) {
          (beforeAbort?.() ?? Promise.resolve()).then(() => {
            req.destroy();
            resolve({ status: 0, body: undefined });
          }, reject);
          return;
        }
        // Pieces stop at the abort point, so the cut comes where it was asked for.
        const room = Math.min(65_536, size - sent, abortAfter === undefined ? 65_536 : abortAfter - sent);
        const piece = sent < head.length ? head.subarray(sent, sent + room) : filler.subarray(0, room);
        sent += piece.length;
        if (!req.write(piece)) {
          req.once('drain', write);
          return;
        }
      }
      if (!answered) req.end();
    };
    write();
  });
}
