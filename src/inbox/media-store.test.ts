import { afterAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMediaStore, MediaTooLargeError } from "./media-store.ts";

const dir = mkdtempSync(join(tmpdir(), "gi-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("media store", () => {
  test("stores by content hash, once per content, and reads back", async () => {
    const store = createMediaStore(dir);
    const bytes = new TextEncoder().encode("hello media");
    const first = await store.store(bytes, { fileName: "a.txt", mimeType: "text/plain" });
    const again = await store.store(new Blob([bytes]), { fileName: "b.txt", mimeType: "text/plain" });
    expect(first).toEqual({ sha256: createHash("sha256").update(bytes).digest("hex"), size: bytes.length });
    expect(again).toEqual(first);
    expect(readdirSync(join(dir, "media"))).toEqual([first.sha256]);
    expect(await (await store.file(first.sha256))!.blob.text()).toBe("hello media");
    expect(await store.file("0".repeat(64))).toBeNull();
    expect(await store.file("../../etc/passwd")).toBeNull();
  });

  test("files over the limit are refused and leave no temp file behind", async () => {
    const store = createMediaStore(dir, 10);
    await expect(
      store.store(new Uint8Array(11), { fileName: "big", mimeType: "application/octet-stream" }),
    ).rejects.toBeInstanceOf(MediaTooLargeError);
    const chunks = new ReadableStream<Uint8Array>({
      start: (c) => {
        c.enqueue(new Uint8Array(6));
        c.enqueue(new Uint8Array(6));
        c.close();
      },
    });
    await expect(store.storeStream(chunks)).rejects.toBeInstanceOf(MediaTooLargeError);
    expect(readdirSync(join(dir, "media")).filter((f) => f.startsWith(".tmp"))).toEqual([]);
  });
});
