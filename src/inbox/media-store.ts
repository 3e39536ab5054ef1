// Content-addressed file store under DATA_DIR/media/<sha256>: written to a temp file, then renamed into place.
import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";

/** Largest file accepted (Green-API's own limit for sends and downloads). */
export const MAX_MEDIA_BYTES = 100 * 1024 * 1024;

/** A file bigger than the store accepts. */
export class MediaTooLargeError extends Error {
  override readonly name = "MediaTooLargeError";
  constructor(readonly limit: number) {
    super(`file larger than ${limit} bytes`);
  }
}

export interface StoredFile {
  sha256: string;
  size: number;
}

export interface MediaStore {
  /** Stores bytes (an upload from the web composer or the Telegram bot); the same content is stored once. */
  store(bytes: Uint8Array | ArrayBuffer | Blob, meta: { fileName: string; mimeType: string }): Promise<StoredFile>;
  /** Stores a stream, failing with MediaTooLargeError past `limit` bytes (nothing is left behind). */
  storeStream(stream: ReadableStream<Uint8Array>, limit?: number): Promise<StoredFile>;
  /** The stored file, or null when it is missing. */
  file(sha256: string): Promise<{ blob: Blob; size: number } | null>;
  /** Directory holding the files. */
  readonly dir: string;
}

const SHA256 = /^[0-9a-f]{64}$/;

/** A store in `dataDir/media`, created on first write. */
export function createMediaStore(dataDir: string, maxBytes = MAX_MEDIA_BYTES): MediaStore {
  const dir = join(dataDir, "media");

  async function storeStream(stream: ReadableStream<Uint8Array>, limit = maxBytes): Promise<StoredFile> {
    await mkdir(dir, { recursive: true });
    const temp = join(dir, `.tmp-${randomBytes(8).toString("hex")}`);
    const out = await open(temp, "wx");
    const hash = createHash("sha256");
    let size = 0;
    try {
      const reader = stream.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > limit) {
          await reader.cancel().catch(() => {});
          throw new MediaTooLargeError(limit);
        }
        hash.update(value);
        await out.write(value);
      }
      await out.close();
      const sha256 = hash.digest("hex");
      // Same content, same name: a file already there is identical, so the rename may replace it.
      await rename(temp, join(dir, sha256));
      return { sha256, size };
    } catch (err) {
      await out.close().catch(() => {});
      await rm(temp, { force: true });
      throw err;
    }
  }

  return {
    dir,
    storeStream,
    async store(bytes) {
      const blob = bytes instanceof Blob ? bytes : new Blob([bytes as Uint8Array<ArrayBuffer>]);
      if (blob.size > maxBytes) throw new MediaTooLargeError(maxBytes);
      return storeStream(blob.stream());
    },
    async file(sha256) {
      if (!SHA256.test(sha256)) return null;
      const path = join(dir, sha256);
      const info = await stat(path).catch(() => null);
      return info?.isFile() ? { blob: Bun.file(path), size: info.size } : null;
    },
  };
}
