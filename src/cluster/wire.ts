// Connects the capabilities to the cluster: what a follower stores for the leader wakes it, and what the leader does then.
import type { AppDeps } from "../env.ts";
import { SWEEP, type Cluster } from "./index.ts";

/** Followers hand background work to the leader; the leader's wake-up handlers. Methods are wrapped in place. */
export function wireCluster(deps: AppDeps, cluster: Cluster): void {
  const { outbox, media, poller, instances, gateway, intake, inbox, log } = deps;

  const enqueue = outbox.enqueue.bind(outbox);
  outbox.enqueue = async (input, ctx) => {
    const result = await enqueue(input, ctx);
    // Queued inside an intake transaction: the other processes may see it only after the commit.
    if (result.created && ctx) ctx.defer(() => cluster.wake("outbox"));
    else if (result.created) cluster.wake("outbox");
    return result;
  };

  const mediaEnqueue = media.enqueue.bind(media);
  media.enqueue = (id, urgent) => (cluster.isLeader() ? mediaEnqueue(id, urgent) : cluster.wake("media", id));
  const retry = media.retry.bind(media);
  media.retry = async (instanceId, messageId) => {
    const ok = await retry(instanceId, messageId);
    if (ok) cluster.wake("media", messageId);
    return ok;
  };

  // Polling runs in the leader only: a follower (an admin's request) asks it to restart or stop an instance's loop.
  const start = poller.start.bind(poller);
  const stop = poller.stop.bind(poller);
  poller.start = (instance) => (cluster.isLeader() ? start(instance) : cluster.wake("poller", instance.id));
  poller.stop = async (id) => {
    // A loop running here stops in any case (the leader stepping down stops all of its loops).
    if (cluster.isLeader() || poller.active.includes(id)) await stop(id);
    else cluster.wake("poller", id);
  };

  cluster.onWake("intake", async ([id]) => {
    await intake.pull(id === SWEEP);
  });
  cluster.onWake("outbox", () => outbox.kick());
  cluster.onWake("media", ([id]) => {
    if (id !== undefined) mediaEnqueue(id);
  });
  cluster.onWake("readChat", async ([instanceId, chatId]) => {
    if (instanceId === undefined || chatId === undefined) return;
    const [instance, chat] = await Promise.all([instances.getRow(instanceId), inbox.getChat(instanceId, chatId)]);
    if (!instance || !chat) return;
    await gateway
      .call(instance, "readChat", "background", (client) => client.readChat({ chatId: chat.waChatId }), {
        maxAttempts: 1,
      })
      .catch((err) => log.warn({ chatId, err: String(err) }, "readChat failed"));
  });
  cluster.onWake("poller", async ([id]) => {
    if (id === undefined) return;
    // Credentials may have changed in the other process.
    gateway.forget(id);
    const row = (await instances.listPolling()).find((r) => r.id === id);
    if (row) start(row);
    else await stop(id);
  });
}
