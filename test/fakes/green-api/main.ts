// Runs the fake Green-API as its own process (demo, benchmark); prints {"url","mediaUrl"} as one JSON line.
// Usage: bun test/fakes/green-api/main.ts [--port N] [--instance ID:TOKEN[:state]]... [--no-rate-limits] [--starting-ms N]
import { parseArgs } from "node:util";
import { stateInstanceSchema } from "../../../src/greenapi/schemas.ts";
import { startFakeGreenApi } from "./index.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    instance: { type: "string", multiple: true, default: [] },
    "no-rate-limits": { type: "boolean", default: false },
    "starting-ms": { type: "string" },
  },
});

const fake = startFakeGreenApi({
  port: Number(values.port),
  rateLimits: !values["no-rate-limits"],
  timings: values["starting-ms"] ? { startingMs: Number(values["starting-ms"]) } : {},
});
for (const spec of values.instance) {
  const [id, token, state] = spec.split(":");
  fake.control.createInstance({
    idInstance: Number(id),
    apiTokenInstance: token ?? "",
    state: stateInstanceSchema.parse(state ?? "notAuthorized"),
  });
}
console.log(JSON.stringify({ url: fake.url, mediaUrl: fake.mediaUrl }));

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => void fake.stop().then(() => process.exit(0)));
}
