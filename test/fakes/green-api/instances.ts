// Instance lifecycle of the fake: creation, the state machine (QR link, logout, reboot/starting) and its webhooks.
import { z } from "zod";
import {
  settingsUpdateSchema,
  stateInstanceSchema,
  type Settings,
  type StateInstance,
} from "../../../src/greenapi/schemas.ts";
import { emit, enabled, head } from "./notify.ts";
import { pumpSends } from "./outbox.ts";
import { PLAIN_FORMS } from "./wire-ids.ts";
import type { FakeInstance, World } from "./world.ts";

/** Settings of a brand-new instance: every webhook flag "no" (shared/green-api.md §2). */
function defaultSettings(sendDelayMs: number): Settings {
  return {
    wid: "",
    countryInstance: "",
    typeAccount: "",
    webhookUrl: "",
    webhookUrlToken: "",
    delaySendMessagesMilliseconds: sendDelayMs,
    markIncomingMessagesReaded: "no",
    markIncomingMessagesReadedOnReply: "no",
    sharedSession: "no",
    proxyInstance: "system proxy",
    outgoingWebhook: "no",
    outgoingMessageWebhook: "no",
    outgoingAPIMessageWebhook: "no",
    incomingWebhook: "no",
    deviceWebhook: "no",
    statusInstanceWebhook: "no",
    stateWebhook: "no",
    enableMessagesHistory: "no",
    keepOnlineStatus: "no",
    pollMessageWebhook: "no",
    incomingBlockWebhook: "no",
    incomingCallWebhook: "no",
    editedMessageWebhook: "no",
    deletedMessageWebhook: "no",
    outgoingCallWebhook: "no",
    enableLidMode: "no",
  };
}

export const createInstanceSchema = z.object({
  idInstance: z.number().int().positive().max(9_999_999_999),
  apiTokenInstance: z.string().min(1),
  state: stateInstanceSchema.default("notAuthorized"),
  /** Own number (default derived from the id). */
  phone: z
    .string()
    .regex(/^\d{10,15}$/)
    .optional(),
  /** Applied at once, bypassing setSettings validation (e.g. a 1 ms send delay for benchmarks). */
  settings: settingsUpdateSchema.optional(),
});
export type CreateInstanceInput = z.input<typeof createInstanceSchema>;

export function createInstance(world: World, input: CreateInstanceInput): FakeInstance {
  const o = createInstanceSchema.parse(input);
  if (world.instances.has(o.idInstance)) throw new Error(`fake instance ${o.idInstance} exists`);
  const inst: FakeInstance = {
    idInstance: o.idInstance,
    apiTokenInstance: o.apiTokenInstance,
    phone: o.phone ?? `7900${String(o.idInstance).slice(-7)}`,
    state: o.state,
    linked: isLinkedState(o.state),
    settings: { ...defaultSettings(world.timings.sendDelayMs), ...o.settings },
    pendingSettings: null,
    startingTimer: null,
    createdAt: Date.now(),
    notifications: [],
    lastReceiptId: 0,
    waiters: new Set(),
    webhookQueue: [],
    delivering: false,
    webhookLog: [],
    journal: [],
    contacts: new Map(),
    readChats: new Set(),
    sendQueue: [],
    sendTimer: null,
    lastSendAt: 0,
    sent: [],
    changes: [],
    quota: false,
    noAccount: new Set(),
    failing: new Map(),
    wireForms: { ...PLAIN_FORMS },
    avatarUrl: "",
    requests: [],
    historyAsks: [],
    groups: new Map(),
    lids: new Map(),
  };
  syncWid(inst);
  world.instances.set(o.idInstance, inst);
  return inst;
}

function isLinkedState(state: StateInstance): boolean {
  return state !== "notAuthorized" && state !== "starting";
}

function syncWid(inst: FakeInstance): void {
  inst.settings.wid = inst.linked ? `${inst.phone}@c.us` : "";
}

/** Moves to `state`, emitting stateInstanceChanged (stateWebhook) and resuming queued sends when authorized. */
export function setState(world: World, inst: FakeInstance, state: StateInstance): void {
  if (state === "notAuthorized") inst.linked = false;
  else if (state !== "starting") inst.linked = true;
  syncWid(inst);
  if (inst.state === state) return;
  inst.state = state;
  if (enabled(inst, "stateWebhook")) emit(world, inst, { ...head(inst, "stateInstanceChanged"), stateInstance: state });
  pumpSends(world, inst);
}

/** Reboot (also after setSettings): `starting` for timings.startingMs, then pending settings apply. */
export function reboot(world: World, inst: FakeInstance): void {
  const resume: StateInstance = inst.state === "blocked" ? "blocked" : inst.linked ? "authorized" : "notAuthorized";
  if (inst.startingTimer) clearTimeout(inst.startingTimer);
  setState(world, inst, "starting");
  inst.startingTimer = world.later(world.timings.startingMs, () => {
    inst.startingTimer = null;
    if (inst.pendingSettings) Object.assign(inst.settings, inst.pendingSettings);
    inst.pendingSettings = null;
    setState(world, inst, resume);
  });
}

/** Scanning the current QR links the phone. */
export function scanQr(world: World, inst: FakeInstance): void {
  if (inst.state !== "notAuthorized") throw new Error(`cannot scan QR in state ${inst.state}`);
  setState(world, inst, "authorized");
}

/** The state of an instance that can read journals and contacts. */
export function phoneReady(inst: FakeInstance): boolean {
  return inst.state === "authorized" || inst.state === "yellowCard";
}
