// Managing instances: verify credentials at Green-API, apply the app's settings, (re)start intake, audit. No secrets leave.
// Taking a number out (retire or delete): retire.ts.
import { defaultHosts } from "../greenapi/hosts.ts";
import { GreenApiError } from "../greenapi/errors.ts";
import type { InstanceCredentials } from "../greenapi/gateway.ts";
import type { SettingsUpdate } from "../greenapi/schemas.ts";
import { randomToken } from "../auth/tokens.ts";
import type { AppDeps } from "../env.ts";
import type { FieldErrors, InstanceForm } from "./form.ts";
import type { InstanceRow, InstanceState } from "./service.ts";
import { hostErrors } from "./host-policy.ts";
import { announceInstance } from "./live.ts";
import { callFailureOf, type Problem } from "./problems.ts";

/** Notification types the app needs (shared/green-api.md §3, "Setting → notification gate"). */
const NOTIFICATION_FLAGS = {
  incomingWebhook: "yes",
  outgoingWebhook: "yes",
  outgoingMessageWebhook: "yes",
  outgoingAPIMessageWebhook: "yes",
  stateWebhook: "yes",
  incomingCallWebhook: "yes",
  pollMessageWebhook: "yes",
  editedMessageWebhook: "yes",
  deletedMessageWebhook: "yes",
} as const satisfies SettingsUpdate;

export interface Actor {
  /** Null for the command line. */
  userId: number | null;
  username: string;
  ip: string;
}

export type SaveResult =
  | { ok: true; row: InstanceRow; applied: boolean; settingsProblem?: Problem }
  | { ok: false; fieldErrors?: FieldErrors; problem?: Problem };

/**
 * Says what a failed Green-API call means for the person at the form: a wrong token (401), a host that is not this
 * instance's (403), or else only that `apiUrl`'s host could not be reached — never the remote body or how the
 * connection failed (a typed URL must not turn the server into a port scanner or a proxy that reads answers back).
 */
export function describeFailure(err: unknown, apiUrl: string): Problem {
  if (err instanceof GreenApiError && err.status === 401) return { key: "instances.v.wrongToken" };
  if (err instanceof GreenApiError && err.status === 403) return { key: "instances.v.wrongHost" };
  return { key: "instances.v.unreachable", params: { host: URL.canParse(apiUrl) ? new URL(apiUrl).host : apiUrl } };
}

/** getStateInstance once (no retries: the person is waiting); null means "still being created". */
async function verify(deps: AppDeps, creds: InstanceCredentials): Promise<InstanceState> {
  const answer = await deps.gateway.call(creds, "getStateInstance", "normal", (c) => c.getStateInstance(), {
    maxAttempts: 1,
  });
  return answer?.stateInstance ?? "starting";
}

/** setSettings with the webhook (or polling) and the notification flags; returns the webhook token to store. */
async function applySettings(deps: AppDeps, row: InstanceRow): Promise<string> {
  const webhook = row.intakeMode === "webhook" && deps.config.PUBLIC_URL;
  const token = webhook ? randomToken() : row.webhookToken;
  const settings: SettingsUpdate = {
    webhookUrl: webhook ? `${deps.config.PUBLIC_URL}/webhooks/green-api/${row.id}` : "",
    webhookUrlToken: webhook ? token : "",
    ...NOTIFICATION_FLAGS,
  };
  await deps.gateway.call(row, "setSettings", "normal", (c) => c.setSettings(settings), { maxAttempts: 2 });
  return token;
}

/** Polling runs for enabled polling instances only; a disabled one keeps its history and waits. */
function restartIntake(deps: AppDeps, row: InstanceRow): void {
  if (row.intakeMode === "polling" && row.enabled) deps.poller.start(row);
  else void deps.poller.stop(row.id);
}

function columns(form: InstanceForm) {
  const hosts = defaultHosts(form.idInstance);
  return {
    name: form.name,
    idInstance: form.idInstance,
    apiUrl: form.apiUrl || hosts.apiUrl,
    mediaUrl: form.mediaUrl || hosts.mediaUrl,
    intakeMode: form.intakeMode,
    telegramChatId: form.telegramChatId,
    telegramLocale: form.telegramLocale,
    autoReplyEnabled: form.autoReplyEnabled,
    autoReplyText: form.autoReplyText || null,
    autoReplyIntervalHours: form.autoReplyIntervalHours,
    markReadPolicy: form.markReadPolicy,
    enabled: form.enabled,
  };
}

/**
 * After verified credentials: settings at Green-API, intake, state "starting" (setSettings reboots the instance;
 * "applying settings" shows until it reports authorized or notAuthorized). `verified` is the state Green-API gave.
 */
