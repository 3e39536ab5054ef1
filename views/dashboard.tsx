// The dashboard: what is waiting, per WhatsApp number the user may see.
import type { FC } from "hono/jsx";
import { useRequestContext } from "hono/jsx-renderer";
import type { AppEnv } from "../src/env.ts";
import type { InstanceView } from "../src/instances/service.ts";
import { NoNumbers } from "./components/no-numbers.tsx";
import { InstanceCard } from "./instances/list.tsx";

export interface DashboardProps {
  totals: { instances: number; chats: number; unread: number; messagesToday: number };
  instances: InstanceView[];
  mayManage: boolean;
}

export const Dashboard: FC<DashboardProps> = ({ totals, instances, mayManage }) => {
  const { t, user } = useRequestContext<AppEnv>().var;
  return (
    <>
      <h1>{t("dashboard.greeting", { name: user!.displayName })}</h1>
      <ul class="stats" aria-label={t("dashboard.summary")}>
        <li>
          <strong>{totals.instances}</strong>
          <span>{t("dashboard.instances", { count: totals.instances })}</span>
        </li>
        <li>
          <strong>{totals.chats}</strong>
          <span>{t("dashboard.chats", { count: totals.chats })}</span>
        </li>
        <li>
          <strong>{totals.unread}</strong>
          <span>{t("dashboard.unread", { count: totals.unread })}</span>
        </li>
        <li>
          <strong>{totals.messagesToday}</strong>
          <span>{t("dashboard.today", { count: totals.messagesToday })}</span>
        </li>
      </ul>
      <h2>{t("instances.title")}</h2>
      {instances.length === 0 ? (
        <NoNumbers t={t} mayManage={mayManage} />
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
