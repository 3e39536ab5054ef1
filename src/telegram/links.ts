// Account links by deep link: a one-time token opened in Telegram links that Telegram account to the token's user; when
// either side is already linked elsewhere nothing changes until the Telegram user confirms. Only hashes are stored.
import { and, eq, gt, inArray, isNull, ne, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { telegramCodes, users } from "../db/schema/index.ts";
import { hashSecret, randomToken } from "../auth/tokens.ts";
import type { Locale } from "../lib/i18n.ts";

const LINK_TTL_MS = 10 * 60_000;
/** How long the bot's question waits for Yes or No. */
const CONFIRM_TTL_MS = 10 * 60_000;

/** Link tokens and confirmation ids: 120 random bits in lowercase base32. */
const TOKEN = /^[a-z2-7]{24}$/;

/** A GreenInbox user on either side of a link. */
export interface LinkParty {
  id: number;
  username: string;
  displayName: string;
  locale: Locale | null;
}

/** A link made or moved: `user` now has `telegramUserId`; the previous holders on each side lost it. */
export interface LinkChange {
  user: LinkParty;
  telegramUserId: number;
  /** The user this Telegram account was linked to until now. */
  previousUser: LinkParty | null;
  /** The Telegram account `user` was linked to until now. */
  previousTelegramUserId: number | null;
}

export type OpenResult =
  | { kind: "invalid" }
  /** This Telegram account is linked to that user already. */
  | { kind: "already"; user: LinkParty }
  /** A sign-in link never moves an existing link (the password alone must not take over a linked account). */
  | { kind: "refused"; user: LinkParty }
  | { kind: "linked"; change: LinkChange }
  /**
   * Nothing changed yet: the bot asks. `current` is the user this Telegram account is linked to; `moves` says the user is
   * linked to another Telegram account. The callback carries `confirmId` and `moves`.
   */
  | { kind: "ask"; confirmId: string; user: LinkParty; current: LinkParty | null; moves: boolean };

export type ConfirmResult =
  | { kind: "expired" }
  | { kind: "already"; user: LinkParty }
  | { kind: "linked"; change: LinkChange };

const party = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  locale: users.locale,
  telegramUserId: users.telegramUserId,
};

/**
 * A confirmation is found only by the hash of the Telegram user asked, its id and whether the question said the user's
 * link moves: another Telegram user (or a forged `moves`) finds nothing.
 */
const confirmHash = (telegramUserId: number, confirmId: string, moves: boolean) =>
  hashSecret(`${telegramUserId}:${confirmId}:${moves ? "move" : "new"}`);

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

const strip = ({ telegramUserId: _tg, ...p }: LinkParty & { telegramUserId: number | null }): LinkParty => p;

/** Links `telegramUserId` to `user`, unlinking whoever had it; the caller checked that something changes. */
async function relink(
  tx: Tx,
  user: LinkParty & { telegramUserId: number | null },
  telegramUserId: number,
): Promise<LinkChange> {
  const [previous] = await tx
    .update(users)
    .set({ telegramUserId: null })
    .where(and(eq(users.telegramUserId, telegramUserId), ne(users.id, user.id)))
    .returning(party);
  await tx.update(users).set({ telegramUserId }).where(eq(users.id, user.id));
  return {
    user: strip(user),
    telegramUserId,
    previousUser: previous ? strip(previous) : null,
    previousTelegramUserId: user.telegramUserId,
  };
}

async function lockUser(tx: Tx, userId: number) {
  const [user] = await tx.select(party).from(users).where(eq(users.id, userId)).for("update");
  return user;
}

