// An audit entry told as a sentence in the reader's language, from its stored code, ids and details (never raw JSON).
import type { auditLog } from "../db/schema/index.ts";
import { formatDateTime, isMessageKey, type Locale, type MessageKey, type Translate } from "../lib/i18n.ts";
import { type AuditAction, isAuditAction } from "./actions.ts";
import { type AuditNames, targetId } from "./names.ts";

type Row = typeof auditLog.$inferSelect;

/** A piece of a sentence: words, or a name (a person, a number, a chat, a file) the page shows in bold. */
export type AuditPart = string | { name: string };

interface Told {
  key?: string;
  params?: Record<string, AuditPart | number>;
  notes?: string[];
}

interface Ctx {
  t: Translate;
  locale: Locale;
  row: Row;
  names: AuditNames;
  d: Record<string, unknown>;
}

const PROVIDERS: Record<string, string> = { github: "GitHub", google: "Google", oidc: "OpenID Connect" };

function user(c: Ctx, id: unknown): AuditPart {
  if (typeof id !== "number") return c.t("audit.nobody");
  return { name: c.names.users.get(id) ?? c.t("audit.unknownUser", { id }) };
}

/** The user an entry is about: its target, else whoever acted (their own account). */
const targetUser = (c: Ctx) => user(c, targetId(c.row.target, "user") ?? c.row.userId);

function actor(c: Ctx): AuditPart {
  const known = c.row.userId === null ? undefined : c.names.users.get(c.row.userId);
  if (known) return { name: known };
  if (c.row.actor === "cli") return c.t("audit.actor.cli");
  if (c.row.actor === null || c.row.actor === "bootstrap") return { name: c.t("audit.actor.system") };
  return { name: c.row.actor };
}

function number(c: Ctx): AuditPart {
  const id = targetId(c.row.target, "instance");
  const stored = typeof c.d.name === "string" ? c.d.name : undefined;
  return {
    name:
      (id === null ? undefined : c.names.instances.get(id)) ?? stored ?? c.t("audit.unknownNumber", { id: id ?? "?" }),
  };
}

function chat(c: Ctx): AuditPart {
  const id = targetId(c.row.target, "chat") ?? (typeof c.d.chatId === "number" ? c.d.chatId : null);
  return { name: (id === null ? undefined : c.names.chats.get(id)) ?? c.t("audit.unknownChat", { id: id ?? "?" }) };
}

const file = (c: Ctx): AuditPart => ({ name: (c.row.target ?? "").replace(/^backup:/, "") });

const list = (c: Ctx, items: string[]) => new Intl.ListFormat(c.locale, { type: "conjunction" }).format(items);

/** Changed fields as words, a boolean's new value after it: "administrator rights (on) and display name". */
function fields(c: Ctx, kind: "user" | "instance"): string | null {
  const changed = Array.isArray(c.d.changed) ? c.d.changed.filter((f): f is string => typeof f === "string") : [];
  if (changed.length === 0) return null;
  const set = (c.d.set ?? {}) as Record<string, unknown>;
  const words = changed.map((f) => {
    const key = `audit.field.${kind}.${f.replace(" (replaced)", "")}`;
    const named = isMessageKey(key) ? c.t(key) : c.t("audit.field.other");
    return typeof set[f] === "boolean" ? `${named} (${c.t(set[f] ? "audit.on" : "audit.off")})` : named;
  });
  return list(c, [...new Set(words)]);
}

const count = (v: unknown) => (typeof v === "number" ? v : 0);

