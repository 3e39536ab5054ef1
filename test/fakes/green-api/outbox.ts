// Outgoing queue of the fake: sends paced by delaySendMessagesMilliseconds, then API-message and status webhooks.
import { flattenMessageData, quoteOf, record } from "./journal.ts";
import { emit, enabled, head } from "./notify.ts";
import { statusChatId, wireId } from "./wire-ids.ts";
import type { FakeInstance, PendingSend, SentRecord, World } from "./world.ts";
import { nowSeconds } from "./world.ts";

/** Accepts a send into the queue (the 200 answer); it goes out when authorized, one per send delay. */
export function acceptSend(
  world: World,
  inst: FakeInstance,
  send: PendingSend,
  sent: Omit<SentRecord, "idMessage" | "chatId" | "acceptedAt">,
): void {
  inst.sent.push({ idMessage: send.idMessage, chatId: send.chatId, acceptedAt: Date.now(), ...sent });
  inst.sendQueue.push(send);
  pumpSends(world, inst);
}

/** Schedules the next queued send if the instance can send now. */
export function pumpSends(world: World, inst: FakeInstance): void {
  if (inst.sendTimer || inst.state !== "authorized" || !inst.sendQueue.length) return;
  const wait = Math.max(0, inst.lastSendAt + inst.settings.delaySendMessagesMilliseconds - Date.now());
  inst.sendTimer = world.later(wait, () => {
    inst.sendTimer = null;
    if (inst.state !== "authorized") return;
    const next = inst.sendQueue.shift();
    if (next) {
      inst.lastSendAt = Date.now();
      transmit(world, inst, next);
    }
    pumpSends(world, inst);
  });
}

/** The message as sent: a reply gets its quotedMessage (and participant) from the journal at this point. */
function withQuote(inst: FakeInstance, send: PendingSend): Record<string, unknown> {
  if (!send.quotedMessageId) return send.messageData;
  const quotedMessage = quoteOf(inst, send.chatId, send.quotedMessageId);
  const data: Record<string, unknown> = { ...send.messageData, quotedMessage };
  if (data.typeMessage === "quotedMessage") {
    data.extendedTextMessageData = {
      ...(data.extendedTextMessageData as object),
      stanzaId: send.quotedMessageId,
      participant: quotedMessage.participant,
    };
  }
  return data;
}

function transmit(world: World, inst: FakeInstance, send: PendingSend): void {
  const noAccount = inst.noAccount.has(send.chatId);
  const messageData = withQuote(inst, send);
  const item = record(inst, {
    type: "outgoing",
    idMessage: send.idMessage,
    timestamp: nowSeconds(),
    chatId: send.chatId,
    ...flattenMessageData(messageData),
    typeMessage: String(messageData.typeMessage),
    statusMessage: "pending",
    sendByApi: true,
  });
  // Not emitted for numbers without WhatsApp (shared/green-api.md §3 gate table).
  if (!noAccount && enabled(inst, "outgoingAPIMessageWebhook")) {
    const wid = `${inst.phone}@c.us`;
    emit(world, inst, {
      ...head(inst, "outgoingAPIMessageReceived"),
      idMessage: send.idMessage,
      senderData: {
        chatId: wireId(inst, send.chatId),
        chatName: inst.contacts.get(send.chatId) ?? "",
        sender: wireId(inst, wid),
        senderName: "",
      },
      messageData,
    });
  }
  const failure = inst.failing.get(send.chatId);
  const statuses = noAccount ? ["noAccount"] : failure !== undefined ? ["failed"] : ["sent", "delivered", "read"];
  statuses.forEach((status, i) => {
    world.later(world.timings.statusStepMs * (i + 1), () => {
      item.statusMessage = status;
      // failed/noAccount are sent even when outgoingWebhook is off.
      if (status === "noAccount" || status === "failed" || enabled(inst, "outgoingWebhook")) {
        const description = status === "failed" ? { description: failure } : {};
        emit(world, inst, {
          ...head(inst, "outgoingMessageStatus"),
          ...statusChatId(inst, send.chatId),
          idMessage: send.idMessage,
          status,
          ...description,
          sendByApi: true,
        });
      }
    });
  });
}
