// Strings of voice notes recorded in the web composer (English and Russian); registered by src/i18n.ts.
import type { Entry } from "../lib/i18n/entry.ts";
import type { Dictionary } from "../lib/i18n.ts";

export const en = {
  "voice.record": "Record a voice message",
  "voice.recording": "Recording a voice message",
  "voice.cancel": "Cancel the recording",
  "voice.send": "Send the voice message",
  "voice.level": "Microphone level",
  "voice.denied": "The microphone is blocked for this site. Allow it in the browser's site settings, then try again.",
  "voice.noMicrophone": "No microphone found. Connect one, then try again.",
  "voice.busy": "The microphone is in use by another app, or the browser cannot open it.",
  "voice.unsupported": "This browser cannot record audio. Record the message on the phone and attach the file instead.",
  "voice.insecure":
    "Browsers allow the microphone only on HTTPS pages: ask your administrator to serve GreenInbox over HTTPS.",
  "voice.failed": "The recording could not be sent. Try again.",
  "voice.unreadable": "The recording is not in a format WhatsApp takes as a voice message (Ogg/Opus). Try again.",
} as const satisfies Record<string, Entry>;

export const ru: Record<keyof typeof en, Entry> = {
  "voice.record": "Записать голосовое сообщение",
  "voice.recording": "Идёт запись голосового сообщения",
  "voice.cancel": "Отменить запись",
  "voice.send": "Отправить голосовое сообщение",
  "voice.level": "Уровень микрофона",
  "voice.denied": "Микрофон для этого сайта запрещён. Разрешите его в настройках сайта в браузере и попробуйте снова.",
  "voice.noMicrophone": "Микрофон не найден. Подключите его и попробуйте снова.",
  "voice.busy": "Микрофон занят другим приложением, или браузер не может его открыть.",
  "voice.unsupported": "Этот браузер не умеет записывать звук. Запишите сообщение на телефоне и прикрепите файл.",
  "voice.insecure":
    "Браузеры дают доступ к микрофону только на страницах HTTPS: попросите администратора открыть GreenInbox по HTTPS.",
  "voice.failed": "Не удалось отправить запись. Попробуйте ещё раз.",
  "voice.unreadable": "Запись не в том формате, который WhatsApp принимает как голосовое (Ogg/Opus). Попробуйте снова.",
};

declare module "../lib/i18n.ts" {
  interface Messages extends Dictionary<typeof en> {}
}
