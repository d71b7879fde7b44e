/**
 * Files in a conversation, through the same authorised route the widget uses
 * (`POST /media/:channelSid`, `GET /media/:mediaSid`): the agent's session token travels in
 * the `Authorization` header, never in a URL, so a copied link opens nothing on its own.
 */

/** What a message's `attributes.media` holds: the stored file, as the upload answered it. */
export interface MediaInfo {
  sid: string;
  filename: string;
  contentType: string;
  size: number;
}

/** The media a message carries, or null when its attributes hold none (or something else). */
export function mediaOf(attributes: Record<string, unknown>): MediaInfo | null {
  const media = attributes.media as Partial<MediaInfo> | undefined;
  if (!media || typeof media !== 'object') return null;
  const { sid, filename, contentType, size } = media;
  if (typeof sid !== 'string' || typeof filename !== 'string' || typeof contentType !== 'string') return null;
  return { sid, filename, contentType, size: typeof size === 'number' ? size : 0 };
}

/** Images a browser shows inline; anything else is offered as a download. */
export const isPreviewable = (media: MediaInfo) => /^image\/(png|jpeg|gif|webp)$/.test(media.contentType);

/** `sizeText(2_500_000)` → "2.4 MB" */
export const sizeText = (bytes: number) =>
  bytes >= 1048576 ? `${Math.round(bytes / 104857.6) / 10} MB` : `${Math.max(1, Math.ceil(bytes / 1024))} KB`;

/**
 * Uploads one file into a chat the agent holds and returns its record, ready to be sent as a
 * message's `attributes.media`. Throws an Error whose message can be shown as it is.
 */
export async function uploadMedia(token: string, channelSid: string, file: File): Promise<MediaInfo> {
  let response: Response;
  try {
    response = await fetch(`/media/${encodeURIComponent(channelSid)}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': file.type || 'application/octet-stream',
        'x-filename': encodeURIComponent(file.name),
      },
      body: file,
    });
  } catch {
    throw new Error(`${file.name} was not sent: the server cannot be reached.`);
  }
  const reply = (await response.json().catch(() => ({}))) as Partial<MediaInfo> & { message?: string };
  if (!response.ok) throw new Error(`${file.name} was not sent: ${reply.message ?? response.statusText}`);
  return reply as MediaInfo;
}

/** The file's bytes as a blob (for a preview or a download), or null when it is not available. */
export async function fetchMedia(token: string, mediaSid: string): Promise<Blob | null> {
  const response = await fetch(`/media/${encodeURIComponent(mediaSid)}`, {
    headers: { authorization: `Bearer ${token}` },
  }).catch(() => null);
  return response?.ok ? response.blob() : null;
}
