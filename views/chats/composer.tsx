// The composer under a conversation: text with reply-to, and a file panel (caption, upload progress).
import type { FC } from "hono/jsx";
import { AttachIcon, CloseIcon, SendIcon } from "../components/icons.tsx";
import type { Ui } from "./format.ts";
import { NoteToggle } from "../team/bar.tsx";
import { VoiceBar, VoiceButton } from "./voice.tsx";
import { EmojiButton } from "./emoji-button.tsx";

export interface ComposerProps {
  ui: Ui;
  base: string;
  listId: string;
  csrf: string;
}

/** Reply-to strip: filled and shown by app.js when "Reply" is chosen on a bubble; posts `quoted`. */
const ReplyStrip: FC<{ ui: Ui }> = ({ ui }) => (
  <div class="reply-strip" data-reply-strip hidden>
    <div class="quote">
      <b>
        {ui.t("inbox.replyingTo")} <span data-reply-who></span>
      </b>
      <span data-reply-text></span>
    </div>
    <input type="hidden" name="quoted" disabled />
    <button
      type="button"
      class="icon-button"
      data-reply-cancel
      aria-label={ui.t("inbox.cancelReply")}
      title={ui.t("inbox.cancelReply")}
    >
      <CloseIcon />
    </button>
  </div>
);

export const Composer: FC<ComposerProps> = ({ ui, base, listId, csrf }) => (
  <div class="composer-wrap" data-offline={ui.t("inbox.offline")}>
    <form
      id="attach"
      class="attach-panel"
      hidden
      hx-post={`${base}/files`}
      hx-encoding="multipart/form-data"
      hx-target={`#${listId}`}
      hx-swap="beforeend"
    >
      <input type="hidden" name="_csrf" value={csrf} />
      <input type="hidden" name="key" value="" data-send-key />
      <input type="file" id="attach-file" name="file" class="visually-hidden" tabindex={-1} />
      <img class="attach-preview" alt="" hidden />
      <p class="attach-name" data-attach-name></p>
      <input
        type="text"
        name="caption"
        maxlength={1024}
        placeholder={ui.t("inbox.caption")}
        aria-label={ui.t("inbox.caption")}
      />
      <progress max={100} value={0} hidden aria-label={ui.t("inbox.uploading")}></progress>
      <p
        id="attach-error"
        class="attach-error"
        role="alert"
        data-attach-error
        data-too-large={ui.t("inbox.fileTooLarge", { mb: 100 })}
      ></p>
      <div class="attach-buttons">
        <button type="button" class="button" data-attach-cancel>
          {ui.t("inbox.cancel")}
        </button>
        <button type="submit" class="button primary">
          {ui.t("inbox.sendFile")}
        </button>
      </div>
    </form>
    <form
      id="composer"
      class="composer"
      method="post"
      action={`${base}/messages`}
      hx-post={`${base}/messages`}
      hx-target={`#${listId}`}
      hx-swap="beforeend"
    >
      <input type="hidden" name="_csrf" value={csrf} />
      <input type="hidden" name="key" value="" data-send-key />
      <ReplyStrip ui={ui} />
      <VoiceBar ui={ui} />
      <div class="composer-row">
        <EmojiButton ui={ui} />
        <label
          class="icon-button attach-button"
          for="attach-file"
          title={ui.t("inbox.attach")}
          data-note-off={ui.t("team.noteNoFiles")}
        >
          <AttachIcon />
          <span class="visually-hidden">{ui.t("inbox.attach")}</span>
        </label>
        <NoteToggle ui={ui} />
        <textarea
          name="text"
          rows={1}
          required
          maxlength={20000}
          placeholder={ui.t("inbox.composer")}
          aria-label={ui.t("inbox.composer")}
          enterkeyhint="send"
        ></textarea>
        <button
          type="submit"
          class="icon-button send-button"
          aria-label={ui.t("inbox.send")}
          title={ui.t("inbox.send")}
        >
          <SendIcon />
        </button>
        <VoiceButton ui={ui} />
      </div>
    </form>
  </div>
);
