import { describe, expect, test } from "bun:test";
import { ConfigError, parseConfig } from "./config.ts";

function errors(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.lines;
    throw err;
  }
  return [];
}

describe("config", () => {
  test("defaults for an empty environment", () => {
    const c = parseConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.DATA_DIR).toBe("./data");
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.DEFAULT_LOCALE).toBe("en");
    expect(c.SESSION_TTL_DAYS).toBe(10);
    expect(c.TELEGRAM_API_ROOT).toBe("https://api.telegram.org");
    expect(c.secureCookies).toBe(false);
  });

  test("TRUST_PROXY: a hop count, true/false, or the proxies' addresses", () => {
    const trust = (v: string) => parseConfig({ TRUST_PROXY: v }).TRUST_PROXY;
    expect(parseConfig({}).TRUST_PROXY).toBe(0);
    expect(trust("")).toBe(0);
    expect(trust("false")).toBe(0);
    expect(trust("true")).toBe(1);
    expect(trust("2")).toBe(2);
    expect(trust("127.0.0.1, ::1")).toEqual(["127.0.0.1", "::1"]);
    expect(errors({ TRUST_PROXY: "nginx" }).join()).toContain("TRUST_PROXY");
  });

  test("empty strings count as unset for optional variables", () => {
    expect(parseConfig({ DATABASE_URL: "", PUBLIC_URL: "" }).DATABASE_URL).toBeUndefined();
  });

  test("one line per bad variable, naming it and what is expected", () => {
    expect(errors({ PORT: "abc", DATABASE_URL: "nonsense", DEFAULT_LOCALE: "de" })).toEqual([
      'config: PORT="abc" is invalid: expected a port number 1-65535',
      'config: DATABASE_URL="nonsense" is invalid: expected a postgres:// or postgresql:// connection URL',
      'config: DEFAULT_LOCALE="de" is invalid: expected one of "en"|"ru"',
    ]);
  });

  test("secrets are not echoed in errors", () => {
    const lines = errors({ ADMIN_USERNAME: "root", ADMIN_PASSWORD: "short", TELEGRAM_BOT_TOKEN: "oops-token" });
    expect(lines.join("\n")).not.toContain("short");
    expect(lines.join("\n")).not.toContain("oops-token");
    expect(lines).toHaveLength(2);
  });

  test("admin bootstrap needs both variables", () => {
    expect(errors({ ADMIN_USERNAME: "root" })).toEqual([
      "config: ADMIN_USERNAME and ADMIN_PASSWORD must be set together",
    ]);
  });

  test("REQUIRE_2FA: off, admins or everyone, and only with the Telegram bot", () => {
    expect(parseConfig({})).toMatchObject({ REQUIRE_2FA: "off", REQUIRE_2FA_GRACE_DAYS: 7 });
    expect(
      parseConfig({
        REQUIRE_2FA: "admins",
        REQUIRE_2FA_GRACE_DAYS: "0",
        TELEGRAM_BOT_TOKEN: "123:AAAAAAAAAAAAAAAAAAAAAAAA",
      }),
    ).toMatchObject({ REQUIRE_2FA: "admins", REQUIRE_2FA_GRACE_DAYS: 0 });
    expect(errors({ REQUIRE_2FA: "all" })).toEqual([
      'config: REQUIRE_2FA="all" is invalid: expected off, admins or everyone',
    ]);
    expect(errors({ REQUIRE_2FA: "everyone" })).toEqual([
      "config: REQUIRE_2FA needs TELEGRAM_BOT_TOKEN (the codes come from the Telegram bot)",
    ]);
  });

  test("https PUBLIC_URL turns on Secure cookies and loses its trailing slash", () => {
    const c = parseConfig({ PUBLIC_URL: "https://inbox.example.com/" });
    expect(c.PUBLIC_URL).toBe("https://inbox.example.com");
    expect(c.secureCookies).toBe(true);
  });
});
