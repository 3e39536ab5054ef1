// The documentation cannot drift: docs/CONFIGURATION.md is what `npm run docs:config` writes now, .env.example names
// every variable with its default, every relative link in README.md and docs/ reaches a file and heading, and the
// deploy/ files fit the app (upload size, live-update stream, client address) and what the docs say of them.
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { configSchema } from "./config.ts";
import { MAX_MEDIA_BYTES } from "./inbox/media-store.ts";
import { CONFIG_DOC_PATH, defaultOf, renderConfigDoc } from "../scripts/config-doc.ts";

const root = resolve(import.meta.dir, "..");
const read = (path: string) => readFileSync(path, "utf8");

/** Markdown without fenced code blocks (links and headings inside them are examples). */
const prose = (md: string) => md.replace(/^```[\s\S]*?^```/gm, "");

/** GitHub's anchor for each heading of a Markdown file (lower case, punctuation dropped, spaces to dashes, -1 for repeats). */
function anchors(md: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, text] of prose(md).matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const slug = text!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

/** Relative link targets of a Markdown file: `[text](target)` and `<img src="target">`. */
function links(md: string): string[] {
  const text = prose(md);
  const targets = [...text.matchAll(/\]\(([^)\s]+)\)/g), ...text.matchAll(/\bsrc="([^"]+)"/g)].map((m) => m[1]!);
  return targets.filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

const docFiles = () => [
  join(root, "README.md"),
  ...readdirSync(join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => join(root, "docs", f)),
];

/** Broken links of one file, as `file: target (why)`. */
function brokenLinks(file: string): string[] {
  const broken: string[] = [];
  for (const target of links(read(file))) {
    const [path, anchor] = target.split("#") as [string, string | undefined];
    const dest = path ? resolve(dirname(file), decodeURI(path)) : file;
    const where = `${file.slice(root.length + 1)}: ${target}`;
    if (!existsSync(dest)) broken.push(`${where} (no such file)`);
    else if (anchor !== undefined && dest.endsWith(".md") && !anchors(read(dest)).has(anchor))
      broken.push(`${where} (no such heading)`);
  }
  return broken;
}

describe("documentation", () => {
  test("docs/CONFIGURATION.md is what `npm run docs:config` writes from src/config.ts", () => {
    expect(read(CONFIG_DOC_PATH)).toBe(renderConfigDoc());
  });

  test("a variable without a description stops the reference from being written", () => {
    expect(() =>
      renderConfigDoc(z.object({ PORT: z.string().describe("port"), FOO: z.string().default("x") })),
    ).toThrow("FOO has no description");
    expect(() => renderConfigDoc(z.object({ FOO: z.string().describe("two\nlines") }))).toThrow(
      "FOO's description must be one line",
    );
  });

  test(".env.example names every variable, with its default where it has one", () => {
    const example = read(join(root, ".env.example"));
    // The last section is read by compose.yaml, not by the app.
    const appPart = example.split(/^# -+ Docker Compose only/m)[0]!;
    const shown = new Map([...appPart.matchAll(/^# ([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
    const problems: string[] = [];
    for (const [name, field] of Object.entries(configSchema.shape)) {
      const byDefault = defaultOf(field);
      if (!shown.has(name)) problems.push(`${name} is missing`);
      else if (byDefault !== undefined && shown.get(name) !== byDefault)
        problems.push(`${name}=${shown.get(name)} but the default is ${byDefault}`);
    }
    for (const name of shown.keys())
      if (!(name in configSchema.shape)) problems.push(`${name} is not a setting of src/config.ts`);
    expect(problems).toEqual([]);
  });

  test("every relative link in README.md and docs/ reaches an existing file and heading", () => {
    expect(docFiles().flatMap(brokenLinks)).toEqual([]);
    // The check itself sees a broken link and a missing heading.
    expect(anchors("## Reverse proxy (HTTPS)\n## `PORT` and more\n## Backups\n## Backups")).toEqual(
      new Set(["reverse-proxy-https", "port-and-more", "backups", "backups-1"]),
    );
    expect(links("[a](docs/x.md#y) [b](https://e.com) ![c](img.png)\n```\n[d](nope.md)\n```")).toEqual([
      "docs/x.md#y",
      "img.png",
    ]);
  });

  test("deploy/: uploads as large as the app takes pass the proxies, /events is not buffered, the client address is the proxy's view", () => {
    // Room for the multipart form around the largest file.
    const needed = MAX_MEDIA_BYTES + 1024 * 1024;
    const nginx = read(join(root, "deploy/nginx.conf"));
    const [, n, unit] = nginx.match(/^\s*client_max_body_size\s+(\d+)([kmg]?);/m) ?? [];
    expect(Number(n) * 1024 ** "_kmg".indexOf(unit?.toLowerCase() || "_")).toBeGreaterThanOrEqual(needed);
    expect(nginx.match(/location = \/events \{([^}]*)\}/)?.[1]).toMatch(/^\s*proxy_buffering off;/m);
    expect(nginx).toMatch(/^\s*proxy_set_header X-Forwarded-For \$remote_addr;/m);

    const caddy = read(join(root, "deploy/Caddyfile"));
    const [, c, cUnit] = caddy.match(/^\s*max_size\s+(\d+)(KB|MB|GB|KiB|MiB|GiB)$/m) ?? [];
    const caddyUnits: Record<string, number> = { KB: 1e3, MB: 1e6, GB: 1e9, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };
    expect(Number(c) * (caddyUnits[cUnit ?? ""] ?? Number.NaN)).toBeGreaterThanOrEqual(needed);
    expect(caddy).toMatch(/^\s*flush_interval -1$/m);
    for (const proxy of [nginx, caddy]) expect(proxy).toContain("TRUST_PROXY=1");

    // What the README and docs name of the unit is what it says.
    const restart = read(join(root, "deploy/greeninbox.service")).match(/^Restart=(\S+)$/m)?.[1];
    expect(restart).toBeDefined();
    const named = docFiles().flatMap((f) => [...read(f).matchAll(/\bRestart=([\w-]+)/g)].map((m) => m[1]));
    expect(named.length).toBeGreaterThan(0);
    expect(new Set(named)).toEqual(new Set([restart]));
  });
});
