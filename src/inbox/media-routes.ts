// Media of messages over HTTP, behind the instance gate: the file (with ranges), its thumbnail, and a retry action.
import { Hono, type Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";
import { instanceGate } from "../auth/instance-gate.ts";
import { failWith, ID_MAX } from "../lib/validate.ts";
import type { MessageMedia } from "../db/schema/index.ts";
import type { AppEnv } from "../env.ts";

const messageParam = z.object({ messageId: z.coerce.number().int().positive().max(ID_MAX) });

/** Types a browser may show inside the page; anything else is downloaded. */
const INLINE = /^(image\/(jpeg|png|gif|webp)|video\/[\w.+-]+|audio\/[\w.+-]+)$/;
/** Types a browser could run as a document or script: always sent as plain bytes. */
const ACTIVE = /html|xml|javascript|ecmascript|css|svg/;

/** `attachment; filename="a.pdf"; filename*=UTF-8''…` (RFC 6266 with an RFC 5987 UTF-8 name and an ASCII fallback). */
export function contentDisposition(kind: "inline" | "attachment", fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, "_");
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

function mediaOf(c: Context<AppEnv>) {
  return c.var.deps.media.get(c.var.instanceId, Number(c.req.param("messageId")));
}

/** The name a download gets: the original for documents, else `<kind>-<id>.<subtype>`. */
function fileNameOf(media: MessageMedia, messageId: string, type: string): string {
  if (media.fileName) return media.fileName;
  const ext = type.split("/")[1]?.replace(/[^a-z0-9]/g, "") || "bin";
  return `${media.kind}-${messageId}.${ext}`;
}

/** Parses a single `bytes=a-b` range against a size; null for none or an unsupported form. */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | "invalid" | null {
  const m = header?.match(/^bytes=(\d*)-(\d*)$/);
  if (!m || (m[1] === "" && m[2] === "")) return null;
  const start = m[1] === "" ? Math.max(0, size - Number(m[2])) : Number(m[1]);
  const end = m[1] === "" || m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  return start <= end && start < size ? { start, end } : "invalid";
}

/** `/instances/:instanceId/media/:messageId`: `GET` the file, `GET …/thumb`, `POST …/retry`, behind the instance gate. */
export const mediaRoutes = new Hono<AppEnv>()
  .use(instanceGate())
  .use(zValidator("param", messageParam, failWith(404, "no such media")))
  .get("/", async (c) => {
    const found = await mediaOf(c);
    const media = found?.media;
    // Someone wants a file not fetched yet (history, a long queue): it goes first; the bubble updates when it is here.
    if (media?.state === "pending") c.var.deps.media.enqueue(Number(c.req.param("messageId")), true);
    const file = media?.state === "ready" && media.sha256 ? await c.var.deps.media.store.file(media.sha256) : null;
    if (!media || !file) throw new HTTPException(404, { message: "media not ready" });
    const etag = `"${media.sha256}"`;
    const stored = (media.mimeType ?? "").split(";")[0]!.trim().toLowerCase();
    const type = /^[\w.+-]+\/[\w.+-]+$/.test(stored) && !ACTIVE.test(stored) ? stored : "application/octet-stream";
    const inline = media.kind !== "document" && INLINE.test(type);
    const headers: Record<string, string> = {
      "Content-Type": type,
      "Content-Disposition": contentDisposition(
        inline ? "inline" : "attachment",
        fileNameOf(media, c.req.param("messageId")!, type),
      ),
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, max-age=86400",
      "Accept-Ranges": "bytes",
      ETag: etag,
    };
    if (c.req.header("if-none-match") === etag) return c.body(null, 304, headers);
    const range = parseRange(c.req.header("range"), file.size);
    if (range === "invalid") return c.body(null, 416, { ...headers, "Content-Range": `bytes */${file.size}` });
    if (range) {
      const part = file.blob.slice(range.start, range.end + 1);
      return c.body(part.stream(), 206, {
        ...headers,
        "Content-Range": `bytes ${range.start}-${range.end}/${file.size}`,
        "Content-Length": String(part.size),
      });
    }
    return c.body(file.blob.stream(), 200, { ...headers, "Content-Length": String(file.size) });
  })

  .get("/thumb", async (c) => {
    const thumbnail = (await mediaOf(c))?.media.thumbnail;
    const bytes = thumbnail ? Buffer.from(thumbnail, "base64") : null;
    if (!bytes?.length) throw new HTTPException(404, { message: "no thumbnail" });
    return c.body(new Uint8Array(bytes), 200, {
      "Content-Type": "image/jpeg",
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, max-age=86400",
    });
  })

  // Puts a failed download back in the queue: 204 for htmx (the message updates over SSE), else back where it came from.
  .post("/retry", async (c) => {
    const ok = await c.var.deps.media.retry(c.var.instanceId, Number(c.req.param("messageId")));
    if (!ok) throw new HTTPException(404, { message: "no failed download to retry" });
    if (c.req.header("hx-request")) return c.body(null, 204);
    const referer = URL.canParse(c.req.header("referer") ?? "") ? new URL(c.req.header("referer")!) : null;
    const back =
      referer && referer.origin === new URL(c.req.url).origin
        ? referer.pathname + referer.search
        : `/instances/${c.var.instanceId}/chats`;
    return c.redirect(back, 303);
  });
