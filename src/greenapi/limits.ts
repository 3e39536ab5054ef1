// Green-API per-instance, per-method request limits in requests/second (docs "ratelimiter", shared/green-api.md §5).

/** Requests/second for methods not listed below. */
export const DEFAULT_RPS = 1;

const GROUPS: ReadonlyArray<readonly [number, readonly string[]]> = [
  [
    1,
    [
      "getStateInstance",
      "getStatusInstance",
      "getSettings",
      "setSettings",
      "getWaSettings",
      "getAccountSettings",
      "logout",
      "reboot",
      "scanQrCode",
      "getAuthorizationCode",
      "getChatHistory",
      "lastIncomingMessages",
      "lastOutgoingMessages",
      "getContacts",
      "getContactInfo",
      "getGroupData",
      "editMessage",
      "showMessagesQueue",
      "clearMessagesQueue",
      "getMessagesCount",
      "getWebhooksCount",
      "clearWebhooksQueue",
    ],
  ],
  [3, ["qr"]],
  [5, ["downloadFile"]],
  [10, ["getMessage", "readChat", "checkWhatsapp", "getAvatar", "deleteMessage", "archiveChat", "unarchiveChat"]],
  [
    50,
    [
      "sendMessage",
      "sendFileByUpload",
      "sendFileByUrl",
      "uploadFile",
      "sendLocation",
      "sendContact",
      "sendPoll",
      "forwardMessages",
      "sendInteractiveButtons",
      "sendInteractiveButtonsReply",
      "sendReaction",
    ],
  ],
  [100, ["receiveNotification", "deleteNotification"]],
  [0.1, ["setProfilePicture"]],
];

/** Method name (lowercased, since the API router is case-insensitive) → requests/second. */
const RATE_LIMITS: ReadonlyMap<string, number> = new Map(
  GROUPS.flatMap(([rps, methods]) => methods.map((m) => [m.toLowerCase(), rps] as const)),
);

/** Allowed requests/second for a method, case-insensitive; DEFAULT_RPS when unlisted. */
export function rateLimitFor(method: string): number {
  return RATE_LIMITS.get(method.toLowerCase()) ?? DEFAULT_RPS;
}
