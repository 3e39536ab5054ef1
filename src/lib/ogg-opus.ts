// WebM/Opus → Ogg/Opus without re-encoding: Chromium records voice as WebM, WhatsApp voice notes are Ogg (RFC 7845).

/** The file is not WebM with one Opus track, or is laid out in a way this remux does not read (e.g. laced blocks). */
export class NotWebmOpusError extends Error {
  constructor(reason: string) {
    super(`not a WebM/Opus recording: ${reason}`);
    this.name = "NotWebmOpusError";
  }
}

// Matroska element ids (with their length-marker bits, as written).
const EBML = 0x1a45dfa3;
const SEGMENT = 0x18538067;
const CLUSTER = 0x1f43b675;
const TRACKS = 0x1654ae6b;
const TRACK_ENTRY = 0xae;
const BLOCK_GROUP = 0xa0;
const AUDIO = 0xe1;
/** Containers read into (their children follow in place), so an unknown size (live recording) needs no end. */
const MASTERS = new Set([SEGMENT, CLUSTER, TRACKS, TRACK_ENTRY, BLOCK_GROUP, AUDIO]);
const TRACK_NUMBER = 0xd7;
const CODEC_ID = 0x86;
const CODEC_PRIVATE = 0x63a2;
const CHANNELS = 0x9f;
const SIMPLE_BLOCK = 0xa3;
const BLOCK = 0xa1;

interface Track {
  number: number;
  codec: string;
  head: Uint8Array | null;
  channels: number;
}

/** A variable-length integer at `pos`: its length, and its value with (`size`) or without the marker bit. */
function vint(
  bytes: Uint8Array,
  pos: number,
  keepMarker: boolean,
): { length: number; value: number; allOnes: boolean } {
  const first = bytes[pos];
  if (first === undefined || first === 0) throw new NotWebmOpusError(`bad variable-length integer at ${pos}`);
  const length = Math.clz32(first) - 23;
  if (pos + length > bytes.length) throw new NotWebmOpusError("cut short");
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    value = value * 256 + bytes[pos + i]!;
    allOnes &&= bytes[pos + i] === 0xff;
  }
  return { length, value, allOnes };
}

function uint(bytes: Uint8Array): number {
  return bytes.reduce((n, b) => n * 256 + b, 0);
}

/** The Opus track's head and its packets in order, from a WebM file. */
function readWebm(bytes: Uint8Array): { track: Track; packets: Uint8Array[] } {
  if (bytes.length < 4 || vint(bytes, 0, true).value !== EBML) throw new NotWebmOpusError("no EBML header");
  const tracks: Track[] = [];
  const blocks: Array<{ track: number; data: Uint8Array }> = [];
  let pos = 0;
  while (pos < bytes.length) {
    const id = vint(bytes, pos, true);
    if (pos + id.length >= bytes.length) break;
    const size = vint(bytes, pos + id.length, false);
    const start = pos + id.length + size.length;
    if (MASTERS.has(id.value)) {
      if (id.value === TRACK_ENTRY) tracks.push({ number: 0, codec: "", head: null, channels: 1 });
      pos = start;
      continue;
    }
    if (size.allOnes) throw new NotWebmOpusError(`element ${id.value.toString(16)} of unknown size`);
    const end = start + size.value;
    // A recording stopped mid-write may end in a partial element: what came before it is still a clip.
    if (end > bytes.length) break;
    const body = bytes.subarray(start, end);
    const track = tracks.at(-1);
    if (id.value === SIMPLE_BLOCK || id.value === BLOCK) blocks.push(readBlock(body));
    else if (track && id.value === TRACK_NUMBER) track.number = uint(body);
    else if (track && id.value === CODEC_ID) track.codec = new TextDecoder().decode(body).replace(/\0+$/, "");
    else if (track && id.value === CODEC_PRIVATE) track.head = body;
    else if (track && id.value === CHANNELS) track.channels = uint(body);
    pos = end;
  }
  const track = tracks.find((t) => t.codec === "A_OPUS");
  if (!track) throw new NotWebmOpusError("no Opus track");
  const packets = blocks.filter((b) => b.track === track.number && b.data.length > 0).map((b) => b.data);
  if (!packets.length) throw new NotWebmOpusError("no audio");
  return { track, packets };
}

/** A (Simple)Block's track and frame; Chromium writes one frame per block, without lacing. */
function readBlock(body: Uint8Array): { track: number; data: Uint8Array } {
  const track = vint(body, 0, false);
  const flags = body[track.length + 2] ?? 0;
  if (flags & 0x06) throw new NotWebmOpusError("laced blocks");
  return { track: track.value, data: body.subarray(track.length + 3) };
}

