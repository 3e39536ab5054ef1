// A small i18n dictionary (English and Russian) with Intl-based plurals and dates.
import { en as coreEn } from "./i18n/en.ts";
import { ru as coreRu } from "./i18n/ru.ts";
import type { Entry } from "./i18n/entry.ts";
import * as inbox from "../inbox/i18n.ts";
import * as inboxWeb from "../inbox/i18n-web.ts";
import * as instances from "../instances/i18n.ts";
import * as history from "../instances/history/i18n.ts";
import * as intake from "../greenapi/i18n.ts";
import * as telegram from "../telegram/i18n.ts";
import * as usersI18n from "../users/i18n.ts";
import * as audit from "../audit/i18n.ts";
import * as backups from "../backups/i18n.ts";
import * as team from "../team/i18n.ts";

/** Every capability's strings in one dictionary per language. */
export const en = {
  ...coreEn,
  ...inbox.en,
  ...inboxWeb.en,
  ...instances.en,
  ...history.en,
  ...intake.en,
  ...telegram.en,
  ...usersI18n.en,
  ...audit.en,
  ...backups.en,
  ...team.en,
};
export const ru: Record<keyof typeof en, Entry> = {
  ...coreRu,
  ...inbox.ru,
  ...inboxWeb.ru,
  ...instances.ru,
  ...history.ru,
  ...intake.ru,
  ...telegram.ru,
  ...usersI18n.ru,
  ...audit.ru,
  ...backups.ru,
  ...team.ru,
};

export const locales = ["en", "ru"] as const;
export type Locale = (typeof locales)[number];
export type MessageKey = keyof typeof en;
export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

const dictionaries: Record<Locale, Record<MessageKey, Entry>> = { en, ru };

const translators = new Map<Locale, Translate>();

/** Returns the locale's translator (one per locale); plural forms are picked with Intl.PluralRules on `params.count`. */
export function translator(locale: Locale): Translate {
  let translate = translators.get(locale);
  if (!translate) translators.set(locale, (translate = createTranslator(locale)));
  return translate;
}

function createTranslator(locale: Locale): Translate {
  const plural = new Intl.PluralRules(locale);
  return (key, params = {}) => {
    const entry: Entry = dictionaries[locale][key] ?? en[key];
    const template =
      typeof entry === "string"
        ? entry
        : ((entry as Partial<Record<Intl.LDMLPluralRule, string>>)[plural.select(Number(params.count ?? 0))] ??
          entry.other);
    return template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
  };
}

/** Picks the locale: the user's setting, then Accept-Language, then the configured default. */
export function resolveLocale(
  userLocale: string | null | undefined,
  acceptLanguage: string | undefined,
  fallback: Locale,
): Locale {
  if (userLocale && (locales as readonly string[]).includes(userLocale)) return userLocale as Locale;
  for (const part of (acceptLanguage ?? "").split(",")) {
    const tag = part.split(";")[0]?.trim().slice(0, 2).toLowerCase();
    if (tag && (locales as readonly string[]).includes(tag)) return tag as Locale;
  }
  return fallback;
}

export function formatDateTime(locale: Locale, date: Date): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(date);
}

export function formatRelative(locale: Locale, date: Date, now = Date.now()): string {
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  const seconds = Math.round((date.getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 60) return rtf.format(seconds, "second");
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), "minute");
  if (abs < 86400) return rtf.format(Math.round(seconds / 3600), "hour");
  return rtf.format(Math.round(seconds / 86400), "day");
}
