// `intake replay [--instance N]` on the command line: quarantined notifications processed again after an upgrade.
import type { Config } from "../config.ts";
import type { Database } from "../db/client.ts";
import { createDeps } from "../deps.ts";
import type { Logger } from "../lib/log.ts";
import { replayQuarantined } from "../greenapi/replay.ts";
import { usageOf } from "./usage.ts";

/** Runs `intake …`; returns the exit code. The notifications are processed in this process, as the server would. */
export async function runIntakeCommand(
  args: string[],
  config: Config,
  database: Database,
  log: Logger,
): Promise<number> {
  const at = args.indexOf("--instance");
  const given = at >= 0 ? args[at + 1] : undefined;
  if (args[1] !== "replay" || (at >= 0 && !/^\d{1,10}$/.test(given ?? ""))) {
    console.error(usageOf("intake"));
    return 2;
  }
  const deps = createDeps(config, database, log);
  try {
    let instanceId: number | undefined;
    if (given !== undefined) {
      const row =
        (await deps.instances.findByIdInstance(Number(given))) ??
        (Number(given) <= 2_147_483_647 ? await deps.instances.getRow(Number(given)) : undefined);
      if (!row) {
        console.error(`no instance ${given}`);
        return 1;
      }
      instanceId = row.id;
    }
    const result = await replayQuarantined(deps, { instanceId });
    await deps.intake.idle();
    console.log(`replayed ${result.replayed}: ${result.stored} stored, ${result.quarantined} still quarantined`);
    return 0;
  } finally {
    deps.qr.stopAll();
    deps.gateway.limiter.stop();
  }
}
