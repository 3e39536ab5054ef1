// Instances: the list of WhatsApp numbers as live cards (state badge, number, intake health, channel, auto-reply, counts).
import type { FC } from "hono/jsx";
import { useRequestContext } from "hono/jsx-renderer";
import type { AppEnv } from "../../src/env.ts";
import type { InstanceView } from "../../src/instances/service.ts";
import { formatDateTime, formatRelative, type MessageKey } from "../../src/lib/i18n.ts";
import { EmptyState } from "../components/empty.tsx";

export const StateBadge: FC<{ state: InstanceView["state"] }> = ({ state }) => {
  const { t } = useRequestContext<AppEnv>().var;
  return <span class={`badge badge-${state}`}>{t(`state.${state}` as MessageKey)}</span>;
};

/** `+79001234567` from a wid, or null. */
export function phoneOf(wid: string | null): string | null {
  return wid ? `+${wid.replace(/@.*/, "")}` : null;
}

/**
 * Attributes that make an element re-fetch itself when its instance changes: public/app.js turns the SSE marker of
 * EVENTS.instanceChanged into an `instance-changed` event on elements whose instance and part match.
 */
export function live(instanceId: number, parts: string, url: string, extraTrigger = "") {
  return {
    "data-live-instance": String(instanceId),
    "data-live-parts": parts,
    "sse-swap": "instance.changed",
    "hx-get": url,
    "hx-trigger": `instance-changed${extraTrigger}`,
    "hx-swap": "outerHTML",
  };
}

/** `25 Nov 2026, 18:53 (5 minutes ago)`. */
function when(locale: Parameters<typeof formatDateTime>[0], at: Date): string {
  return `${formatDateTime(locale, at)} (${formatRelative(locale, at)})`;
}

/**
 * Problems that stop the number from working, said plainly: offline since when (or webhook intake silent), settings
 * being applied, quota with Green-API's explanation, failing intake, disabled.
 */
export const InstanceAlerts: FC<{ instance: InstanceView }> = ({ instance: i }) => {
  const { t, locale } = useRequestContext<AppEnv>().var;
  const offline = i.offlineSince && !i.settingsPendingSince;
  return (
    <>
      {!i.enabled && (
        <p class="flash flash-info small" data-instance-disabled>
          {t("instances.disabledNotice")}
        </p>
      )}
      {i.settingsPendingSince && (
        <p class="flash flash-info small" data-applying-settings>
          {t("instances.applyingSettings")}
        </p>
      )}
      {offline && i.state === "authorized" && (
        <p class="flash flash-error small" role="alert" data-offline-since={i.offlineSince!.toISOString()}>
          {t("instances.silentSince", { when: when(locale, i.offlineSince!) })}
        </p>
      )}
      {offline && i.state !== "authorized" && (
        <p class="flash flash-error small" role="alert" data-offline-since={i.offlineSince!.toISOString()}>
          {t("instances.offlineSince", { when: when(locale, i.offlineSince!) })}
        </p>
      )}
      {i.quotaExceededAt && (
        <p class="flash flash-error small" role="alert">
          {t("instances.quotaExceeded")}
          {i.quotaDescription && <> {t("instances.quotaSays", { text: i.quotaDescription })}</>}
        </p>
      )}
      {i.intakeError && (
        <p class="flash flash-error small" role="alert">
          {t("instances.intakeError", { reason: i.intakeError })}
        </p>
      )}
    </>
  );
};

/** Intake mode and when the last notification arrived. */
export const IntakeHealth: FC<{ instance: InstanceView }> = ({ instance: i }) => {
  const { t, locale } = useRequestContext<AppEnv>().var;
  return (
    <>
      {t(i.intakeMode === "webhook" ? "instances.webhook" : "instances.polling")} ·{" "}
      {i.lastNotificationAt ? (
        <time datetime={i.lastNotificationAt.toISOString()}>
          {t("instances.lastSeen", { when: formatRelative(locale, i.lastNotificationAt) })}
        </time>
      ) : (
        t("instances.neverHeard")
      )}
    </>
  );
};

export const InstanceCard: FC<{ instance: InstanceView }> = ({ instance: i }) => {
  const { t } = useRequestContext<AppEnv>().var;
  return (
    <li class="card instance-card" id={`instance-${i.id}`} {...live(i.id, "state", `/instances/${i.id}/card`)}>
      <a href={`/instances/${i.id}`} class="card-link">
        <span class="card-title">{i.name}</span>
        <StateBadge state={i.state} />
        {!i.enabled && <span class="badge badge-disabled">{t("instances.disabled")}</span>}
      </a>
      <p class="instance-number">{phoneOf(i.wid) ?? <span class="muted">{t("instances.noNumber")}</span>}</p>
      <p class="small muted">
        <IntakeHealth instance={i} />
      </p>
      <p class="small">
        {t("instances.chatCount", { count: i.chatCount })} · {t("instances.messageCount", { count: i.messageCount })}
      </p>
      <p class="small muted">
        {i.telegramTitle ? t("instances.telegramChannel", { title: i.telegramTitle }) : t("instances.noTelegram")} ·{" "}
        {t(i.autoReplyEnabled ? "instances.autoReplyOn" : "instances.autoReplyOff")}
      </p>
      <InstanceAlerts instance={i} />
    </li>
  );
};

export const InstancesPage: FC<{ instances: InstanceView[]; mayManage: boolean }> = ({ instances, mayManage }) => {
  const { t } = useRequestContext<AppEnv>().var;
  return (
    <>
      <div class="page-head">
        <h1>{t("instances.title")}</h1>
        {mayManage && instances.length > 0 && (
          <a class="button primary" href="/instances/new">
            {t("instances.connect")}
          </a>
        )}
      </div>
      {instances.length === 0 ? (
        <EmptyState
          title={t("instances.empty")}
          hint={mayManage ? t("instances.emptyManage") : t("instances.emptyAsk")}
        >
          {mayManage && (
            <p>
              <a class="button primary" href="/instances/new">
                {t("instances.connect")}
              </a>
            </p>
          )}
        </EmptyState>
      ) : (
        <ul class="cards">
          {instances.map((i) => (
            <InstanceCard instance={i} />
          ))}
        </ul>
      )}
    </>
  );
};
