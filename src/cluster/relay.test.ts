// The cross-process event relay: batching, splitting past the NOTIFY limit, ignoring its own, and the bus's local-only listeners.
import { expect, test } from "bun:test";
import { createEventBus, type AppEvent } from "../events/bus.ts";
import { EVENTS } from "../events/names.ts";
import { createRelay, MAX_PAYLOAD } from "./relay.ts";

/** Two processes' buses joined by an in-memory channel that, like NOTIFY, hands every payload to everyone. */
function pair() {
  const payloads: string[] = [];
  const buses = [createEventBus(), createEventBus()];
  const relays = buses.map((bus, i) =>
    createRelay({
      origin: `p${i}`,
      notify: async (payload) => {
        payloads.push(payload);
        for (const r of relays) r.receive(payload);
      },
      deliver: (event) => bus.receive(event),
      onError: (err) => {
        throw err;
      },
    }),
  );
  buses.forEach((bus, i) => {
    bus.relay = (event) => relays[i]!.send(event);
  });
  return { buses, relays, payloads };
}

test("events reach the other process once, in order, and never come back to their sender", async () => {
  const { buses, relays, payloads } = pair();
  const got: AppEvent[][] = [[], []];
  buses.forEach((bus, i) => {
    bus.subscribe((e) => got[i]!.push(e));
  });
  const big = 'ж\u0001"😀'.repeat(5_000);
  const events: AppEvent[] = [
    { name: EVENTS.messageCreated, instanceId: 1, data: { messageId: 1, chatId: 2 } },
    { name: EVENTS.notice, userId: 3, data: { html: big } },
    { name: EVENTS.messageUpdated, instanceId: 1, data: { messageId: 1, chatId: 2, status: "sent" } },
  ];
  for (const e of events) buses[0]!.publish(e);
  await relays[0]!.flushed();
  expect(got[0]).toEqual(events);
  expect(got[1]).toEqual(events);
  expect(payloads.length).toBeGreaterThan(3);
  expect(payloads.every((p) => Buffer.byteLength(p) <= MAX_PAYLOAD)).toBe(true);
});

test("side-effect listeners (localOnly) hear only their own process's events", async () => {
  const { buses, relays } = pair();
  const local: string[] = [];
  const all: string[] = [];
  buses[1]!.subscribe((e) => local.push(String(e.data.n)), { localOnly: true });
  buses[1]!.subscribe((e) => all.push(String(e.data.n)));
  buses[0]!.publish({ name: EVENTS.chatUpdated, data: { n: "remote" } });
  buses[1]!.publish({ name: EVENTS.chatUpdated, data: { n: "own" } });
  await Promise.all(relays.map((r) => r.flushed()));
  expect(local).toEqual(["own"]);
  expect(all.sort()).toEqual(["own", "remote"]);
});

test("a burst is batched into few payloads", async () => {
  const { buses, relays, payloads } = pair();
  for (let i = 0; i < 200; i++)
    buses[0]!.publish({ name: EVENTS.messageCreated, instanceId: 1, data: { messageId: i, chatId: 1 } });
  await relays[0]!.flushed();
  expect(payloads.length).toBeLessThan(10);
});

test("its own payloads are dropped without being parsed; another process's broken payload is reported", () => {
  const errors: unknown[] = [];
  const relay = createRelay({
    origin: "p0",
    notify: async () => {},
    deliver: () => {},
    onError: (err) => errors.push(err),
  });
  relay.receive('{"o":"p0","e":[not json');
  expect(errors).toEqual([]);
  relay.receive('{"o":"p1","e":[not json');
  expect(errors.length).toBe(1);
});
