// UI strings of the notification quarantine on a number's page (English and Russian); registered by src/i18n.ts.
import type { Entry } from "../lib/i18n/entry.ts";
import type { Dictionary } from "../lib/i18n.ts";

export const en = {
  "intake.quarantine.title": "Unreadable notifications",
  "intake.quarantine.summary": {
    one: "{count} notification could not be read",
    other: "{count} notifications could not be read",
  },
  "intake.quarantine.show": "show",
  "intake.quarantine.none": "Every notification from Green-API was read.",
  "intake.quarantine.hint":
    "They are kept as they arrived. After an update of GreenInbox, process them again: those that can now be read go to their chats.",
  "intake.quarantine.more": "…and {count} older ones",
  "intake.quarantine.replay": "Process again",
  "intake.quarantine.replayed": "Processed again: {stored} stored, {left} still could not be read.",
} satisfies Record<string, Entry>;

export const ru: Record<keyof typeof en, Entry> = {
  "intake.quarantine.title": "Нечитаемые уведомления",
  "intake.quarantine.summary": {
    one: "{count} уведомление не удалось прочитать",
    few: "{count} уведомления не удалось прочитать",
    many: "{count} уведомлений не удалось прочитать",
    other: "{count} уведомления не удалось прочитать",
  },
  "intake.quarantine.show": "показать",
  "intake.quarantine.none": "Все уведомления от Green-API прочитаны.",
  "intake.quarantine.hint":
    "Они сохранены в том виде, в каком пришли. После обновления GreenInbox обработайте их снова: те, что теперь читаются, попадут в свои чаты.",
  "intake.quarantine.more": "…и ещё {count} более ранних",
  "intake.quarantine.replay": "Обработать снова",
  "intake.quarantine.replayed": "Обработано снова: сохранено {stored}, всё ещё не читаются {left}.",
};

declare module "../lib/i18n.ts" {
  interface Messages extends Dictionary<typeof en> {}
}
