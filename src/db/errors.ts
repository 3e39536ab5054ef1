// What PostgreSQL said when a statement failed, whichever driver and wrapper carried the error.

/** The SQLSTATE of a failed statement (e.g. "23505", a unique violation), or undefined for other errors. */
export function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code ?? (err as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof code === "string" ? code : undefined;
}
