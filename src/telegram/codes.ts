// Account links (links.ts) and 6-digit sign-in codes sent by DM; only hashes are stored.
import { and, desc, eq, isNull, lt, sql } from "drizzle-orm";
import { GrammyError, type Api } from "grammy";
import type { Db } from "../db/client.ts";
import { telegramCodes, users } from "../db/schema/index.ts";
import { hashSecret, secretMatches } from "../auth/tokens.ts";
import { translator, type Locale } from "../lib/i18n.ts";
import { createLinks } from "./links.ts";

const LOGIN_CODE_TTL_MS = 5 * 60_000;
const LOGIN_CODE_TRIES = 5;

/** The user has no linked Telegram account, so no code can be sent. */
export class TelegramNotLinkedError extends Error {
  override name = "TelegramNotLinkedError";
}

/** Telegram did not take the DM (bot blocked, never started, Telegram down). */
export class TelegramSendError extends Error {
  override name = "TelegramSendError";
}

export type VerifyResult =
  | { ok: true }
  | { ok: false; reason: "wrong"; triesLeft: number }
  | { ok: false; reason: "expired" | "void" };

export interface CodeServiceOptions {
  db: Db;
  api: Api;
  /** The bot's @username (from getMe). */
  botUsername: () => Promise<string>;
  defaultLocale: Locale;
}

/** Uniform 6 digits (rejection sampling avoids the modulo bias). */
function sixDigits(): string {
  const buf = new Uint32Array(1);
  do crypto.getRandomValues(buf);
  while (buf[0]! >= 4_294_000_000);
  return String(buf[0]! % 1_000_000).padStart(6, "0");
}

// The user id salts a code's hash, so one table of 10^6 hashes does not fit every row.
const codeHash = (userId: number, code: string) => hashSecret(`${userId}:${code}`);

export function createCodeService(opts: CodeServiceOptions) {
  const { db, api } = opts;
  return {
    ...createLinks({ db, botUsername: opts.botUsername }),

    /** Sends a fresh 6-digit sign-in code by DM (valid 5 minutes, 5 tries); earlier codes of the user stop working. */
    async sendLoginCode(userId: number): Promise<{ expiresAt: Date }> {
      const [user] = await db
        .select({ telegramUserId: users.telegramUserId, locale: users.locale })
        .from(users)
        .where(eq(users.id, userId));
      if (!user?.telegramUserId) throw new TelegramNotLinkedError("no Telegram account is linked to this user");
      const code = sixDigits();
      const expiresAt = new Date(Date.now() + LOGIN_CODE_TTL_MS);
      await db.transaction(async (tx) => {
        await tx
          .update(telegramCodes)
          .set({ usedAt: sql`now()` })
          .where(
            and(eq(telegramCodes.userId, userId), eq(telegramCodes.purpose, "login"), isNull(telegramCodes.usedAt)),
          );
        await tx
          .insert(telegramCodes)
          .values({ userId, purpose: "login", codeHash: codeHash(userId, code), expiresAt });
      });
      const t = translator(user.locale ?? opts.defaultLocale);
      try {
        await api.sendMessage(user.telegramUserId, t("tg.loginCode", { code }), {
          entities: [{ type: "code", offset: 0, length: 6 }],
        });
      } catch (err) {
        throw new TelegramSendError(err instanceof GrammyError ? err.description : "Telegram is not reachable", {
          cause: err,
        });
      }
      return { expiresAt };
    },

    /** Checks a sign-in code; each wrong try counts, and the 5th wrong one voids the code. A right code works once. */
    async verifyLoginCode(userId: number, input: string): Promise<VerifyResult> {
      const [current] = await db
        .select()
        .from(telegramCodes)
        .where(and(eq(telegramCodes.userId, userId), eq(telegramCodes.purpose, "login"), isNull(telegramCodes.usedAt)))
        .orderBy(desc(telegramCodes.id))
        .limit(1);
      if (!current || current.expiresAt.getTime() <= Date.now()) return { ok: false, reason: "expired" };
      // Count the try first (atomically), so parallel guesses cannot exceed the limit.
      const [tried] = await db
        .update(telegramCodes)
        .set({ attempts: sql`${telegramCodes.attempts} + 1` })
        .where(
          and(
            eq(telegramCodes.id, current.id),
            isNull(telegramCodes.usedAt),
            lt(telegramCodes.attempts, LOGIN_CODE_TRIES),
          ),
        )
        .returning({ attempts: telegramCodes.attempts });
      if (!tried) return { ok: false, reason: "void" };
      const code = input.replace(/\s/g, "");
      if (/^\d{6}$/.test(code) && secretMatches(`${userId}:${code}`, current.codeHash)) {
        const [used] = await db
          .update(telegramCodes)
          .set({ usedAt: sql`now()` })
          .where(and(eq(telegramCodes.id, current.id), isNull(telegramCodes.usedAt)))
          .returning({ id: telegramCodes.id });
        return used ? { ok: true } : { ok: false, reason: "void" };
      }
      if (tried.attempts >= LOGIN_CODE_TRIES) {
        await db.update(telegramCodes).set({ usedAt: sql`now()` }).where(eq(telegramCodes.id, current.id));
        return { ok: false, reason: "void" };
      }
      return { ok: false, reason: "wrong", triesLeft: LOGIN_CODE_TRIES - tried.attempts };
    },
  };
}

export type CodeService = ReturnType<typeof createCodeService>;
