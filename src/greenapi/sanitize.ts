// Poison-body repair at the edge: what PostgreSQL refuses (NUL bytes, lone surrogates) and impossible timestamps.

/** What sanitising changed in a body (logged with the notification's id; never the text itself). */
export type Change = "nul" | "surrogate" | "timestamp-ms" | "timestamp-rounded" | "timestamp-replaced";

export interface Sanitized {
  /** The body to store and process: the received one itself when nothing needed changing. */
  body: unknown;
  /** What was changed, each kind once; empty when the body is stored as received. */
  changes: Change[];
  /**
   * The body exactly as received, as JSON text, when anything changed (else null). JSON.stringify spells U+0000 and lone
   * surrogates as 6-character `\u` escapes (well-formed JSON.stringify, ES2019), so the text holds neither and PostgreSQL's
   * `text` stores it; `JSON.parse(original)` gives the received body back exactly — the escapes are the only un-escaping.
   */
  original: string | null;
}

/** A timestamp above this is in milliseconds (1e12 seconds is the year 33658; 1e12 ms is 2001). */
const MILLISECONDS_ABOVE = 1e12;
/** A timestamp further ahead of the time of receipt than this is not believed. */
const FUTURE_SLACK_S = 24 * 3600;

// biome-ignore lint/suspicious/noControlCharactersInRegex: removing NUL (which PostgreSQL text cannot store) is the point.
const NUL = /\u0000/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function cleanString(s: string, changes: Set<Change>): string {
  let out = s;
  if (out.includes("\u0000")) {
    out = out.replace(NUL, "");
    changes.add("nul");
  }
  if (!out.isWellFormed()) {
    out = out.replace(LONE_SURROGATE, "");
    changes.add("surrogate");
  }
  return out;
}

/** Every string of a JSON value (object keys too) without NUL bytes and lone surrogates; unchanged parts keep identity. */
function cleanValue(value: unknown, changes: Set<Change>): unknown {
  if (typeof value === "string") return cleanString(value, changes);
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    value.forEach((item, i) => {
      const cleaned = cleanValue(item, changes);
      if (cleaned !== item) (copy ??= [...value])[i] = cleaned;
    });
    return copy ?? value;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    let changed = false;
    const cleaned = entries.map(([key, item]): [string, unknown] => {
      const k = cleanString(key, changes);
      const v = cleanValue(item, changes);
      if (k !== key || v !== item) changed = true;
      return [k, v];
    });
    // fromEntries defines own properties: a "__proto__" key stays a key.
    return changed ? Object.fromEntries(cleaned) : value;
  }
  return value;
}

/**
 * A believable Unix time in seconds: above 1e12 it is milliseconds (divided); a fraction is cut; negative, zero, not a
 * number, or more than a day after `receivedAt` it is replaced by the time of receipt.
 */
export function sanitizeTimestamp(value: unknown, receivedAt: Date): { value: number; change: Change | null } {
  const receipt = Math.floor(receivedAt.getTime() / 1000);
  if (typeof value !== "number" || !Number.isFinite(value)) return { value: receipt, change: "timestamp-replaced" };
  let seconds = value;
  let change: Change | null = null;
  if (seconds > MILLISECONDS_ABOVE) {
    seconds /= 1000;
    change = "timestamp-ms";
  }
  if (seconds <= 0 || seconds > receipt + FUTURE_SLACK_S) return { value: receipt, change: "timestamp-replaced" };
  if (!Number.isInteger(seconds)) {
    seconds = Math.floor(seconds);
    change ??= "timestamp-rounded";
  }
  return { value: seconds, change };
}

/**
 * Makes a notification body (or a journal item) storable and believable: strips NUL bytes and lone surrogates from every
 * string and key, and repairs its top-level `timestamp` (see sanitizeTimestamp). `receivedAt` is the time of receipt.
 */
export function sanitizeNotification(body: unknown, receivedAt: Date): Sanitized {
  const changes = new Set<Change>();
  let clean = cleanValue(body, changes);
  // A notification without a timestamp (real quotaExceeded bodies have none) gets the time of receipt, like a bad one.
  if (
    clean !== null &&
    typeof clean === "object" &&
    !Array.isArray(clean) &&
    ("timestamp" in clean || "typeWebhook" in clean)
  ) {
    const { value, change } = sanitizeTimestamp((clean as { timestamp: unknown }).timestamp, receivedAt);
    if (change) {
      changes.add(change);
      clean = { ...clean, timestamp: value };
    }
  }
  return changes.size === 0
    ? { body, changes: [], original: null }
    : { body: clean, changes: [...changes], original: JSON.stringify(body) };
}