/** How each action is told: a variant of its sentence, its parameters, and notes in brackets after it. */
const TELL: Record<AuditAction, (c: Ctx) => Told> = {
  "auth.login": (c) => ({
    notes:
      typeof c.d.codeGraceUntil === "string"
        ? [c.t("audit.note.codeGrace", { date: formatDateTime(c.locale, new Date(c.d.codeGraceUntil)) })]
        : [],
  }),
  "auth.loginFailed": (c) =>
    typeof c.d.provider === "string"
      ? { key: "provider", params: { provider: PROVIDERS[c.d.provider] ?? c.d.provider } }
      : {},
  "auth.loginLocked": () => ({}),
  "auth.logout": () => ({}),
  "auth.setup": () => ({}),
  "auth.codeSent": () => ({}),
  "auth.codeFailed": (c) => ({
    params: {
      reason: c.t(
        c.d.reason === "wrong" || c.d.reason === "expired" ? `audit.codeReason.${c.d.reason}` : "audit.codeReason.void",
      ),
    },
  }),
  "auth.linkRequired": () => ({}),
  "user.created": (c) => {
    const granted = Array.isArray(c.d.instances) ? c.d.instances : [];
    const numbers = granted.map((id) => c.names.instances.get(id) ?? c.t("audit.unknownNumber", { id: String(id) }));
    return {
      params: { target: targetUser(c) },
      notes: [
        ...(c.d.admin === true ? [c.t("audit.note.admin")] : []),
        ...(numbers.length ? [c.t("audit.note.numbers", { list: list(c, numbers) })] : []),
      ],
    };
  },
  "user.updated": (c): Told => {
    const changed = fields(c, "user");
    const target = targetUser(c);
    return changed ? { params: { target, fields: changed } } : { key: "plain", params: { target } };
  },
  "user.passwordChanged": (c) => ({
    notes: count(c.d.sessionsEnded) ? [c.t("audit.note.sessionsEnded", { count: count(c.d.sessionsEnded) })] : [],
  }),
  "user.passwordChangeFailed": () => ({}),
  "user.localeChanged": (c) => ({
    params: {
      language: c.t(
        c.d.locale === "en" || c.d.locale === "ru" ? `audit.language.${c.d.locale}` : "audit.language.auto",
      ),
    },
  }),
  "user.telegramLinked": () => ({}),
  "user.telegramMoved": (c) =>
    typeof c.d.previousUserId === "number" ? { key: "from", params: { previous: user(c, c.d.previousUserId) } } : {},
  "user.telegramUnlinked": () => ({}),
  "sessions.endedOne": () => ({}),
  "sessions.endedOthers": (c) => ({ params: { count: count(c.d.ended) } }),
  "sessions.endedAllForUser": (c) => ({
    params: { count: count(c.d.ended), target: targetUser(c) },
  }),
  "instance.created": (c) => ({ params: { target: number(c) } }),
  "instance.updated": (c): Told => {
    if (c.d.retired === true) return { key: "retired", params: { target: number(c) } };
    const changed = fields(c, "instance");
    return changed
      ? { params: { target: number(c), fields: changed } }
      : { key: "plain", params: { target: number(c) } };
  },
  "instance.deleted": (c) => ({ params: { target: number(c) } }),
  "instance.loggedOut": (c) => ({ params: { target: number(c) } }),
  "instance.rebooted": (c) => ({ params: { target: number(c) } }),
  "chat.taken": (c) => ({ params: { chat: chat(c) } }),
  "chat.assigned": (c) => ({ params: { chat: chat(c), to: user(c, c.d.to) } }),
  "chat.transferred": (c) => ({ params: { chat: chat(c), from: user(c, c.d.from), to: user(c, c.d.to) } }),
  "chat.unassigned": (c) => ({ params: { chat: chat(c), from: user(c, c.d.from) } }),
  "message.edited": (c) => ({ params: { chat: chat(c) } }),
  "message.deleted": (c) => ({ params: { chat: chat(c) } }),
  "backup.created": (c) => ({
    params: { target: file(c) },
    notes:
      typeof c.d.bytes === "number"
        ? [
            new Intl.NumberFormat(c.locale, { style: "unit", unit: "megabyte", maximumFractionDigits: 1 }).format(
              c.d.bytes / 1e6,
            ),
          ]
        : [],
  }),
  "backup.downloaded": (c) => ({ params: { target: file(c) } }),
  "backup.restored": (c) => ({
    params: { target: file(c) },
    notes: typeof c.d.media === "boolean" ? [c.t(c.d.media ? "audit.note.media.on" : "audit.note.media.off")] : [],
  }),
};

/** Puts the parameters into a template's `{name}` slots, keeping names apart from words. */
function fill(template: string, params: Record<string, AuditPart | number>): AuditPart[] {
  const parts: AuditPart[] = [];
  template.split(/\{(\w+)\}/).forEach((piece, i) => {
    const value = i % 2 === 0 ? piece : (params[piece] ?? "—");
    const part = typeof value === "number" ? String(value) : value;
    const last = parts.at(-1);
    if (typeof part === "string" && typeof last === "string") parts[parts.length - 1] = last + part;
    else if (part !== "") parts.push(part);
  });
  return parts;
}

/** The entry as a sentence; a code this version does not know reads as a plain sentence naming the code. */
export function auditSentence(t: Translate, locale: Locale, row: Row, names: AuditNames): AuditPart[] {
  const d = row.details && typeof row.details === "object" ? (row.details as Record<string, unknown>) : {};
  const c: Ctx = { t, locale, row, names, d };
  if (!isAuditAction(row.action)) return fill(t("audit.sentence.unknown"), { actor: actor(c), code: row.action });
  try {
    const told = TELL[row.action](c);
    const key = `audit.sentence.${row.action}${told.key ? `.${told.key}` : ""}` as MessageKey;
    const params: Record<string, AuditPart | number> = { actor: actor(c), ...told.params };
    const parts = fill(t(key, typeof params.count === "number" ? { count: params.count } : {}), params);
    return told.notes?.length ? [...parts, ` (${told.notes.join("; ")})`] : parts;
  } catch {
    // Details of an unexpected shape (an older version's, or hand-made) still give a line, never a broken page.
    return fill(t("audit.sentence.unknown"), { actor: actor(c), code: row.action });
  }
}