/** Samples (at 48 kHz) an Opus packet decodes to, from its TOC byte (RFC 6716 §3.1). */
function opusPacketSamples(packet: Uint8Array): number {
  const toc = packet[0] ?? 0;
  const config = toc >> 3;
  const frame =
    config < 12
      ? [480, 960, 1920, 2880][config & 3]!
      : config < 16
        ? [480, 960][config & 1]!
        : [120, 240, 480, 960][config & 3]!;
  const code = toc & 3;
  const frames = code === 0 ? 1 : code < 3 ? 2 : (packet[1] ?? 0) & 0x3f;
  return frame * frames;
}

const ascii = (s: string) => new TextEncoder().encode(s);

/** The identification header: the track's own (CodecPrivate) when it is one, else a mono/stereo one from the track. */
function opusHead(track: Track): Uint8Array {
  const own = track.head;
  if (own && own.length >= 19 && new TextDecoder().decode(own.subarray(0, 8)) === "OpusHead") return own;
  const head = new Uint8Array(19);
  head.set(ascii("OpusHead"));
  const view = new DataView(head.buffer);
  head[8] = 1;
  head[9] = Math.min(2, Math.max(1, track.channels));
  view.setUint16(10, 312, true); // pre-skip: libopus's usual encoder delay
  view.setUint32(12, 48_000, true);
  return head;
}

function opusTags(): Uint8Array {
  const vendor = ascii("GreenInbox");
  const tags = new Uint8Array(8 + 4 + vendor.length + 4);
  tags.set(ascii("OpusTags"));
  new DataView(tags.buffer).setUint32(8, vendor.length, true);
  tags.set(vendor, 12);
  return tags;
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, i) => {
  let r = i << 24;
  for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
  return r >>> 0;
});

/** Ogg's CRC-32 (polynomial 0x04c11db7, not reflected, initial 0, no final xor). */
function oggCrc(bytes: Uint8Array): number {
  let crc = 0;
  for (const b of bytes) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xff]!) >>> 0;
  return crc;
}

/** One Ogg page holding whole packets (each packet's lacing ends on this page). */
function oggPage(packets: Uint8Array[], flags: number, granule: number, serial: number, sequence: number): Uint8Array {
  const lacing: number[] = [];
  for (const p of packets) {
    for (let left = p.length; ; left -= 255) {
      lacing.push(Math.min(left, 255));
      if (left < 255) break;
    }
  }
  const bodySize = packets.reduce((n, p) => n + p.length, 0);
  const page = new Uint8Array(27 + lacing.length + bodySize);
  const view = new DataView(page.buffer);
  page.set(ascii("OggS"));
  page[5] = flags;
  view.setBigUint64(6, BigInt(granule), true);
  view.setUint32(14, serial, true);
  view.setUint32(18, sequence, true);
  page[26] = lacing.length;
  page.set(lacing, 27);
  let at = 27 + lacing.length;
  for (const p of packets) {
    page.set(p, at);
    at += p.length;
  }
  view.setUint32(22, oggCrc(page), true);
  return page;
}

/** About a second of audio per page, and never past a page's 255 lacing values. */
const PAGE_SAMPLES = 48_000;

/**
 * Remuxes a WebM recording with one Opus track (what Chromium's MediaRecorder makes of `audio/webm;codecs=opus`) into
 * an Ogg Opus file: OpusHead and OpusTags pages, then the same Opus packets on pages whose granule position counts
 * the samples decoded so far. Throws NotWebmOpusError for anything else. `serial` names the logical stream.
 */
export function webmOpusToOgg(webm: Uint8Array, serial = 0x4749_4e42): { ogg: Uint8Array; seconds: number } {
  const { track, packets } = readWebm(webm);
  const head = opusHead(track);
  const pages = [oggPage([head], 0x02, 0, serial, 0), oggPage([opusTags()], 0, 0, serial, 1)];
  let granule = 0;
  let pending: Uint8Array[] = [];
  let segments = 0;
  let pageSamples = 0;
  const flush = (last: boolean) => {
    pages.push(oggPage(pending, last ? 0x04 : 0, granule, serial, pages.length));
    pending = [];
    segments = 0;
    pageSamples = 0;
  };
  for (const [i, packet] of packets.entries()) {
    const lacing = Math.floor(packet.length / 255) + 1;
    if (pending.length && (segments + lacing > 255 || pageSamples >= PAGE_SAMPLES)) flush(false);
    pending.push(packet);
    segments += lacing;
    const samples = opusPacketSamples(packet);
    granule += samples;
    pageSamples += samples;
    if (i === packets.length - 1) flush(true);
  }
  const preSkip = new DataView(head.buffer, head.byteOffset).getUint16(10, true);
  const ogg = new Uint8Array(pages.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pages) {
    ogg.set(p, at);
    at += p.length;
  }
  return { ogg, seconds: Math.max(0, granule - preSkip) / 48_000 };
}
