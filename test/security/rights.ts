// The rights matrix's table: every state-changing route, what it acts on and who may change it — said with the rules of
// src/auth/permissions.ts and the product's decisions (docs/SECURITY.md). rights-matrix.test.ts fails for a route that
// is missing here, and for any cell (role × target) where the app answers otherwise or changes what it must not.
import {
  can,
  canAccessInstance,
  canEditQuickReplies,
  canManageInstance,
  canManageUser,
  grantRefusal,
  type Rights,
} from "../../src/auth/permissions.ts";
import type { SessionUser } from "../../src/auth/sessions.ts";

/** What a route acts on; each kind has its targets (rights-targets.ts). */
export type TargetKind =
  | "self" // the signed-in user's own account: nothing to choose
  | "session" // a session: another of one's own, the current one, someone else's
  | "user" // an existing user: an admin, oneself, a user within a user manager of A's reach, users outside it
  | "userForm" // the same, with the rights the saved form gives (as they are; or raised beyond the editor's)
  | "newUser" // the rights a new user would get: within the actor's own, or beyond them
  | "account" // account-wide (backups, labels, connecting a number): nothing to choose
  | "number" // a number: A or B
  | "chat" // a chat under a number's URL: A's, B's, and each under the other's URL
  | "assignee" // a chat and who gets it: a teammate of that number, or a user of the other number
  | "sentMessage" // a message sent from the web: one's own, a colleague's, under the other number's URL
  | "failedSend" // a colleague's send that failed
  | "failedMedia" // a message whose file did not download
  | "replyScope" // where a quick reply goes: number A, number B, every number (global)
  | "quickReply" // a quick reply of A, of B, a global one
  | "label" // a label
  | "contact"; // a contact seen through a chat of A, or of B

/** What the rules need to know about one target (rights-targets.ts fills it in). */
export interface Target {
  /** Shown in failures, e.g. "number B", "an admin". */
  name: string;
  /** The number in the URL (or that a quick reply belongs to; null = global). */
  instanceId?: number | null;
  /** The number the chat, message or file belongs to. */
  objectInstanceId?: number;
  /** The user acted on; for newUser, the rights asked for. */
  user?: SessionUser;
  /** userForm: the rights the posted form gives. */
  form?: Rights;
  isSelf?: boolean;
  sentBy?: number;
  assignee?: SessionUser;
  sessionOf?: number;
  current?: boolean;
  /** The numbers the contact has chats with. */
  contactInstances?: number[];
}

/**
 * What the rules answer: null = permitted; else how the refusal shows — 403 (a right is missing), 404 (not visible:
 * ids cannot be probed), 400 (the form again, saying why), 409 (not now: the bubble says why), or "ignored" (the route
 * answers as usual and changes nothing).
 */
export type Refusal = 400 | 403 | 404 | 409 | "ignored";
type Rule = (actor: SessionUser, t: Target) => Refusal | null;

/** The number is visible to the actor, and the object named beside it is that number's. */
const seesNumber: Rule = (a, t) =>
  !canAccessInstance(a, t.instanceId!) || (t.objectInstanceId !== undefined && t.objectInstanceId !== t.instanceId)
    ? 404
    : null;

/** A save of one's own account that adds a flag or a number. */
const raises = (before: Rights, form: Rights) =>
  (form.isAdmin && !before.isAdmin) ||
  (form.canManageUsers && !before.canManageUsers) ||
  (form.canManageInstances && !before.canManageInstances) ||
  form.instanceIds.some((id) => !before.instanceIds.includes(id));

/** Who may, by name: each rule is permissions.ts's, with the refusal the product shows for it. */
export const WHO = {
  /** Every signed-in user, on their own account only. */
  anyone: () => null,
  admins: (a) => (can(a, "admin") ? null : 403),
  /** Holders of "may manage numbers" (connecting a new number). */
  numberManagers: (a) => (can(a, "manageInstances") ? null : 403),
  seesNumber,
  /** canManageInstance: 404 when the number is not visible, 403 when it is visible but not the actor's to manage. */
  managesNumber: (a, t) =>
    !canAccessInstance(a, t.instanceId!) ? 404 : !canManageInstance(a, t.instanceId!) ? 403 : null,
  /** Only one's own sessions, and not the one in use (that is "sign out"). */
  ownSession: (a, t) => (t.sessionOf === a.id && !t.current ? null : 404),
  /** canManageUser on the user (404 outside the reach), then: nobody raises themselves, grantRefusal on the form (400). */
  managesUser: (a, t) =>
    !can(a, "manageUsers")
      ? 403
      : !canManageUser(a, t.user!)
        ? 404
        : (t.isSelf && raises(t.user!, t.form!)) || grantRefusal(a, t.form!)
          ? 400
          : null,
  /** grantRefusal: user managers give only rights and numbers they hold themselves; only admins make admins. */
  grants: (a, t) => (!can(a, "manageUsers") ? 403 : grantRefusal(a, t.user!) ? 400 : null),
  /** canEditQuickReplies: a number's own replies by its managers (404 for a number not visible), global ones by admins (403). */
  editsQuickReplies: (a, t) =>
    !can(a, "manageInstances")
      ? 403
      : t.instanceId !== null && !canAccessInstance(a, t.instanceId!)
        ? 404
        : !canEditQuickReplies(a, t.instanceId ?? null)
          ? 403
          : null,
  /** Editing and deleting a sent message: its author only (conversations/sent-changes.ts), admins included. */
  authorOnly: (a, t) => seesNumber(a, t) ?? (t.sentBy === a.id ? null : 409),
  /** Anyone who sees the number assigns its chats, but only to someone who may see that number too. */
  assignsWithinNumber: (a, t) => seesNumber(a, t) ?? (canAccessInstance(t.assignee!, t.instanceId!) ? null : "ignored"),
  /** A contact is reached through a chat of a number one may see (contacts are shared across those numbers). */
  seesContact: (a, t) => (t.contactInstances!.some((id) => canAccessInstance(a, id)) ? null : 404),
} satisfies Record<string, Rule>;

