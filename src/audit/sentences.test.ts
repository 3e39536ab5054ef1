import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { auditLog } from "../db/schema/index.ts";
import { type Locale, messages, translator } from "../lib/i18n.ts";
import { AUDIT_ACTIONS, type AuditAction } from "./actions.ts";
import type { AuditNames } from "./names.ts";
import { type AuditPart, auditSentence } from "./sentences.ts";

type Row = typeof auditLog.$inferSelect;

const names: AuditNames = {
  users: new Map([
    [1, "Anna"],
    [2, "Boris"],
  ]),
  instances: new Map([[7, "Sales"]]),
  chats: new Map([[9, "Ivan Petrov"]]),
};

/** An entry as its call site records it (the details each action stores). */
const SAMPLES: Record<AuditAction, Partial<Row>> = {
  "auth.login": { details: { codeGraceUntil: "2026-03-01T10:00:00.000Z" } },
  "auth.loginFailed": { userId: null, actor: "mallory" },
  "auth.loginLocked": { userId: null, actor: "mallory" },
  "auth.logout": {},
  "auth.setup": {},
  "auth.codeSent": {},
  "auth.codeFailed": { details: { reason: "expired" } },
  "auth.linkRequired": {},
  "user.created": { target: "user:2", details: { admin: true, instances: [7] } },
  "user.updated": { target: "user:2", details: { changed: ["password", "isAdmin"], set: { isAdmin: true } } },
  "user.passwordChanged": { details: { sessionsEnded: 2 } },
  "user.passwordChangeFailed": {},
  "user.localeChanged": { details: { locale: "ru" } },
  "user.telegramLinked": { target: "user:1", details: { telegramUserId: 555 } },
  "user.telegramMoved": {
    target: "user:1",
    details: { telegramUserId: 555, previousUserId: 2, previousTelegramUserId: null },
  },
  "user.telegramUnlinked": { target: "user:1" },
  "sessions.endedOne": {},
  "sessions.endedOthers": { details: { ended: 3 } },
  "sessions.endedAllForUser": { target: "user:2", details: { ended: 1 } },
  "instance.created": { target: "instance:7", details: { idInstance: 1101, name: "Sales", intakeMode: "webhook" } },
  "instance.updated": { target: "instance:7", details: { changed: ["name", "apiToken (replaced)", "enabled"] } },
  "instance.deleted": { target: "instance:8", details: { idInstance: 1102, name: "Old line" } },
  "instance.loggedOut": { target: "instance:7" },
  "instance.rebooted": { target: "instance:7" },
  "chat.taken": { target: "chat:9", details: { instanceId: 7, from: null, to: 1 } },
  "chat.assigned": { target: "chat:9", details: { instanceId: 7, from: null, to: 2 } },
  "chat.transferred": { target: "chat:9", details: { instanceId: 7, from: 1, to: 2 } },
  "chat.unassigned": { target: "chat:9", details: { instanceId: 7, from: 2, to: null } },
  "message.edited": { target: "message:40", details: { instanceId: 7, chatId: 9 } },
  "message.deleted": { target: "message:40", details: { instanceId: 7, chatId: 9 } },
  "backup.created": { target: "greeninbox-2026.dump", details: { bytes: 2_500_000 } },
  "backup.downloaded": { target: "backup:greeninbox-2026.dump" },
  "backup.restored": {
    userId: null,
    actor: "cli",
    target: "greeninbox-2026.dump",
    details: { kind: "postgres", media: true },
  },
};

function row(action: string, over: Partial<Row> = {}): Row {
  return { id: 1, at: new Date(), userId: 1, actor: "anna", action, target: null, ip: null, details: null, ...over };
}

const text = (parts: AuditPart[]) => parts.map((p) => (typeof p === "string" ? p : p.name)).join("");
const say = (locale: Locale, r: Row) => text(auditSentence(translator(locale), locale, r, names));

