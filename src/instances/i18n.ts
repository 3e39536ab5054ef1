// UI strings of the instances capability (English and Russian); merged into the app dictionary by src/lib/i18n.ts.
import type { Entry } from "../lib/i18n/entry.ts";

export const en = {
} as const satisfies Record<string, Entry>;

export const ru: Record<keyof typeof en, Entry> = {
};
