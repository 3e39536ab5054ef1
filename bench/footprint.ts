// Benchmark: footprint of one app process (`bun src/main.ts serve`, normal configuration). The embedded default (no
// DATABASE_URL: PGlite in DATA_DIR) against the goals for a 512 MB VPS — RSS idle, first start on a fresh data folder
// to the first served page (/login), the highest webhook rate up to 1000/s answered with p99 < 200 ms — and whether
// acknowledged webhooks survive kill -9. PostgreSQL for comparison (start-up, RSS idle and under 500 webhooks/s), and
// the single binary dist/greeninbox when built (its size, its first start on a fresh data folder).
// Run: ./node_modules/.bin/bun bench/footprint.ts [--seconds 10]
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { sql as dsql } from "drizzle-orm";
import postgres from "postgres";
import { openDatabase } from "../src/db/client.ts";
import { queryRows } from "../src/db/rows.ts";
import { createLogger } from "../src/lib/log.ts";
import {
  createBenchDatabase,
  figure,
  header,
  incomingText,
  ms,
  openLoop,
  percentile,
  spawnApp,
  spawnFakeGreenApi,
  type AppProcess,
  type SpawnOptions,
} from "./support.ts";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "10" } } });
const SECONDS = Number(values.seconds);
const ID_INSTANCE = 1101666001;
const TOKEN = "d".repeat(50);
const WEBHOOK_TOKEN = "bench-footprint-webhook-token-0";
const GOAL = { rssMb: 150, firstStartMs: 1500, rate: 300, p99Ms: 200 };
/** Tried in turn until one misses p99 < 200 ms. */
const RATES = [300, 500, 700, 1000];
const BINARY = "dist/greeninbox";
const PAGE: SpawnOptions = { readyPath: "/login" };

await header("footprint: memory, start-up, webhook rate, binary");
const greenApi = await spawnFakeGreenApi([{ idInstance: ID_INSTANCE, token: TOKEN }]);
let exitCode = 0;

const insertInstance = `insert into instances (name, id_instance, api_token, api_url, media_url, intake_mode, webhook_token, state, wid)
  values ('Footprint', ${ID_INSTANCE}, '${TOKEN}', '${greenApi.url}', '${greenApi.mediaUrl}', 'webhook', '${WEBHOOK_TOKEN}', 'authorized', '79990000000@c.us')
  on conflict do nothing returning id`;

