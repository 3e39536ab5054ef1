// Runs every benchmark in turn, each as its own process (so none inherits another's warm caches or open sockets).
// Run: npm run bench   (or ./node_modules/.bin/bun bench/index.ts [name...] to run some of them)
export {};

const ALL = ["ingest", "read-path", "sse-fanout", "rate-limiter", "footprint"];
const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ALL;

const results: { name: string; code: number; seconds: number }[] = [];
for (const name of chosen) {
  if (!ALL.includes(name)) {
    console.error(`unknown benchmark "${name}" (one of ${ALL.join(", ")})`);
    process.exit(2);
  }
  const started = performance.now();
  const proc = Bun.spawn([process.execPath, `bench/${name}.ts`], { stdout: "inherit", stderr: "inherit" });
  const code = await proc.exited;
  results.push({ name, code, seconds: (performance.now() - started) / 1000 });
}

console.log("\n=== summary");
for (const r of results)
  console.log(
    `  ${r.name.padEnd(12)} ${r.code === 0 ? "every goal met (or none set)" : "a goal missed or a check failed (see above)"}  (${r.seconds.toFixed(0)} s)`,
  );
process.exit(results.every((r) => r.code === 0) ? 0 : 1);
