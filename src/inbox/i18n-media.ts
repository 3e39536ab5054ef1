// Strings of the composer's emoji picker and the conversation's media viewer in English and Russian; registered by
// src/i18n.ts (the picker's own labels come with it: public/vendor/emoji-picker-element/i18n/).
import type { Entry } from "../lib/i18n/entry.ts";
import type { Dictionary } from "../lib/i18n.ts";

export const en = {
  "inbox.emoji": "Emoji",
  "inbox.viewer": "Photos and videos",
  "inbox.viewer.open": "Open {what}",
  "inbox.viewer.close": "Close",
  "inbox.viewer.prev": "Previous",
  "inbox.viewer.next": "Next",
  "inbox.viewer.download": "Download",
  "inbox.viewer.count": "{n} of {total}",
} as const satisfies Record<string, Entry>;

export const ru: Record<keyof typeof en, Entry> = {
  "inbox.emoji": "Эмодзи",
  "inbox.viewer": "Фото и видео",
  "inbox.viewer.open": "Открыть: {what}",
  "inbox.viewer.close": "Закрыть",
  "inbox.viewer.prev": "Предыдущее",
  "inbox.viewer.next": "Следующее",
  "inbox.viewer.download": "Скачать",
  "inbox.viewer.count": "{n} из {total}",
};

declare module "../lib/i18n.ts" {
  interface Messages extends Dictionary<typeof en> {}
}
