// The i18n machinery: a registry of English and Russian messages, Intl-based plurals and dates. lib holds only its
// own strings (src/lib/i18n/); the composition (src/i18n.ts) registers each capability's dictionary once at start.
import { en as coreEn } from "./i18n/en.ts";
import { ru as coreRu } from "./i18n/ru.ts";
import type { Entry } from "./i18n/entry.ts";

/** A dictionary's keys, each mapped to an entry: what a capability adds to {@link Messages}. */
export type Dictionary<T> = Record<keyof T, Entry>;

/**
 * Every message key of the app. Each capability's i18n file adds its keys by declaration merging:
 * `declare module "../lib/i18n.ts" { interface Messages extends Dictionary<typeof en> {} }`.
 */
export interface Messages extends Dictionary<typeof coreEn> {}

export const locales = ["en", "ru"] as const;
export type Locale = (typeof locales)[number];

/** Each language by its own name, as language choosers show them. */
export const LOCALE_NAMES: Record<Locale, string> = { en: "English", ru: "Русский" };
export type MessageKey = keyof Messages;
export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

const dictionaries: Record<Locale, Record<string, Entry>> = { en: { ...coreEn }, ru: { ...coreRu } };

/** Every registered message of a locale (lib's own and each registered capability's). */
export function messages(locale: Locale): Readonly<Record<MessageKey, Entry>> {
  return dictionaries[locale] as Record<MessageKey, Entry>;
}

/** Whether a string (e.g. a key stored in the database) names a registered message. */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(dictionaries.en, key);
}

/**
 * Adds a capability's messages (`source` names it in errors). A key that is already registered throws: dictionaries
 * never overwrite each other. Called by src/i18n.ts before anything is rendered.
 */
export function registerMessages<K extends MessageKey>(
  source: string,
  dictionary: { en: Record<K, Entry>; ru: Record<K, Entry> },
): void {
  const taken = Object.keys(dictionary.en).filter((key) => Object.hasOwn(dictionaries.en, key));
  if (taken.length > 0) throw new Error(`i18n: ${source} registers keys that already exist: ${taken.join(", ")}`);
  Object.assign(dictionaries.en, dictionary.en);
  Object.assign(dictionaries.ru, dictionary.ru);
}

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
    const entry = (dictionaries[locale][key] ?? dictionaries.en[key]) as Entry;
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
