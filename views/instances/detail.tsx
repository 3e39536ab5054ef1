// One number's page: live status and facts, linking the phone (managers), logout/restart and a link to its chats.
import type { FC } from "hono/jsx";
import { useRequestContext } from "hono/jsx-renderer";
import type { AppEnv } from "../../src/env.ts";
import type { InstanceView } from "../../src/instances/service.ts";
import { formatDateTime, LOCALE_NAMES } from "../../src/lib/i18n.ts";

/** One recorded state change (newest first). */
export type StateLogEntry = { state: InstanceView["state"]; at: Date };
import { ConnectPanel, InstanceActions, PhoneCodeForm, type ConnectProps } from "./connect.tsx";
import { InstanceAlerts, IntakeHealth, live, phoneOf, StateBadge } from "./list.tsx";
import { HistoryPanelLoader } from "./history.tsx";
import { QuarantinePanel, type QuarantinePanelProps } from "./quarantine.tsx";

/** Name, state and facts; re-fetched whenever the instance changes. */
export const InstanceStatus: FC<{ instance: InstanceView; stateLog?: StateLogEntry[] }> = ({
  instance: i,
  stateLog,
}) => {
  const { t, locale } = useRequestContext<AppEnv>().var;
  return (
    <section id={`instance-${i.id}-status`} {...live(i.id, "state", `/instances/${i.id}/status`)}>
      <h1>
        {i.name} <StateBadge state={i.state} />
      </h1>
      <InstanceAlerts instance={i} />
      {i.wid && i.previousWid && i.widChangedAt && (
        <p class="flash flash-info small" data-wid-changed>
          {t("history.numberChanged", {
            from: phoneOf(i.previousWid)!,
            to: phoneOf(i.wid)!,
            date: formatDateTime(locale, i.widChangedAt),
          })}
        </p>
      )}
      <dl class="facts">
        <dt>{t("instances.idInstance")}</dt>
        <dd>{i.idInstance}</dd>
        <dt>{t("instances.number")}</dt>
        <dd>{phoneOf(i.wid) ?? t("instances.noNumber")}</dd>
        <dt>{t("instances.intake")}</dt>
        <dd>
          <IntakeHealth instance={i} />
        </dd>
        <dt>{t("instances.f.telegram")}</dt>
        <dd>{i.telegramTitle ?? t("instances.noTelegram")}</dd>
        {i.telegramTitle && (
          <>
            <dt>{t("instances.f.telegramLocale")}</dt>
            <dd>{i.telegramLocale ? LOCALE_NAMES[i.telegramLocale] : t("instances.f.telegramLocaleDefault")}</dd>
          </>
        )}
        <dt>{t("instances.autoReply")}</dt>
        <dd>{t(i.autoReplyEnabled ? "instances.autoReplyOn" : "instances.autoReplyOff")}</dd>
        <dt>{t("instances.chats")}</dt>
        <dd>{i.chatCount}</dd>
        <dt>{t("instances.messages")}</dt>
        <dd>{i.messageCount}</dd>
      </dl>
      {stateLog && stateLog.length > 0 && (
        <details class="state-log small">
          <summary>{t("instances.stateLog")}</summary>
          <ol>
            {stateLog.map((e) => (
              <li>
                <time datetime={e.at.toISOString()}>{formatDateTime(locale, e.at)}</time> <StateBadge state={e.state} />
              </li>
            ))}
          </ol>
        </details>
      )}
    </section>
  );
};

/** `quarantine`: the number's unreadable notifications, for those who may manage it. */
export const InstancePage: FC<
  ConnectProps & { stateLog?: StateLogEntry[]; quarantine?: Omit<QuarantinePanelProps, "instanceId"> }
> = (props) => {
  const { t } = useRequestContext<AppEnv>().var;
  const i = props.instance;
  return (
    <>
      <p>
        <a href="/instances" class="back">
          ← {t("instances.title")}
        </a>
      </p>
      <InstanceStatus instance={i} stateLog={props.stateLog} />
      <p>
        <a class="button primary" href={`/instances/${i.id}/chats`}>
          {t("instances.openChats")}
        </a>
      </p>
      <ConnectPanel {...props} />
      <PhoneCodeForm instance={i} mayManage={props.mayManage} />
      <HistoryPanelLoader instanceId={i.id} />
      {props.quarantine && <QuarantinePanel instanceId={i.id} {...props.quarantine} />}
      {props.mayManage && <InstanceActions instance={i} />}
    </>
  );
};
