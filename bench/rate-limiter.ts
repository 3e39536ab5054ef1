// Benchmark: 10 instances on the fake Green-API (own process), 2 000 sendMessage, 400 readChat plus getStateInstance
// polling, all through the rate limiter at once. Prints achieved vs allowed rate per method and the fake's violation count.
// Run: ./node_modules/.bin/bun bench/rate-limiter.ts [--instances 10] [--sends 2000] [--reads 400]
import { parseArgs } from "node:util";
import {
  createGreenApiClient,
  createRateLimiter,
  rateLimitFor,
  type GreenApiClient,
  type Priority,
} from "../src/greenapi/index.ts";
import { header } from "./support.ts";

const { values } = parseArgs({
  options: {
    instances: { type: "string", default: "10" },
    sends: { type: "string", default: "2000" },
    reads: { type: "string", default: "400" },
  },
});
const INSTANCES = Number(values.instances);
const SENDS = Number(values.sends);
const READS = Number(values.reads);
const CHAT = "79001234567@c.us";

await header(`rate limiter: ${INSTANCES} instances on the fake Green-API`);

const fakeProcess = Bun.spawn([process.execPath, "test/fakes/green-api/main.ts"], {
  stdout: "pipe",
  stderr: "inherit",
});
const { url, mediaUrl } = JSON.parse(await firstLine(fakeProcess.stdout)) as { url: string; mediaUrl: string };

async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("fake exited before printing its URL");
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return text.split("\n")[0]!;
}

/** Drives the fake through its HTTP control API. */
async function control(name: string, ...args: unknown[]): Promise<unknown> {
  const res = await fetch(`${url}/__control/${name}`, { method: "POST", body: JSON.stringify(args) });
  const body = (await res.json()) as { result?: unknown; error?: string };
  if (!res.ok) throw new Error(`control ${name}: ${body.error}`);
  return body.result;
}

async function newInstance(idInstance: number): Promise<GreenApiClient & { id: number }> {
  const apiTokenInstance = `${"c0".repeat(20)}${String(idInstance).padStart(10, "0")}`;
  // 1 ms send pacing on the fake, so its own queue does not limit the achieved rate.
  await control("createInstance", {
    idInstance,
    apiTokenInstance,
    state: "authorized",
    settings: { delaySendMessagesMilliseconds: 1 },
  });
  return Object.assign(
    createGreenApiClient({
      apiUrl: url,
      mediaUrl,
      idInstance,
      apiTokenInstance,
      onRateLimit: ({ method, remaining }) => limiter.observeRateLimit(String(idInstance), method, remaining),
    }),
    { id: idInstance },
  );
}

const limiter = createRateLimiter();
const dispatches = new Map<string, number[]>();
function timed<T>(key: string, method: string, priority: Priority, fn: () => Promise<T>): Promise<T> {
  return limiter.schedule(key, method, priority, () => {
    const k = `${key}:${method}`;
    dispatches.set(k, [...(dispatches.get(k) ?? []), performance.now()]);
    return fn();
  });
}

const clients = await Promise.all(Array.from({ length: INSTANCES }, (_, i) => newInstance(1101000500 + i)));
const started = performance.now();
let sending = true;

const polls = clients.map(async (c) => {
  while (sending) await timed(String(c.id), "getStateInstance", "background", () => c.getStateInstance());
});
const share = (total: number, i: number) => Math.floor(total / INSTANCES) + (i < total % INSTANCES ? 1 : 0);
const sends = clients.flatMap((c, i) =>
  Array.from({ length: share(SENDS, i) }, (_, n) =>
    timed(String(c.id), "sendMessage", n % 10 === 0 ? "reply" : "normal", () =>
      c.sendMessage({ chatId: CHAT, message: `bench ${n}` }),
    ),
  ),
);
const reads = clients.flatMap((c, i) =>
  Array.from({ length: share(READS, i) }, () =>
    timed(String(c.id), "readChat", "background", () => c.readChat({ chatId: CHAT })),
  ),
);
await Promise.all([...sends, ...reads]);
sending = false;
await Promise.all(polls);
const wallSeconds = (performance.now() - started) / 1000;

const violations = (await control("violations")) as number;
const accepted = (await Promise.all(clients.map((c) => control("sentMessages", c.id)))).reduce<number>(
  (n, list) => n + (list as unknown[]).length,
  0,
);

console.log(
  `${INSTANCES} instances, ${SENDS} sendMessage + ${READS} readChat + getStateInstance polling, wall ${wallSeconds.toFixed(2)} s`,
);
console.log("goal: achieved/allowed close to 100% (the limit is the ceiling), 0 violations (429) at the fake\n");
console.log(
  "method            calls  allowed/s per inst  achieved/s per inst (min–max)  achieved/allowed  avg wait ms  429s",
);
for (const method of ["sendMessage", "readChat", "getStateInstance"]) {
  const rates = clients.map((c) => {
    const t = dispatches.get(`${c.id}:${method}`) ?? [];
    return t.length > 1 ? ((t.length - 1) * 1000) / (t[t.length - 1]! - t[0]!) : 0;
  });
  const stats = limiter.stats().filter((s) => s.method === method);
  const calls = stats.reduce((n, s) => n + s.sent, 0);
  const mean = rates.reduce((a, b) => a + b, 0) / rates.length;
  const wait = stats.reduce((n, s) => n + s.avgWaitMs * s.sent, 0) / Math.max(1, calls);
  const limited = stats.reduce((n, s) => n + s.rateLimited, 0);
  console.log(
    `${method.padEnd(17)} ${String(calls).padStart(5)}  ${String(rateLimitFor(method)).padStart(18)}  ` +
      `${mean.toFixed(2).padStart(8)} (${Math.min(...rates).toFixed(2)}–${Math.max(...rates).toFixed(2)})`.padEnd(29) +
      `  ${((100 * mean) / rateLimitFor(method)).toFixed(1).padStart(15)}%  ${wait.toFixed(0).padStart(11)}  ${String(limited).padStart(4)}`,
  );
}
console.log(
  `\nfake: ${accepted} sends accepted, ${violations} rate-limit violations (429) with the rate limiter   goal 0  ${violations === 0 ? "✓" : "✗ MISSED"}`,
);

// Contrast: the same kind of burst without the rate limiter.
const naive = await newInstance(1101000999);
await Promise.all(
  Array.from({ length: 200 }, (_, n) => naive.sendMessage({ chatId: CHAT, message: `naive ${n}` }).catch(() => null)),
);
console.log(
  `fake: ${(await control("violations", naive.id)) as number} violations for 200 unscheduled concurrent sendMessage on one instance\n`,
);

limiter.stop();
fakeProcess.kill();
process.exit(violations === 0 && accepted === SENDS ? 0 : 1);
