// The composer's emoji button: public/emoji.js opens the vendored emoji-picker-element above it on first use, with the
// emoji names and the picker's labels in the reader's language, all served by the app itself (no CDN).
import type { FC } from "hono/jsx";
import { assetUrl } from "../../src/lib/assets.ts";
import { EmojiIcon } from "../components/icons.tsx";
import type { Ui } from "./format.ts";

const PICKER = "vendor/emoji-picker-element";

export const EmojiButton: FC<{ ui: Ui }> = ({ ui }) => (
  <button
    type="button"
    class="icon-button emoji-button"
    aria-label={ui.t("inbox.emoji")}
    title={ui.t("inbox.emoji")}
    aria-expanded="false"
    data-emoji-picker={assetUrl(`${PICKER}/picker.js`)}
    data-emoji-css={assetUrl("emoji.css")}
    data-emoji-locale={ui.locale}
    data-emoji-data={assetUrl(`${PICKER}/data/${ui.locale}.json`)}
    data-emoji-i18n={ui.locale === "ru" ? assetUrl(`${PICKER}/i18n/ru_RU.js`) : undefined}
  >
    <EmojiIcon />
  </button>
);
