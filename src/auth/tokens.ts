// Random tokens and hashing helpers (Lucia's reference design on @oslojs).
import { sha256 } from "@oslojs/crypto/sha2";
import { constantTimeEqual } from "@oslojs/crypto/subtle";
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase, decodeHex } from "@oslojs/encoding";

/** 120 bits of randomness as lowercase base32 (24 chars). */
export function randomToken(bytes = 15): string {
  return encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(bytes)));
}

export function hashSecret(secret: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(secret)));
}

/** Compares a presented secret with a stored hex SHA-256 in constant time. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const expected = decodeHex(storedHash);
  return constantTimeEqual(sha256(new TextEncoder().encode(secret)), expected);
}

/** Constant-time string equality for same-length tokens. */
export function tokensEqual(a: string, b: string): boolean {
  const ea = new TextEncoder().encode(a);
  const eb = new TextEncoder().encode(b);
  return ea.length === eb.length && constantTimeEqual(ea, eb);
}
