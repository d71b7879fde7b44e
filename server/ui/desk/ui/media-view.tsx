/**
 * An attachment in the log: images previewed inline, other files as a download link. The
 * bytes are fetched with the agent's token and shown from a blob URL, revoked on unmount.
 */
import { useEffect, useState } from 'preact/hooks';
import { fetchMedia, isPreviewable, type MediaInfo, sizeText } from '../client/media.ts';
import { useDesk } from './desk-context.ts';

/** The media's blob URL once `wanted`, or null while loading or when it is gone. */
function useBlobUrl(media: MediaInfo, wanted: boolean): string | null {
  const { token } = useDesk();
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!wanted) return;
    let objectUrl: string | undefined;
    let live = true;
    void fetchMedia(token, media.sid).then((blob) => {
      if (!blob || !live) return;
      objectUrl = URL.createObjectURL(blob);
      setUrl(objectUrl);
    });
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [media.sid, wanted, token]);
  return url;
}

export function MediaView({ media }: { media: MediaInfo }) {
  const image = isPreviewable(media);
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
    <figure class="media" data-media={media.sid}>
      {image &&
        (url ? (
          <img class="media__image" src={url} alt={media.filename} />
        ) : (
          <span class="media__placeholder" />
        ))}
      <a
        class="media__link"
        href={url ?? `#${media.sid}`}
        download={media.filename}
        onClick={(e) => {
          if (url) return;
          e.preventDefault();
          setDownload(true);
        }}
      >
        Download {media.filename} ({sizeText(media.size)})
      </a>
    </figure>
  );
}
