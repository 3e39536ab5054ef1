// Team settings: per instance (round-robin auto-assignment, notes to the Telegram channel) and per user (available).
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { instances, users } from "../db/schema/index.ts";

const checkbox = z
  .literal("on")
  .optional()
  .transform((v) => v === "on");
export const instanceTeamForm = z.object({ autoAssign: checkbox, notesToTelegram: checkbox });
export const availabilityForm = z.object({ available: z.enum(["0", "1"]).transform((v) => v === "1") });

export function createTeamSettings(db: Db) {
  return {
    async setInstance(instanceId: number, input: z.output<typeof instanceTeamForm>): Promise<void> {
      await db
        .update(instances)
        .set({ ...input, updatedAt: sql`now()` })
        .where(eq(instances.id, instanceId));
    },
    async isAvailable(userId: number): Promise<boolean> {
      const [row] = await db.select({ available: users.available }).from(users).where(eq(users.id, userId));
      return row?.available ?? false;
    },
    async setAvailable(userId: number, available: boolean): Promise<void> {
      await db.update(users).set({ available }).where(eq(users.id, userId));
    },
  };
}
