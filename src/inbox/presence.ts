// Who is viewing which chat: each open conversation says so every VIEWING_PING_MS; entries expire after two missed pings.
// Pings travel as events, so with several processes every process knows every viewer.
import type { EventBus } from "../events/bus.ts";
import { EVENTS } from "../events/names.ts";

export const VIEWING_PING_MS = 20_000;
const EXPIRES_MS = VIEWING_PING_MS * 2 + 5_000;

export interface Viewer {
  userId: number;
  name: string;
}

export function createPresence(bus: EventBus, now: () => number = Date.now) {
  const chats = new Map<number, Map<number, { name: string; until: number }>>();

  bus.subscribe((event) => {
    if (event.name !== EVENTS.chatViewing) return;
    const { chatId, userId, name } = event.data;
    if (typeof chatId !== "number" || typeof userId !== "number" || typeof name !== "string") return;
    let viewers = chats.get(chatId);
    if (!viewers) chats.set(chatId, (viewers = new Map()));
    viewers.set(userId, { name, until: now() + EXPIRES_MS });
  });

  return {
    /** Records that the user has the chat open (all processes hear of it). */
    viewing(instanceId: number, chatId: number, user: Viewer): void {
      bus.publish({ name: EVENTS.chatViewing, instanceId, data: { chatId, userId: user.userId, name: user.name } });
    },
    /** The others who have the chat open now, by name. */
    others(chatId: number, userId: number): Viewer[] {
      const viewers = chats.get(chatId);
      if (!viewers) return [];
      const t = now();
      const out: Viewer[] = [];
      for (const [id, v] of viewers) {
        if (v.until < t) viewers.delete(id);
        else if (id !== userId) out.push({ userId: id, name: v.name });
      }
      if (viewers.size === 0) chats.delete(chatId);
      return out.sort((a, b) => a.name.localeCompare(b.name));
    },
  };
}

export type Presence = ReturnType<typeof createPresence>;
