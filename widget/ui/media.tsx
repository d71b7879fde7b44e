/**
 * Attachments (a lazily loaded chunk): checks a picked or dropped file against the Flex Flow's
 * limits, uploads it to `POST /media/:channelSid` with the session token, then sends a message
 * carrying `attributes.media`. Shows attachments in the log: images as previews, other files
 * as a download button. Media is fetched with the token in a header (never in a URL) and shown
 * from a blob URL.
 */
import { useEffect, useState } from 'preact/hooks';
import { format } from '../i18n';
import { setNotice } from '../state/updates';
import { type AppServices, useApp } from './app-context';
import { css } from './sheet';

export interface MediaInfo {
  sid: string;
  filename: string;
  contentType: string;
  size: number;
}

const sizeText = (bytes: number) =>
  bytes >= 1048576 ? `${Math.round(bytes / 104857.6) / 10} MB` : `${Math.ceil(bytes / 1024)} KB`;

/** Checks, uploads and sends each file in turn; problems show in the window's notice. */
export async function attachFiles(files: File[], { store, strings, actions, serverUrl }: AppServices) {
  const limits = store.get().settings?.fileAttachment;
  const session = actions.session();
  if (!limits?.enabled || !session) return;
  const say = (text: string, error = true) => store.update(setNotice({ text, error }));
  const accepted = limits.acceptedExtensions ?? [];
  const max = limits.maxFileSize ?? Number.POSITIVE_INFINITY;
  for (const file of files) {
    const extension = file.name.includes('.') ? file.name.split('.').pop()?.toLowerCase() : '';
    if (accepted.length && !accepted.includes(extension ?? ''))
      return say(format(strings.fileTypeRefused, file.name, accepted.join(', ')));
    if (file.size > max) return say(format(strings.fileTooLarge, file.name, sizeText(max)));
    say(format(strings.uploading, file.name), false);
    try {
      const response = await fetch(`${serverUrl}/media/${session.channelSid}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${session.token}`,
          'content-type': file.type || 'application/octet-stream',
          'x-filename': encodeURIComponent(file.name),
        },
        body: file,
      });
      const reply = await response.json().catch(() => ({ message: response.statusText }));
      if (!response.ok) throw new Error(reply.message);
      store.update(setNotice(null));
      actions.send(reply.filename, { media: reply });
    } catch (error) {
      return say(format(strings.uploadFailed, file.name, (error as Error).message));
    }
  }
}

/** The media's bytes as a blob URL, fetched with the session token; revoked on unmount. */
function useBlobUrl(media: MediaInfo, wanted: boolean): string | null {
  const { serverUrl, actions } = useApp();
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    const session = actions.session();
    if (!wanted || !session) return;
    let objectUrl: string | undefined;
    let live = true;
    void fetch(`${serverUrl}/media/${media.sid}`, { headers: { authorization: `Bearer ${session.token}` } })
      .then((response) => (response.ok ? response.blob() : null))
      .then((blob) => {
        if (!blob || !live) return;
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
      });
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [media.sid, wanted]);
  return url;
}

const figure = css`
  margin: 0;
  img {
    display: block;
    max-width: 100%;
    max-height: 220px;
    border-radius: 8px;
  }
  button {
    margin-top: 4px;
    padding: 0;
    border: 0;
    background: none;
    color: inherit;
    font: inherit;
    text-decoration: underline;
    cursor: pointer;
    text-align: left;
  }
`;

export function MediaView({ media }: { media: MediaInfo }) {
  const { strings } = useApp();
  const image = /^image\/(png|jpeg|gif|webp)$/.test(media.contentType);
  const [download, setDownload] = useState(false);
  const url = useBlobUrl(media, image || download);
  useEffect(() => {
    if (!download || !url) return;
    const link = document.createElement('a');
    link.href = url;
    link.download = media.filename;
    link.click();
    setDownload(false);
  }, [download, url]);
  return (
    <figure class={figure} data-media={media.sid}>
      {image && url && <img src={url} alt={media.filename} />}
      <button type="button" onClick={() => setDownload(true)}>
        {format(strings.download, media.filename)} ({sizeText(media.size)})
      </button>
    </figure>
  );
}
