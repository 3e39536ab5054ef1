// UI strings of the push capability (English and Russian): the settings section and the notifications; registered by
// src/i18n.ts.
import type { Entry } from "../lib/i18n/entry.ts";
import type { Dictionary } from "../lib/i18n.ts";

export const en = {
  "push.title": "Notifications on this device",
  "push.intro": "Get a notification on this phone or computer when a customer writes, even with GreenInbox closed.",
  "push.enable": "Notify this device",
  "push.disable": "Stop notifying this device",
  "push.test": "Send a test notification",
  "push.on": "This device gets notifications.",
  "push.off": "This device gets no notifications.",
  "push.unsupported": "This browser cannot show notifications. On an iPhone, add GreenInbox to the home screen first.",
  "push.denied": "Notifications are blocked for this site: allow them in the browser's settings.",
  "push.failed": "Could not turn notifications on. Try again.",
  "push.devices": { one: "{count} device gets your notifications.", other: "{count} devices get your notifications." },
  "push.scope": "Notify about",
  "push.scope.mine": "My chats only",
  "push.scope.mine_and_unassigned": "My chats and unassigned ones",
  "push.scope.all": "Every chat I can see",
  "push.previews": "Show the message text in notifications",
  "push.save": "Save",
  "push.saved": "Notification settings saved.",
  "push.testSent": "Test notification sent.",
  "push.testNone": "No device of yours is subscribed yet.",
  "push.testTitle": "GreenInbox",
  "push.testBody": "Notifications work on this device.",
  "push.newMessage": "New message",
  "push.media": "📎 Attachment",
  "install.title": "Install GreenInbox",
  "install.why": "Open it from the home screen like an app, with notifications.",
  "install.ios": "Tap Share, then “Add to Home Screen”.",
  "install.accept": "Install",
  "install.dismiss": "Not now",
};

export const ru: Record<keyof typeof en, Entry> = {
  "push.title": "Уведомления на этом устройстве",
  "push.intro": "Получайте уведомление на этот телефон или компьютер, когда пишет клиент, даже если GreenInbox закрыт.",
  "push.enable": "Уведомлять это устройство",
  "push.disable": "Не уведомлять это устройство",
  "push.test": "Отправить пробное уведомление",
  "push.on": "Это устройство получает уведомления.",
  "push.off": "Это устройство не получает уведомлений.",
  "push.unsupported":
    "Этот браузер не умеет показывать уведомления. На iPhone сначала добавьте GreenInbox на экран «Домой».",
  "push.denied": "Уведомления для этого сайта запрещены: разрешите их в настройках браузера.",
  "push.failed": "Не удалось включить уведомления. Попробуйте ещё раз.",
  "push.devices": {
    one: "{count} устройство получает ваши уведомления.",
    few: "{count} устройства получают ваши уведомления.",
    many: "{count} устройств получают ваши уведомления.",
    other: "{count} устройства получают ваши уведомления.",
  },
  "push.scope": "Уведомлять о",
  "push.scope.mine": "Только моих чатах",
  "push.scope.mine_and_unassigned": "Моих и неназначенных чатах",
  "push.scope.all": "Всех чатах, которые мне видны",
  "push.previews": "Показывать текст сообщения в уведомлениях",
  "push.save": "Сохранить",
  "push.saved": "Настройки уведомлений сохранены.",
  "push.testSent": "Пробное уведомление отправлено.",
  "push.testNone": "Ни одно ваше устройство ещё не подписано.",
  "push.testTitle": "GreenInbox",
  "push.testBody": "Уведомления на этом устройстве работают.",
  "push.newMessage": "Новое сообщение",
  "push.media": "📎 Вложение",
  "install.title": "Установите GreenInbox",
  "install.why": "Открывайте его с экрана «Домой», как приложение, с уведомлениями.",
  "install.ios": "Нажмите «Поделиться», затем «На экран „Домой“».",
  "install.accept": "Установить",
  "install.dismiss": "Не сейчас",
};

declare module "../lib/i18n.ts" {
  interface Messages extends Dictionary<typeof en> {}
}