export function createLinks(opts: { db: Db; botUsername: () => Promise<string> }) {
  const { db } = opts;
  return {
    /**
     * A one-time link `https://t.me/<bot>?start=<token>` (valid 10 minutes) for this user. `enrol` (the sign-in step of a
     * user who has no Telegram yet) makes a link that can only make a first link, never move one.
     */
    async createLinkToken(
      userId: number,
      purpose: "link" | "enrol" = "link",
    ): Promise<{ url: string; expiresAt: Date }> {
      const token = randomToken();
      const expiresAt = new Date(Date.now() + LINK_TTL_MS);
      await db.insert(telegramCodes).values({ userId, purpose, codeHash: hashSecret(token), expiresAt });
      return { url: `https://t.me/${await opts.botUsername()}?start=${token}`, expiresAt };
    },

    /** Uses a link token (once) for a Telegram user: links at once when neither side is linked, otherwise asks. */
    async openLink(token: string, telegramUserId: number): Promise<OpenResult> {
      if (!TOKEN.test(token)) return { kind: "invalid" };
      return db.transaction(async (tx): Promise<OpenResult> => {
        const [code] = await tx
          .update(telegramCodes)
          .set({ usedAt: sql`now()` })
          .where(
            and(
              inArray(telegramCodes.purpose, ["link", "enrol"]),
              eq(telegramCodes.codeHash, hashSecret(token)),
              isNull(telegramCodes.usedAt),
              gt(telegramCodes.expiresAt, sql`now()`),
            ),
          )
          .returning({ userId: telegramCodes.userId, purpose: telegramCodes.purpose });
        const user = code && (await lockUser(tx, code.userId));
        if (!code || !user) return { kind: "invalid" };
        if (user.telegramUserId === telegramUserId) return { kind: "already", user: strip(user) };
        if (code.purpose === "enrol" && user.telegramUserId !== null) return { kind: "refused", user: strip(user) };
        const [current] = await tx.select(party).from(users).where(eq(users.telegramUserId, telegramUserId));
        if (!current && user.telegramUserId === null)
          return { kind: "linked", change: await relink(tx, user, telegramUserId) };
        const confirmId = randomToken();
        const moves = user.telegramUserId !== null;
        await tx.insert(telegramCodes).values({
          userId: user.id,
          purpose: "confirm",
          codeHash: confirmHash(telegramUserId, confirmId, moves),
          expiresAt: new Date(Date.now() + CONFIRM_TTL_MS),
        });
        return { kind: "ask", confirmId, user: strip(user), current: current ? strip(current) : null, moves };
      });
    },

    /**
     * "Yes" to the question (once, by the Telegram user asked, before it expires). A question that did not say the user's
     * link moves expires if the user got linked elsewhere meanwhile: Yes performs only what was asked.
     */
    async confirmLink(confirmId: string, moves: boolean, telegramUserId: number): Promise<ConfirmResult> {
      if (!TOKEN.test(confirmId)) return { kind: "expired" };
      return db.transaction(async (tx): Promise<ConfirmResult> => {
        const [row] = await tx
          .update(telegramCodes)
          .set({ usedAt: sql`now()` })
          .where(
            and(
              eq(telegramCodes.purpose, "confirm"),
              eq(telegramCodes.codeHash, confirmHash(telegramUserId, confirmId, moves)),
              isNull(telegramCodes.usedAt),
              gt(telegramCodes.expiresAt, sql`now()`),
            ),
          )
          .returning({ userId: telegramCodes.userId });
        const user = row && (await lockUser(tx, row.userId));
        if (!row || !user) return { kind: "expired" };
        if (user.telegramUserId === telegramUserId) return { kind: "already", user: strip(user) };
        if (!moves && user.telegramUserId !== null) return { kind: "expired" };
        return { kind: "linked", change: await relink(tx, user, telegramUserId) };
      });
    },

    /** "No" to the question: it can no longer be confirmed. */
    async cancelLink(confirmId: string, moves: boolean, telegramUserId: number): Promise<void> {
      if (!TOKEN.test(confirmId)) return;
      await db
        .update(telegramCodes)
        .set({ usedAt: sql`now()` })
        .where(
          and(
            eq(telegramCodes.purpose, "confirm"),
            eq(telegramCodes.codeHash, confirmHash(telegramUserId, confirmId, moves)),
            isNull(telegramCodes.usedAt),
          ),
        );
    },
  };
}
