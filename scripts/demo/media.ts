// Small real files for the demo's customers: a PNG picture, a WAV voice note and a one-page PDF, all generated.
import { encodePng } from "../../test/fakes/green-api/png.ts";

/** A 480×320 "photo": a sky-to-ground gradient with a sun and hills, tinted by `hue` (0-360). */
export function picturePng(hue: number, width = 480, height = 320): Buffer {
  const rgb = (h: number, s: number, l: number): [number, number, number] => {
    const a = s * Math.min(l, 1 - l);
    const f = (n: number) => {
      const k = (n + h / 30) % 12;
      return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
    };
    return [f(0), f(8), f(4)];
  };
  const raw = Buffer.alloc((width * 3 + 1) * height);
  const sun = { x: width * 0.72, y: height * 0.3, r: height * 0.12 };
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0;
    for (let x = 0; x < width; x++) {
      const hill = height * (0.62 + 0.08 * Math.sin(x / 47 + hue / 40) + 0.04 * Math.sin(x / 13));
      let color: [number, number, number];
      if (Math.hypot(x - sun.x, y - sun.y) < sun.r) color = [255, 236, 160];
      else if (y > hill) color = rgb((hue + 120) % 360, 0.45, 0.28 + 0.12 * ((y - hill) / height));
      else color = rgb(hue, 0.6, 0.55 + 0.3 * (y / height));
      raw.set(color, row + 1 + x * 3);
    }
  }
  return encodePng(width, height, 2, raw);
}

/** A short WAV "voice note": a few syllable-like tone bursts (8 kHz mono, 16-bit). */
export function voiceWav(seconds: number, pitch: number): Buffer {
  const rate = 8000;
  const samples = Math.round(rate * seconds);
  const out = Buffer.alloc(44 + samples * 2);
  out.write("RIFF", 0);
  out.writeUInt32LE(36 + samples * 2, 4);
  out.write("WAVEfmt ", 8);
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(rate, 24);
  out.writeUInt32LE(rate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write("data", 36);
  out.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) {
    const t = i / rate;
    const envelope = Math.max(0, Math.sin(Math.PI * ((t * 3.1) % 1))) ** 2;
    const f = pitch * (1 + 0.15 * Math.sin(t * 5));
    const v = envelope * (0.6 * Math.sin(2 * Math.PI * f * t) + 0.25 * Math.sin(4 * Math.PI * f * t));
    out.writeInt16LE(Math.round(v * 12000), 44 + i * 2);
  }
  return out;
}

/** A one-page PDF with a title and a few lines (ASCII). */
export function documentPdf(title: string, lines: string[]): Buffer {
  const esc = (s: string) => s.replace(/[\\()]/g, (m) => `\\${m}`).replace(/[^\x20-\x7e]/g, "?");
  const text = [
    `BT /F1 20 Tf 56 760 Td (${esc(title)}) Tj ET`,
    ...lines.map((l, i) => `BT /F1 12 Tf 56 ${720 - i * 18} Td (${esc(l)}) Tj ET`),
  ].join("\n");
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    `<< /Length ${Buffer.byteLength(text)} >>\nstream\n${text}\nendstream`,
  ];
  let pdf = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(pdf));
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf);
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf);
}
