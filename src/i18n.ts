// Composition of the UI strings: registers every capability's dictionary with the i18n machinery of src/lib/i18n.ts.
import { registerMessages } from "./lib/i18n.ts";
import * as audit from "./audit/i18n.ts";
import * as auditKinds from "./audit/i18n-kinds.ts";
import * as auditSentences from "./audit/i18n-sentences.ts";
import * as backups from "./backups/i18n.ts";
import * as intake from "./greenapi/i18n.ts";
import * as inbox from "./inbox/i18n.ts";
import * as inboxWeb from "./inbox/i18n-web.ts";
import * as inboxMedia from "./inbox/i18n-media.ts";
import * as inboxVoice from "./inbox/i18n-voice.ts";
import * as instances from "./instances/i18n.ts";
import * as history from "./instances/history/i18n.ts";
import * as team from "./team/i18n.ts";
import * as telegram from "./telegram/i18n.ts";
import * as push from "./push/i18n.ts";
import * as users from "./users/i18n.ts";

let registered = false;

/** Registers every capability's strings once (later calls do nothing); runs before anything is translated. */
export function registerAppMessages(): void {
  if (registered) return;
  registered = true;
  registerMessages("src/inbox/i18n.ts", inbox);
  registerMessages("src/inbox/i18n-web.ts", inboxWeb);
  registerMessages("src/inbox/i18n-media.ts", inboxMedia);
  registerMessages("src/inbox/i18n-voice.ts", inboxVoice);
  registerMessages("src/instances/i18n.ts", instances);
  registerMessages("src/instances/history/i18n.ts", history);
  registerMessages("src/greenapi/i18n.ts", intake);
  registerMessages("src/telegram/i18n.ts", telegram);
  registerMessages("src/users/i18n.ts", users);
  registerMessages("src/audit/i18n.ts", audit);
  registerMessages("src/audit/i18n-kinds.ts", auditKinds);
  registerMessages("src/audit/i18n-sentences.ts", auditSentences);
  registerMessages("src/backups/i18n.ts", backups);
  registerMessages("src/team/i18n.ts", team);
  registerMessages("src/push/i18n.ts", push);
}
