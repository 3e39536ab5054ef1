// Pending second-factor sign-ins: after the password, a short-lived challenge waits for the Telegram code (or, for a
// user who must use codes but has no Telegram yet, first for the link).
import { hashSecret, randomToken } from "./tokens.ts";

/** `link`: Telegram must be linked first (views/auth/link.tsx); `code`: the code was sent (views/auth/code.tsx). */
export type ChallengeStage = "link" | "code";

export interface Challenge {
  userId: number;
  username: string;
  next: string;
  stage: ChallengeStage;
  expiresAt: number;
}

/** How long each stage waits: a code lives 5 minutes, linking (a deep link lives 10) takes longer. */
export const CHALLENGE_TTL_MS: Record<ChallengeStage, number> = { code: 5 * 60_000, link: 10 * 60_000 };

/** In memory on purpose: a restart only means signing in again. Keys are hashes of the cookie token. */
export function createChallengeStore(now: () => number = Date.now) {
  const challenges = new Map<string, Challenge>();
  const sweep = () => {
    for (const [key, c] of challenges) if (c.expiresAt <= now()) challenges.delete(key);
  };
  return {
    /** Opens a challenge; returns the token for the cookie. */
    open(userId: number, username: string, next: string, stage: ChallengeStage): string {
      sweep();
      const token = randomToken();
      challenges.set(hashSecret(token), { userId, username, next, stage, expiresAt: now() + CHALLENGE_TTL_MS[stage] });
      return token;
    },
    /** The live challenge of this cookie token, if it is at `stage`. */
    get(token: string | undefined, stage: ChallengeStage): Challenge | null {
      if (!token) return null;
      const c = challenges.get(hashSecret(token));
      return c && c.stage === stage && c.expiresAt > now() ? c : null;
    },
    /** Telegram is linked and the code sent: the challenge waits for the code now (with the code's time). */
    toCode(token: string): void {
      const c = challenges.get(hashSecret(token));
      if (c) Object.assign(c, { stage: "code", expiresAt: now() + CHALLENGE_TTL_MS.code });
    },
    close(token: string | undefined): void {
      if (token) challenges.delete(hashSecret(token));
    },
  };
}

export type ChallengeStore = ReturnType<typeof createChallengeStore>;
