// UI strings of the audit log (English and Russian); registered by src/i18n.ts.
import type { Entry } from "../lib/i18n/entry.ts";
import type { Dictionary } from "../lib/i18n.ts";

export const en = {
  "audit.title": "Audit log",
  "audit.action": "What",
  "audit.actor": "Who",
  "audit.when": "When",
  "audit.target": "Target",
  "audit.all": "Everything",
  "audit.group.auth": "Sign-ins",
  "audit.group.user": "Users",
  "audit.group.sessions": "Sessions",
  "audit.group.instance": "WhatsApp numbers",
  "audit.group.chat": "Assignments",
  "audit.group.message": "Message edits and deletes",
  "audit.group.backup": "Backups",
  "audit.filter": "Filter",
  "audit.empty": "Nothing recorded matches this filter.",
  "audit.older": "Older entries",
  "audit.retention": { one: "Entries are kept for {count} day.", other: "Entries are kept for {count} days." },
} as const satisfies Record<string, Entry>;

export const ru: Record<keyof typeof en, Entry> = {
  "audit.title": "Журнал действий",
  "audit.action": "Что",
  "audit.actor": "Кто",
  "audit.when": "Когда",
  "audit.target": "Объект",
  "audit.all": "Всё",
  "audit.group.auth": "Входы",
  "audit.group.user": "Пользователи",
  "audit.group.sessions": "Сеансы",
  "audit.group.instance": "Номера WhatsApp",
  "audit.group.chat": "Назначения",
  "audit.group.message": "Правки и удаления сообщений",
  "audit.group.backup": "Резервные копии",
  "audit.filter": "Показать",
  "audit.empty": "Под этот фильтр ничего не попадает.",
  "audit.older": "Более ранние записи",
  "audit.retention": {
    one: "Записи хранятся {count} день.",
    few: "Записи хранятся {count} дня.",
    many: "Записи хранятся {count} дней.",
    other: "Записи хранятся {count} дня.",
  },
};

declare module "../lib/i18n.ts" {
  interface Messages extends Dictionary<typeof en> {}
}
