// The client's IP address: the socket peer, or, behind trusted proxies, the address they saw (X-Forwarded-For).
import type { Context } from "hono";
import { getConnInfo } from "hono/bun";
import { isIP } from "node:net";
import type { TrustProxy } from "../config.ts";
import type { RequestEnv, RequestVars } from "./context.ts";

/**
 * The client's address as Express's `trust proxy` reads it: X-Forwarded-For entries with the socket peer appended are
 * walked from the right; the peer and the entries after it are trusted hops while `trust` says so (a hop count, or the
 * proxies' own addresses). The first untrusted one is the client. Everything left of it in the header is whatever the
 * client sent and is ignored. A value that is not an IP address is never returned: the peer stands in.
 */
export function clientAddress(
  forwardedFor: string | undefined,
  peer: string | undefined,
  trust: TrustProxy,
): string | undefined {
  const chain = [
    ...(forwardedFor ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    ...(peer ? [peer] : []),
  ].reverse();
  const trusted = (address: string, hop: number) => (typeof trust === "number" ? hop < trust : trust.includes(address));
  let hop = 0;
  while (hop < chain.length - 1 && trusted(chain[hop]!, hop)) hop++;
  const client = chain[hop];
  return client && isIP(client) ? client : peer;
}

/** The client's address for this request (`TRUST_PROXY` says which X-Forwarded-For hops to believe). */
export function clientIp<E extends RequestEnv>(c: Context<E>): string {
  let peer: string | undefined;
  try {
    peer = getConnInfo(c).remote.address;
  } catch {
    peer = undefined; // not served by Bun.serve (in-process app.request)
  }
  const trust = (c.var as RequestVars).deps.config.TRUST_PROXY;
  const forwarded =
    trust === 0 || (Array.isArray(trust) && trust.length === 0) ? undefined : c.req.header("x-forwarded-for");
  return clientAddress(forwarded, peer, trust) ?? "unknown";
}
