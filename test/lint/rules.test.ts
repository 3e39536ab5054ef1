// The dependency rules in .dependency-cruiser.cjs fail when broken, name the rule and explain it; a clean tree passes.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "..", "..");
const FIXTURES = join(ROOT, "test", "fixtures", "lint");
const DEPCRUISE = join(ROOT, "node_modules", "dependency-cruiser", "bin", "dependency-cruise.mjs");

type Cruise = { code: number; output: string; violations: string[] };

/** Runs `npm run lint:deps`'s command inside one fixture tree; one line per violation: "rule: from → to". */
async function cruise(tree: string): Promise<Cruise> {
  const proc = Bun.spawn(
    ["node", DEPCRUISE, "src", "views", "--config", join(ROOT, ".dependency-cruiser.cjs"), "--output-type", "err-long"],
    { cwd: join(FIXTURES, tree), stdout: "pipe", stderr: "pipe", env: { ...process.env, NO_COLOR: "1" } },
  );
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  const output = stdout + stderr;
  const violations = [...output.matchAll(/^\s*error ([\w-]+): (\S+) → ?(\S*)/gm)].map(
    ([, rule, from, to]) => `${rule}: ${from} → ${to || "…"}`,
  );
  return { code, output, violations };
}

describe("dependency rules", () => {
  test("a tree that breaks each rule once fails with every rule named, and nothing else", async () => {
    const { code, output, violations } = await cruise("broken");
    expect(violations.sort()).toEqual(
      [
        "lib-imports-no-capability: src/lib/reaches-up.ts → src/inbox/thing.ts",
        "lib-imports-no-capability: src/lib/reaches-up-types.ts → src/inbox/thing.ts",
        "db-below-capabilities: src/db/query.ts → src/users/service.ts",
        "views-render-only: views/chat.tsx → src/inbox/thing.ts",
        "src-never-imports-test: src/inbox/uses-test.ts → test/support/helper.ts",
        "capabilities-not-composition: src/users/wires.ts → src/deps.ts",
        "capability-not-in-order: src/widgets/gadget.ts → src/config.ts",
        "capability-order-team: src/team/calls-up.ts → src/inbox/thing.ts",
        "view-order-components: views/components/button.tsx → views/chats/bubble.tsx",
        "view-folder-not-in-order: views/widgets/panel.tsx → views/chats/bubble.tsx",
        "no-circular: src/lib/ring-a.ts → …",
        "not-to-unresolvable: src/lib/missing.ts → ./nowhere.ts",
      ].sort(),
    );
    expect(code).toBe(violations.length);
    // Each failure explains itself: the rule's comment is printed (wrapped) under it.
    const text = output.replace(/\s+/g, " ");
    expect(text).toContain("src/lib is the ground floor");
    expect(text).toContain("views render the data they are given");
    expect(text).toContain("src/team may import (values) only the capabilities below it");
    expect(text).toContain("12 dependency violations (12 errors, 0 warnings)");
  }, 30_000);

  test("a tree that uses only allowed edges passes", async () => {
    const { code, output, violations } = await cruise("clean");
    expect(violations).toEqual([]);
    expect(output).toContain("no dependency violations found");
    expect(code).toBe(0);
  }, 30_000);
});
