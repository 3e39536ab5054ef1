// `npm run demo`: within 60 s the printed admin signs in and sees demo chats appear, grow, update live, and ticks advance.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { Agent } from "../support/app.ts";
import { waitFor } from "../support/wait.ts";
import { cleanEnv, freePort, ROOT, tempDir } from "./support.ts";

const chatRows = (html: string) =>
  [...html.matchAll(/<li id="chat-(\d+)" class="chat-row[^"]*"[^>]*>\s*<a class="chat-link" href="([^"]+)"/g)].map(
    (m) => ({ id: m[1]!, href: m[2]! }),
  );

test("npm run demo: sign in as the printed admin, chats appear and grow live, replies get answers and ticks", async () => {
  const port = freePort();
  const dataDir = join(tempDir(), "data-demo");
  const proc = Bun.spawn(["npm", "run", "--silent", "demo"], {
    cwd: ROOT,
    env: cleanEnv({ PORT: String(port), HOST: "127.0.0.1", DATA_DIR: dataDir }),
    stdout: "pipe",
    stderr: "pipe",
  });
  let out = "";
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) out += decoder.decode(chunk, { stream: true });
  };
  void pump(proc.stdout);
  void pump(proc.stderr);
  const started = Date.now();
  /** Waits for `probe` until `ms` after the start, or until the demo exits; the failure shows the demo's output. */
  const until = <T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 60_000) =>
    waitFor(probe, {
      timeout: started + ms - Date.now(),
      interval: 250,
      stopIf: () => proc.exitCode !== null,
      message: () => `demo: ${what}; output:\n${out}`,
    });

  try {
    const [, url, password] = await until("the banner", async () =>
      /Open:\s+(\S+)\n\s+Sign in:\s+demo \/ (\S+)/.exec(out),
    );
    expect(url).toBe(`http://127.0.0.1:${port}`);
    const admin = new Agent(url!);
    expect((await admin.login("demo", password!)).status).toBe(303);

    // Live: the SSE stream of the signed-in admin carries chat updates.
    const events = await admin.get("/events");
    expect(events.status).toBe(200);
    const reader = events.body!.getReader();
    let frames = "";
    const live = (async () => {
      const decoder = new TextDecoder();
      while (!/event: chats\.all/.test(frames)) {
        const { value, done } = await reader.read();
        if (done) break;
        frames += decoder.decode(value, { stream: true });
      }
    })();

    const first = await until("two chats", async () => {
      const rows = chatRows(await (await admin.get("/chats")).text());
      return rows.length >= 2 && rows;
    });
    await until("a live chat update", async () => /event: chats\.all/.test(frames));
    await reader.cancel();
    await live.catch(() => {});

    // More customers write: the list grows.
    await until("more chats", async () => chatRows(await (await admin.get("/chats")).text()).length > first.length);

    // A reply from the admin reaches the customer (ticks advance to read) and the customer answers it.
    const chat = first[0]!;
    const before = (await (await admin.get(chat.href)).text()).match(/class="msg msg-in/g)?.length ?? 0;
    const sent = await admin.post(
      `${chat.href}/messages`,
      { text: "Hello from the demo test", key: "demo-test-reply-1" },
      { headers: { "hx-request": "true" } },
    );
    expect(sent.status).toBe(200);
    await until(
      "the reply read and answered",
      async () => {
        const page = await (await admin.get(chat.href)).text();
        const incoming = page.match(/class="msg msg-in/g)?.length ?? 0;
        return page.includes("Hello from the demo test") && /ticks-read/.test(page) && incoming > before;
      },
      90_000,
    );

    // The third number waits for its QR scan; two are connected.
    const instances = await (await admin.get("/instances")).text();
    for (const name of ["Demo Shop", "Demo Café", "New number (scan the QR)"]) expect(instances).toContain(name);
  } finally {
    proc.kill("SIGTERM");
    await proc.exited;
  }
  expect(out).not.toContain("demo: could not");
}, 120_000);
