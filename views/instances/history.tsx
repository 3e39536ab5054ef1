// The history import panel of a number's page: start, live progress (chats, messages, time left), cancel, outcome,
// and the chats that had more messages than the per-chat cap.
import type { FC } from "hono/jsx";
import { useRequestContext } from "hono/jsx-renderer";
import type { AppEnv } from "../../src/env.ts";
import { callFailureText } from "../../src/lib/failures.ts";
import type { Translate } from "../../src/lib/i18n.ts";
import type { ImportProgress } from "../../src/instances/history/service.ts";
import { CsrfField } from "../components/csrf.tsx";
import { live } from "./list.tsx";

export interface HistoryPanelProps {
  instanceId: number;
  /** The phone is linked (history can be read). */
  linked: boolean;
  mayManage: boolean;
  progress: ImportProgress | null;
  /** At most this many of each chat's newest messages are imported. */
  cap: number;
  /** Chats that had more than `cap` messages (the first few names); null while an import runs. */
  capped: { total: number; names: string[] } | null;
}

const panelId = (instanceId: number) => `instance-${instanceId}-history`;
/** Re-fetched on import progress, and on state changes (the start button needs a linked phone). */
const liveAttrs = (instanceId: number, extra = "") =>
  live(instanceId, "history state", `/instances/${instanceId}/history`, extra);

function duration(t: Translate, seconds: number): string {
  if (seconds < 90) return t("history.seconds", { count: Math.max(1, seconds) });
  if (seconds < 90 * 60) return t("history.minutes", { count: Math.round(seconds / 60) });
  return t("history.hours", { count: Math.round(seconds / 3600) });
}

/** Placeholder on the full page; it loads the panel at once and then follows the live updates. */
export const HistoryPanelLoader: FC<{ instanceId: number }> = ({ instanceId }) => {
  const { t } = useRequestContext<AppEnv>().var;
  return (
    <section class="card history" id={panelId(instanceId)} {...liveAttrs(instanceId, ", load")} aria-busy="true">
      <h2>{t("history.title")}</h2>
      <p class="muted">{t("history.loading")}</p>
    </section>
  );
};

/** htmx posts swap the panel in place; without JavaScript the form posts and the page comes back. */
const inPlace = (instanceId: number, action: string) => ({
  method: "post" as const,
  action: `/instances/${instanceId}/history/${action}`,
  "hx-post": `/instances/${instanceId}/history/${action}`,
  "hx-target": `#${panelId(instanceId)}`,
  "hx-swap": "outerHTML",
  class: "inline",
});

const StartForm: FC<{ instanceId: number; again: boolean }> = ({ instanceId, again }) => {
  const { t } = useRequestContext<AppEnv>().var;
  return (
    <form {...inPlace(instanceId, "start")}>
      <CsrfField />
      <button type="submit" class="button primary" data-testid="history-start">
        {t(again ? "history.again" : "history.start")}
      </button>
    </form>
  );
};

/** The chats whose older messages were left at Green-API: how many, and the first names. */
const Capped: FC<{ cap: string; capped: { total: number; names: string[] } }> = ({ cap, capped }) => {
  const { t } = useRequestContext<AppEnv>().var;
  const names = capped.names.join(", ") + (capped.total > capped.names.length ? ", …" : "");
  return (
    <p class="flash flash-info small" data-capped={capped.total}>
      {t("history.capped", { count: capped.total, cap, names })}
    </p>
  );
};

export const HistoryPanel: FC<HistoryPanelProps> = ({
  instanceId,
  linked,
  mayManage,
  progress: p,
  cap: capCount,
  capped,
}) => {
  const { t, locale } = useRequestContext<AppEnv>().var;
  const running = p?.status === "running";
  const cap = new Intl.NumberFormat(locale).format(capCount);
  return (
    <section class="card history" id={panelId(instanceId)} {...liveAttrs(instanceId)} data-status={p?.status ?? "none"}>
      <h2>{t("history.title")}</h2>
      {!p && (
        <p class="muted">
          {t("history.none")} {t("history.cap", { cap })}
        </p>
      )}
      {running && p.listing && (
        <>
          <progress aria-label={t("history.listing")} />
          <p>{t("history.listing")}</p>
        </>
      )}
      {running && !p.listing && (
        <>
          <progress value={p.chatsDone} max={p.chatsTotal} aria-label={t("history.title")} data-percent={p.percent} />
          <p role="status">
            <strong>{t("history.progress", { done: p.chatsDone, total: p.chatsTotal })}</strong> ·{" "}
            {t("history.messages", { count: p.messagesImported })} ·{" "}
            {p.etaSeconds === null ? t("history.etaUnknown") : t("history.eta", { time: duration(t, p.etaSeconds) })}
          </p>
          {p.headCount > 0 && (
            <p class="muted small" data-head-count={p.headCount}>
              {t("history.longChat", { count: p.headCount })}
            </p>
          )}
        </>
      )}
      {running && (
        <p class="muted">
          {t("history.background")} {t("history.cap", { cap })}
        </p>
      )}
      {p?.status === "done" && (
        <>
          <progress value={100} max={100} aria-label={t("history.title")} data-percent={100} />
          <p role="status">{t("history.done", { count: p.messagesImported, chats: p.chatsDone })}</p>
        </>
      )}
      {p?.status === "cancelled" && <p>{t("history.cancelled", { done: p.chatsDone, total: p.chatsTotal })}</p>}
      {p?.status === "failed" && (
        <p class="flash flash-error">{t("history.failed", { reason: callFailureText(t, p.error) })}</p>
      )}
      {capped && capped.total > 0 && <Capped cap={cap} capped={capped} />}
      {mayManage &&
        !running &&
        (linked ? (
          <StartForm instanceId={instanceId} again={p !== null} />
        ) : (
          <p class="muted">{t("history.needsPhone")}</p>
        ))}
      {mayManage && running && (
        <form {...inPlace(instanceId, "cancel")} hx-confirm={t("history.cancelConfirm")}>
          <CsrfField />
          <button type="submit" class="button danger" data-testid="history-cancel">
            {t("history.cancel")}
          </button>
        </form>
      )}
    </section>
  );
};
