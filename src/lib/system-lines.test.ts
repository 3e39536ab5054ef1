// System lines stored as codes, rendered in the reader's language; lines stored as text only are shown as written.
import { expect, test } from "bun:test";
import { translator } from "./i18n.ts";
import { systemLineText } from "./system-lines.ts";

const en = translator("en");
const ru = translator("ru");

test("a line is rendered from its key and names; no actor is the system; a note follows after a colon", () => {
  const took = { text: "stored", event: { key: "team.line.took", params: { by: "Anna" } } };
  expect(systemLineText(en, took)).toBe("Anna took the conversation");
  expect(systemLineText(ru, took)).toBe("Anna взял(а) диалог");
  const auto = { text: null, event: { key: "team.line.resolved" } };
  expect(systemLineText(ru, auto)).toBe("GreenInbox отметил(а) диалог решённым");
  const noted = { text: null, event: { key: "team.line.transferred", params: { by: "A", to: "B", note: "VIP" } } };
  expect(systemLineText(ru, noted)).toBe("A передал(а) диалог: B: VIP");
});

test("a parameter named …Key is a code, translated too", () => {
  const line = { text: null, event: { key: "tg.state", params: { instance: "Sales", stateKey: "tg.state.blocked" } } };
  expect(systemLineText(en, line)).toBe("📱 Sales: the number is blocked by WhatsApp");
  expect(systemLineText(ru, line)).toBe("📱 Sales: номер заблокирован WhatsApp");
});

test("without a code, or with a key this version does not know, the stored text is shown", () => {
  expect(systemLineText(ru, { text: "Anna took the conversation", event: null })).toBe("Anna took the conversation");
  expect(systemLineText(ru, { text: "old words", event: { key: "team.line.gone" } })).toBe("old words");
});
