// The physical limit for ingest: a bare Bun.serve handler doing one INSERT per request into the same PostgreSQL, with the
// same pool size as the app (10). Started by bench/ingest.ts; prints {"url"} as one JSON line.
// Usage: bun bench/bare-server.ts <database url>
import postgres from "postgres";

const sql = postgres(process.argv[2]!, { max: 10, onnotice: () => {} });
await sql`create table if not exists bench_bare (id bigint generated always as identity primary key, body jsonb not null, created_at timestamptz not null default now())`;

const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(req) {
    const body = await req.json();
    await sql`insert into bench_bare (body) values (${sql.json(body as never)})`;
    return Response.json({ ok: true });
  },
});
console.log(JSON.stringify({ url: `http://127.0.0.1:${server.port}` }));
process.on("SIGTERM", () => void sql.end({ timeout: 2 }).then(() => process.exit(0)));
