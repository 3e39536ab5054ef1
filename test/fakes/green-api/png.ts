// Tiny PNG encoder (also used by the demo's pictures), and a QR-looking (not scannable) code so the fake's `qr` answers
// are real images.
import { deflateSync } from "node:zlib";

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

/** A PNG file from rows of raw pixels, each row led by its filter byte (0 = none); `color` 0 = grayscale, 2 = RGB. */
export function encodePng(width: number, height: number, color: 0 | 2, raw: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, color, 0, 0, 0], 8); // 8 bits per sample
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", new Uint8Array()),
  ]);
}

/** Base64 PNG of a 25-module code with finder squares; `seed` picks the pattern (changes per rotation). */
export function qrPng(seed: string, modules = 25, scale = 6): string {
  let h = 2166136261;
  for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  const quiet = 4;
  const size = (modules + quiet * 2) * scale;
  const finder = (x: number, y: number) => {
    for (const [fx, fy] of [
      [0, 0],
      [modules - 7, 0],
      [0, modules - 7],
    ] as const) {
      const dx = x - fx,
        dy = y - fy;
      if (dx >= 0 && dx < 7 && dy >= 0 && dy < 7) {
        return dx === 0 || dx === 6 || dy === 0 || dy === 6 || (dx >= 2 && dx <= 4 && dy >= 2 && dy <= 4);
      }
    }
    return null;
  };
  const dark = (x: number, y: number) => {
    const f = finder(x, y);
    if (f !== null) return f;
    h = Math.imul(h ^ (x * 31 + y), 2654435761) >>> 0;
    return (h >>> 13) % 2 === 0;
  };
  const grid = Array.from({ length: modules }, (_, y) => Array.from({ length: modules }, (_, x) => dark(x, y)));
  const raw = Buffer.alloc(size * (size + 1), 255);
  for (let py = 0; py < size; py++) {
    raw[py * (size + 1)] = 0; // filter: none
    const my = Math.floor(py / scale) - quiet;
    for (let px = 0; px < size; px++) {
      const mx = Math.floor(px / scale) - quiet;
      if (grid[my]?.[mx]) raw[py * (size + 1) + 1 + px] = 0;
    }
  }
  return encodePng(size, size, 0, raw).toString("base64");
}
