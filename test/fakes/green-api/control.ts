// Control API of the fake (in-process object, mirrored as POST /__control/<name> with a JSON array of arguments).
import { z } from "zod";
import {
  chatIdSchema,
  settingsUpdateSchema,
  stateInstanceSchema,
  type SettingsUpdate,
  type StateInstance,
} from "../../../src/greenapi/schemas.ts";
import { buildMessageData, extraGate, injectMessageSchema, type InjectMessageInput } from "./incoming.ts";
import { createInstance, phoneReady, scanQr, setState, type CreateInstanceInput } from "./instances.ts";
import { quoteOf, flattenMessageData, record } from "./journal.ts";
import { storeMedia } from "./media.ts";
import { seedHistory, type SeedHistoryInput } from "./history.ts";
import { emit, enabled, head } from "./notify.ts";
import { pumpSends } from "./outbox.ts";
import { CORS_HEADERS } from "./respond.ts";
import { wireFormsSchema, wireId, type WireForms } from "./wire-ids.ts";
import {
  hexId,
  mustGet,
  type DeliveryRecord,
  type Faults,
  type HistoryAsk,
  type MessageChange,
  type RequestRecord,
  type SentRecord,
  type World,
} from "./world.ts";

const groupSchema = z.object({
  subject: z.string(),
  groupId: z
    .string()
    .regex(/^\d+(-\d+)?@g\.us$/)
    .optional(),
  /** Members besides the owner (the instance's own number). */
  participants: z.array(z.string()).default([]),
});

const callSchema = z.object({
  from: chatIdSchema,
  outcome: z.enum(["pickUp", "hangUp", "missed", "declined"]).default("missed"),
});

/** Snapshot of one instance for assertions. */
export interface InstanceSnapshot {
  state: StateInstance;
  settings: Record<string, unknown>;
  pendingNotifications: number;
  queuedSends: number;
  journalSize: number;
  readChats: string[];
}

