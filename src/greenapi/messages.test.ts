// messageData: every typeMessage of the reference table parses to its own typed variant; the rest becomes `unknown`.
import { describe, expect, test } from "bun:test";
import { MESSAGE_DATA_EXAMPLES } from "./examples.ts";
import { KNOWN_TYPE_MESSAGES, messageDataSchema } from "./messages.ts";

describe("known typeMessage values", () => {
  for (const [type, messageData] of Object.entries(MESSAGE_DATA_EXAMPLES)) {
    test(`${type} parses to its own typed variant`, () => {
      expect(messageDataSchema.parse(messageData).typeMessage).toBe(type as never);
    });
  }

  test("every typed variant has an example", () => {
    expect([...KNOWN_TYPE_MESSAGES].sort()).toEqual(Object.keys(MESSAGE_DATA_EXAMPLES).sort());
  });

  test("a reaction is not text: its emoji sits under extendedTextMessageData with the quoted id", () => {
    const m = messageDataSchema.parse(MESSAGE_DATA_EXAMPLES.reactionMessage);
    if (m.typeMessage !== "reactionMessage") throw new Error("wrong kind");
    expect(m.extendedTextMessageData.text).toBe("👍");
    expect(m.quotedMessage.stanzaId).toBe("BAE5F4886F6F2D05");
  });

  test("contactsArrayMessage keeps its nested `messageData` key", () => {
    const m = messageDataSchema.parse(MESSAGE_DATA_EXAMPLES.contactsArrayMessage);
    if (m.typeMessage !== "contactsArrayMessage") throw new Error("wrong kind");
    expect(m.messageData.contacts[0]?.displayName).toBe("Ann");
  });

  test("any message may carry a quotedMessage", () => {
    const m = messageDataSchema.parse({
      ...MESSAGE_DATA_EXAMPLES.imageMessage,
      quotedMessage: { stanzaId: "X1", participant: "7@c.us", typeMessage: "textMessage", textMessage: "q" },
    });
    if (m.typeMessage !== "imageMessage") throw new Error("wrong kind");
    expect(m.quotedMessage?.stanzaId).toBe("X1");
  });
});

describe("unknown and malformed messageData", () => {
  test("an unsupported typeMessage is kept whole as `unknown`", () => {
    const raw = { typeMessage: "orderMessage", orderMessageData: { items: 3 } };
    expect(messageDataSchema.parse(raw)).toEqual({
      typeMessage: "unknown",
      originalTypeMessage: "orderMessage",
      reason: "unsupported typeMessage orderMessage",
      raw,
    });
  });

  test("a known typeMessage with a broken payload becomes `unknown` with a value-free reason", () => {
    const m = messageDataSchema.parse({ typeMessage: "textMessage", textMessageData: { textMessage: 4242 } });
    if (m.typeMessage !== "unknown") throw new Error("wrong kind");
    expect(m.reason).toContain("malformed textMessage: textMessageData.textMessage");
    expect(m.reason).not.toContain("4242");
  });

  test("messageData without a typeMessage is refused", () => {
    expect(messageDataSchema.safeParse({ textMessageData: { textMessage: "x" } }).success).toBe(false);
  });
});
