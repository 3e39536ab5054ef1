// Pending second-factor sign-ins: after the password, a short-lived challenge waits for the Telegram code.
import { hashSecret, randomToken } from "./tokens.ts";

export interface Challenge {
  userId: number;
  username: string;
  next: string;
  expiresAt: number;
}

const TTL_MS = 5 * 60_000;

/** In memory on purpose: a restart only means signing in again. Keys are hashes of the cookie token. */
export function createChallengeStore(now: () => number = Date.now) {
  const challenges = new Map<string, Challenge>();
  const sweep = () => {
    for (const [key, c] of challenges) if (c.expiresAt <= now()) challenges.delete(key);
  };
  return {
    /** Opens a challenge; returns the token for the cookie. */
    open(userId: number, username: string, next: string): string {
      sweep();
      const token = randomToken();
      challenges.set(hashSecret(token), { userId, username, next, expiresAt: now() + TTL_MS });
      return token;
    },
    get(token: string | undefined): Challenge | null {
      if (!token) return null;
      const c = challenges.get(hashSecret(token));
      return c && c.expiresAt > now() ? c : null;
    },
    close(token: string | undefined): void {
      if (token) challenges.delete(hashSecret(token));
    },
  };
}

export type ChallengeStore = ReturnType<typeof createChallengeStore>;
