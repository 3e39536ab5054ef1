// Instances: the list of WhatsApp numbers and one number's overview.
import type { FC } from "hono/jsx";
import { useRequestContext } from "hono/jsx-renderer";
import type { AppEnv } from "../../src/lib/context.ts";
import type { InstanceView } from "../../src/instances/service.ts";
import { formatRelative, type MessageKey } from "../../src/lib/i18n.ts";
import { EmptyState } from "../components/empty.tsx";

export const StateBadge: FC<{ state: InstanceView["state"] }> = ({ state }) => {
  const { t } = useRequestContext<AppEnv>().var;
  return <span class={`badge badge-${state}`}>{t(`state.${state}` as MessageKey)}</span>;
};

/** Problems that stop the number from working, said plainly (quota, failing intake). */
const InstanceAlerts: FC<{ instance: InstanceView }> = ({ instance: i }) => {
  const { t } = useRequestContext<AppEnv>().var;
  return (
    <>
      {i.quotaExceededAt && <p class="flash flash-error small" role="alert">{t("instances.quotaExceeded")}</p>}
      {i.intakeError && <p class="flash flash-error small" role="alert">{t("instances.intakeError", { reason: i.intakeError })}</p>}
    </>
  );
};

export const InstanceCard: FC<{ instance: InstanceView }> = ({ instance: i }) => {
  const { t, locale } = useRequestContext<AppEnv>().var;
  return (
    <li class="card instance-card" id={`instance-${i.id}`}>
      <a href={`/instances/${i.id}`} class="card-link">
        <span class="card-title">{i.name}</span>
        <StateBadge state={i.state} />
      </a>
      <p class="muted">{i.wid ? `+${i.wid.replace(/@.*/, "")}` : t("instances.noNumber")}</p>
      <p class="small">
        {t("instances.chatCount", { count: i.chatCount })} · {t("instances.unreadCount", { count: i.unread })} ·{" "}
        {t(i.intakeMode === "webhook" ? "instances.webhook" : "instances.polling")}
        {i.lastNotificationAt && <> · {t("instances.lastSeen", { when: formatRelative(locale, i.lastNotificationAt) })}</>}
      </p>
      <InstanceAlerts instance={i} />
    </li>
  );
};

export const InstancesPage: FC<{ instances: InstanceView[]; mayManage: boolean }> = ({ instances, mayManage }) => {
  const { t } = useRequestContext<AppEnv>().var;
  return (
    <>
      <h1>{t("instances.title")}</h1>
      {instances.length === 0 ? (
        <EmptyState title={t("instances.empty")} hint={mayManage ? t("instances.emptyManage") : t("instances.emptyAsk")} />
      ) : (
        <ul class="cards">{instances.map((i) => <InstanceCard instance={i} />)}</ul>
      )}
    </>
  );
};

export const InstancePage: FC<{ instance: InstanceView }> = ({ instance: i }) => {
  const { t } = useRequestContext<AppEnv>().var;
  return (
    <>
      <p><a href="/instances" class="back">← {t("instances.title")}</a></p>
      <h1>{i.name} <StateBadge state={i.state} /></h1>
      <InstanceAlerts instance={i} />
      <dl class="facts">
        <dt>{t("instances.idInstance")}</dt><dd>{i.idInstance}</dd>
        <dt>{t("instances.number")}</dt><dd>{i.wid ? `+${i.wid.replace(/@.*/, "")}` : t("instances.noNumber")}</dd>
        <dt>{t("instances.intake")}</dt><dd>{t(i.intakeMode === "webhook" ? "instances.webhook" : "instances.polling")}</dd>
        <dt>{t("instances.chats")}</dt><dd>{i.chatCount}</dd>
      </dl>
      <p><a class="button" href={`/instances/${i.id}/chats`}>{t("instances.openChats")}</a></p>
    </>
  );
};
