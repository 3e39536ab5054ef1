// Where an instance's API token may be sent: Green-API's hosts are public https hosts (private ones only by setting).
import { bareHost, isIpAddress, isPublicAddress, isPublicHostName } from "../lib/public-address.ts";
import { systemResolver, type Resolver } from "../lib/public-fetch.ts";
import type { FieldErrors } from "./form.ts";

/**
 * Why `apiUrl`/`mediaUrl` may not receive the token: not https, or a host that is (or resolves to) a loopback,
 * private, link-local or metadata address. `allowPrivate` (GREEN_API_ALLOW_PRIVATE_HOSTS, for self-hosted gateways
 * and tests) lifts the rule. A host that cannot be resolved is refused too: the check call would not reach it anyway.
 */
export async function hostErrors(
  urls: { apiUrl: string; mediaUrl: string },
  allowPrivate: boolean,
  resolve: Resolver = systemResolver,
): Promise<FieldErrors> {
  if (allowPrivate) return {};
  const errors: FieldErrors = {};
  for (const field of ["apiUrl", "mediaUrl"] as const) {
    if (!(await isPublicHttps(urls[field], resolve))) errors[field] = "instances.err.publicHttps";
  }
  return errors;
}

async function isPublicHttps(url: string, resolve: Resolver): Promise<boolean> {
  if (!URL.canParse(url)) return false;
  const u = new URL(url);
  if (u.protocol !== "https:" || u.username || u.password) return false;
  const host = bareHost(u.hostname);
  if (isIpAddress(host)) return isPublicAddress(host);
  if (!isPublicHostName(host)) return false;
  const addresses = await resolve(host).catch(() => []);
  return addresses.length > 0 && addresses.every(isPublicAddress);
}
