// Send failures stored as codes and shown in the reader's language; a send's progress in words.
import { describe, expect, test } from "bun:test";
import { translator } from "./i18n.ts";
import { SEND_RETRY_DELAYS_MS, sendFailure, sendFailureText, sendProgressText } from "./sending.ts";

const en = translator("en");
const ru = translator("ru");
const now = new Date("2026-01-01T12:00:00Z");
const later = (ms: number) => new Date(now.getTime() + ms);
const total = SEND_RETRY_DELAYS_MS.length;

describe("send failures", () => {
  test("a code is shown translated, with Green-API's own description kept as it is", () => {
    expect(sendFailureText(en, sendFailure("noAccount"))).toBe("this number has no WhatsApp account");
    expect(sendFailureText(ru, sendFailure("noAccount"))).toBe("у этого номера нет WhatsApp");
    const stored = sendFailure("badRequest", "Message length exceeds 20000");
    expect(stored).toBe("badRequest:Message length exceeds 20000");
    expect(sendFailureText(ru, stored)).toBe("Green-API отклонил сообщение (Message length exceeds 20000)");
  });

  test("English text stored before codes, and a missing reason, are shown as they are", () => {
    expect(sendFailureText(ru, "this number has no WhatsApp account")).toBe("this number has no WhatsApp account");
    expect(sendFailureText(ru, "unexpected shape: idMessage")).toBe("unexpected shape: idMessage");
    expect(sendFailureText(en, null)).toBe("?");
  });
});

describe("send progress", () => {
  const send = { status: "queued", attempts: 0, nextAttemptAt: null, failReason: null };
  const waiting = { status: "sending", failReason: "greenApiDown" };

  test("a send on its way says so; one that went out or failed says nothing here", () => {
    expect(sendProgressText(en, send, now)).toBe("Sending…");
    expect(sendProgressText(ru, { ...send, status: "sending", attempts: 1 }, now)).toBe("Отправляется…");
    expect(sendProgressText(en, { ...send, status: "sent" }, now)).toBeNull();
    expect(sendProgressText(en, { ...send, status: "failed" }, now)).toBeNull();
  });

  test("waiting to retry: how long and which retry, in seconds or minutes", () => {
    expect(sendProgressText(en, { ...waiting, attempts: 3, nextAttemptAt: later(39_200) }, now)).toBe(
      `Green-API is not answering — retrying in 40 s (3 of ${total})`,
    );
    expect(sendProgressText(ru, { ...waiting, attempts: 4, nextAttemptAt: later(119_000) }, now)).toBe(
      `Green-API не отвечает — повтор через 2 мин (4 из ${total})`,
    );
    // The retry's time has come: the journal is read first (the send went out, or it is tried again).
    expect(sendProgressText(en, { ...waiting, attempts: 2, nextAttemptAt: later(-1) }, now)).toBe(
      "Green-API is not answering — checking whether the message went out",
    );
    expect(sendProgressText(en, { ...waiting, attempts: total + 1, nextAttemptAt: later(60_000) }, now)).toBe(
      "Green-API is not answering — checking whether the message went out",
    );
  });

  test("the journal could not be read: the next check, then the last one, never a retry", () => {
    const unconfirmed = { status: "sending", failReason: "unconfirmed" };
    expect(sendProgressText(en, { ...unconfirmed, attempts: 3, nextAttemptAt: later(39_200) }, now)).toBe(
      `Green-API is not answering — cannot check whether it went out; next check in 40 s (3 of ${total})`,
    );
    expect(sendProgressText(ru, { ...unconfirmed, attempts: 5, nextAttemptAt: later(299_000) }, now)).toBe(
      `Green-API не отвечает — не удаётся проверить, ушло ли сообщение; следующая проверка через 5 мин (5 из ${total})`,
    );
    expect(sendProgressText(en, { ...unconfirmed, attempts: total + 1, nextAttemptAt: later(150_000) }, now)).toBe(
      "Green-API is not answering — cannot check whether it went out; last check in 3 min",
    );
    expect(sendProgressText(ru, { ...unconfirmed, attempts: 4, nextAttemptAt: later(-1) }, now)).toBe(
      "Green-API не отвечает — проверяем, ушло ли сообщение",
    );
    expect(
      sendProgressText(en, { ...unconfirmed, status: "unknown", attempts: total + 1, nextAttemptAt: null }, now),
    ).toBeNull();
  });
});
