// The only module that reads the environment: parses it once with zod into a typed, frozen Config.
// Over 250 lines for a reason: one zod schema by design — docs/CONFIGURATION.md is generated from it.
import { isIP } from "node:net";
import { z } from "zod";

const bool = z.enum(["true", "false", "1", "0", "yes", "no"]).transform((v) => ["true", "1", "yes"].includes(v));
const emptyAsUndefined = (v: unknown) => (v === "" ? undefined : v);
const optional = <T extends z.ZodType>(s: T) => z.preprocess(emptyAsUndefined, s.optional());

/**
 * Every setting, with the description docs/CONFIGURATION.md is generated from (`npm run docs:config`; a test fails
 * when the file is stale or a variable has no description). Descriptions are Markdown, one line each.
 */
export const configSchema = z.object({
  PORT: z.coerce
    .number({ error: "a port number 1-65535" })
    .int()
    .min(1)
    .max(65535)
    .default(3000)
    .describe("TCP port of the web server."),
  HOST: z
    .string()
    .min(1)
    .default("0.0.0.0")
    .describe(
      "Address to listen on: `0.0.0.0` for every interface, `127.0.0.1` for local connections only (behind a reverse proxy on the same machine).",
    ),
  DATABASE_URL: optional(
    z.string().regex(/^postgres(ql)?:\/\/.+/, "a postgres:// or postgresql:// connection URL"),
  ).describe(
    "PostgreSQL connection URL (`postgres://user:password@host:5432/db`). Unset: the embedded database (PGlite) in `DATA_DIR/pglite`, which one process at a time may open.",
  ),
  DATA_DIR: z
    .string()
    .min(1)
    .default("./data")
    .describe(
      "Folder for local data: the embedded database and its lock file, media (`media/`) and backups (`backups/`). Created on first start; a relative path is relative to the working directory.",
    ),
  PUBLIC_URL: optional(
    z
      .url({ protocol: /^https?$/, error: "an http(s) URL such as https://inbox.example.com" })
      .transform((u) => u.replace(/\/+$/, "")),
  ).describe(
    "The address people open, e.g. `https://inbox.example.com` (a trailing slash is removed). Needed for Green-API webhooks; used in the first-start setup link, accepted as the `Origin` of form posts (needed behind an https proxy), and `https://` makes cookies `Secure`. Unset: the setup link uses `http://localhost:PORT`.",
  ),
  SESSION_TTL_DAYS: z.coerce
    .number({ error: "a number of days" })
    .int()
    .min(1)
    .max(365)
    .default(10)
    .describe("Days a session lives without use; each use extends it (checked at most hourly)."),
  TELEGRAM_BOT_TOKEN: optional(
    z.string().regex(/^\d+:[\w-]{20,}$/, "a bot token like 123456:ABC-DEF... from @BotFather"),
  ).describe(
    "Bot token from @BotFather (`123456:ABC-DEF…`), format checked at start. Unset: every Telegram feature is off and the rest works.",
  ),
  TELEGRAM_API_ROOT: z
    .url({ error: "an http(s) URL" })
    .default("https://api.telegram.org")
    .transform((u) => u.replace(/\/+$/, ""))
    .describe(
      "Base URL of the Telegram Bot API: change it only for a self-hosted Bot API server (or a fake in tests).",
    ),
  VAPID_PUBLIC_KEY: optional(z.string().regex(/^[\w-]{80,100}$/, "a base64url P-256 public key")).describe(
    "Web Push: the VAPID public key (base64url, from `npx web-push generate-vapid-keys`), set with `VAPID_PRIVATE_KEY`. Unset: a key pair is made on the first start and kept in the database.",
  ),
  VAPID_PRIVATE_KEY: optional(z.string().regex(/^[\w-]{40,50}$/, "a base64url P-256 private key")).describe(
    "Web Push: the VAPID private key matching `VAPID_PUBLIC_KEY`.",
  ),
  VAPID_SUBJECT: optional(z.string().regex(/^(mailto:|https:\/\/)\S+$/, "a mailto: or https:// address")).describe(
    "Web Push: the contact push services are given (`mailto:admin@example.com` or an https:// address). Unset: `PUBLIC_URL`, or `mailto:admin@localhost`.",
  ),
  ADMIN_USERNAME: optional(
    z.string().regex(/^[a-z0-9._-]{2,32}$/i, "2-32 letters, digits, dot, dash or underscore"),
  ).describe(
    "First admin's username (2-32 letters, digits, `.`, `-`, `_`), created on a start when there are no users yet, ignored afterwards. Set together with `ADMIN_PASSWORD`; without them the first start prints a one-time setup link.",
  ),
  ADMIN_PASSWORD: optional(z.string().min(8, "at least 8 characters")).describe(
    "First admin's password (at least 8 characters); never logged or echoed in errors.",
  ),
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
    .default("info")
    .describe("Level of the JSON log. CLI commands log warnings and errors only."),
  DEFAULT_LOCALE: z
    .enum(["en", "ru"])
    .default("en")
    .describe(
      "Interface language when neither the user's setting nor the browser's `Accept-Language` picks one; also the language of a number's Telegram channel until its settings choose one.",
    ),
  LOGIN_MAX_FAILURES: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(5)
    .describe(
      "Failed sign-ins for one username before it is locked; one IP address may fail four times as often (an office shares one address). Counted in the database, so a restart does not reset it.",
    ),
  LOGIN_LOCK_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(1440)
    .default(15)
    .describe("Minutes a locked sign-in stays locked."),
  // Read by auth/code-rule.ts.
  REQUIRE_2FA: z
    .enum(["off", "admins", "everyone"], { error: "off, admins or everyone" })
    .default("off")
    .describe(
      "Who must sign in with a code from the Telegram bot besides users who turned codes on (needs `TELEGRAM_BOT_TOKEN`). Someone with no Telegram linked is led to link it at sign-in, then gets the code.",
    ),
  REQUIRE_2FA_GRACE_DAYS: z.coerce
    .number({ error: "a number of days 0-365" })
    .int()
    .min(0)
    .max(365)
    .default(7)
    .describe(
      "Days from an account's creation during which `REQUIRE_2FA` lets it in without Telegram, with a reminder. Counted from creation (the app keeps no date of when the rule first applied): older accounts link at their next sign-in.",
    ),
  // lib/client-ip.ts reads the client address with it.
  TRUST_PROXY: z
    .string()
    .trim()
    .default("0")
    .transform((v, ctx): TrustProxy => {
      const word = v.toLowerCase();
      if (["", "false", "no", "0"].includes(word)) return 0;
      if (["true", "yes"].includes(word)) return 1;
      if (/^\d{1,2}$/.test(word)) return Number(word);
      const list = v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      if (list.length > 0 && list.every((a) => isIP(a) !== 0)) return list;
      ctx.addIssue({
        code: "custom",
        message: "a number of proxy hops (e.g. 1), true/false, or a comma-separated list of proxy IP addresses",
      });
      return z.NEVER;
    })
    .describe(
      "Reverse proxies in front of the app: a number of hops (`1` behind one nginx or Caddy; `true` = 1, `false` = 0) or a comma-separated list of their IP addresses. The client IP (sign-in throttling, audit log) is the `X-Forwarded-For` address that many hops from the right; whatever a client put in front is ignored. `0`: no proxy, the header is ignored.",
    ),
  GREEN_API_ALLOW_PRIVATE_HOSTS: optional(bool)
    .transform((v) => v ?? false)
    .describe(
      "Lets a number's API and media URLs be plain `http` or private addresses (a self-hosted gateway on your network). Off, they must be public `https` hosts, so a typed URL cannot send the token, or the server's requests, inside your network. The same holds for Web Push endpoints browsers register.",
    ),
  OAUTH_GITHUB_CLIENT_ID: optional(z.string().min(1)).describe(
    'Optional "Sign in with GitHub" (set with the secret). Invite-only: signs in an existing user whose e-mail matches the verified primary GitHub e-mail; never creates accounts. Callback: `<PUBLIC_URL>/login/github/callback`.',
  ),
  OAUTH_GITHUB_CLIENT_SECRET: optional(z.string().min(1)).describe("Client secret of that GitHub OAuth app."),
  OAUTH_GOOGLE_CLIENT_ID: optional(z.string().min(1)).describe(
    'Optional "Sign in with Google" (set with the secret), invite-only like GitHub. Callback: `<PUBLIC_URL>/login/google/callback`.',
  ),
  OAUTH_GOOGLE_CLIENT_SECRET: optional(z.string().min(1)).describe("Client secret of that Google OAuth client."),
  OAUTH_OIDC_URL: optional(
    z
      .url({ protocol: /^https?$/, error: "an http(s) URL of the Keycloak realm" })
      .transform((u) => u.replace(/\/+$/, "")),
  ).describe(
    "Optional self-hosted OpenID provider, invite-only like GitHub: the Keycloak realm URL, e.g. `https://sso.example.com/realms/acme` (set with its client id; PKCE is always used). Callback: `<PUBLIC_URL>/login/oidc/callback`.",
  ),
  OAUTH_OIDC_CLIENT_ID: optional(z.string().min(1)).describe("Client id at that OpenID provider."),
  OAUTH_OIDC_CLIENT_SECRET: optional(z.string().min(1)).describe(
    "Client secret at that OpenID provider (leave unset for a public client).",
  ),
  OAUTH_OIDC_NAME: z.string().min(1).max(40).default("SSO").describe("Label of the OpenID provider's sign-in button."),
  AUDIT_RETENTION_DAYS: z.coerce
    .number({ error: "a number of days" })
    .int()
    .min(1)
    .max(3650)
    .default(365)
    .describe("Days audit log entries are kept; a daily job deletes older ones."),
  OUTBOX_RECONCILE_SECONDS: z.coerce
    .number({ error: "a number of seconds" })
    .int()
    .min(1)
    .max(3600)
    .default(150)
    .describe(
      "When a message send got no answer at all (a timeout, a dropped connection), the send is looked up in Green-API's journal; still absent after this many seconds (the journal can lag), it is sent again. Sends Green-API answered with 5xx are retried sooner (after 5 s, 15 s, 40 s, 2 min, 5 min), also only when absent from the journal. While the journal cannot be read, nothing is sent again: each step only waits, and after the last one (plus this many seconds) the message ends as not confirmed, for the user to check the phone and send again.",
    ),
  POLL_TIMEOUT_SECONDS: z.coerce
    .number({ error: "a number of seconds 5-60" })
    .int()
    .min(5)
    .max(60)
    .default(20)
    .describe(
      "Long-poll window, in seconds, of Green-API's `receiveNotification` for numbers that receive by polling instead of a webhook.",
    ),
  AUTO_REPLY_INTERVAL_HOURS: z.coerce
    .number({ error: "a number of hours 1-720" })
    .int()
    .min(1)
    .max(720)
    .default(12)
    .describe(
      "Default for new numbers: a customer gets the number's auto-reply at most once per chat in this many hours; each number can change it in its settings.",
    ),
  BACKUP_INTERVAL_HOURS: z.coerce
    .number({ error: "a number of hours 0-720" })
    .int()
    .min(0)
    .max(720)
    .default(12)
    .describe(
      'Hours between scheduled backups into `DATA_DIR/backups`; `0` = only "Back up now" and `greeninbox backup`. With `DATABASE_URL` they use `pg_dump` of the server\'s major version or newer.',
    ),
  BACKUP_MAX_FILES: z.coerce
    .number({ error: "a number 1-1000" })
    .int()
    .min(1)
    .max(1000)
    .default(10)
    .describe("Newest backups kept; older ones are deleted after each backup."),
  BACKUP_INCLUDE_MEDIA: optional(bool)
    .transform((v) => v ?? false)
    .describe("Also archive `DATA_DIR/media` (photos, documents, voice notes) with each backup."),
  LOG_FILE: optional(z.string().min(1)).describe(
    "Write the JSON log to this file instead of standard output, rotated daily and at `LOG_MAX_SIZE` (files `name.1.log`, `name.2.log`, …). Its folder must be writable.",
  ),
  LOG_MAX_SIZE: z
    .string()
    .regex(/^\d+[kmg]?$/i, "a size like 10m")
    .default("10m")
    .describe("Size at which `LOG_FILE` is rotated: a number with `k`, `m` or `g` (a bare number means megabytes)."),
  LOG_MAX_FILES: z.coerce
    .number({ error: "a number 1-365" })
    .int()
    .min(1)
    .max(365)
    .default(7)
    .describe("Log files kept, the current one included."),
  METRICS_TOKEN: optional(z.string().min(16, "at least 16 characters")).describe(
    "Bearer token (at least 16 characters) for Prometheus to scrape `GET /metrics`; signed-in admins can always open it. See [Monitoring](OPERATIONS.md#monitoring).",
  ),
});

