// System lines (team events: taken, transferred, resolved…) and the labels of messages that are not text (location,
// contact, poll…) stored as a code (messages.event) and rendered in the reader's language when shown; rows from before
// codes keep their stored text.
import { isMessageKey, type Params, type Translate } from "./i18n.ts";

/** A system line as stored in messages.event: a message key and its parameters (names and ids, never words). */
export interface SystemLineEvent {
  key: string;
  params?: Record<string, string | number>;
}

/**
 * The line in `t`'s language. Parameters: `by` absent = the system did it; `note` is appended after a colon; a parameter
 * named `…Key` holds a message key (a code such as a state) and is passed on translated, without the suffix.
 */
export function systemLineText(t: Translate, m: { text: string | null; event: SystemLineEvent | null }): string {
  const event = m.event;
  if (!event || !isMessageKey(event.key)) return m.text ?? "";
  const { note, ...rest } = event.params ?? {};
  const params: Params = { by: t("team.system") };
  for (const [name, value] of Object.entries(rest)) {
    const code = name.endsWith("Key") && typeof value === "string" && isMessageKey(value);
    params[code ? name.slice(0, -3) : name] = code ? t(value) : value;
  }
  const line = t(event.key, params);
  return note === undefined || note === "" ? line : `${line}: ${note}`;
}
