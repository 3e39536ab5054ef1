// Names as people write them: avatar initials and shortened labels cut by grapheme (emoji, flags, combining marks).

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** A grapheme worth showing as an initial: a letter, a digit (keycaps too), an emoji or a flag. */
const SHOWABLE = /[\p{L}\p{N}\p{Extended_Pictographic}\p{Regional_Indicator}]/u;

function* graphemesOf(text: string): Generator<string> {
  for (const { segment } of graphemes.segment(text)) yield segment;
}

/**
 * The avatar letter of a name: its first letter, digit or emoji as one whole grapheme ("👩🏽‍💻", "🇩🇪", "É", "Ю"),
 * upper-cased when that stays one grapheme; leading signs and spaces are skipped ("+7 900" → "7"). `fallback` when the
 * name has none (empty, blank, only punctuation).
 */
export function initial(name: string | null | undefined, fallback = "?"): string {
  for (const g of graphemesOf(name ?? "")) {
    if (!SHOWABLE.test(g)) continue;
    const upper = g.toUpperCase();
    return [...graphemesOf(upper)].length === 1 ? upper : g;
  }
  return fallback;
}

export interface ShortenOptions {
  /** What `max` counts: graphemes (what people see, default) or UTF-16 units (what Telegram's limits count). */
  measure?: "graphemes" | "utf16";
  /** Appended when the text is cut, within `max` (default "…"). */
  ellipsis?: string;
}

/** The text within `max` graphemes (or UTF-16 units), cut between graphemes, with an ellipsis when anything was cut. */
export function shorten(text: string, max: number, options: ShortenOptions = {}): string {
  const ellipsis = options.ellipsis ?? "…";
  const size = options.measure === "utf16" ? (s: string) => s.length : (s: string) => [...graphemesOf(s)].length;
  if (size(text) <= max) return text;
  const budget = max - size(ellipsis);
  let kept = "";
  let used = 0;
  for (const g of graphemesOf(text)) {
    const cost = options.measure === "utf16" ? g.length : 1;
    if (used + cost > budget) break;
    kept += g;
    used += cost;
  }
  return budget >= 0 ? kept + ellipsis : kept;
}
