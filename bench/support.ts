// Shared helpers of the benchmarks: the machine, a throw-away database, the app and the fakes as processes, load generators.
import { cpus, freemem, loadavg, release, totalmem } from "node:os";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";

export const PG_SERVER = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const BUN = process.execPath;

/** CPU model, cores, RAM, OS, Bun and PostgreSQL versions, as printed at the top of every benchmark. */
export async function machine(): Promise<string> {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  let os = `Linux ${release()}`;
  try {
    const pretty = /PRETTY_NAME="?([^"\n]+)/.exec(readFileSync("/etc/os-release", "utf8"))?.[1];
    if (pretty) os = `${pretty} (kernel ${release()})`;
  } catch {}
  let pg = "PostgreSQL unavailable";
  const sql = postgres(PG_SERVER, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ v: string }[]>`select current_setting('server_version') as v`;
    const [fsync] = await sql<{ v: string }[]>`select current_setting('synchronous_commit') as v`;
    pg = `PostgreSQL ${row!.v} (synchronous_commit=${fsync!.v}, same machine)`;
  } catch {
  } finally {
    await sql.end();
  }
  const gb = (n: number) => (n / 1024 ** 3).toFixed(1);
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
  return `${cpu}, ${cpus().length} cores, ${gb(totalmem())} GB RAM (${gb(freemem())} free), ${os}, Bun ${Bun.version}, ${pg}; load average ${load} at start`;
}

export async function header(title: string): Promise<void> {
  console.log(`\n=== ${title} — ${new Date().toISOString()}`);
  console.log(`machine: ${await machine()}\n`);
}

/** Prints one figure with its goal; `ok` undefined means the figure has no pass/fail goal. */
export function figure(label: string, value: string, goal = "", ok?: boolean): void {
  const mark = ok === undefined ? "" : ok ? "  ✓" : "  ✗ MISSED";
  console.log(`  ${label.padEnd(52)} ${value.padStart(16)}   ${goal ? `goal ${goal}` : ""}${mark}`);
}

export interface BenchDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh empty database on the benchmark server (migrated by whoever opens it first); drop() removes it. */
export async function createBenchDatabase(tag: string): Promise<BenchDatabase> {
  const name = `gi_bench_${tag}_${process.pid}`;
  const admin = postgres(PG_SERVER, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  const url = new URL(PG_SERVER);
  url.pathname = `/${name}`;
  // Interrupted (Ctrl-C): do not leave the database behind.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      const drop = postgres(PG_SERVER, { max: 1, onnotice: () => {} });
      void drop.unsafe(`drop database if exists ${name} with (force)`).finally(() => process.exit(130));
    });
  }
  return {
    url: url.toString(),
    name,
    async drop() {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** Reads the first line a child prints on stdout (the fakes print their URL as JSON). */
export async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("process exited before printing its first line");
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return text.split("\n")[0]!;
}

export interface FakeGreenApi {
  url: string;
  mediaUrl: string;
  stop(): void;
}

/** The fake Green-API as its own process, with the given instances authorized. */
export async function spawnFakeGreenApi(instances: { idInstance: number; token: string }[]): Promise<FakeGreenApi> {
  const args = instances.flatMap((i) => ["--instance", `${i.idInstance}:${i.token}:authorized`]);
  const proc = Bun.spawn([BUN, "test/fakes/green-api/main.ts", ...args], { stdout: "pipe", stderr: "inherit" });
  const { url, mediaUrl } = JSON.parse(await firstLine(proc.stdout)) as { url: string; mediaUrl: string };
  return { url, mediaUrl, stop: () => proc.kill() };
}

export function freePort(): number {
  const s = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = s.port!;
  s.stop(true);
  return port;
}

export interface AppProcess {
  url: string;
  pid: number;
  /** ms from spawn to the first 200 from the readiness path (/healthz by default: a request that needs the database). */
  startMs: number;
  dataDir: string;
  rssKb(): number;
  stop(): Promise<void>;
  /** SIGKILL: no shutdown at all (a crash); the data folder stays. */
  kill(): Promise<void>;
}

export const ADMIN = { username: "benchadmin", password: "bench-password-1" };

export interface SpawnOptions {
  cwdEnv?: boolean;
  /** The app's command instead of `bun src/main.ts serve` (e.g. ["dist/greeninbox", "serve"]). */
  command?: string[];
  /** Ready when this path answers 200 (default /healthz). */
  readyPath?: string;
  /** The app's standard error (default: passed through). */
  stderr?: "inherit" | "ignore";
}

/** Starts `bun src/main.ts serve` (or `opts.command`) with its normal configuration plus `env`; resolves once it is ready. */
export async function spawnApp(env: Record<string, string>, opts: SpawnOptions = {}): Promise<AppProcess> {
  const port = freePort();
  const dataDir = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), "gi-bench-"));
  const started = performance.now();
  const command = opts.command ?? [
    BUN,
    ...(process.env.BENCH_APP_BUN_ARGS?.split(" ").filter(Boolean) ?? []),
    "src/main.ts",
    "serve",
  ];
  const proc = Bun.spawn(command, {
    env: {
      ...(opts.cwdEnv === false ? {} : process.env),
      PATH: process.env.PATH ?? "",
      HOST: "127.0.0.1",
      PORT: String(port),
      DATA_DIR: dataDir,
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      BACKUP_INTERVAL_HOURS: "0",
      ...env,
    },
    stdout: "ignore",
    stderr: opts.stderr ?? "inherit",
  });
  const url = `http://127.0.0.1:${port}`;
  let startMs = 0;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`app exited with ${proc.exitCode} during start-up`);
    const ok = await fetch(`${url}${opts.readyPath ?? "/healthz"}`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) {
      startMs = performance.now() - started;
      break;
    }
    if (performance.now() - started > 60_000) throw new Error("app did not become healthy within 60 s");
    await Bun.sleep(5);
  }
  return {
    url,
    pid: proc.pid,
    startMs,
    dataDir,
    rssKb: () => rssKbOf(proc.pid),
    async stop() {
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
      await proc.exited;
      clearTimeout(timer);
      if (!env.DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
    },
    async kill() {
      proc.kill("SIGKILL");
      await proc.exited;
    },
  };
}