describe("audit sentences", () => {
  test("every action has a sentence and a filter name in English and Russian", () => {
    for (const locale of ["en", "ru"] as const) {
      const dict = messages(locale) as Record<string, unknown>;
      for (const action of AUDIT_ACTIONS) {
        expect(dict[`audit.sentence.${action}`], `${locale} ${action}`).toBeDefined();
        expect(dict[`audit.kind.${action}`], `${locale} ${action}`).toBeDefined();
      }
    }
  });

  test("every action code recorded anywhere in src is a known action", () => {
    const found = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (/\.tsx?$/.test(path) && !path.endsWith(".test.ts") && !path.startsWith(join("src", "audit"))) {
          const source = readFileSync(path, "utf8");
          if (!/audit\s*\??\.record\(|\)\.record\(\{\s*action/.test(source)) continue;
          for (const m of source.matchAll(/"((?:auth|user|sessions|instance|chat|message|backup)\.[a-zA-Z]+)"/g))
            found.add(m[1]!);
        }
      }
    };
    walk("src");
    expect(found.size).toBeGreaterThan(30);
    expect([...found].filter((code) => !(AUDIT_ACTIONS as readonly string[]).includes(code))).toEqual([]);
  });

  test("each sentence reads in words: no codes, no JSON, no empty slots", () => {
    for (const locale of ["en", "ru"] as const)
      for (const action of AUDIT_ACTIONS) {
        const line = say(locale, row(action, SAMPLES[action]));
        expect(line, `${locale} ${action}`).not.toMatch(/[{}[\]"]|undefined|null|NaN|object/);
        expect(line, `${locale} ${action}`).not.toContain(action);
        expect(line, `${locale} ${action}`).not.toMatch(/\b(auth|user|instance|chat|message|backup):/);
      }
  });

  test("people, numbers and chats by name; details as translated words", () => {
    expect(say("en", row("user.updated", SAMPLES["user.updated"]))).toBe(
      "Anna changed Boris's password and administrator rights (on)",
    );
    expect(say("ru", row("user.updated", SAMPLES["user.updated"]))).toBe(
      "Anna: у пользователя Boris изменено: пароль и права администратора (вкл.)",
    );
    expect(say("en", row("user.localeChanged", SAMPLES["user.localeChanged"]))).toBe(
      "Anna switched the interface language to Russian",
    );
    expect(say("ru", row("user.localeChanged", { details: { locale: null } }))).toBe(
      "Anna: язык интерфейса — как в браузере",
    );
    expect(say("en", row("chat.transferred", SAMPLES["chat.transferred"]))).toBe(
      "Anna passed the conversation with Ivan Petrov from Anna to Boris",
    );
    expect(say("ru", row("sessions.endedOthers", { details: { ended: 5 } }))).toBe(
      "Anna: завершено 5 сеансов на других устройствах",
    );
    expect(say("en", row("instance.deleted", SAMPLES["instance.deleted"]))).toBe(
      "Anna removed the number Old line with its history",
    );
    expect(say("en", row("backup.restored", SAMPLES["backup.restored"]))).toBe(
      "The server's command line restored the backup greeninbox-2026.dump (with media files)",
    );
    // Someone no longer there: a readable stand-in, never the stored id form.
    expect(
      say("en", row("chat.assigned", { userId: null, actor: "gone", target: "chat:99", details: { to: 42 } })),
    ).toBe("gone assigned the conversation with #99 to #42");
  });

  test("names are kept apart from the words, so a name cannot fill a slot", () => {
    const parts = auditSentence(
      translator("en"),
      "en",
      row("auth.loginFailed", { userId: null, actor: "{target}" }),
      names,
    );
    expect(parts).toEqual(["Failed sign-in as ", { name: "{target}" }]);
  });

  test("an unknown code or odd details still give a sentence naming the code", () => {
    expect(say("en", row("user.teleported", { details: { to: "mars" } }))).toBe(
      "Anna did something this version does not describe (user.teleported)",
    );
    expect(say("ru", row("auth.login", { details: { codeGraceUntil: "not a date" } }))).toContain("auth.login");
    expect(say("en", row("user.updated", { details: { changed: ["shoeSize"] } }))).toBe(
      "Anna changed Anna's other settings",
    );
  });
});