const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** `rate` webhooks/s for `seconds` (open loop) at the app; each notification's idMessage starts with `tag`. */
function load(app: AppProcess, instanceId: number, rate: number, seconds: number, tag: string) {
  const hook = `${app.url}/webhooks/green-api/${instanceId}`;
  return openLoop(rate, seconds, (i) =>
    fetch(hook, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${WEBHOOK_TOKEN}` },
      body: JSON.stringify(incomingText(ID_INSTANCE, `${tag}${i}`, i % 200, `hello ${i}`)),
    }),
  );
}

/** Peak RSS of the app while `work` runs (sampled every 100 ms). */
async function peakRss<T>(app: AppProcess, work: () => Promise<T>): Promise<{ result: T; peakKb: number }> {
  let peakKb = app.rssKb();
  const sampler = setInterval(() => (peakKb = Math.max(peakKb, app.rssKb())), 100);
  try {
    return { result: await work(), peakKb };
  } finally {
    clearInterval(sampler);
  }
}

/** Opens the stopped app's embedded database here (one process owns the folder at a time) and runs `q`. */
async function inPglite<T = Record<string, unknown>>(
  dataDir: string,
  q: string,
): Promise<{ rows: T[]; openMs: number }> {
  const started = performance.now();
  const database = await openDatabase({ dataDir, log: createLogger("silent"), migrate: false });
  const openMs = performance.now() - started;
  try {
    return { rows: await queryRows<T>(database.db, dsql.raw(q)), openMs };
  } finally {
    await database.close();
  }
}

/** Starts the app `n` times, each on a new data folder, and returns the ms to the first served page. */
async function freshStarts(n: number, opts: SpawnOptions): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const dataDir = mkdtempSync(join(tmpdir(), "gi-bench-fresh-"));
    try {
      // As a newcomer's first `npm start`: no admin in the environment (the setup link goes to the ignored stderr).
      const app = await spawnApp(
        { DATABASE_URL: "", DATA_DIR: dataDir, ADMIN_USERNAME: "", ADMIN_PASSWORD: "" },
        { ...opts, stderr: "ignore" },
      );
      times.push(app.startMs);
      await app.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return times;
}

async function postgresFigures(): Promise<void> {
  const bench = await createBenchDatabase("footprint");
  const sql = postgres(bench.url, { max: 1, onnotice: () => {} });
  try {
    const first = await spawnApp({ DATABASE_URL: bench.url }, PAGE);
    await first.stop();
    const [row] = await sql.unsafe(insertInstance);
    const app = await spawnApp({ DATABASE_URL: bench.url }, PAGE);
    try {
      await Bun.sleep(3000);
      const idle = app.rssKb();
      const { result, peakKb } = await peakRss(app, () => load(app, row!.id as number, 500, SECONDS, "FPPG"));
      console.log("PostgreSQL (for comparison)");
      figure("start → first page, fresh / existing database", `${ms(first.startMs)} / ${ms(app.startMs)}`);
      figure("RSS idle (3 s after start)", mb(idle));
      figure(`RSS peak under 500 webhooks/s for ${SECONDS} s`, mb(peakKb));
      figure(
        "webhook p50 / p99 at 500/s",
        `${ms(percentile(result.latencies, 50))} / ${ms(percentile(result.latencies, 99))}`,
      );
    } finally {
      await app.stop();
    }
  } finally {
    await sql.end();
    await bench.drop();
  }
}

async function embeddedFigures(): Promise<boolean> {
  console.log("Embedded default (no DATABASE_URL: PGlite in DATA_DIR)");
  const fresh = await freshStarts(3, PAGE);
  const firstStart = median(fresh);
  const binary = existsSync(BINARY) ? await freshStarts(3, { ...PAGE, command: [BINARY, "serve"] }) : null;

  const dataDir = mkdtempSync(join(tmpdir(), "gi-bench-pglite-"));
  try {
    const first = await spawnApp({ DATABASE_URL: "", DATA_DIR: dataDir }, PAGE);
    await first.stop();
    const instanceId = (await inPglite<{ id: number }>(dataDir, insertInstance)).rows[0]!.id;
    const app = await spawnApp({ DATABASE_URL: "", DATA_DIR: dataDir }, PAGE);
    let idle = 0;
    const runs: { rate: number; p50: number; p99: number; failed: number; peakKb: number }[] = [];
    try {
      await Bun.sleep(3000);
      idle = app.rssKb();
      for (const rate of RATES) {
        const { result, peakKb } = await peakRss(app, () => load(app, instanceId, rate, SECONDS, `FP${rate}-`));
        const run = {
          rate,
          p50: percentile(result.latencies, 50),
          p99: percentile(result.latencies, 99),
          failed: result.failed,
          peakKb,
        };
        runs.push(run);
        if (run.p99 >= GOAL.p99Ms || run.failed > 0) break;
        await Bun.sleep(2000); // the processing of this run's webhooks catches up
      }
    } finally {
      await app.stop();
    }

    // Durability: webhooks answered 200, then kill -9 at once; after the restart every one of them is in the journal.
    const victim = await spawnApp({ DATABASE_URL: "", DATA_DIR: dataDir }, PAGE);
    const crash = await load(victim, instanceId, GOAL.rate, 3, "FPKILL-");
    await victim.kill();
    const answered = crash.latencies.length - crash.failed;
    const after = await inPglite<{ stored: number; unprocessed: number }>(
      dataDir,
      `select count(*) filter (where dedupe_key like '%:FPKILL-%')::int as stored, count(*) filter (where processed_at is null)::int as unprocessed from notifications`,
    );

    const sustained = runs.filter((r) => r.p99 < GOAL.p99Ms && r.failed === 0).at(-1);
    const atGoal = runs.find((r) => r.rate === GOAL.rate)!;
    figure("RSS idle (3 s after start)", mb(idle), `≤ ${GOAL.rssMb} MB`, idle / 1024 <= GOAL.rssMb);
    figure(
      "fresh data folder: start → first page (median of 3)",
      ms(firstStart),
      `≤ ${GOAL.firstStartMs} ms`,
      firstStart <= GOAL.firstStartMs,
    );
    figure("  the 3 starts", fresh.map((t) => ms(t)).join(", "));
    if (binary)
      figure(
        `  the single binary (built ${statSync(BINARY).mtime.toISOString().slice(0, 16)})`,
        binary.map((t) => ms(t)).join(", "),
      );
    figure(
      "highest rate ≤ 1000/s answered with p99 < 200 ms",
      sustained ? `${sustained.rate}/s` : "none",
      `≥ ${GOAL.rate}/s`,
      (sustained?.rate ?? 0) >= GOAL.rate,
    );
    figure(
      `webhook p99 at ${GOAL.rate}/s`,
      ms(atGoal.p99),
      `< ${GOAL.p99Ms} ms`,
      atGoal.p99 < GOAL.p99Ms && atGoal.failed === 0,
    );
    for (const r of runs)
      figure(
        `  ${r.rate}/s for ${SECONDS} s: p50 / p99, non-200, RSS peak`,
        `${ms(r.p50)} / ${ms(r.p99)}, ${r.failed}, ${mb(r.peakKb)}`,
      );
    figure("start → first page, existing database", ms(app.startMs));
    figure(
      "kill -9 after answering: answered webhooks in the journal",
      `${after.rows[0]!.stored} of ${answered}`,
      `${answered}`,
      after.rows[0]!.stored === answered,
    );
    figure(
      "  unprocessed at the kill / opening after it (recovery)",
      `${after.rows[0]!.unprocessed} / ${ms(after.openMs)}`,
    );
    return (
      idle / 1024 <= GOAL.rssMb &&
      firstStart <= GOAL.firstStartMs &&
      (sustained?.rate ?? 0) >= GOAL.rate &&
      after.rows[0]!.stored === answered
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

try {
  await postgresFigures();
  if (!(await embeddedFigures())) exitCode = 1;
  figure(
    "binary size (dist/greeninbox)",
    existsSync(BINARY) ? `${(statSync(BINARY).size / 1024 ** 2).toFixed(1)} MB` : "not built",
  );
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  greenApi.stop();
}
process.exit(exitCode);
