// Feature, last in line: updates no other feature took are only logged (a button press is answered, to end its spinner).
import { Composer, type Context } from "grammy";
import type { FeatureDeps } from "../bot.ts";

export function unhandled(deps: FeatureDeps): Composer<Context> {
  const feature = new Composer<Context>();
  feature.on("callback_query", (ctx) => ctx.answerCallbackQuery());
  feature.use((ctx) =>
    deps.log.debug({ updateId: ctx.update.update_id, keys: Object.keys(ctx.update) }, "telegram update not handled"),
  );
  return feature;
}
