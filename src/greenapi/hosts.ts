// Default Green-API hosts derived from the instance id (shared/green-api.md §1, "using-green-api-hosts").

/** Universal hosts, used when the id has fewer than 4 digits. */
export const UNIVERSAL_HOSTS = {
  apiUrl: "https://api.green-api.com",
  mediaUrl: "https://media.green-api.com",
} as const;

/**
 * Dedicated hosts of an instance: `https://NNNN.api.greenapi.com` and `https://NNNN.media.greenapi.com`,
 * NNNN = the first 4 digits of idInstance. A wrong host answers 403 without CORS, so prefer these.
 */
export function defaultHosts(idInstance: number | string): { apiUrl: string; mediaUrl: string } {
  const id = String(idInstance).trim();
  if (!/^\d{4,}$/.test(id)) return { ...UNIVERSAL_HOSTS };
  const prefix = id.slice(0, 4);
  return { apiUrl: `https://${prefix}.api.greenapi.com`, mediaUrl: `https://${prefix}.media.greenapi.com` };
}
