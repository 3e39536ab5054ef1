// A file posted from the composer as it goes to WhatsApp: a recorded voice note becomes Ogg/Opus named `.ogg`.
import { NotWebmOpusError, webmOpusToOgg } from "../lib/ogg-opus.ts";

/** What is stored and sent: the bytes, the name Green-API reads the kind from, and the stored media kind. */
export interface FileToSend {
  body: Blob;
  meta: { fileName: string; mimeType: string; kind?: "voice" };
}

// Green-API decides how to send a file by its extension: `.ogg` goes as an audio message that WhatsApp shows as a voice
// note, `.webm` is not on its list and would arrive as a document (test/fixtures/voice.md).
const OGG_OPUS = "audio/ogg; codecs=opus";

const startsWith = (bytes: Uint8Array, at: number, text: string) =>
  [...text].every((ch, i) => bytes[at + i] === ch.charCodeAt(0));

/** `voice-20261207-135012-345`: one name per note, since the outbox tells a lost send's echo by name and caption. */
function voiceName(now: Date): string {
  const [day, time] = now.toISOString().replace(/[-:]/g, "").split("T");
  return `voice-${day}-${time!.slice(0, 6)}-${time!.slice(7, 10)}`;
}

/** Ogg/Opus as recorded (Firefox) or remuxed from WebM/Opus (Chromium); Safari's MPEG-4 audio as `.m4a`; else null. */
async function voiceNote(file: Blob, now: Date): Promise<FileToSend | null> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const name = voiceName(now);
  if (startsWith(bytes, 0, "OggS")) {
    const opus = bytes.subarray(0, 512).some((_, i) => startsWith(bytes, i, "OpusHead"));
    return opus ? { body: file, meta: { fileName: `${name}.ogg`, mimeType: OGG_OPUS, kind: "voice" } } : null;
  }
  if (startsWith(bytes, 0, "\x1a\x45\xdf\xa3")) {
    try {
      const { ogg } = webmOpusToOgg(bytes);
      const body = new Blob([ogg as Uint8Array<ArrayBuffer>], { type: OGG_OPUS });
      return { body, meta: { fileName: `${name}.ogg`, mimeType: OGG_OPUS, kind: "voice" } };
    } catch (err) {
      if (err instanceof NotWebmOpusError) return null;
      throw err;
    }
  }
  // Green-API sends .m4a as audio; an .mp4 it may take for a video (green-api/issues#325).
  if (startsWith(bytes, 4, "ftyp"))
    return { body: file, meta: { fileName: `${name}.m4a`, mimeType: "audio/mp4", kind: "voice" } };
  return null;
}

/**
 * The posted file as it is stored and sent: as posted, or for a voice note (`voice`) the recording made into what
 * WhatsApp plays as one; null when a voice note is in no format this can send.
 */
export async function fileToSend(file: File, voice: boolean, now = new Date()): Promise<FileToSend | null> {
  if (voice) return voiceNote(file, now);
  return { body: file, meta: { fileName: file.name || "file", mimeType: file.type || "application/octet-stream" } };
}