export type Who = keyof typeof WHO;

const I = "/instances/:instanceId{[0-9]+}";
const CHAT = `${I}/chats/:chatId{[0-9]+}`;

/** One line per state-changing route: what it acts on, who may. */
export const RIGHTS: Record<string, { target: TargetKind; who: Who }> = {
  "POST /logout": { target: "self", who: "anyone" },
  "POST /settings/profile": { target: "self", who: "anyone" },
  "POST /settings/password": { target: "self", who: "anyone" },
  "POST /settings/telegram/link": { target: "self", who: "anyone" },
  "POST /settings/telegram/2fa": { target: "self", who: "anyone" },
  "POST /settings/telegram/unlink": { target: "self", who: "anyone" },
  "POST /settings/locale": { target: "self", who: "anyone" },
  "POST /settings/logout-others": { target: "self", who: "anyone" },
  // Web Push: one's own devices only (a device of someone else's is not found).
  "POST /push/subscriptions": { target: "self", who: "anyone" },
  "POST /push/subscriptions/remove": { target: "self", who: "anyone" },
  "POST /push/settings": { target: "self", who: "anyone" },
  "POST /push/test": { target: "self", who: "anyone" },
  "POST /settings/sessions/:sessionId{[a-z0-9]{8,64}}/end": { target: "session", who: "ownSession" },
  "POST /team/availability": { target: "self", who: "anyone" },

  "POST /users": { target: "newUser", who: "grants" },
  "POST /users/:userId{[0-9]+}": { target: "userForm", who: "managesUser" },
  "POST /users/:userId/logout-all": { target: "user", who: "managesUser" },

  "POST /backups": { target: "account", who: "admins" },
  "POST /labels": { target: "account", who: "admins" },
  "POST /labels/:id{[0-9]+}/delete": { target: "label", who: "admins" },
  "POST /quick-replies": { target: "replyScope", who: "editsQuickReplies" },
  "POST /quick-replies/:id{[0-9]+}/delete": { target: "quickReply", who: "editsQuickReplies" },
  "POST /contacts/:id{[0-9]+}": { target: "contact", who: "seesContact" },
  "POST /contacts/:id{[0-9]+}/avatar": { target: "contact", who: "seesContact" },

  "POST /instances/new": { target: "account", who: "numberManagers" },
  [`POST ${I}/edit`]: { target: "number", who: "managesNumber" },
  [`POST ${I}/delete`]: { target: "number", who: "managesNumber" },
  [`POST ${I}/logout`]: { target: "number", who: "managesNumber" },
  [`POST ${I}/reboot`]: { target: "number", who: "managesNumber" },
  [`POST ${I}/connect/code`]: { target: "number", who: "managesNumber" },
  [`POST ${I}/history/start`]: { target: "number", who: "managesNumber" },
  [`POST ${I}/history/cancel`]: { target: "number", who: "managesNumber" },
  [`POST ${I}/quarantine/replay`]: { target: "number", who: "managesNumber" },
  [`POST ${I}/team-settings`]: { target: "number", who: "managesNumber" },

  [`POST ${I}/messages`]: { target: "number", who: "seesNumber" },
  [`POST ${CHAT}/messages`]: { target: "chat", who: "seesNumber" },
  [`POST ${CHAT}/files`]: { target: "chat", who: "seesNumber" },
  [`POST ${CHAT}/read`]: { target: "chat", who: "seesNumber" },
  [`POST ${CHAT}/viewing`]: { target: "chat", who: "seesNumber" },
  [`POST ${CHAT}/take`]: { target: "chat", who: "seesNumber" },
  [`POST ${CHAT}/assign`]: { target: "assignee", who: "assignsWithinNumber" },
  [`POST ${CHAT}/status`]: { target: "chat", who: "seesNumber" },
  [`POST ${CHAT}/labels`]: { target: "chat", who: "seesNumber" },
  [`POST ${CHAT}/notes`]: { target: "chat", who: "seesNumber" },
  [`POST ${CHAT}/messages/:messageId{[0-9]+}/resend`]: { target: "failedSend", who: "seesNumber" },
  [`POST ${CHAT}/messages/:messageId{[0-9]+}/edit`]: { target: "sentMessage", who: "authorOnly" },
  [`POST ${CHAT}/messages/:messageId{[0-9]+}/react`]: { target: "sentMessage", who: "seesNumber" },
  [`POST ${CHAT}/messages/:messageId{[0-9]+}/delete`]: { target: "sentMessage", who: "authorOnly" },
  [`POST ${I}/media/:messageId{[0-9]+}/retry`]: { target: "failedMedia", who: "seesNumber" },
};
