// One request to a public https host only: resolve once, check every address, connect to a checked one.
import { lookup } from "node:dns/promises";
import { bareHost, isIpAddress, isPublicAddress, isPublicHostName } from "./public-address.ts";

/** Resolves a host name to all of its addresses. */
export type Resolver = (hostname: string) => Promise<string[]>;

/** The system resolver (getaddrinfo: /etc/hosts, then DNS), every address of both families. */
export const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true })).map((a) => a.address);

/** A URL that must not be fetched: not https, credentials in it, or a host that is (or resolves to) a non-public address. */
export class AddressRefusedError extends Error {
  override readonly name = "AddressRefusedError";
}

export interface PublicFetchOptions {
  resolve?: Resolver;
  fetch?: typeof fetch;
}

/**
 * Fetches `url` once (redirects are the caller's, to check each target) when it is https without credentials and
 * every address of its host is public. The connection goes to one of the checked addresses, so a name that resolves
 * differently a moment later (DNS rebinding) changes nothing; TLS still checks the certificate for the host name
 * (sent as SNI), and the Host header names it. Throws AddressRefusedError, or the resolver's error.
 */
export async function fetchPublic(url: URL, init: RequestInit = {}, opts: PublicFetchOptions = {}): Promise<Response> {
  if (url.protocol !== "https:") throw new AddressRefusedError(`${url.protocol} is not https`);
  if (url.username || url.password) throw new AddressRefusedError("credentials in the URL");
  const host = bareHost(url.hostname);
  const doFetch = opts.fetch ?? fetch;
  if (isIpAddress(host)) {
    if (!isPublicAddress(host)) throw new AddressRefusedError(`${host} is not a public address`);
    return doFetch(url, { ...init, redirect: "manual" });
  }
  if (!isPublicHostName(host)) throw new AddressRefusedError(`${host} is a local name`);
  const addresses = await (opts.resolve ?? systemResolver)(host);
  const refused = addresses.find((a) => !isPublicAddress(a));
  if (addresses.length === 0 || refused !== undefined)
    throw new AddressRefusedError(`${host} resolves to ${refused ?? "nothing"}, not a public address`);
  const pinned = new URL(url);
  pinned.hostname = addresses[0]!.includes(":") ? `[${addresses[0]}]` : addresses[0]!;
  const headers = new Headers(init.headers);
  headers.set("host", url.host);
  // Bun pools connections per address and TLS configuration, so one opened for another name is never reused here.
  return doFetch(pinned, { ...init, headers, redirect: "manual", tls: { serverName: host } } as BunFetchRequestInit);
}