export function createControl(world: World) {
  function inject(idInstance: number, input: InjectMessageInput, direction: "incoming" | "outgoing") {
    const inst = mustGet(world, idInstance);
    if (!phoneReady(inst)) throw new Error(`instance ${idInstance} is ${inst.state}: no phone to receive on`);
    const m = injectMessageSchema.parse(input);
    const wid = `${inst.phone}@c.us`;
    const incoming = direction === "incoming";
    const idMessage = m.idMessage ?? (incoming ? hexId(32) : `3EB0${hexId(16)}`);
    const sender = incoming ? (m.sender ?? m.chatId) : wid;
    const senderName = incoming ? (m.senderName ?? inst.contacts.get(sender) ?? "") : "";
    if (incoming && m.senderName) inst.contacts.set(sender, m.senderName);
    // A group's title is in the phone's address book (getContacts lists groups with their names).
    if (m.chatId.endsWith("@g.us") && m.chatName) inst.contacts.set(m.chatId, m.chatName);
    const messageData = buildMessageData(world, inst, m);
    if (m.quotedMessageId && !messageData.quotedMessage)
      messageData.quotedMessage = quoteOf(inst, m.chatId, m.quotedMessageId);
    const body = {
      ...head(inst, incoming ? "incomingMessageReceived" : "outgoingMessageReceived"),
      ...(m.timestamp === undefined ? {} : { timestamp: m.timestamp }),
      idMessage,
      senderData: {
        // A group message names its group (the subject of a group made with createGroup, unless given).
        chatId: wireId(inst, m.chatId),
        chatName: m.chatName ?? (m.chatId.endsWith("@g.us") ? (inst.groups.get(m.chatId)?.subject ?? "") : senderName),
        sender: wireId(inst, sender),
        senderName,
        senderContactName: m.senderContactName ?? "",
        ...(m.senderPhoneNumber === undefined ? {} : { senderPhoneNumber: m.senderPhoneNumber }),
      },
      messageData,
    };
    // Journals only hold traffic seen while the matching webhook flag was on (shared/green-api.md §2).
    const flag = incoming ? "incomingWebhook" : "outgoingMessageWebhook";
    const gate = extraGate(String(messageData.typeMessage));
    if (enabled(inst, flag)) {
      const who = incoming
        ? { senderId: sender, senderName, senderContactName: m.senderContactName ?? "" }
        : { statusMessage: "sent", sendByApi: false };
      record(inst, {
        type: direction,
        idMessage,
        timestamp: body.timestamp,
        chatId: m.chatId,
        ...flattenMessageData(messageData),
        typeMessage: String(messageData.typeMessage),
        ...who,
      });
      if (!gate || enabled(inst, gate)) emit(world, inst, body);
    }
    return { idMessage, body };
  }

  return {
    createInstance(input: CreateInstanceInput) {
      const inst = createInstance(world, input);
      return { idInstance: inst.idInstance, state: inst.state };
    },
    /** Links the phone of a notAuthorized instance (as if its QR was scanned). */
    scanQr(idInstance: number) {
      scanQr(world, mustGet(world, idInstance));
    },
    setState(idInstance: number, state: StateInstance) {
      setState(world, mustGet(world, idInstance), stateInstanceSchema.parse(state));
    },
    /** Applies settings at once, without setSettings' validation and reboot (e.g. a 1 ms send delay). */
    setSettings(idInstance: number, settings: SettingsUpdate) {
      const inst = mustGet(world, idInstance);
      Object.assign(inst.settings, settingsUpdateSchema.parse(settings));
      pumpSends(world, inst);
    },
    /** A message written to the instance's number; returns its id and the notification body. */
    injectIncoming: (idInstance: number, input: InjectMessageInput) => inject(idInstance, input, "incoming"),
    /** A message sent from the linked phone itself (outgoingMessageReceived). */
    injectOutgoing: (idInstance: number, input: InjectMessageInput) => inject(idInstance, input, "outgoing"),
    /**
     * A notification body exactly as given (e.g. a real one from test/fixtures/green-api/real/), queued or posted like
     * the fake's own. With `file`, the message's journal entry points at these bytes on the media origin, so downloadFile
     * answers a fresh link while the body keeps its own (unreachable) downloadUrl.
     */
    injectRaw(idInstance: number, body: Record<string, unknown>, file?: { base64: string; mimeType: string }) {
      const inst = mustGet(world, idInstance);
      const sender = body.senderData as { chatId?: unknown } | undefined;
      if (file && typeof sender?.chatId === "string" && typeof body.idMessage === "string") {
        const downloadUrl = storeMedia(
          world,
          Buffer.from(file.base64, "base64"),
          `${body.idMessage}.bin`,
          file.mimeType,
        );
        const typeMessage = String((body.messageData as { typeMessage?: unknown } | undefined)?.typeMessage);
        const type = body.typeWebhook === "incomingMessageReceived" ? "incoming" : "outgoing";
        record(inst, {
          type,
          idMessage: body.idMessage,
          timestamp: Number(body.timestamp),
          typeMessage,
          chatId: sender.chatId,
          downloadUrl,
        });
      }
      emit(world, inst, body);
    },
    /** Old conversations in the journal, without notifications (history from before the app); returns the chat ids. */
    seedHistory: (idInstance: number, input: SeedHistoryInput) => seedHistory(mustGet(world, idInstance), input),
    /** An incoming call: `offer`, then the outcome (needs incomingWebhook and incomingCallWebhook). */
    injectCall(idInstance: number, input: z.input<typeof callSchema>) {
      const inst = mustGet(world, idInstance);
      const call = callSchema.parse(input);
      const idMessage = hexId(32);
      if (enabled(inst, "incomingWebhook") && enabled(inst, "incomingCallWebhook")) {
        for (const status of ["offer", call.outcome])
          emit(world, inst, { from: wireId(inst, call.from), ...head(inst, "incomingCall"), status, idMessage });
      }
      return { idMessage };
    },
    /** true: method quota (466 QUOTE_EXCEEDED); "correspondents": chat quota (466 + quotaExceeded notification). */
    setQuotaExceeded(idInstance: number, value: boolean | "correspondents") {
      const inst = mustGet(world, idInstance);
      inst.quota = value === true ? "method" : value === false ? false : "correspondents";
      if (inst.quota === "correspondents") {
        emit(world, inst, {
          ...head(inst, "quotaExceeded"),
          quotaData: {
            method: "correspondents",
            used: 3,
            total: 3,
            status: "CORRESPONDENTS_QUOTA_EXCEEDED",
            description: "Monthly correspondents quota exceeded",
          },
        });
      }
    },
    /** A group the number is in (getGroupData answers its subject); returns its id. */
    createGroup(idInstance: number, input: z.input<typeof groupSchema>) {
      const inst = mustGet(world, idInstance);
      const g = groupSchema.parse(input);
      // Current group ids: 18 digits starting 120363 (shared/green-api.md §1).
      const groupId =
        g.groupId ?? `120363${Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b % 10).join("")}@g.us`;
      const owner = `${inst.phone}@c.us`;
      inst.groups.set(groupId, {
        subject: g.subject,
        owner,
        creation: Math.floor(Date.now() / 1000),
        participants: [owner, ...g.participants],
      });
      inst.contacts.set(groupId, g.subject);
      return { groupId };
    },
    /** The person's privacy id: checkWhatsapp answers it as their chatId while enableLidMode is "yes". */
    setLid(idInstance: number, phoneChatId: string, lid: string) {
      mustGet(world, idInstance).lids.set(
        z
          .string()
          .regex(/^\d+@c\.us$/)
          .parse(phoneChatId),
        z
          .string()
          .regex(/^\d+@lid$/)
          .parse(lid),
      );
    },
    /** Sends to this chat end with status noAccount. */
    setNoAccount(idInstance: number, chatId: string) {
      mustGet(world, idInstance).noAccount.add(chatIdSchema.parse(chatId));
    },
    /** Sends to this chat end with status `failed` and this description. */
    setFailing(idInstance: number, chatId: string, description = "SWE003: the message could not be delivered") {
      mustGet(world, idInstance).failing.set(chatIdSchema.parse(chatId), description);
    },
    /**
     * Spells personal chat ids in later notifications as the real service sometimes does: `device` gives `NNN:K@…`,
     * `domain` `@s.whatsapp.net`, `statusWithoutChatId` leaves chatId out of statuses. Merged; returns the forms now.
     */
    setWireForms(idInstance: number, forms: Partial<WireForms>): WireForms {
      const inst = mustGet(world, idInstance);
      return Object.assign(inst.wireForms, wireFormsSchema.parse(forms));
    },
    /** Merges fault settings (latency, 5xx rate, next N 5xx, drop next N connections); all instances. */
    faults(settings: Partial<Faults>): Faults {
      return Object.assign(world.faults, settings);
    },
    /** Every accepted send, in order. */
    sentMessages: (idInstance: number): SentRecord[] => [...mustGet(world, idInstance).sent],
    /** editMessage, deleteMessage and sendReaction calls, oldest first. */
    messageChanges: (idInstance: number): MessageChange[] => [...mustGet(world, idInstance).changes],
    /** 429s answered (rate-limit violations), for one instance or all. */
    violations: (idInstance?: number): number => world.limiter.violations(idInstance),
    webhookLog: (idInstance: number): DeliveryRecord[] => [...mustGet(world, idInstance).webhookLog],
    requests: (idInstance: number): RequestRecord[] => [...mustGet(world, idInstance).requests],
    /** getChatHistory answers, oldest first: which chat, the count asked, how many messages were answered. */
    historyAsks: (idInstance: number): HistoryAsk[] => [...mustGet(world, idInstance).historyAsks],
    inspect(idInstance: number): InstanceSnapshot {
      const inst = mustGet(world, idInstance);
      return {
        state: inst.state,
        settings: { ...inst.settings },
        pendingNotifications: inst.notifications.length,
        queuedSends: inst.sendQueue.length,
        journalSize: inst.journal.length,
        readChats: [...inst.readChats],
      };
    },
  };
}

export type FakeControl = ReturnType<typeof createControl>;

/** HTTP mirror: POST /__control/<name>, body = JSON array of arguments → `{result}` or 400 `{error}`. */
export function createControlRoute(control: FakeControl) {
  return async (req: Request, url: URL): Promise<Response> => {
    const name = url.pathname.slice("/__control/".length);
    const headers = { ...CORS_HEADERS, "Content-Type": "application/json; charset=utf-8" };
    const fn = Object.hasOwn(control, name) ? (control as Record<string, unknown>)[name] : undefined;
    if (req.method !== "POST" || typeof fn !== "function")
      return new Response(JSON.stringify({ error: `unknown control ${name}` }), { status: 404, headers });
    try {
      const text = await req.text();
      const args: unknown = text ? JSON.parse(text) : [];
      if (!Array.isArray(args)) throw new Error("body must be a JSON array of arguments");
      const result = await (fn as (...a: unknown[]) => unknown)(...args);
      return new Response(JSON.stringify({ result: result ?? null }), { headers });
    } catch (e) {
      return new Response(JSON.stringify({ error: (e as Error).message }), { status: 400, headers });
    }
  };
}
