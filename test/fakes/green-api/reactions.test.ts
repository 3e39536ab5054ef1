// sendReaction on the fake: the documented body and answer, unknown messages refused, and the send-method rate limit.
import { afterAll, describe, expect, test } from "bun:test";
import type { GreenApiError } from "../../../src/greenapi/index.ts";
import { rateLimitFor } from "../../../src/greenapi/limits.ts";
import { waitFor } from "../../support/wait.ts";
import { newInstance, startFastFake } from "./testkit.ts";

const fake = startFastFake();
afterAll(() => fake.stop());
const CHAT = "79001234567@c.us";

/** A fresh instance with one customer message in its journal (reactions need a message to point at). */
function withMessage() {
  const inst = newInstance(fake, { settings: { incomingWebhook: "yes" } });
  fake.control.injectIncoming(inst.idInstance, {
    type: "textMessage",
    chatId: CHAT,
    text: "Hello",
    idMessage: "A1B2C3",
  });
  return inst;
}

describe("fake sendReaction", () => {
  test('reacts to a stored message, answers its own idMessage, and is recorded; "" takes it back', async () => {
    const { client, idInstance } = withMessage();
    const { idMessage } = await client.sendReaction({ chatId: CHAT, idMessage: "A1B2C3", reaction: "👍" });
    expect(idMessage).toMatch(/^BAE5/);
    await client.sendReaction({ chatId: CHAT, idMessage: "A1B2C3", reaction: "" });
    expect(fake.control.messageChanges(idInstance)).toEqual([
      { method: "sendReaction", chatId: CHAT, idMessage: "A1B2C3", reaction: "👍", applied: true },
      { method: "sendReaction", chatId: CHAT, idMessage: "A1B2C3", reaction: "", applied: true },
    ]);
  });

  test("an unknown message and a missing field are the documented 400s", async () => {
    const { client, apiTokenInstance, idInstance } = withMessage();
    const err = await client
      .sendReaction({ chatId: CHAT, idMessage: "FFFF", reaction: "👍" })
      .catch((e: GreenApiError) => e);
    expect(err).toMatchObject({ kind: "badRequest", reason: "Message by id not found" });
    const res = await fetch(`${fake.url}/waInstance${idInstance}/sendReaction/${apiTokenInstance}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ chatId: CHAT, idMessage: "A1B2C3" }),
    });
    expect(res.status).toBe(400);
    expect(fake.control.messageChanges(idInstance)).toEqual([]);
  });

  test("limited like the other send methods: 50 a second pass, the 51st is 429", async () => {
    expect(rateLimitFor("sendReaction")).toBe(rateLimitFor("sendMessage"));
    const { apiTokenInstance, idInstance } = withMessage();
    await Bun.sleep(1000 - (Date.now() % 1000) + 5); // the start of a wall-clock second: the burst cannot straddle a refill
    const statuses = await Promise.all(
      Array.from({ length: 51 }, () =>
        fetch(`${fake.url}/waInstance${idInstance}/sendReaction/${apiTokenInstance}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ chatId: CHAT, idMessage: "A1B2C3", reaction: "❤️" }),
        }).then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(50);
    expect(statuses.filter((s) => s === 429)).toHaveLength(1);
    expect(fake.control.violations(idInstance)).toBe(1);
    await waitFor(() => fake.control.messageChanges(idInstance).length === 50);
  });
});