async function finish(deps: AppDeps, row: InstanceRow, verified: InstanceState): Promise<SaveResult> {
  try {
    const webhookToken = await applySettings(deps, row);
    await deps.instances.update(row.id, { webhookToken, settingsPendingSince: new Date() });
    await deps.instances.setState(row.id, "starting");
    row = (await deps.instances.getRow(row.id)) ?? row;
    restartIntake(deps, row);
    announceInstance(deps.bus, row.id, "state", { state: row.state });
    return { ok: true, row, applied: true };
  } catch (err) {
    await deps.instances.setState(row.id, verified);
    row = (await deps.instances.getRow(row.id)) ?? row;
    restartIntake(deps, row);
    return {
      ok: true,
      row,
      applied: false,
      settingsProblem: { key: "instances.v.settingsFailed", failure: callFailureOf(err) },
    };
  }
}

/** A failed call in a log line (English). */
export function describeReason(err: unknown): string {
  return err instanceof GreenApiError ? err.reason : "unexpected error";
}

/**
 * Creates an instance once Green-API accepts its credentials. The check runs in the idInstance's own rate-limit
 * bucket (the gateway keys buckets by idInstance), so retries of the form are paced too.
 */
export async function createInstance(deps: AppDeps, actor: Actor, form: InstanceForm): Promise<SaveResult> {
  if (await deps.instances.findByIdInstance(form.idInstance))
    return { ok: false, fieldErrors: { idInstance: "instances.err.idTaken" } };
  const cols = columns(form);
  const refused = await hostErrors(cols, deps.config.GREEN_API_ALLOW_PRIVATE_HOSTS);
  if (Object.keys(refused).length) return { ok: false, fieldErrors: refused };
  const probe: InstanceCredentials = {
    id: -form.idInstance,
    idInstance: form.idInstance,
    apiToken: form.apiToken,
    apiUrl: cols.apiUrl,
    mediaUrl: cols.mediaUrl,
  };
  let state: InstanceState;
  try {
    state = await verify(deps, probe);
  } catch (err) {
    return { ok: false, problem: describeFailure(err, probe.apiUrl) };
  } finally {
    deps.gateway.forget(probe.id);
  }
  let row: InstanceRow;
  try {
    // "unknown" until finish() records the real state: the state log starts with it (first authorization → import).
    row = await deps.instances.insert({
      ...cols,
      apiToken: form.apiToken,
      webhookToken: randomToken(),
      state: "unknown",
    });
  } catch {
    return { ok: false, fieldErrors: { idInstance: "instances.err.idTaken" } }; // lost a race on the unique id
  }
  await deps.audit.record({
    action: "instance.created",
    userId: actor.userId,
    actor: actor.username,
    ip: actor.ip,
    target: `instance:${row.id}`,
    details: { idInstance: row.idInstance, name: row.name, intakeMode: row.intakeMode },
  });
  return finish(deps, row, state);
}

/** Saves changes; credentials are verified only when they change, settings applied only when intake needs it. */
export async function updateInstance(
  deps: AppDeps,
  actor: Actor,
  existing: InstanceRow,
  form: InstanceForm,
): Promise<SaveResult> {
  const next = { ...columns(form), apiToken: form.apiToken || existing.apiToken };
  // The stored token goes only to the hosts it was entered with: new hosts get it only when it is typed again.
  const hostsChanged = next.apiUrl !== existing.apiUrl || next.mediaUrl !== existing.mediaUrl;
  if (hostsChanged && !form.apiToken) return { ok: false, fieldErrors: { apiToken: "instances.err.tokenForNewHost" } };
  if (hostsChanged) {
    const refused = await hostErrors(next, deps.config.GREEN_API_ALLOW_PRIVATE_HOSTS);
    if (Object.keys(refused).length) return { ok: false, fieldErrors: refused };
  }
  const credsChanged = (["idInstance", "apiToken", "apiUrl", "mediaUrl"] as const).some((k) => next[k] !== existing[k]);
  if (next.idInstance !== existing.idInstance) {
    const other = await deps.instances.findByIdInstance(next.idInstance);
    if (other && other.id !== existing.id) return { ok: false, fieldErrors: { idInstance: "instances.err.idTaken" } };
  }
  let state = existing.state;
  if (credsChanged) {
    try {
      state = await verify(deps, { ...existing, ...next });
    } catch (err) {
      return { ok: false, problem: describeFailure(err, next.apiUrl) };
    }
  }
  const row = (await deps.instances.update(existing.id, next))!;
  const changed = (Object.keys(next) as (keyof typeof next)[])
    .filter((k) => next[k] !== existing[k])
    .map((k) => (k === "apiToken" ? "apiToken (replaced)" : k));
  await deps.audit.record({
    action: "instance.updated",
    userId: actor.userId,
    actor: actor.username,
    ip: actor.ip,
    target: `instance:${row.id}`,
    details: { changed, name: row.name },
  });
  if (credsChanged || next.intakeMode !== existing.intakeMode) {
    if (credsChanged) deps.gateway.forget(row.id);
    return finish(deps, row, state);
  }
  if (next.enabled !== existing.enabled) {
    restartIntake(deps, row);
    if (!row.enabled) await deps.poller.stop(row.id);
  }
  announceInstance(deps.bus, row.id, "state", { state: row.state });
  return { ok: true, row, applied: false };
}
