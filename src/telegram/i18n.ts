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
  "tg.edit.notSent": "Not edited in WhatsApp: the message is still being sent. Edit it again once it shows 👍.",
  "tg.edit.notOwn": "Not edited in WhatsApp: the message did not reach WhatsApp or was deleted.",
  "tg.edit.notText": "Not edited in WhatsApp: only text can be edited there, not files or their captions.",
  "tg.edit.tooLate":
    "Not edited in WhatsApp: a message can be edited only within 15 minutes of sending. Send a correction instead.",
  "tg.edit.failed": "Not edited in WhatsApp: {reason}",
  "tg.delete.notSent": "Not deleted in WhatsApp: the message is still being sent. Try again once it shows 👍.",
  "tg.delete.notOwn": "Only your own replies that reached WhatsApp can be deleted.",
  "tg.delete.tooLate":
    "Not deleted in WhatsApp: a message can be deleted for everyone only within 72 hours of sending.",
  "tg.delete.failed": "Not deleted in WhatsApp: {reason}",
  "tg.delete.howTo": "To delete one of your replies in WhatsApp, answer that reply with /delete.",
  "tg.deleted": "🗑 Deleted in WhatsApp for everyone. The web inbox keeps it, marked deleted.",
  "tg.help":
    "How this chat works with WhatsApp:\n• Reply to a customer’s post to answer in WhatsApp: text, a photo, a video, a voice note, audio or a document; “/q code” sends a quick reply.\n• Edit your reply within 15 minutes to edit it in WhatsApp (text only).\n• Answer your reply with /delete to delete it in WhatsApp for everyone (within 72 hours). Telegram does not tell bots about deleted messages: deleting it here changes nothing in WhatsApp.\n• React to a customer’s post to react in WhatsApp.\n• The customer’s edits, deletes and reactions show on their post.",
  "tg.post.edited": "✏️ Edited by the customer:",
  "tg.post.deleted": "🗑 Deleted by the customer",
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
  "tg.edit.notSent": "Не изменено в WhatsApp: сообщение ещё отправляется. Измените его снова, когда появится 👍.",
  "tg.edit.notOwn": "Не изменено в WhatsApp: сообщение не дошло до WhatsApp или удалено.",
  "tg.edit.notText": "Не изменено в WhatsApp: там можно менять только текст, но не файлы и подписи к ним.",
  "tg.edit.tooLate":
    "Не изменено в WhatsApp: сообщение можно изменить только в течение 15 минут после отправки. Отправьте исправление.",
  "tg.edit.failed": "Не изменено в WhatsApp: {reason}",
  "tg.delete.notSent": "Не удалено в WhatsApp: сообщение ещё отправляется. Повторите, когда появится 👍.",
  "tg.delete.notOwn": "Удалить можно только свои ответы, дошедшие до WhatsApp.",
  "tg.delete.tooLate":
    "Не удалено в WhatsApp: удалить сообщение у всех можно только в течение 72 часов после отправки.",
  "tg.delete.failed": "Не удалено в WhatsApp: {reason}",
  "tg.delete.howTo": "Чтобы удалить свой ответ в WhatsApp, ответьте на него командой /delete.",
  "tg.deleted": "🗑 Удалено в WhatsApp у всех. В веб-инбоксе оно остаётся с пометкой «удалено».",
  "tg.help":
    "Как этот чат связан с WhatsApp:\n• Ответьте на сообщение клиента, чтобы ответить ему в WhatsApp: текстом, фото, видео, голосовым, аудио или документом; «/q код» отправляет быстрый ответ.\n• Измените свой ответ в течение 15 минут — он изменится и в WhatsApp (только текст).\n• Ответьте на свой ответ командой /delete, чтобы удалить его в WhatsApp у всех (в течение 72 часов). Telegram не сообщает ботам об удалённых сообщениях: удаление здесь ничего не меняет в WhatsApp.\n• Поставьте реакцию на сообщение клиента — она появится в WhatsApp.\n• Правки, удаления и реакции клиента видны на его сообщении.",
  "tg.post.edited": "✏️ Клиент изменил сообщение:",
  "tg.post.deleted": "🗑 Клиент удалил сообщение",
};

declare module "../lib/i18n.ts" {
  interface Messages extends Dictionary<typeof en> {}
}
