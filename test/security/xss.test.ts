// Stored (and reflected) XSS: hostile message text, chat and sender names, file names, instance and user names are
// rendered as text on every web page and partial, and in the live SSE fragments.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chats, instances, messages } from "../../src/db/schema/index.ts";
import { Agent, startTestApp, type TestApp } from "../support/app.ts";
import { resetDatabase } from "../support/db.ts";
import { insertInstance } from "../support/fixtures.ts";
import { openStream } from "./sse.ts";

/** Markup that would run if it reached the page unescaped. */
const RAW = [
  /<script>alert/i,
  /<img src=x onerror/i,
  /<svg onload/i,
  /href="javascript:/i,
  /<iframe/i,
  /<b>bold-injected/i,
];
const payload = (n: number) =>
  `<script>alert(${n})</script>"><img src=x onerror=alert(${n})>'><svg onload=alert(${n})><b>bold-injected</b><iframe src=javascript:alert(${n})>`;

const dataDir = mkdtempSync(join(tmpdir(), "gi-xss-"));
let app: TestApp;
let admin: Agent;
let instanceId: number;
let chatId: number;
let groupId: number;

function unsafe(html: string): string[] {
  return RAW.filter((re) => re.test(html)).map((re) => String(re));
}

beforeAll(async () => {
  await resetDatabase();
  app = await startTestApp({ DATA_DIR: dataDir });
  const { db, users } = app.deps;
  instanceId = await insertInstance(db, `Inst ${payload(1)}`);
  const [chat] = await db
    .insert(chats)
    .values({
      instanceId,
      waChatId: "79001110001@c.us",
      name: `Chat ${payload(2)}`,
      lastMessagePreview: `Preview ${payload(3)}`,
      unreadCount: 1,
      lastMessageAt: new Date(),
    })
    .returning();
  chatId = chat!.id;
  const [group] = await db
    .insert(chats)
    .values({
      instanceId,
      waChatId: "120363000000000001@g.us",
      name: `Group ${payload(4)}`,
      unreadCount: 1,
      lastMessageAt: new Date(),
    })
    .returning();
  groupId = group!.id;
  const stored = await app.deps.media.store.store(Buffer.from("%PDF-1.4 test"), {
    fileName: "x.pdf",
    mimeType: "application/pdf",
  });
  await db.insert(messages).values([
    {
      instanceId,
      chatId,
      idMessage: "XSS1",
      direction: "in",
      via: "whatsapp",
      type: "textMessage",
      text: `Text ${payload(5)} https://example.com/"><script>alert(1)</script> javascript:alert(1)`,
    },
    {
      instanceId,
      chatId,
      idMessage: "XSS2",
      direction: "in",
      via: "whatsapp",
      type: "documentMessage",
      text: `Caption ${payload(6)}`,
      media: {
        kind: "document",
        state: "ready",
        sha256: stored.sha256,
        size: stored.size,
        mimeType: "application/pdf",
        fileName: `File ${payload(7)}.pdf`,
      },
    },
    {
      instanceId,
      chatId,
      idMessage: "XSS3",
      direction: "in",
      via: "whatsapp",
      type: "imageMessage",
      text: null,
      media: {
        kind: "image",
        state: "failed",
        error: `Error ${payload(8)}`,
        fileName: `Img ${payload(9)}.png`,
        mimeType: "image/png",
      },
    },
    {
      instanceId,
      chatId: groupId,
      idMessage: "XSS4",
      direction: "in",
      via: "whatsapp",
      type: "textMessage",
      text: "in a group",
      senderName: `Sender ${payload(10)}`,
    },
    {
      instanceId,
      chatId,
      idMessage: "XSS5",
      direction: "out",
      via: "web",
      type: "textMessage",
      text: "a reply",
      senderName: `Agent ${payload(11)}`,
      status: "sent",
    },
  ]);
  await users.create({
    username: "admin",
    displayName: `A<script>alert(12)</script>"><img src=x onerror=alert(12)>`,
    password: "password-1",
    isAdmin: true,
  });
  admin = new Agent(app.url);
  expect((await admin.login("admin", "password-1")).status).toBe(303);
}, 30_000);