/** CPU seconds (user + system) a process has used so far (from /proc; clock ticks of 1/100 s). */
export function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds used so far by all PostgreSQL server processes on this machine (the benchmark's server is local). */
export function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() === "postgres") total += cpuSecondsOf(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return total;
}

/** Resident set size of a process in KiB (from /proc). */
export function rssKbOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 1)} ms`;

/**
 * Closed loop: `concurrency` workers each send the next request as soon as the previous answered, until `total` were sent.
 * Keep-alive connections (Bun's fetch pool). Returns the rate of answered requests and how many were not 200.
 */
export async function closedLoop(
  total: number,
  concurrency: number,
  send: (i: number) => Promise<Response>,
): Promise<{ seconds: number; rate: number; failed: number }> {
  let next = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const res = await send(i).catch(() => null);
        if (res?.status !== 200) failed++;
        await res?.arrayBuffer().catch(() => {});
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { seconds, rate: total / seconds, failed };
}

/**
 * Open loop: request i is due at start + i/rate whatever the earlier ones do; latency counts from when it was due
 * (so a stalled server is not hidden by a stalled generator). Returns latencies in ms and how many were not 200.
 */
export async function openLoop(
  rate: number,
  seconds: number,
  send: (i: number) => Promise<Response>,
): Promise<{ latencies: number[]; failed: number; lateMs: number }> {
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  const inFlight: Promise<void>[] = [];
  let failed = 0;
  let lateMs = 0;
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await Bun.sleep(wait);
    lateMs = Math.max(lateMs, performance.now() - due);
    inFlight.push(
      send(i).then(
        async (res) => {
          await res.arrayBuffer();
          if (res.status !== 200) failed++;
          latencies.push(performance.now() - due);
        },
        () => {
          failed++;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  return { latencies, failed, lateMs };
}

/** Polls `check` every 20 ms until it is true; returns the ms it took, or throws after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await Bun.sleep(20);
  }
  return performance.now() - started;
}

/** A Green-API incomingMessageReceived text notification. */
export function incomingText(
  idInstance: number,
  idMessage: string,
  chat: number,
  text: string,
  timestamp = Math.floor(Date.now() / 1000),
) {
  const chatId = `7900${String(chat).padStart(7, "0")}@c.us`;
  return {
    typeWebhook: "incomingMessageReceived",
    instanceData: { idInstance, wid: "79990000000@c.us", typeInstance: "whatsapp" },
    timestamp,
    idMessage,
    senderData: {
      chatId,
      chatName: `Customer ${chat}`,
      sender: chatId,
      senderName: `Customer ${chat}`,
      senderContactName: `Customer ${chat}`,
    },
    messageData: { typeMessage: "textMessage", textMessageData: { textMessage: text } },
  };
}
