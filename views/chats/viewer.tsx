// The conversation's media viewer: one closed <dialog> per pane that public/viewer.js fills with a photo or video of the
// chat (the bubbles' `a[data-viewer]` links), with previous/next, the caption and a download button.
import type { FC } from "hono/jsx";
import { CloseIcon, DownloadIcon, NextIcon, PrevIcon } from "../components/icons.tsx";
import type { Ui } from "./format.ts";

export const MediaViewer: FC<{ ui: Ui }> = ({ ui }) => (
  <dialog id="media-viewer" class="viewer" aria-label={ui.t("inbox.viewer")} data-count={ui.t("inbox.viewer.count")}>
    <div class="viewer-bar">
      <p class="viewer-count" data-viewer-count></p>
      <button
        type="button"
        class="icon-button"
        data-viewer-download
        aria-label={ui.t("inbox.viewer.download")}
        title={ui.t("inbox.viewer.download")}
      >
        <DownloadIcon />
      </button>
      <button
        type="button"
        class="icon-button"
        data-viewer-close
        aria-label={ui.t("inbox.viewer.close")}
        title={ui.t("inbox.viewer.close")}
      >
        <CloseIcon />
      </button>
    </div>
    <div class="viewer-stage" data-viewer-stage></div>
    <button
      type="button"
      class="icon-button viewer-nav viewer-prev"
      data-viewer-step="-1"
      aria-label={ui.t("inbox.viewer.prev")}
      title={ui.t("inbox.viewer.prev")}
    >
      <PrevIcon />
    </button>
    <button
      type="button"
      class="icon-button viewer-nav viewer-next"
      data-viewer-step="1"
      aria-label={ui.t("inbox.viewer.next")}
      title={ui.t("inbox.viewer.next")}
    >
      <NextIcon />
    </button>
    <p class="viewer-caption" dir="auto" data-viewer-caption></p>
  </dialog>
);
