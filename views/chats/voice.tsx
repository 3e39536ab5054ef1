// Voice notes in the composer: the microphone button and the recording bar (timer, level, cancel, send); public/voice.js
// records and posts the clip.
import type { FC } from "hono/jsx";
import { CloseIcon, MicIcon, SendIcon } from "../components/icons.tsx";
import type { Ui } from "./format.ts";

/** Starts recording; hidden while the text box has text (WhatsApp's grammar) and in note mode. */
export const VoiceButton: FC<{ ui: Ui }> = ({ ui }) => (
  <button
    type="button"
    class="icon-button voice-button"
    data-voice-start
    aria-label={ui.t("voice.record")}
    title={ui.t("voice.record")}
  >
    <MicIcon />
  </button>
);

/** Shown instead of the text row while recording; the paragraph below says why recording could not start or send. */
export const VoiceBar: FC<{ ui: Ui }> = ({ ui }) => (
  <>
    <fieldset class="voice-bar" data-voice-bar hidden>
      <legend class="visually-hidden">{ui.t("voice.recording")}</legend>
      <button
        type="button"
        class="icon-button"
        data-voice-cancel
        aria-label={ui.t("voice.cancel")}
        title={ui.t("voice.cancel")}
      >
        <CloseIcon />
      </button>
      <span class="voice-dot" aria-hidden="true"></span>
      <span class="voice-time" role="timer" data-voice-time>
        0:00
      </span>
      <meter class="voice-level" data-voice-level min={0} max={1} value={0} aria-label={ui.t("voice.level")}></meter>
      <button
        type="button"
        class="icon-button voice-send"
        data-voice-send
        aria-label={ui.t("voice.send")}
        title={ui.t("voice.send")}
      >
        <SendIcon />
      </button>
    </fieldset>
    <p
      id="voice-error"
      class="attach-error"
      role="alert"
      data-voice-error
      data-denied={ui.t("voice.denied")}
      data-no-microphone={ui.t("voice.noMicrophone")}
      data-busy={ui.t("voice.busy")}
      data-unsupported={ui.t("voice.unsupported")}
      data-insecure={ui.t("voice.insecure")}
      data-failed={ui.t("voice.failed")}
    ></p>
  </>
);
