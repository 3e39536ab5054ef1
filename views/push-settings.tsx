// Settings: notifications on this device (Web Push). public/push.js subscribes through the browser and shows the
// device's state; without JavaScript or push support the section explains why nothing can be turned on.
import type { FC } from "hono/jsx";
import { useRequestContext } from "hono/jsx-renderer";
import type { AppEnv } from "../src/env.ts";
import type { DeviceRow } from "../src/push/service.ts";
import { CsrfField } from "./components/csrf.tsx";

export interface PushSettingsProps {
  /** The VAPID public key browsers subscribe with. */
  publicKey: string;
  /** The user's subscribed devices, newest first. */
  devices: Pick<DeviceRow, "endpoint" | "previews" | "scope">[];
}

const SCOPES = ["mine", "mine_and_unassigned", "all"] as const;

export const PushSettings: FC<PushSettingsProps> = ({ publicKey, devices }) => {
  const { t } = useRequestContext<AppEnv>().var;
  const shown = devices[0] ?? { previews: false, scope: "mine_and_unassigned" };
  return (
    <section
      class="card"
      id="push"
      aria-labelledby="push-title"
      data-push-key={publicKey}
      data-push-devices={JSON.stringify(devices)}
      data-text-on={t("push.on")}
      data-text-off={t("push.off")}
      data-text-unsupported={t("push.unsupported")}
      data-text-denied={t("push.denied")}
      data-text-failed={t("push.failed")}
    >
      <h2 id="push-title">{t("push.title")}</h2>
      <p class="muted">{t("push.intro")}</p>
      <p data-push-status role="status">
        {t("push.unsupported")}
      </p>
      {devices.length > 0 && <p class="muted small">{t("push.devices", { count: devices.length })}</p>}
      <div class="actions">
        <button type="button" class="button" data-push-enable hidden>
          {t("push.enable")}
        </button>
        <button type="button" class="button danger" data-push-disable hidden>
          {t("push.disable")}
        </button>
      </div>
      <form method="post" action="/push/settings" class="stack" data-push-settings hidden>
        <CsrfField />
        <input type="hidden" name="endpoint" value="" />
        <label class="check">
          <input type="checkbox" name="previews" value="on" checked={shown.previews} /> {t("push.previews")}
        </label>
        <label>
          {t("push.scope")}
          <select name="scope">
            {SCOPES.map((s) => (
              <option value={s} selected={shown.scope === s}>
                {t(`push.scope.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="button">
          {t("push.save")}
        </button>
      </form>
      <form method="post" action="/push/test" class="stack" data-push-test hidden>
        <CsrfField />
        <input type="hidden" name="endpoint" value="" />
        <button type="submit" class="button">
          {t("push.test")}
        </button>
      </form>
    </section>
  );
};
