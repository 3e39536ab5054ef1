// What a posted file becomes before it is stored and sent: voice notes as Ogg/Opus `.ogg`, other files as posted.
import { describe, expect, test } from "bun:test";
import { fileToSend } from "./voice.ts";

const WEBM = await Bun.file(new URL("../../test/fixtures/voice-chromium.webm", import.meta.url)).bytes();
const NOW = new Date("2026-12-07T13:50:12.345Z");
const bytesOf = async (b: Blob) => new Uint8Array(await b.arrayBuffer());
const latin = (b: Uint8Array) => new TextDecoder("latin1").decode(b);

describe("fileToSend", () => {
  test("a Chromium WebM/Opus recording goes as a voice note: Ogg/Opus, named .ogg once per moment", async () => {
    const sent = (await fileToSend(new File([WEBM], "voice.webm", { type: "audio/webm;codecs=opus" }), true, NOW))!;
    expect(sent.meta).toEqual({
      fileName: "voice-20261207-135012-345.ogg",
      mimeType: "audio/ogg; codecs=opus",
      kind: "voice",
    });
    const ogg = await bytesOf(sent.body);
    expect(latin(ogg.subarray(0, 4))).toBe("OggS");
    expect(latin(ogg)).toContain("OpusHead");
  });

  test("Ogg/Opus (Firefox) goes as recorded; MPEG-4 audio (Safari) as .m4a; anything else is refused", async () => {
    const ogg = (await fileToSend(new File([WEBM], "voice.webm"), true, NOW))!.body;
    const again = (await fileToSend(new File([ogg], "voice.ogg", { type: "audio/ogg" }), true, NOW))!;
    expect(await bytesOf(again.body)).toEqual(await bytesOf(ogg));
    expect(again.meta.fileName).toBe("voice-20261207-135012-345.ogg");
    const mp4 = new Uint8Array([0, 0, 0, 24, ...new TextEncoder().encode("ftypM4A "), 0, 0, 0, 0]);
    expect((await fileToSend(new File([mp4], "voice.m4a"), true, NOW))!.meta).toEqual({
      fileName: "voice-20261207-135012-345.m4a",
      mimeType: "audio/mp4",
      kind: "voice",
    });
    const vorbis = new TextEncoder().encode("OggS\0\x02 ... \x01vorbis");
    expect(await fileToSend(new File([vorbis], "a.ogg"), true, NOW)).toBeNull();
    expect(await fileToSend(new File(["hello"], "a.txt"), true, NOW)).toBeNull();
    expect(await fileToSend(new File([WEBM.subarray(0, 100)], "cut.webm"), true, NOW)).toBeNull();
  });

  test("a file that is not a voice note goes as posted, even a WebM", async () => {
    const file = new File([WEBM], "clip.webm", { type: "audio/webm" });
    const sent = (await fileToSend(file, false, NOW))!;
    expect(sent.body).toBe(file);
    expect(sent.meta).toEqual({ fileName: "clip.webm", mimeType: "audio/webm" });
    expect((await fileToSend(new File(["x"], ""), false, NOW))!.meta).toEqual({
      fileName: "file",
      mimeType: "application/octet-stream",
    });
  });
});
