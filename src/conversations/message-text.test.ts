import { describe, expect, test } from "bun:test";
import { translator } from "../lib/i18n.ts";
import { messageDataSchema } from "../greenapi/messages.ts";
import { systemLineText } from "../lib/system-lines.ts";
import { messageLabel, previewText, vcardSummary } from "./message-text.ts";

const en = translator("en");
const ru = translator("ru");
const render = (data: object, t = en) => {
  const event = messageLabel(messageDataSchema.parse(data));
  return event && systemLineText(t, { text: null, event });
};
const vcard = (name: string, phone: string) =>
  `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:${name}\r\nTEL;type=CELL;waid=${phone}:+${phone}\r\nEND:VCARD`;

describe("renderings", () => {
  test("vCards give the name and every phone number", () => {
    expect(vcardSummary("", vcard("Ann Lee", "79001112233"))).toBe("Ann Lee, +79001112233");
    expect(vcardSummary("Ann", "BEGIN:VCARD\nitem1.TEL:+1 555\nTEL;TYPE=work:+2 666\nEND:VCARD")).toBe(
      "Ann, +1 555, +2 666",
    );
  });

  test("contacts count with Russian plural forms", () => {
    const contacts = (n: number) => ({
      typeMessage: "contactsArrayMessage",
      messageData: {
        contacts: Array.from({ length: n }, (_, i) => ({
          displayName: `C${i}`,
          vcard: vcard(`C${i}`, `7900000000${i}`),
        })),
      },
    });
    expect(render(contacts(2))).toBe("👥 2 contacts: C0, +79000000000; C1, +79000000001");
    expect(render(contacts(2), ru)).toStartWith("👥 2 контакта: ");
    expect(render(contacts(5), ru)).toStartWith("👥 5 контактов: ");
  });

  test("a location without a name shows only its coordinates; native types render nothing", () => {
    expect(render({ typeMessage: "locationMessage", locationMessageData: { latitude: 55.75, longitude: 37.61 } })).toBe(
      "📍 Location: 55.75, 37.61",
    );
    expect(render({ typeMessage: "textMessage", textMessageData: { textMessage: "hi" } })).toBeNull();
  });

  test("labels are codes with the customer's words as parameters; previews render them per reader", () => {
    const poll = messageLabel(
      messageDataSchema.parse({
        typeMessage: "pollMessage",
        pollMessageData: { name: "Q", options: [{ optionName: "a" }, { optionName: "b" }], multipleAnswers: true },
      }),
    );
    expect(poll).toEqual({ key: "msg.pollMultiple", params: { name: "Q", options: "a / b" } });
    expect(previewText({ text: "📊 …", event: poll, media: null }, ru)).toBe("📊 Опрос (несколько ответов): Q (a / b)");
    expect(previewText({ text: "edited text", event: null, media: null }, ru)).toBe("edited text");
    expect(previewText({ text: "look", event: null, media: { kind: "image", state: "pending" } }, en)).toBe(
      "📷 Photo · look",
    );
    expect(
      previewText(
        {
          text: null,
          event: null,
          media: { kind: "document", state: "ready", fileName: "a.pdf" },
        },
        en,
      ),
    ).toBe("📄 a.pdf");
    expect(previewText({ text: "x".repeat(200), event: null, media: null }, en)).toHaveLength(120);
  });
});
