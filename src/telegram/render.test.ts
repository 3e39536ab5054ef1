// Notification rendering: header, splitting at Telegram's limits, captions and fallbacks.
import { describe, expect, test } from "bun:test";
import { translator } from "../lib/i18n.ts";
import { notificationPosts, phoneOf, splitText, type NotificationInput } from "./render.ts";

const t = translator("en");
const base: NotificationInput = {
  instanceName: "Sales",
  waChatId: "79001234567@c.us",
  chatName: "Anna",
  senderName: "Anna K",
  senderId: null,
  type: "textMessage",
  text: "hi",
  event: null,
  media: null,
  quotedText: null,
};

describe("splitText", () => {
  test("keeps pieces within the limit, prefers line breaks, never splits a surrogate pair", () => {
    expect(splitText("short")).toEqual(["short"]);
    const lines = splitText(`${"a".repeat(3000)}\n${"b".repeat(3000)}`);
    expect(lines).toEqual(["a".repeat(3000), "b".repeat(3000)]);
    const emoji = splitText("😀".repeat(3000));
    expect(emoji.every((p) => p.length <= 4096 && !/^[\uDC00-\uDFFF]/.test(p))).toBe(true);
    expect(emoji.join("")).toBe("😀".repeat(3000));
  });
});

describe("notificationPosts", () => {
  test("text: header and text in one message, first line bold", () => {
    const [post] = notificationPosts(base, t);
    expect(post).toEqual({
      method: "sendMessage",
      payload: { text: "Anna K · +79001234567\n📱 Sales\n\nhi", entities: [{ type: "bold", offset: 0, length: 21 }] },
    });
  });

  test("group chats name the sender and the group; quotes are shown", () => {
    const [post] = notificationPosts(
      {
        ...base,
        waChatId: "120363@g.us",
        chatName: "Buyers",
        senderId: "79005550000@c.us",
        quotedText: "old question",
      },
      t,
    );
    expect(post!.payload).toMatchObject({ text: "Anna K · +79005550000 in “Buyers”\n📱 Sales\n↩️ old question\n\nhi" });
  });

  test("media: caption within 1024, longer text follows; stickers get the header first", () => {
    const media = { kind: "image" as const, state: "ready" as const, sha256: "x" };
    expect(notificationPosts({ ...base, media }, t).map((p) => p.method)).toEqual(["sendPhoto"]);
    const long = notificationPosts({ ...base, media, text: "z".repeat(2000) }, t);
    expect(long.map((p) => p.method)).toEqual(["sendPhoto", "sendMessage"]);
    expect((long[0]!.payload as { caption: string }).caption).toBe("Anna K · +79001234567\n📱 Sales");
    const sticker = notificationPosts(
      { ...base, text: null, media: { kind: "sticker", state: "ready", sha256: "y" } },
      t,
    );
    expect(sticker.map((p) => p.method)).toEqual(["sendMessage", "sendSticker"]);
  });

  test("phone numbers from chat ids; a privacy id or a group id is none", () => {
    expect(phoneOf("79001234567@c.us")).toBe("+79001234567");
    expect(phoneOf("155508384256027@lid")).toBeNull();
    expect(phoneOf("120363043968066561@g.us")).toBeNull();
    expect(phoneOf(null)).toBeNull();
  });

  test("headers: a member known only by a privacy id, a group without a subject, a LID chat's phone, long names", () => {
    const text = (input: Partial<NotificationInput>) =>
      (notificationPosts({ ...base, ...input }, t)[0]!.payload as { text: string }).text.split("\n")[0];
    expect(text({ waChatId: "120363@g.us", chatName: null, senderName: null, senderId: "155508384256027@lid" })).toBe(
      "Unknown contact in “Group”",
    );
    expect(text({ waChatId: "155508384256027@lid", altWaChatId: "79001234567@c.us" })).toBe("Anna K · +79001234567");
    expect(text({ waChatId: "155508384256027@lid", senderName: null, chatName: null })).toBe("Unknown contact");
    expect(text({ senderName: null, chatName: null })).toBe("+79001234567");
    const family = "👨‍👩‍👧‍👦".repeat(70);
    expect(text({ waChatId: "120363@g.us", chatName: family, senderId: "79005550000@c.us" })).toBe(
      `Anna K · +79005550000 in “${"👨‍👩‍👧‍👦".repeat(63)}…”`,
    );
    expect(
      notificationPosts(
        { ...base, waChatId: "120363@g.us", chatName: "Buyers", senderId: "79005550000@c.us" },
        translator("ru"),
      )[0]!.payload,
    ).toMatchObject({ text: "Anna K · +79005550000 в «Buyers»\n📱 Sales\n\nhi" });
  });

  test("a long header is cut for a caption between graphemes, the bold part with it", () => {
    const media = { kind: "image" as const, state: "ready" as const, sha256: "x" };
    const [post] = notificationPosts(
      { ...base, media, senderName: "🙂", quotedText: "👨‍👩‍👧‍👦".repeat(300), text: "z".repeat(2000) },
      t,
    );
    const { caption, caption_entities } = post!.payload as {
      caption: string;
      caption_entities: Array<{ length: number }>;
    };
    expect(caption.length).toBeLessThanOrEqual(1024);
    expect(caption.length).toBeGreaterThan(1000);
    expect(caption.endsWith("👨‍👩‍👧‍👦…")).toBe(true);
    expect(caption_entities[0]!.length).toBe("🙂 · +79001234567".length);
  });
});
