// The WebM → Ogg remux on a real Chromium recording, checked by an independent Ogg reader (pages, CRCs, granules).
import { describe, expect, test } from "bun:test";
import { NotWebmOpusError, webmOpusToOgg } from "./ogg-opus.ts";

/** 1.2 s of Chromium 156's fake microphone through MediaRecorder("audio/webm;codecs=opus"): test/fixtures/voice.md. */
const CLIP = new Uint8Array(
  await Bun.file(new URL("../../test/fixtures/voice-chromium.webm", import.meta.url)).bytes(),
);

interface Page {
  flags: number;
  granule: bigint;
  serial: number;
  sequence: number;
  packets: Uint8Array[];
}

/** Ogg's CRC bit by bit (not the module's table): polynomial 0x04c11db7, MSB first, initial 0. */
function crc(bytes: Uint8Array): number {
  let r = 0;
  for (const byte of bytes) {
    r ^= byte << 24;
    for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
  }
  return r >>> 0;
}

/** Splits an Ogg stream into pages and their packets, failing on a bad capture pattern or CRC. */
function readOgg(bytes: Uint8Array): Page[] {
  const pages: Page[] = [];
  let at = 0;
  let open: number[] = [];
  while (at < bytes.length) {
    const view = new DataView(bytes.buffer, bytes.byteOffset + at);
    expect(new TextDecoder().decode(bytes.subarray(at, at + 4))).toBe("OggS");
    expect(bytes[at + 4]).toBe(0);
    const count = bytes[at + 26]!;
    const lacing = [...bytes.subarray(at + 27, at + 27 + count)];
    const size = 27 + count + lacing.reduce((a, b) => a + b, 0);
    const page = bytes.slice(at, at + size);
    const stored = view.getUint32(22, true);
    page.fill(0, 22, 26);
    expect(crc(page)).toBe(stored);
    const packets: Uint8Array[] = [];
    let body = at + 27 + count;
    for (const value of lacing) {
      open.push(...bytes.subarray(body, body + value));
      body += value;
      if (value < 255) {
        packets.push(Uint8Array.from(open));
        open = [];
      }
    }
    pages.push({
      flags: bytes[at + 5]!,
      granule: view.getBigUint64(6, true),
      serial: view.getUint32(14, true),
      sequence: view.getUint32(18, true),
      packets,
    });
    at += size;
  }
  expect(open).toEqual([]);
  return pages;
}

const text = (b: Uint8Array | undefined, n: number) => new TextDecoder().decode(b?.subarray(0, n));

describe("webmOpusToOgg", () => {
  test("a Chromium recording becomes an Ogg Opus stream: headers, CRCs, granule positions, flags", () => {
    expect([...CLIP.subarray(0, 4)]).toEqual([0x1a, 0x45, 0xdf, 0xa3]);
    const { ogg, seconds } = webmOpusToOgg(CLIP);
    const pages = readOgg(ogg);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.map((p) => p.sequence)).toEqual(pages.map((_, i) => i));
    expect(new Set(pages.map((p) => p.serial)).size).toBe(1);
    // Beginning of stream on the first page only, end of stream on the last only.
    expect(pages.map((p) => p.flags & 0x02)).toEqual(pages.map((_, i) => (i === 0 ? 2 : 0)));
    expect(pages.map((p) => p.flags & 0x04)).toEqual(pages.map((_, i) => (i === pages.length - 1 ? 4 : 0)));
    // RFC 7845: the identification header alone on page 0, the comment header alone on page 1, both at granule 0.
    const [head, tags, ...audio] = pages;
    expect(head!.packets.length).toBe(1);
    expect(text(head!.packets[0], 8)).toBe("OpusHead");
    expect(head!.packets[0]![8]).toBe(1);
    expect(new DataView(head!.packets[0]!.buffer).getUint32(12, true)).toBe(48_000);
    expect(tags!.packets.length).toBe(1);
    expect(text(tags!.packets[0], 8)).toBe("OpusTags");
    expect([head!.granule, tags!.granule]).toEqual([0n, 0n]);
    // Audio pages: granules grow strictly, by 2880 samples per packet (Chromium packs three 20 ms frames in a packet:
    // TOC 0xfb, code 3, count 3; its blocks are 60 ms apart).
    let packets = 0;
    let previous = 0n;
    for (const page of audio) {
      packets += page.packets.length;
      expect(page.granule).toBeGreaterThan(previous);
      expect(page.granule).toBe(BigInt(packets * 2880));
      previous = page.granule;
    }
    expect(seconds).toBeGreaterThan(0.9);
    expect(seconds).toBeLessThan(1.6);
    expect(Number(previous) / 48_000).toBeCloseTo(seconds, 2);
  });

  test("a recording cut off mid-block keeps what came before; anything else is refused", () => {
    const whole = readOgg(webmOpusToOgg(CLIP).ogg).flatMap((p) => p.packets);
    const cut = readOgg(webmOpusToOgg(CLIP.subarray(0, CLIP.length - 20)).ogg).flatMap((p) => p.packets);
    expect(cut.length).toBe(whole.length - 1);
    expect(() => webmOpusToOgg(new TextEncoder().encode("OggS not webm"))).toThrow(NotWebmOpusError);
    expect(() => webmOpusToOgg(CLIP.subarray(0, 200))).toThrow(NotWebmOpusError);
    expect(() => webmOpusToOgg(new Uint8Array())).toThrow(NotWebmOpusError);
  });
});
