// The shape of a dictionary entry: a string, or plural forms chosen with Intl.PluralRules on `{count}`.
export type Entry = string | { one?: string; few?: string; many?: string; other: string };
