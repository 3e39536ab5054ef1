// Message text rules of the fake: HTML parse mode (allowed tags, escapes), entity bounds in UTF-16 units, length limits.
import type { MessageEntity } from "grammy/types";
import { badRequest } from "./params.ts";

const TAGS: Record<string, string> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  u: "underline",
  ins: "underline",
  s: "strikethrough",
  strike: "strikethrough",
  del: "strikethrough",
  "tg-spoiler": "spoiler",
  span: "spoiler",
  a: "text_link",
  code: "code",
  pre: "pre",
  blockquote: "blockquote",
  "tg-emoji": "custom_emoji",
  "tg-time": "date_time",
};
const NAMED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

/** Parses Telegram's HTML subset into plain text and entities; unknown tags fail like the real server. */
function parseHtml(html: string): { text: string; entities: MessageEntity[] } {
  let text = "";
  const entities: MessageEntity[] = [];
  const open: Array<{ tag: string; offset: number; url?: string }> = [];
  const bytes = (i: number) => new TextEncoder().encode(html.slice(0, i)).length;
  let i = 0;
  while (i < html.length) {
    const ch = html[i]!;
    if (ch === "<") {
      const end = html.indexOf(">", i);
      if (end < 0) throw badRequest(`can't parse entities: Unclosed start tag at byte offset ${bytes(i)}`);
      const inner = html.slice(i + 1, end);
      if (inner.startsWith("/")) {
        const name = inner.slice(1).trim().toLowerCase();
        const top = open.pop();
        if (!top || top.tag !== name)
          throw badRequest(
            `can't parse entities: Unmatched end tag at byte offset ${bytes(i)}, expected "</${top?.tag ?? ""}>", found "</${name}>"`,
          );
        if (text.length > top.offset)
          entities.push({
            type: TAGS[name],
            offset: top.offset,
            length: text.length - top.offset,
            ...(top.url ? { url: top.url } : {}),
          } as MessageEntity);
      } else {
        const name = inner.split(/\s/)[0]!.toLowerCase();
        if (!(name in TAGS))
          throw badRequest(`can't parse entities: Unsupported start tag "${name}" at byte offset ${bytes(i)}`);
        open.push({ tag: name, offset: text.length, url: /href="([^"]*)"/.exec(inner)?.[1] });
      }
      i = end + 1;
    } else if (ch === "&") {
      const m = /^&(#x[0-9a-f]+|#\d+|[a-z]+);/i.exec(html.slice(i));
      if (!m) throw badRequest(`can't parse entities: Character entity expected at byte offset ${bytes(i)}`);
      const name = m[1]!;
      if (name.startsWith("#"))
        text += String.fromCodePoint(
          name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : Number(name.slice(1)),
        );
      else if (NAMED[name]) text += NAMED[name];
      else throw badRequest(`can't parse entities: Unsupported HTML entity "&${name};" at byte offset ${bytes(i)}`);
      i += m[0].length;
    } else {
      text += ch;
      i++;
    }
  }
  if (open.length)
    throw badRequest(`can't parse entities: Can't find end tag corresponding to start tag "${open.at(-1)!.tag}"`);
  return { text, entities: entities.sort((a, b) => a.offset - b.offset) };
}

/** Applies parse_mode or explicit entities, then the length rule (1..max after parsing). */
export function formatText(
  raw: string,
  parseMode: string | undefined,
  entities: MessageEntity[] | undefined,
  max: number,
  what: "text" | "caption",
) {
  const parsed = parseMode?.toLowerCase() === "html" ? parseHtml(raw) : { text: raw, entities: entities ?? [] };
  for (const e of parsed.entities) {
    if (e.offset < 0 || e.length <= 0 || e.offset + e.length > parsed.text.length)
      throw badRequest("can't parse entities: entity is out of the text bounds");
  }
  if (what === "text" && parsed.text.trim() === "") throw badRequest("message text is empty");
  if (parsed.text.length > max)
    throw badRequest(what === "text" ? "message is too long" : "message caption is too long");
  return parsed;
}
