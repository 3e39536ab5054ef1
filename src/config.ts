// The only module that reads the environment: parses it once with zod into a typed, frozen Config.
import { isIP } from "node:net";
import { z } from "zod";

const bool = z.enum(["true", "false", "1", "0", "yes", "no"]).transform((v) => ["true", "1", "yes"].includes(v));
const emptyAsUndefined = (v: unknown) => (v === "" ? undefined : v);
const optional = <T extends z.ZodType>(s: T) => z.preprocess(emptyAsUndefined, s.optional());

const schema = z.object({
  PORT: z.coerce.number({ error: "a port number 1-65535" }).int().min(1).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATABASE_URL: optional(
    z.string().regex(/^postgres(ql)?:\/\/.+/, "a postgres:// or postgresql:// connection URL"),
  ),
  DATA_DIR: z.string().min(1).default("./data"),
  PUBLIC_URL: optional(
    z.url({ protocol: /^https?$/, error: "an http(s) URL such as https://inbox.example.com" }).transform((u) => u.replace(/\/+$/, "")),
  ),
  SESSION_TTL_DAYS: z.coerce.number({ error: "a number of days" }).int().min(1).max(365).default(10),
  TELEGRAM_BOT_TOKEN: optional(z.string().regex(/^\d+:[\w-]{20,}$/, "a bot token like 123456:ABC-DEF... from @BotFather")),
  TELEGRAM_API_ROOT: z.url({ error: "an http(s) URL" }).default("https://api.telegram.org").transform((u) => u.replace(/\/+$/, "")),
  ADMIN_USERNAME: optional(z.string().regex(/^[a-z0-9._-]{2,32}$/i, "2-32 letters, digits, dot, dash or underscore")),
  ADMIN_PASSWORD: optional(z.string().min(8, "at least 8 characters")),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DEFAULT_LOCALE: z.enum(["en", "ru"]).default("en"),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  LOGIN_LOCK_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  /** Who must sign in with a Telegram code besides users with their own flag on (auth/code-rule.ts). */
  REQUIRE_2FA: z.enum(["off", "admins", "everyone"], { error: "off, admins or everyone" }).default("off"),
  /** Days from an account's creation during which REQUIRE_2FA lets it in without Telegram (with a reminder). */
  REQUIRE_2FA_GRACE_DAYS: z.coerce.number({ error: "a number of days 0-365" }).int().min(0).max(365).default(7),
  /**
   * Reverse proxies in front of the app: a number of hops (`1` for one nginx/Caddy; `true` means 1, `false` 0) or a
   * comma-separated list of the proxies' addresses. The client IP is read that many hops from the right of
   * X-Forwarded-For (see lib/client-ip.ts); 0 uses the socket peer and ignores the header.
   */
  TRUST_PROXY: z
    .string()
    .trim()
    .default("0")
    .transform((v, ctx): TrustProxy => {
      const word = v.toLowerCase();
      if (["", "false", "no", "0"].includes(word)) return 0;
      if (["true", "yes"].includes(word)) return 1;
      if (/^\d{1,2}$/.test(word)) return Number(word);
      const list = v.split(",").map((s) => s.trim()).filter(Boolean);
      if (list.length > 0 && list.every((a) => isIP(a) !== 0)) return list;
      ctx.addIssue({ code: "custom", message: "a number of proxy hops (e.g. 1), true/false, or a comma-separated list of proxy IP addresses" });
      return z.NEVER;
    }),
  /**
   * Lets an instance's API and media URLs be plain http or private addresses (a self-hosted gateway on the LAN, the
   * test fakes). Off by default: a typed URL could otherwise send the token, or the server's requests, anywhere inside.
   */
  GREEN_API_ALLOW_PRIVATE_HOSTS: optional(bool).transform((v) => v ?? false),
  /** Optional OAuth sign-in (invite-only: it signs in existing users whose e-mail or linked identity matches). */
  OAUTH_GITHUB_CLIENT_ID: optional(z.string().min(1)),
  OAUTH_GITHUB_CLIENT_SECRET: optional(z.string().min(1)),
  OAUTH_GOOGLE_CLIENT_ID: optional(z.string().min(1)),
  OAUTH_GOOGLE_CLIENT_SECRET: optional(z.string().min(1)),
  /** A self-hosted OpenID provider (Keycloak realm URL, e.g. https://sso.example.com/realms/acme). */
  OAUTH_OIDC_URL: optional(z.url({ protocol: /^https?$/, error: "an http(s) URL of the Keycloak realm" }).transform((u) => u.replace(/\/+$/, ""))),
  OAUTH_OIDC_CLIENT_ID: optional(z.string().min(1)),
  OAUTH_OIDC_CLIENT_SECRET: optional(z.string().min(1)),
  OAUTH_OIDC_NAME: z.string().min(1).max(40).default("SSO"),
  /** How long audit log entries are kept (a daily job deletes older ones). */
  AUDIT_RETENTION_DAYS: z.coerce.number({ error: "a number of days" }).int().min(1).max(3650).default(365),
  /** A send whose answer was lost is looked up in Green-API's journal; absent after this long, it is sent again. */
  OUTBOX_RECONCILE_SECONDS: z.coerce.number({ error: "a number of seconds" }).int().min(1).max(3600).default(150),
  /** Long-poll window of receiveNotification in polling mode. */
  POLL_TIMEOUT_SECONDS: z.coerce.number({ error: "a number of seconds 5-60" }).int().min(5).max(60).default(20),
  /** Default gap between two auto-replies in one chat, for new numbers (each number can override it). */
  AUTO_REPLY_INTERVAL_HOURS: z.coerce.number({ error: "a number of hours 1-720" }).int().min(1).max(720).default(12),
  /** Scheduled backups into DATA_DIR/backups (0 = only "back up now"). */
  BACKUP_INTERVAL_HOURS: z.coerce.number({ error: "a number of hours 0-720" }).int().min(0).max(720).default(12),
  BACKUP_MAX_FILES: z.coerce.number({ error: "a number 1-1000" }).int().min(1).max(1000).default(10),
  BACKUP_INCLUDE_MEDIA: optional(bool).transform((v) => v ?? false),
  /** With LOG_FILE, logs go to that file, rotated daily or at LOG_MAX_SIZE, keeping LOG_MAX_FILES. */
  LOG_FILE: optional(z.string().min(1)),
  LOG_MAX_SIZE: z.string().regex(/^\d+[kmg]?$/i, "a size like 10m").default("10m"),
  LOG_MAX_FILES: z.coerce.number({ error: "a number 1-365" }).int().min(1).max(365).default(7),
  /** Bearer token for Prometheus scraping of /metrics (admins can always read it signed in). */
  METRICS_TOKEN: optional(z.string().min(16, "at least 16 characters")),
});

