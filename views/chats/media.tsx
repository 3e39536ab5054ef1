// Media inside a bubble: thumbnail while downloading, then the file from the gated media route; retry when it failed.
import type { FC } from "hono/jsx";
import type { MessageView } from "../../src/inbox/service.ts";
import { isMessageKey, type Translate } from "../../src/lib/i18n.ts";
import { mediaLabelKey } from "../../src/lib/media-labels.ts";
import { fileSize, type Ui } from "./format.ts";

type MessageMedia = NonNullable<MessageView["media"]>;

/** Why a download failed, in the reader's language (rows from before `reason` carry only the stored text). */
function mediaFailure(t: Translate, media: MessageMedia): string {
  const key = media.reason?.key;
  return key && isMessageKey(key) ? t(key, media.reason?.params) : (media.error ?? "?");
}

/** "📷 Photo", "📄 Document"… */
export function mediaLabel(ui: Ui, kind: string): string {
  return ui.t(mediaLabelKey(kind));
}

export const Media: FC<{ ui: Ui; m: MessageView }> = ({ ui, m }) => {
  const media = m.media!;
  const src = `/instances/${m.instanceId}/media/${m.id}`;
  const label = mediaLabel(ui, media.kind);
  const visual = media.kind === "image" || media.kind === "sticker" || media.kind === "video";
  const thumb = visual && media.thumbnail ? <img class="media-thumb" src={`${src}/thumb`} alt={label} /> : null;
  if (media.state === "failed") {
    return (
      <div class="media media-failed">
        {thumb}
        <p class="msg-error">
          {ui.t("inbox.media.failed", { reason: mediaFailure(ui.t, media) })}{" "}
          <button type="button" class="link-button" hx-post={`${src}/retry`} hx-swap="none">
            {ui.t("inbox.media.retry")}
          </button>
        </p>
      </div>
    );
  }
  if (media.state === "pending") {
    return (
      <div class="media media-pending">
        {thumb ?? (
          <p class="media-doc">
            {label}
            {media.fileName && ` · ${media.fileName}`}
          </p>
        )}
        <p class="muted small" role="status">
          {ui.t("inbox.media.pending")}
        </p>
      </div>
    );
  }
  switch (media.kind) {
    case "image":
    case "sticker":
      // Photos open in public/viewer.js (the link, to the file itself, is what works without scripts); stickers do not.
      return (
        <a
          class={`media media-${media.kind}`}
          href={src}
          target="_blank"
          rel="noopener"
          data-viewer={media.kind === "image" ? "image" : undefined}
        >
          <img src={src} alt={m.text ?? label} loading="lazy" />
        </a>
      );
    case "video":
      // A still of the video (its first frame, or the thumbnail) that opens the viewer, where it plays with controls.
      return (
        <a
          class="media media-video"
          href={src}
          target="_blank"
          rel="noopener"
          data-viewer="video"
          aria-label={ui.t("inbox.viewer.open", { what: label })}
        >
          <video src={src} poster={media.thumbnail ? `${src}/thumb` : undefined} preload="metadata" muted />
          <span class="media-play" aria-hidden="true">
            ▶
          </span>
        </a>
      );
    case "audio":
    case "voice":
      // biome-ignore lint/a11y/useMediaCaption: customers' voice notes and audio come without captions; there is no track to offer.
      return <audio class="media media-audio" src={src} controls preload="metadata" aria-label={label} />;
    default: {
      const name = media.fileName ?? label;
      return (
        <a class="media media-doc" href={src} download={name} aria-label={ui.t("inbox.media.download", { name })}>
          <span class="doc-icon" aria-hidden="true">
            📄
          </span>
          <span class="doc-name">{name}</span>
          {media.size !== undefined && <span class="muted small">{fileSize(ui, media.size)}</span>}
        </a>
      );
    }
  }
};
