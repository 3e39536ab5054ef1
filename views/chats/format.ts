// What inbox fragments need to speak to one user: language, time zone, role; and WhatsApp-style dates (Today, 12 March).
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import type { AppEnv } from "../../src/env.ts";
import type { Locale, Translate } from "../../src/lib/i18n.ts";

/** Rendering context of inbox fragments (pages, htmx answers and SSE events alike). */
export interface Ui {
  t: Translate;
  locale: Locale;
  /** IANA time zone of the browser (cookie set by app.js), or the server's. */
  tz: string;
  isAdmin: boolean;
  /** The signed-in user (own messages get edit/delete). */
  userId: number | null;
  now: Date;
}

const TZ_COOKIE = "gi_tz";
const SERVER_TZ = Intl.DateTimeFormat().resolvedOptions().timeZone;

function validTimeZone(tz: string | undefined): string {
  if (!tz || tz.length > 64) return SERVER_TZ;
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return tz;
  } catch {
    return SERVER_TZ;
  }
}

/** The rendering context of the signed-in user's request (any env carrying the app's request variables). */
export function uiFor<E extends AppEnv>(c: Context<E>): Ui {
  return {
    t: c.var.t,
    locale: c.var.locale,
    tz: validTimeZone(getCookie(c, TZ_COOKIE)),
    isAdmin: c.var.user?.isAdmin ?? false,
    userId: c.var.user?.id ?? null,
    now: new Date(),
  };
}

const formats = new Map<string, Intl.DateTimeFormat>();
function format(ui: Ui, options: Intl.DateTimeFormatOptions, locale: string = ui.locale): Intl.DateTimeFormat {
  const key = `${locale}|${ui.tz}|${JSON.stringify(options)}`;
  let f = formats.get(key);
  if (!f) formats.set(key, (f = new Intl.DateTimeFormat(locale, { ...options, timeZone: ui.tz })));
  return f;
}

/** The calendar day in the user's zone, as YYYY-MM-DD (ids of day separators). */
export function dayKey(ui: Ui, d: Date): string {
  return format(ui, { year: "numeric", month: "2-digit", day: "2-digit" }, "en-CA").format(d);
}

function daysAgo(ui: Ui, d: Date): number {
  return Math.round((Date.parse(dayKey(ui, ui.now)) - Date.parse(dayKey(ui, d))) / 86_400_000);
}

/** "Today", "Yesterday", "12 March", or "12 March 2023" for other years. */
export function dayLabel(ui: Ui, d: Date): string {
  const ago = daysAgo(ui, d);
  if (ago === 0) return ui.t("inbox.today");
  if (ago === 1) return ui.t("inbox.yesterday");
  const sameYear = dayKey(ui, d).slice(0, 4) === dayKey(ui, ui.now).slice(0, 4);
  return format(ui, { day: "numeric", month: "long", ...(sameYear ? {} : { year: "numeric" }) }).format(d);
}

/** 14:05 (or 2:05 PM), in the user's zone. */
export function timeOf(ui: Ui, d: Date): string {
  return format(ui, { hour: "numeric", minute: "2-digit" }).format(d);
}

/** Chat-list time: the time today, "Yesterday", the weekday within a week, else a short date. */
export function listTime(ui: Ui, d: Date): string {
  const ago = daysAgo(ui, d);
  if (ago <= 0) return timeOf(ui, d);
  if (ago === 1) return ui.t("inbox.yesterday");
  if (ago < 7) return format(ui, { weekday: "short" }).format(d);
  return format(ui, { day: "numeric", month: "numeric", year: "2-digit" }).format(d);
}

/** 1.2 MB / 1,2 МБ. */
export function fileSize(ui: Ui, bytes: number): string {
  const [unit, value] = bytes >= 1_000_000 ? ["megabyte", bytes / 1_000_000] : ["kilobyte", Math.max(1, bytes / 1000)];
  return new Intl.NumberFormat(ui.locale, {
    style: "unit",
    unit,
    unitDisplay: "short",
    maximumFractionDigits: 1,
  }).format(value);
}

/** The contact's name, else its phone number (+7900…), else a neutral label. */
export function contactLabel(ui: Ui, chat: { name: string | null; waChatId: string }): string {
  if (chat.name?.trim()) return chat.name;
  if (chat.waChatId.endsWith("@c.us")) return `+${chat.waChatId.slice(0, -5)}`;
  return ui.t(chat.waChatId.endsWith("@g.us") ? "inbox.group" : "inbox.unknownContact");
}

/** The phone number of a personal chat (+79001234567), or null for groups and hidden numbers. */
export function phoneOf(waChatId: string): string | null {
  return waChatId.endsWith("@c.us") ? `+${waChatId.slice(0, -5)}` : null;
}
