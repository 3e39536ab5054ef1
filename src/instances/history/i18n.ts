// UI strings of the history import and of a number's change of phone (English and Russian); registered by
// src/i18n.ts.
import type { Entry } from "../../lib/i18n/entry.ts";
import type { Dictionary } from "../../lib/i18n.ts";

export const en = {
  "history.title": "History import",
  "history.loading": "Loading the import status…",
  "history.none": "Chats and messages from before this number was connected can be imported from WhatsApp.",
  "history.needsPhone": "Connect the phone first: history is read from the linked WhatsApp.",
  "history.start": "Import history",
  "history.again": "Import again",
  "history.cancel": "Cancel import",
  "history.cancelConfirm": "Stop the history import? What is imported so far stays.",
  "history.listing": "Listing chats…",
  "history.progress": "{done} of {total} chats",
  "history.messages": { one: "{count} message imported", other: "{count} messages imported" },
  "history.eta": "about {time} left",
  "history.etaUnknown": "estimating time left…",
  "history.done": {
    one: "Done: {count} message imported from {chats} chats.",
    other: "Done: {count} messages imported from {chats} chats.",
  },
  "history.cancelled": "Cancelled after {done} of {total} chats.",
  "history.failed": "The import stopped: {reason}",
  "history.started": "History import started.",
  "history.stopped": "History import cancelled.",
  "history.background":
    "It runs in the background at Green-API's pace; replies are not delayed. You may leave this page.",
  "history.seconds": { one: "{count} second", other: "{count} seconds" },
  "history.minutes": { one: "{count} minute", other: "{count} minutes" },
  "history.hours": { one: "{count} hour", other: "{count} hours" },
  "history.cap": "At most the newest {cap} messages of each chat are imported.",
  "history.longChat": {
    one: "Reading a long chat: {count} message so far…",
    other: "Reading a long chat: {count} messages so far…",
  },
  "history.capped": {
    one: "{count} chat has more than {cap} messages; only its newest {cap} were imported: {names}.",
    other: "{count} chats have more than {cap} messages; only the newest {cap} of each were imported: {names}.",
  },
  "history.numberChanged": "This number changed from {from} to {to} on {date}; chats from before stay as they were.",
  "history.earlierNumber": "This chat belongs to the earlier number {number}.",
} satisfies Record<string, Entry>;

export const ru: Record<keyof typeof en, Entry> = {
  "history.title": "Импорт истории",
  "history.loading": "Загружаем состояние импорта…",
  "history.none": "Чаты и сообщения, написанные до подключения номера, можно импортировать из WhatsApp.",
  "history.needsPhone": "Сначала подключите телефон: история читается из привязанного WhatsApp.",
  "history.start": "Импортировать историю",
  "history.again": "Импортировать снова",
  "history.cancel": "Отменить импорт",
  "history.cancelConfirm": "Остановить импорт истории? Уже загруженное останется.",
  "history.listing": "Составляем список чатов…",
  "history.progress": "{done} из {total} чатов",
  "history.messages": {
    one: "импортировано {count} сообщение",
    few: "импортировано {count} сообщения",
    many: "импортировано {count} сообщений",
    other: "импортировано {count} сообщения",
  },
  "history.eta": "ещё примерно {time}",
  "history.etaUnknown": "оцениваем оставшееся время…",
  "history.done": {
    one: "Готово: импортировано {count} сообщение из {chats} чатов.",
    few: "Готово: импортировано {count} сообщения из {chats} чатов.",
    many: "Готово: импортировано {count} сообщений из {chats} чатов.",
    other: "Готово: импортировано {count} сообщения из {chats} чатов.",
  },
  "history.cancelled": "Отменено после {done} из {total} чатов.",
  "history.failed": "Импорт остановился: {reason}",
  "history.started": "Импорт истории запущен.",
  "history.stopped": "Импорт истории отменён.",
  "history.background":
    "Импорт идёт в фоне в темпе Green-API; ответы клиентам не задерживаются. Страницу можно закрыть.",
  "history.seconds": {
    one: "{count} секунда",
    few: "{count} секунды",
    many: "{count} секунд",
    other: "{count} секунды",
  },
  "history.minutes": { one: "{count} минута", few: "{count} минуты", many: "{count} минут", other: "{count} минуты" },
  "history.hours": { one: "{count} час", few: "{count} часа", many: "{count} часов", other: "{count} часа" },
  "history.cap": "Из каждого чата импортируются не больше {cap} последних сообщений.",
  "history.longChat": {
    one: "Читаем длинный чат: пока {count} сообщение…",
    few: "Читаем длинный чат: пока {count} сообщения…",
    many: "Читаем длинный чат: пока {count} сообщений…",
    other: "Читаем длинный чат: пока {count} сообщения…",
  },
  "history.capped": {
    one: "В {count} чате больше {cap} сообщений; импортированы только последние {cap}: {names}.",
    few: "В {count} чатах больше {cap} сообщений; из каждого импортированы только последние {cap}: {names}.",
    many: "В {count} чатах больше {cap} сообщений; из каждого импортированы только последние {cap}: {names}.",
    other: "В {count} чата больше {cap} сообщений; из каждого импортированы только последние {cap}: {names}.",
  },
  "history.numberChanged": "Номер сменился с {from} на {to} {date}; чаты, начатые раньше, остались как были.",
  "history.earlierNumber": "Этот чат относится к прежнему номеру {number}.",
};

declare module "../../lib/i18n.ts" {
  interface Messages extends Dictionary<typeof en> {}
}