afterAll(async () => {
  await app.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("stored XSS in web views", () => {
  test("every page and partial showing hostile names and texts escapes them", async () => {
    // A sign-in attempt with a hostile username lands in the audit log.
    await new Agent(app.url).login(`x${payload(13)}`.slice(0, 200), "wrong");
    const base = `/instances/${instanceId}`;
    const pages = [
      "/",
      "/overview",
      "/instances",
      base,
      `${base}/card`,
      `${base}/status`,
      `${base}/edit`,
      "/chats",
      `${base}/chats`,
      `${base}/chats/${chatId}`,
      `${base}/chats/${chatId}/messages`,
      `${base}/chats/${groupId}`,
      "/users",
      "/users/list",
      "/audit",
      "/settings",
      `/chats?q=${encodeURIComponent(payload(14))}`,
      `${base}/chats/${chatId}?q=${encodeURIComponent(payload(15))}`,
    ];
    const wrong: string[] = [];
    let escaped = 0;
    for (const path of pages) {
      for (const htmx of [false, true]) {
        const res = await admin.get(path, htmx ? { "hx-request": "true" } : {});
        const html = await res.text();
        if (res.status !== 200) wrong.push(`${path}: ${res.status}`);
        for (const hit of unsafe(html)) wrong.push(`${path}${htmx ? " [htmx]" : ""}: raw ${hit}`);
        if (html.includes("&lt;script&gt;alert(")) escaped++;
      }
    }
    expect(wrong).toEqual([]);
    // The hostile text is there, as text (not silently dropped).
    expect(escaped).toBeGreaterThanOrEqual(pages.length);
    const conversation = await (await admin.get(`${base}/chats/${chatId}`)).text();
    for (const n of [2, 5, 6, 7]) expect(conversation).toContain(`&lt;script&gt;alert(${n})&lt;/script&gt;`);
  });

  test("a hostile file name cannot break out of Content-Disposition or add headers", async () => {
    const [m] = await app.deps.db
      .insert(messages)
      .values({
        instanceId,
        chatId,
        idMessage: "XSS6",
        direction: "in",
        via: "whatsapp",
        type: "documentMessage",
        media: {
          kind: "document",
          state: "ready",
          sha256: (await app.deps.media.store.store(Buffer.from("doc"), { fileName: "d", mimeType: "text/html" }))
            .sha256,
          mimeType: "text/html",
          fileName: `evil"\r\nSet-Cookie: pwned=1\r\n.html`,
        },
      })
      .returning();
    const res = await admin.get(`/instances/${instanceId}/media/${m!.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toStartWith('attachment; filename="evil_');
    expect(res.headers.get("content-disposition")).not.toMatch(/[\r\n]/);
    expect(res.headers.getSetCookie().some((c) => c.startsWith("pwned"))).toBe(false);
    // An HTML file is never served as HTML.
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  test("live SSE fragments of a hostile incoming message are escaped", async () => {
    const stream = await openStream(admin);
    try {
      const body = {
        typeWebhook: "incomingMessageReceived",
        instanceData: { idInstance: 7103000001, wid: "79990000000@c.us", typeInstance: "whatsapp" },
        timestamp: Math.floor(Date.now() / 1000),
        idMessage: "XSSLIVE1",
        senderData: {
          chatId: "79001119999@c.us",
          chatName: `Live ${payload(20)}`,
          sender: "79001119999@c.us",
          senderName: `Live ${payload(21)}`,
        },
        messageData: {
          typeMessage: "textMessage",
          textMessageData: { textMessage: `LiveText ${payload(22)}\n\nevent: reload\ndata: injected` },
        },
      };
      const [row] = await app.deps.db.select().from(instances);
      body.instanceData.idInstance = row!.idInstance;
      expect(await app.deps.intake.accept(instanceId, row!.idInstance, body, "webhook")).toMatchObject({ ok: true });
      await app.deps.intake.idle();
      const text = await stream.until(/LiveText/);
      await stream.until(/event: chats\./);
      // Events swapped into the page carry HTML and must be escaped; "notify" carries JSON that public/app.js hands
      // to the Notification API as plain text (never into the page).
      const events = stream.text.split("\n\n").map((e) => ({
        name: /^event: (.*)$/m.exec(e)?.[1] ?? "message",
        data: e
          .split("\n")
          .filter((l) => l.startsWith("data: "))
          .map((l) => l.slice(6))
          .join("\n"),
      }));
      for (const e of events.filter((e) => e.name !== "notify")) expect(unsafe(e.data), e.name).toEqual([]);
      for (const e of events.filter((e) => e.name === "notify"))
        expect(JSON.parse(e.data).title).toContain("<script>alert(20)</script>");
      expect(stream.text).toContain("LiveText &lt;script&gt;alert(22)&lt;/script&gt;");
      // Newlines in the text stay inside the data: a hostile message cannot start an event of its own (a reload).
      expect(text).toContain("data: event: reload");
      expect(events.map((e) => e.name)).not.toContain("reload");
    } finally {
      await stream.close();
    }
  });
});