/** Trusted reverse proxies: a hop count, or the proxies' addresses. */
export type TrustProxy = number | string[];

export type Config = z.output<typeof schema> & {
  /** Cookies get `Secure` when the public URL is https. */
  secureCookies: boolean;
};

export class ConfigError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join("\n"));
    this.name = "ConfigError";
  }
}

/** Parses an environment object; throws ConfigError with one line per bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? "environment");
      const shown = /PASSWORD|TOKEN|SECRET/.test(name) ? "(hidden)" : JSON.stringify(env[name]);
      return `config: ${name}=${shown} is invalid: expected ${issue.message.replace(/^Invalid (input|option): (expected )?/, "")}`;
    });
    throw new ConfigError(lines);
  }
  const c = result.data;
  const pairs: [string, unknown, string, unknown][] = [
    ["ADMIN_USERNAME", c.ADMIN_USERNAME, "ADMIN_PASSWORD", c.ADMIN_PASSWORD],
    ["OAUTH_GITHUB_CLIENT_ID", c.OAUTH_GITHUB_CLIENT_ID, "OAUTH_GITHUB_CLIENT_SECRET", c.OAUTH_GITHUB_CLIENT_SECRET],
    ["OAUTH_GOOGLE_CLIENT_ID", c.OAUTH_GOOGLE_CLIENT_ID, "OAUTH_GOOGLE_CLIENT_SECRET", c.OAUTH_GOOGLE_CLIENT_SECRET],
    ["OAUTH_OIDC_URL", c.OAUTH_OIDC_URL, "OAUTH_OIDC_CLIENT_ID", c.OAUTH_OIDC_CLIENT_ID],
  ];
  const unpaired = pairs.filter(([, a, , b]) => (a === undefined) !== (b === undefined)).map(([a, , b]) => `config: ${a} and ${b} must be set together`);
  if (unpaired.length) throw new ConfigError(unpaired);
  if (c.REQUIRE_2FA !== "off" && !c.TELEGRAM_BOT_TOKEN) throw new ConfigError(["config: REQUIRE_2FA needs TELEGRAM_BOT_TOKEN (the codes come from the Telegram bot)"]);
  return Object.freeze({ ...c, secureCookies: c.PUBLIC_URL?.startsWith("https://") ?? false });
}

/** Reads the process environment (the only place that does). */
export function loadConfig(overrides: Record<string, string | undefined> = {}): Config {
  return parseConfig({ ...process.env, ...overrides });
}
