// Benchmark: footprint of one app process (`bun src/main.ts serve`, normal configuration) on PostgreSQL and on PGlite:
// cold start to the first served request (/healthz, which needs the database) on a fresh and on an existing database,
// RSS idle and under webhook ingest (open loop), and the size of the single-file binary dist/greeninbox when built.
// Run: ./node_modules/.bin/bun bench/footprint.ts [--rate 500] [--seconds 10]
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { sql as dsql } from "drizzle-orm";
import postgres from "postgres";
import { openDatabase } from "../src/db/client.ts";
import { createLogger } from "../src/lib/log.ts";
import { createBenchDatabase, figure, header, incomingText, ms, openLoop, percentile, spawnApp, spawnFakeGreenApi, type AppProcess } from "./support.ts";

const { values } = parseArgs({ options: { rate: { type: "string", default: "500" }, seconds: { type: "string", default: "10" } } });
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const ID_INSTANCE = 1101666001;
const TOKEN = "d".repeat(50);
const WEBHOOK_TOKEN = "bench-footprint-webhook-token-0";

await header("footprint: memory, start-up, binary");
const greenApi = await spawnFakeGreenApi([{ idInstance: ID_INSTANCE, token: TOKEN }]);
let exitCode = 0;

const insertInstance = `insert into instances (name, id_instance, api_token, api_url, media_url, intake_mode, webhook_token, state, wid)
  values ('Footprint', ${ID_INSTANCE}, '${TOKEN}', '${greenApi.url}', '${greenApi.mediaUrl}', 'webhook', '${WEBHOOK_TOKEN}', 'authorized', '79990000000@c.us')
  on conflict do nothing returning id`;

/** Starts on a fresh database (migrates), stops, adds the instance while the app is down, starts again and measures. */
async function measure(kind: string, start: () => Promise<AppProcess>, exec: (q: string) => Promise<number | undefined>): Promise<void> {
  const first = await start();
  await first.stop();
  const idFresh = await exec(insertInstance);
  const app = await start();
  try {
    await Bun.sleep(3000);
    const idle = app.rssKb();
    const hook = `${app.url}/webhooks/green-api/${idFresh}`;
    let peak = idle;
    const sampler = setInterval(() => (peak = Math.max(peak, app.rssKb())), 100);
    const load = await openLoop(RATE, SECONDS, (i) =>
      fetch(hook, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${WEBHOOK_TOKEN}` },
        body: JSON.stringify(incomingText(ID_INSTANCE, `FP${kind}${i}`, i % 200, `hello ${i}`)),
      }),
    );
    clearInterval(sampler);
    const after = app.rssKb();
    console.log(kind);
    figure("cold start → first served request, fresh database", ms(first.startMs), "", undefined);
    figure("cold start → first served request, existing database", ms(app.startMs));
    figure("RSS idle (3 s after start)", `${(idle / 1024).toFixed(0)} MB`);
    figure(`RSS peak under ${RATE} webhooks/s for ${SECONDS} s`, `${(peak / 1024).toFixed(0)} MB`);
    figure("RSS right after the load", `${(after / 1024).toFixed(0)} MB`);
    figure(`webhook p50 / p99 at ${RATE}/s`, `${ms(percentile(load.latencies, 50))} / ${ms(percentile(load.latencies, 99))}`);
    if (load.failed > 0) figure("non-200 answers", String(load.failed), "0", false);
  } finally {
    await app.stop();
  }
}

try {
  const bench = await createBenchDatabase("footprint");
  const sql = postgres(bench.url, { max: 1, onnotice: () => {} });
  try {
    await measure("PostgreSQL", () => spawnApp({ DATABASE_URL: bench.url }), async (q) => (await sql.unsafe(q))[0]?.id as number | undefined);
  } finally {
    await sql.end();
    await bench.drop();
  }

  // PGlite: the embedded database in DATA_DIR; the bench reaches it only through a stopped app (one process owns the dir).
  const dataDir = mkdtempSync(join(tmpdir(), "gi-bench-pglite-"));
  try {
    await measure("PGlite (embedded, DATA_DIR)", () => spawnApp({ DATABASE_URL: "", DATA_DIR: dataDir }), async (q) => {
      // One process owns the directory: the instance goes in between the two starts.
      const database = await openDatabase({ dataDir, log: createLogger("silent"), migrate: false });
      try {
        const rows = (await database.db.execute(dsql.raw(q))) as unknown as { rows?: { id: number }[] } | { id: number }[];
        return (Array.isArray(rows) ? rows : rows.rows ?? [])[0]?.id;
      } finally {
        await database.close();
      }
    });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }

  const binary = "dist/greeninbox";
  figure("binary size (dist/greeninbox)", existsSync(binary) ? `${(statSync(binary).size / 1024 ** 2).toFixed(1)} MB` : "not built");
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  greenApi.stop();
}
process.exit(exitCode);
