import { describe, expect, test } from "bun:test";
import { translator } from "../lib/i18n.ts";
import { messageDataSchema } from "../greenapi/messages.ts";
import { messageBody, previewText, renderMessageData, vcardSummary } from "./message-text.ts";

const en = translator("en");
const ru = translator("ru");
const render = (data: object, t = en) => renderMessageData(messageDataSchema.parse(data), t);
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

  test("stored bodies: native text as stored, renderings again per reader, previews with the media kind", () => {
    expect(
      messageBody(
        {
          type: "textMessage",
          text: "edited text",
          raw: { messageData: { typeMessage: "textMessage", textMessageData: { textMessage: "old" } } },
        },
        ru,
      ),
    ).toBe("edited text");
    const raw = {
      messageData: {
        typeMessage: "pollMessage",
        pollMessageData: { name: "Q", options: [{ optionName: "a" }, { optionName: "b" }], multipleAnswers: true },
      },
    };
    expect(messageBody({ type: "pollMessage", text: "📊 …", raw }, ru)).toBe("📊 Опрос (несколько ответов): Q (a / b)");
    expect(messageBody({ type: "incomingCall", text: null, raw: { status: "declined" } }, en)).toBe(
      "📞 Incoming call — declined",
    );
    expect(
      previewText({ type: "imageMessage", text: "look", raw: null, media: { kind: "image", state: "pending" } }, en),
    ).toBe("📷 Photo · look");
    expect(
      previewText(
        {
          type: "documentMessage",
          text: null,
          raw: null,
          media: { kind: "document", state: "ready", fileName: "a.pdf" },
        },
        en,
      ),
    ).toBe("📄 a.pdf");
    expect(previewText({ type: "textMessage", text: "x".repeat(200), raw: null, media: null }, en)).toHaveLength(120);
  });
});