/** Trusted reverse proxies: a hop count, or the proxies' addresses. */
export type TrustProxy = number | string[];

export type Config = z.output<typeof configSchema> & {
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
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? "environment");
      const shown = /PASSWORD|TOKEN|SECRET|PRIVATE/.test(name) ? "(hidden)" : JSON.stringify(env[name]);
      return `config: ${name}=${shown} is invalid: expected ${issue.message.replace(/^Invalid (input|option): (expected )?/, "")}`;
    });
    throw new ConfigError(lines);
  }
  const c = result.data;
  const pairs: [string, unknown, string, unknown][] = [
    ["ADMIN_USERNAME", c.ADMIN_USERNAME, "ADMIN_PASSWORD", c.ADMIN_PASSWORD],
    ["VAPID_PUBLIC_KEY", c.VAPID_PUBLIC_KEY, "VAPID_PRIVATE_KEY", c.VAPID_PRIVATE_KEY],
    ["OAUTH_GITHUB_CLIENT_ID", c.OAUTH_GITHUB_CLIENT_ID, "OAUTH_GITHUB_CLIENT_SECRET", c.OAUTH_GITHUB_CLIENT_SECRET],
    ["OAUTH_GOOGLE_CLIENT_ID", c.OAUTH_GOOGLE_CLIENT_ID, "OAUTH_GOOGLE_CLIENT_SECRET", c.OAUTH_GOOGLE_CLIENT_SECRET],
    ["OAUTH_OIDC_URL", c.OAUTH_OIDC_URL, "OAUTH_OIDC_CLIENT_ID", c.OAUTH_OIDC_CLIENT_ID],
  ];
  const unpaired = pairs
    .filter(([, a, , b]) => (a === undefined) !== (b === undefined))
    .map(([a, , b]) => `config: ${a} and ${b} must be set together`);
  if (unpaired.length) throw new ConfigError(unpaired);
  if (c.REQUIRE_2FA !== "off" && !c.TELEGRAM_BOT_TOKEN)
    throw new ConfigError(["config: REQUIRE_2FA needs TELEGRAM_BOT_TOKEN (the codes come from the Telegram bot)"]);
  return Object.freeze({ ...c, secureCookies: c.PUBLIC_URL?.startsWith("https://") ?? false });
}

/** Reads the process environment (the only place that does). */
export function loadConfig(overrides: Record<string, string | undefined> = {}): Config {
  return parseConfig({ ...process.env, ...overrides });
}
