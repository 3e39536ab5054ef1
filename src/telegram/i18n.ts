// UI strings of the telegram capability (English and Russian); registered by src/i18n.ts.
import type { Entry } from "../lib/i18n/entry.ts";
import type { Dictionary } from "../lib/i18n.ts";

export const en = {
  "tg.header": "{name} · {phone}",
  "tg.headerGroup": "{who} in “{group}”",
  "tg.unknownSender": "Unknown contact",
  "tg.group": "Group",
  "tg.via": "📱 {instance}",
  "tg.quote": "↩️ {text}",
  "tg.mediaUnavailable": "📎 {kind}: the file is not available yet, open the web inbox to see it.",
  "tg.media.image": "Photo",
  "tg.media.video": "Video",
  "tg.media.audio": "Audio",
  "tg.media.voice": "Voice message",
  "tg.media.sticker": "Sticker",
  "tg.media.document": "Document",
  "tg.empty": "[{type}]",
  "tg.state": "📱 {instance}: {state}",
  "tg.state.authorized": "connected to WhatsApp",
  "tg.state.notAuthorized": "logged out of WhatsApp: scan the QR code again",
  "tg.state.blocked": "the number is blocked by WhatsApp",
  "tg.state.sleepMode": "the phone is offline (sleep mode)",
  "tg.state.starting": "starting…",
  "tg.state.yellowCard": "sending is suspended (yellow card)",
  "tg.state.suspended": "the instance is suspended",
  "tg.state.unknown": "state unknown",
  "tg.state.back":
    "📱 {instance}: connected to WhatsApp again (offline since {since}); messages of the gap are being fetched.",
  "tg.intakeSilent":
    "📱 {instance}: no notifications from Green-API since {since}, but its journal has newer messages. Check the webhook (PUBLIC_URL) or switch to polling.",
  "tg.quotaExceeded": "📱 {instance}: the monthly Green-API quota is used up; sending is paused.",
  "tg.notLinkedHere":
    "“{instance}” no longer posts to this chat, so replies here are not sent to WhatsApp. Answer in its current channel or in the web inbox.",
  "tg.refused":
    "Sorry, only team members linked to GreenInbox with access to “{instance}” can answer here. Link your Telegram account on your profile page.",
  "tg.textOnly":
    "This kind of message cannot be sent to WhatsApp. Send text, a photo, a video, a voice note, audio or a document.",
  "tg.fileFailed":
    "Could not fetch that file from Telegram (files over 20 MB cannot be sent by bots). Nothing was sent.",
  "tg.failed": "Not sent to WhatsApp: {reason}",
  "tg.welcome":
    "Hi! This is the GreenInbox bot. To link your account, open your profile page in GreenInbox and press “Link Telegram”.",
  "tg.linked": "Your Telegram account is now linked to {name} in GreenInbox.",
  "tg.linkInvalid": "This link is invalid or has expired. Create a new one on your profile page.",
  "tg.linkedInstead": "Your Telegram account is now linked to {name} in GreenInbox, no longer to {previous}.",
  "tg.linkAlready": "This Telegram account is already linked to {name} in GreenInbox.",
  "tg.linkRefused":
    "{name} already has another Telegram account linked, and a sign-in link cannot move it. Sign in and create a link on your profile page to move it here.",
  "tg.askRelink":
    "This Telegram account is linked to {current} in GreenInbox. Link it to {name} instead? {current} will no longer get sign-in codes or notices here.",
  "tg.askMoveHere":
    "{name} is linked to another Telegram account. Move the link here? That account will no longer get {name}’s sign-in codes or notices.",
  "tg.askRelinkAndMove":
    "This Telegram account is linked to {current} in GreenInbox, and {name} is linked to another Telegram account. Link this one to {name} instead? {current} and the other account will both lose their link.",
  "tg.linkYes": "Yes, link",
  "tg.linkNo": "No",
  "tg.linkCancelled": "Nothing was changed.",
  "tg.linkExpired":
    "This question has expired or the accounts have changed since. Nothing was changed; create a new link on your profile page.",
  "tg.unlinkedElsewhere":
    "Your Telegram account is no longer linked to {name} in GreenInbox: the link was moved to another Telegram account. If you did not do this, sign in, check your profile and tell an admin.",
  "tg.loginCode":
    "{code} is your GreenInbox sign-in code. It is valid for 5 minutes. If you did not try to sign in, change your password.",
} as const satisfies Record<string, Entry>;

