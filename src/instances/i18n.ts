// UI strings of the instances capability (English and Russian); merged into the app dictionary by src/lib/i18n.ts.
import type { Entry } from "../lib/i18n/entry.ts";

export const en = {
  "instances.quotaExceeded": "Green-API's monthly quota is used up: sending may fail until it renews on the 1st or the plan is upgraded.",
  "instances.intakeError": "Receiving messages fails: {reason}",
} as const satisfies Record<string, Entry>;

export const ru: Record<keyof typeof en, Entry> = {
  "instances.quotaExceeded": "Месячная квота Green-API исчерпана: отправка может не работать до 1-го числа или до смены тарифа.",
  "instances.intakeError": "Не удаётся получать сообщения: {reason}",
};
