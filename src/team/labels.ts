// Labels: admin-managed, coloured; put on chats and used to filter the chat list.
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { chatLabels, labels } from "../db/schema/index.ts";

export type Label = Pick<typeof labels.$inferSelect, "id" | "name" | "color">;

export const labelForm = z.object({
  name: z.string().trim().min(1).max(40),
  color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/)
    .transform((c) => c.toLowerCase()),
});

export function createLabels(db: Db) {
  return {
    async list(): Promise<Label[]> {
      return db
        .select({ id: labels.id, name: labels.name, color: labels.color })
        .from(labels)
        .orderBy(asc(sql`lower(${labels.name})`));
    },

    /** Creates a label; null when the name is taken (case-insensitive). */
    async create(input: { name: string; color: string }): Promise<Label | null> {
      const [row] = await db
        .insert(labels)
        .values(input)
        .onConflictDoNothing()
        .returning({ id: labels.id, name: labels.name, color: labels.color });
      return row ?? null;
    },

    async update(id: number, input: { name: string; color: string }): Promise<boolean> {
      try {
        const rows = await db
          .update(labels)
          .set({ ...input, updatedAt: sql`now()` })
          .where(eq(labels.id, id))
          .returning({ id: labels.id });
        return rows.length > 0;
      } catch {
        return false;
      }
    },

    async remove(id: number): Promise<void> {
      await db.delete(labels).where(eq(labels.id, id));
    },

    /** Labels on one chat. */
    async ofChat(chatId: number): Promise<Label[]> {
      return db
        .select({ id: labels.id, name: labels.name, color: labels.color })
        .from(chatLabels)
        .innerJoin(labels, eq(labels.id, chatLabels.labelId))
        .where(eq(chatLabels.chatId, chatId))
        .orderBy(asc(sql`lower(${labels.name})`));
    },

    /** Labels on any of these chats (a contact's chats). */
    async ofChats(chatIds: number[]): Promise<Label[]> {
      if (chatIds.length === 0) return [];
      return db
        .selectDistinct({ id: labels.id, name: labels.name, color: labels.color })
        .from(chatLabels)
        .innerJoin(labels, eq(labels.id, chatLabels.labelId))
        .where(inArray(chatLabels.chatId, chatIds));
    },

    /** Puts the label on the chat or takes it off; false when the label does not exist. */
    async toggle(chatId: number, labelId: number, on: boolean): Promise<boolean> {
      const [label] = await db.select({ id: labels.id }).from(labels).where(eq(labels.id, labelId));
      if (!label) return false;
      if (on) await db.insert(chatLabels).values({ chatId, labelId }).onConflictDoNothing();
      else await db.delete(chatLabels).where(and(eq(chatLabels.chatId, chatId), eq(chatLabels.labelId, labelId)));
      return true;
    },
  };
}