export const ru: Record<keyof typeof en, Entry> = {
  "tg.header": "{name} · {phone}",
  "tg.headerGroup": "{who} в «{group}»",
  "tg.unknownSender": "Неизвестный контакт",
  "tg.group": "Группа",
  "tg.via": "📱 {instance}",
  "tg.quote": "↩️ {text}",
  "tg.mediaUnavailable": "📎 {kind}: файл пока недоступен, откройте веб-интерфейс, чтобы посмотреть его.",
  "tg.media.image": "Фото",
  "tg.media.video": "Видео",
  "tg.media.audio": "Аудио",
  "tg.media.voice": "Голосовое сообщение",
  "tg.media.sticker": "Стикер",
  "tg.media.document": "Документ",
  "tg.empty": "[{type}]",
  "tg.state": "📱 {instance}: {state}",
  "tg.state.authorized": "подключён к WhatsApp",
  "tg.state.notAuthorized": "вышел из WhatsApp: отсканируйте QR-код заново",
  "tg.state.blocked": "номер заблокирован WhatsApp",
  "tg.state.sleepMode": "телефон не в сети (спящий режим)",
  "tg.state.starting": "запускается…",
  "tg.state.yellowCard": "отправка приостановлена (жёлтая карточка)",
  "tg.state.suspended": "инстанс приостановлен",
  "tg.state.unknown": "состояние неизвестно",
  "tg.state.back":
    "📱 {instance}: снова подключён к WhatsApp (был не в сети с {since}); сообщения за этот период загружаются.",
  "tg.intakeSilent":
    "📱 {instance}: от Green-API нет уведомлений с {since}, хотя в его журнале есть новые сообщения. Проверьте вебхук (PUBLIC_URL) или переключитесь на опрос.",
  "tg.quotaExceeded": "📱 {instance}: месячная квота Green-API исчерпана, отправка приостановлена.",
  "tg.notLinkedHere":
    "«{instance}» больше не публикует сообщения в этот чат, поэтому ответы отсюда не уходят в WhatsApp. Ответьте в его текущем канале или в веб-интерфейсе.",
  "tg.refused":
    "Извините, отвечать здесь могут только сотрудники, привязавшие Telegram в GreenInbox и имеющие доступ к «{instance}». Привяжите аккаунт на странице профиля.",
  "tg.textOnly":
    "Такое сообщение нельзя отправить в WhatsApp. Отправьте текст, фото, видео, голосовое, аудио или документ.",
  "tg.fileFailed":
    "Не удалось получить этот файл из Telegram (боты не могут передавать файлы больше 20 МБ). Ничего не отправлено.",
  "tg.failed": "Не отправлено в WhatsApp: {reason}",
  "tg.welcome":
    "Здравствуйте! Это бот GreenInbox. Чтобы привязать аккаунт, откройте страницу профиля в GreenInbox и нажмите «Привязать Telegram».",
  "tg.linked": "Ваш Telegram теперь привязан к пользователю {name} в GreenInbox.",
  "tg.linkInvalid": "Ссылка недействительна или устарела. Создайте новую на странице профиля.",
  "tg.linkedInstead": "Ваш Telegram теперь привязан к пользователю {name} в GreenInbox, а не к {previous}.",
  "tg.linkAlready": "Этот Telegram уже привязан к пользователю {name} в GreenInbox.",
  "tg.linkRefused":
    "У пользователя {name} уже привязан другой Telegram, и ссылка со страницы входа не может его заменить. Войдите и создайте ссылку на странице профиля, чтобы перенести привязку сюда.",
  "tg.askRelink":
    "Этот Telegram привязан к пользователю {current} в GreenInbox. Привязать его к {name}? {current} больше не будет получать здесь коды входа и уведомления.",
  "tg.askMoveHere":
    "Пользователь {name} привязан к другому аккаунту Telegram. Перенести привязку сюда? Тот аккаунт больше не будет получать коды входа и уведомления для {name}.",
  "tg.askRelinkAndMove":
    "Этот Telegram привязан к пользователю {current} в GreenInbox, а {name} привязан к другому аккаунту Telegram. Привязать этот к {name}? И {current}, и другой аккаунт потеряют привязку.",
  "tg.linkYes": "Да, привязать",
  "tg.linkNo": "Нет",
  "tg.linkCancelled": "Ничего не изменено.",
  "tg.linkExpired":
    "Вопрос устарел или с тех пор привязки изменились. Ничего не изменено; создайте новую ссылку на странице профиля.",
  "tg.unlinkedElsewhere":
    "Ваш Telegram больше не привязан к пользователю {name} в GreenInbox: привязку перенесли на другой аккаунт Telegram. Если это были не вы, войдите, проверьте профиль и сообщите администратору.",
  "tg.loginCode": "{code} — ваш код входа в GreenInbox. Он действует 5 минут. Если вы не входили, смените пароль.",
};

declare module "../lib/i18n.ts" {
  interface Messages extends Dictionary<typeof en> {}
}
