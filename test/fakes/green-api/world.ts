// State of the fake Green-API: options, instances, stored media, faults and tracked timers.
import type { Settings, StateInstance } from "../../../src/greenapi/schemas.ts";
import { createLimiter, type Limiter } from "./limiter.ts";
import type { WireForms } from "./wire-ids.ts";

/** Timings of the fake; tests keep them short. */
export interface FakeTimings {
  /** How long `starting` lasts after reboot/setSettings (real: up to 5 min). */
  startingMs: number;
  /** QR rotation period (real: ~20 s). */
  qrRotateMs: number;
  /** Gap between sent → delivered → read statuses. */
  statusStepMs: number;
  /** Cap on the receiveNotification long-poll wait (real: receiveTimeout seconds). */
  maxReceiveWaitMs: number;
  /** Webhook redelivery period after a failed POST (real: ~1 min). */
  webhookRetryMs: number;
  webhookMaxAttempts: number;
  /** delaySendMessagesMilliseconds of new instances ([inferred] 5000 on the real service). */
  sendDelayMs: number;
}

export interface FakeOptions {
  port?: number;
  hostname?: string;
  /** POST notifications to instances' webhookUrl (default true); false only records them in webhookLog. */
  webhookDelivery?: boolean;
  /** Enforce per-method rate limits (default true). */
  rateLimits?: boolean;
  /** Multiplies every per-method limit (default 1 = Green-API's documented rps); the app's limiter is scaled alike. */
  rateScale?: number;
  timings?: Partial<FakeTimings>;
}

const DEFAULT_TIMINGS: FakeTimings = {
  startingMs: 50,
  qrRotateMs: 20_000,
  statusStepMs: 10,
  maxReceiveWaitMs: 1000,
  webhookRetryMs: 200,
  webhookMaxAttempts: 5,
  sendDelayMs: 5000,
};

export type JournalItem = Record<string, unknown> & {
  type: "incoming" | "outgoing";
  idMessage: string;
  timestamp: number;
  typeMessage: string;
  chatId: string;
};

export interface SentRecord {
  idMessage: string;
  method: string;
  chatId: string;
  text?: string;
  fileName?: string;
  /** sendFileByUpload: the multipart file part as received (its own file name and Content-Type, and its bytes). */
  upload?: { name: string; type: string; bytes: Uint8Array };
  acceptedAt: number;
}

export interface MessageChange {
  method: "editMessage" | "deleteMessage" | "sendReaction";
  chatId: string;
  idMessage: string;
  text?: string;
  /** sendReaction: the emoji ("" removes it). */
  reaction?: string;
  applied: boolean;
}

export interface PendingSend {
  idMessage: string;
  chatId: string;
  messageData: Record<string, unknown>;
  /** Resolved into messageData.quotedMessage when the message goes out. */
  quotedMessageId?: string;
}

export interface DeliveryRecord {
  typeWebhook: string;
  /** HTTP status of the receiver, or null (connection failed, or delivery disabled). */
  status: number | null;
  attempt: number;
  authorization: string | null;
}

export interface RequestRecord {
  host: "api" | "media";
  method: string;
  status: number;
}

/** One getChatHistory answer: the chat, the `count` asked and how many messages were answered. */
export interface HistoryAsk {
  chatId: string;
  count: number;
  answered: number;
}

