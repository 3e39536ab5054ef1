// Where sign-in may send a user afterwards: a path of this site only, whatever form the `next` parameter takes.

const BASE = "http://this-site.invalid";
// Control characters (browsers drop tab and newline inside URLs, so `/\t/evil` would become `//evil`) and backslashes
// (browsers read `\` as `/` in http URLs).
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point of this pattern.
const REFUSED = /[\u0000-\u001f\u007f\\]/;

/** Whether one form of the value is a path of this site: a single leading `/`, nothing a browser reads as a host. */
function isLocalPath(value: string): boolean {
  if (!value.startsWith("/") || value.startsWith("//") || REFUSED.test(value)) return false;
  // Belt and braces: resolved against this site, it must stay on this site.
  return URL.canParse(value, BASE) && new URL(value, BASE).origin === BASE;
}

/**
 * `next` if it is a path of this site, else `/`. Checked as given and after each of up to two rounds of percent-decoding
 * (`/%2F/evil.example` and `%252F…` included), so no encoding of `//`, `\` or a control character slips through.
 */
export function safeNext(next: string | undefined): string {
  if (!next || next.length > 500) return "/";
  let form = next;
  for (let round = 0; round < 3; round++) {
    if (!isLocalPath(form)) return "/";
    let decoded: string;
    try {
      decoded = decodeURIComponent(form);
    } catch {
      return "/"; // malformed percent-encoding
    }
    if (decoded === form) return next;
    form = decoded;
  }
  return "/";
}
