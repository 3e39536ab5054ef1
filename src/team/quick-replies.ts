// Quick replies (canned responses): global (instanceId null) or per instance, found by code; `{name}` and `{manager}` filled in.
import { and, asc, eq, ilike, inArray, isNull, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { quickReplies } from "../db/schema/index.ts";

export type QuickReply = typeof quickReplies.$inferSelect;

export const quickReplyForm = z.object({
  instance: z.union([z.literal(""), z.coerce.number().int().positive()]).transform((v) => (v === "" ? null : v)),
  code: z
    .string()
    .trim()
    .min(1)
    .max(32)
    .regex(/^[\p{L}\p{N}_-]+$/u),
  text: z.string().trim().min(1).max(4000),
});

/** Fills `{name}` (the customer) and `{manager}` (who sends); other braces stay as written. */
export function fillPlaceholders(text: string, values: { name: string; manager: string }): string {
  return text.replace(/\{(name|manager)\}/g, (_, key: "name" | "manager") => values[key]);
}

export function createQuickReplies(db: Db) {
  return {
    /** Replies usable in an instance (its own first, then global ones), optionally by code prefix. */
    async forInstance(instanceId: number, prefix = "", limit = 20): Promise<QuickReply[]> {
      const like = `${prefix.replace(/[\\%_]/g, "\\$&")}%`;
      return db
        .select()
        .from(quickReplies)
        .where(
          and(
            or(eq(quickReplies.instanceId, instanceId), isNull(quickReplies.instanceId)),
            prefix ? ilike(quickReplies.code, like) : undefined,
          ),
        )
        .orderBy(sql`${quickReplies.instanceId} is null`, asc(quickReplies.code))
        .limit(limit);
    },

    /** The reply with exactly this code (the instance's own wins over a global one). */
    async byCode(instanceId: number, code: string): Promise<QuickReply | undefined> {
      const [row] = await db
        .select()
        .from(quickReplies)
        .where(
          and(
            or(eq(quickReplies.instanceId, instanceId), isNull(quickReplies.instanceId)),
            sql`lower(${quickReplies.code}) = lower(${code})`,
          ),
        )
        .orderBy(sql`${quickReplies.instanceId} is null`)
        .limit(1);
      return row;
    },

    /** Global replies and those of the given instances ("all" for admins). */
    async list(scope: readonly number[] | "all"): Promise<QuickReply[]> {
      const own =
        scope === "all" ? sql`true` : scope.length ? inArray(quickReplies.instanceId, [...scope]) : sql`false`;
      return db
        .select()
        .from(quickReplies)
        .where(or(isNull(quickReplies.instanceId), own))
        .orderBy(sql`${quickReplies.instanceId} is not null`, quickReplies.instanceId, asc(quickReplies.code));
    },

    async get(id: number): Promise<QuickReply | undefined> {
      const [row] = await db.select().from(quickReplies).where(eq(quickReplies.id, id));
      return row;
    },

    /** Creates the reply, or replaces the text of the one with the same code in the same scope. */
    async save(input: { instanceId: number | null; code: string; text: string }): Promise<QuickReply> {
      const [existing] = await db
        .select({ id: quickReplies.id })
        .from(quickReplies)
        .where(
          and(
            input.instanceId === null ? isNull(quickReplies.instanceId) : eq(quickReplies.instanceId, input.instanceId),
            sql`lower(${quickReplies.code}) = lower(${input.code})`,
          ),
        );
      if (existing) {
        const [row] = await db
          .update(quickReplies)
          .set({ text: input.text, code: input.code, updatedAt: sql`now()` })
          .where(eq(quickReplies.id, existing.id))
          .returning();
        return row!;
      }
      const [row] = await db.insert(quickReplies).values(input).returning();
      return row!;
    },

    async remove(id: number): Promise<void> {
      await db.delete(quickReplies).where(eq(quickReplies.id, id));
    },
  };
}