export interface FakeInstance {
  idInstance: number;
  apiTokenInstance: string;
  phone: string;
  state: StateInstance;
  /** A phone is linked (QR scanned); survives reboots, cleared by logout. */
  linked: boolean;
  settings: Settings;
  pendingSettings: Partial<Settings> | null;
  startingTimer: Timer | null;
  createdAt: number;
  notifications: Array<{ receiptId: number; body: Record<string, unknown> }>;
  lastReceiptId: number;
  waiters: Set<() => void>;
  webhookQueue: Array<{ body: Record<string, unknown>; attempts: number }>;
  delivering: boolean;
  webhookLog: DeliveryRecord[];
  journal: JournalItem[];
  contacts: Map<string, string>;
  readChats: Set<string>;
  sendQueue: PendingSend[];
  sendTimer: Timer | null;
  lastSendAt: number;
  sent: SentRecord[];
  /** editMessage / deleteMessage / sendReaction calls; `applied` is false when WhatsApp's window had passed (200 anyway). */
  changes: MessageChange[];
  quota: false | "method" | "correspondents";
  noAccount: Set<string>;
  /** Sends to these chats end with status `failed` (the value is its description). */
  failing: Map<string, string>;
  /** How personal chat ids are spelled in notifications (wire-ids.ts). */
  wireForms: WireForms;
  avatarUrl: string;
  requests: RequestRecord[];
  historyAsks: HistoryAsk[];
  /** Groups the number is in, by group id (getGroupData). */
  groups: Map<string, FakeGroup>;
  /** A person's privacy id (`…@lid`) by their `…@c.us` id, answered by checkWhatsapp in LID mode. */
  lids: Map<string, string>;
}

export interface FakeGroup {
  subject: string;
  owner: string;
  creation: number;
  participants: string[];
}

export interface MediaFile {
  bytes: Uint8Array;
  mimeType: string;
  fileName: string;
}

export interface Faults {
  latencyMs: number;
  fail5xxRate: number;
  next5xx: number;
  dropNextConnections: number;
  /** Methods that answer 500 for as long as they are listed (e.g. ["sendMessage", "lastOutgoingMessages"]). */
  failMethods: string[];
  /** Methods that answer 400 with this description for as long as they are listed (method → description). */
  refuseMethods: Record<string, string>;
}

export interface World {
  timings: FakeTimings;
  webhookDelivery: boolean;
  rateLimits: boolean;
  urls: { api: string; media: string };
  instances: Map<number, FakeInstance>;
  media: Map<string, MediaFile>;
  limiter: Limiter;
  faults: Faults;
  stopped: boolean;
  /** setTimeout that stop() cancels. */
  later(ms: number, fn: () => void): Timer;
  /** Promise-based delay that resolves early on stop(). */
  sleep(ms: number): Promise<void>;
  stop(): void;
}

type Timer = ReturnType<typeof setTimeout>;

export function createWorld(options: FakeOptions): World {
  const timers = new Set<Timer>();
  const sleepers = new Set<() => void>();
  const world: World = {
    timings: { ...DEFAULT_TIMINGS, ...options.timings },
    webhookDelivery: options.webhookDelivery ?? true,
    rateLimits: options.rateLimits ?? true,
    urls: { api: "", media: "" },
    instances: new Map(),
    media: new Map(),
    limiter: createLimiter(Date.now, options.rateScale ?? 1),
    faults: { latencyMs: 0, fail5xxRate: 0, next5xx: 0, dropNextConnections: 0, failMethods: [], refuseMethods: {} },
    stopped: false,
    later(ms, fn) {
      const t = setTimeout(() => {
        timers.delete(t);
        if (!world.stopped) fn();
      }, ms);
      timers.add(t);
      return t;
    },
    sleep(ms) {
      return new Promise<void>((resolve) => {
        const done = () => {
          sleepers.delete(done);
          resolve();
        };
        sleepers.add(done);
        world.later(ms, done);
      });
    },
    stop() {
      world.stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const wake of [...sleepers]) wake();
      for (const inst of world.instances.values()) for (const wake of [...inst.waiters]) wake();
    },
  };
  return world;
}

/** Looks an instance up or throws (control API). */
export function mustGet(world: World, idInstance: number): FakeInstance {
  const inst = world.instances.get(idInstance);
  if (!inst) throw new Error(`no fake instance ${idInstance}`);
  return inst;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Random upper-case hex id. */
export function hexId(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(Math.ceil(length / 2)));
  return Buffer.from(bytes).toString("hex").slice(0, length).toUpperCase();
}
