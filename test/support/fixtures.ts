// Test data: instances, chats and users with access, inserted through the schema.
import { chats, instances, userInstances } from "../../src/db/schema/index.ts";
import type { Db } from "../../src/db/client.ts";

let next = 7103000001;

/** The webhook token of every instance inserted here (`Authorization: Bearer …`). */
export const WEBHOOK_TOKEN = "w".repeat(24);

export async function insertInstance(db: Db, name: string): Promise<number> {
  const id = next++;
  const [row] = await db
    .insert(instances)
    .values({
      name,
      idInstance: id,
      apiToken: "a".repeat(50),
      apiUrl: "http://127.0.0.1:1",
      mediaUrl: "http://127.0.0.1:1",
      webhookToken: WEBHOOK_TOKEN,
      state: "authorized",
      wid: `7900${id}@c.us`,
    })
    .returning({ id: instances.id });
  return row!.id;
}

/**
 * An instance row on the fake Green-API (its URLs): polling, authorized and taking webhooks with WEBHOOK_TOKEN unless
 * `values` says otherwise. The whole row.
 */
export async function insertFakeInstance(
  db: Db,
  fake: { url: string; mediaUrl: string },
  values: Pick<NewInstance, "name" | "idInstance" | "apiToken"> & Partial<NewInstance>,
): Promise<typeof instances.$inferSelect> {
  const [row] = await db
    .insert(instances)
    .values({
      apiUrl: fake.url,
      mediaUrl: fake.mediaUrl,
      webhookToken: WEBHOOK_TOKEN,
      intakeMode: "polling",
      state: "authorized",
      ...values,
    })
    .returning();
  return row!;
}

type NewInstance = typeof instances.$inferInsert;

export async function insertChat(db: Db, instanceId: number, waChatId: string, name: string): Promise<number> {
  const [row] = await db
    .insert(chats)
    .values({ instanceId, waChatId, name, unreadCount: 2, lastMessageAt: new Date() })
    .returning({ id: chats.id });
  return row!.id;
}

export async function grant(db: Db, userId: number, instanceId: number): Promise<void> {
  await db.insert(userInstances).values({ userId, instanceId });
}
