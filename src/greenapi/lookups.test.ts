// Answers of checkWhatsapp and getGroupData as Green-API gives them (probe and documentation shapes), and their limits.
import { describe, expect, test } from "bun:test";
import { rateLimitFor } from "./limits.ts";
import { checkWhatsappResponseSchema, groupDataSchema } from "./lookups.ts";

describe("checkWhatsapp", () => {
  const cases: Array<[string, unknown, { existsWhatsapp: boolean; chatId?: string; phoneNumber?: string }]> = [
    [
      "LID mode (live probe)",
      {
        existsWhatsapp: true,
        chatId: "155508384256027@lid",
        username: "",
        phoneNumber: "79001234567@c.us",
        fromCache: true,
      },
      { existsWhatsapp: true, chatId: "155508384256027@lid", phoneNumber: "79001234567@c.us" },
    ],
    ["older answer: only the flag", { existsWhatsapp: true }, { existsWhatsapp: true }],
    [
      "no WhatsApp",
      { existsWhatsapp: false, chatId: "", username: "", phoneNumber: "", fromCache: false },
      { existsWhatsapp: false, chatId: "", phoneNumber: "" },
    ],
    [
      "WhatsApp's own spelling is brought to @c.us",
      { existsWhatsapp: true, chatId: "79001234567@s.whatsapp.net" },
      { existsWhatsapp: true, chatId: "79001234567@c.us" },
    ],
  ];
  for (const [what, body, want] of cases)
    test(what, () => expect(checkWhatsappResponseSchema.parse(body)).toMatchObject(want));
  test("a chat id that is none is refused", () =>
    expect(checkWhatsappResponseSchema.safeParse({ existsWhatsapp: true, chatId: "+7 900" }).success).toBe(false));
});

describe("getGroupData", () => {
  test("the documented answer, with newer fields kept", () => {
    const body = {
      groupId: "79876543210-1587570015@g.us",
      owner: "79876543210@c.us",
      subject: "Green API Group",
      creation: 1587570015,
      participants: [
        { id: "79876543210@c.us", isAdmin: true, isSuperAdmin: true },
        { id: "155508384256027@lid", isAdmin: false, isSuperAdmin: false },
      ],
      subjectTime: 1587737715,
      subjectOwner: "79876543210@c.us",
      groupInviteLink: "https://chat.whatsapp.com/Jlw",
      isCommunity: false,
    };
    expect(groupDataSchema.parse(body)).toMatchObject({ subject: "Green API Group", isCommunity: false });
  });
  test("an answer without a subject is refused", () =>
    expect(groupDataSchema.safeParse({ groupId: "1@g.us" }).success).toBe(false));
  test("getGroupData is in the 1 RPS bucket, checkWhatsapp in the 10 RPS one", () => {
    expect(rateLimitFor("getGroupData")).toBe(1);
    expect(rateLimitFor("checkWhatsapp")).toBe(10);
  });
});
