// Linking a phone: the live QR panel ("Connected as +7…" once linked), the phone-code alternative, logout and restart.
import type { FC } from "hono/jsx";
import { useRequestContext } from "hono/jsx-renderer";
import type { AppEnv } from "../../src/env.ts";
import type { InstanceView } from "../../src/instances/service.ts";
import type { QrSnapshot } from "../../src/instances/qr.ts";
import { CsrfField } from "../components/csrf.tsx";
import { live, phoneOf } from "./list.tsx";

export interface ConnectProps {
  instance: InstanceView;
  mayManage: boolean;
  /** The QR state while unlinked (managers only). */
  snapshot?: QrSnapshot;
}

const QrBody: FC<{ snapshot: QrSnapshot }> = ({ snapshot }) => {
  const { t } = useRequestContext<AppEnv>().var;
  switch (snapshot.kind) {
    case "qr":
      return (
        <img
          class="qr"
          src={`data:image/png;base64,${snapshot.image}`}
          alt={t("instances.qrAlt")}
          width="264"
          height="264"
        />
      );
    case "starting":
      return <p class="qr-placeholder muted">{t("instances.qrStarting")}</p>;
    case "error":
      return (
        <p class="qr-placeholder flash flash-error" role="alert">
          {t("instances.qrError", {
            reason: "text" in snapshot.reason ? snapshot.reason.text : t(snapshot.reason.key, snapshot.reason.params),
          })}
        </p>
      );
    default:
      return <p class="qr-placeholder muted">{t("instances.qrLoading")}</p>;
  }
};

/** The panel re-fetches itself on state changes and new QR codes; while a QR shows it also renews the viewer's lease. */
export const ConnectPanel: FC<ConnectProps> = ({ instance: i, mayManage, snapshot }) => {
  const { t } = useRequestContext<AppEnv>().var;
  const linked = i.state === "authorized" || i.state === "yellowCard";
  const watching = !linked && mayManage;
  return (
    <section
      class="card connect"
      id={`connect-${i.id}`}
      aria-live="polite"
      {...live(i.id, watching ? "state qr" : "state", `/instances/${i.id}/connect`, watching ? ", every 15s" : "")}
    >
      {linked ? (
        <p class="connected">
          <strong>{t("instances.connectedAs", { number: phoneOf(i.wid) ?? "…" })}</strong>
        </p>
      ) : !mayManage ? (
        <p class="muted">{t("instances.qrAsk")}</p>
      ) : (
        <>
          <h2>{t("instances.qrTitle")}</h2>
          <div class="qr-box">
            <QrBody snapshot={snapshot ?? { kind: "loading" }} />
          </div>
          <p class="small muted">{t("instances.qrSteps")}</p>
        </>
      )}
    </section>
  );
};

/** Link by phone code (getAuthorizationCode); the answer replaces #code-result-<id>. */
export const PhoneCodeForm: FC<{ instance: InstanceView; mayManage: boolean }> = ({ instance: i, mayManage }) => {
  const { t } = useRequestContext<AppEnv>().var;
  const attrs = { id: `code-${i.id}`, ...live(i.id, "state", `/instances/${i.id}/connect/code`) };
  // Only re-fetched on state changes (not with each QR code), so a half-typed number survives; hidden once linked.
  if (!mayManage || i.state === "authorized" || i.state === "yellowCard") return <div {...attrs} hidden></div>;
  return (
    <section class="card" {...attrs}>
      <h2>{t("instances.codeTitle")}</h2>
      <form
        method="post"
        action={`/instances/${i.id}/connect/code`}
        class="stack"
        hx-post={`/instances/${i.id}/connect/code`}
        hx-target={`#code-result-${i.id}`}
        hx-swap="innerHTML"
      >
        <CsrfField />
        <label>
          {t("instances.codePhone")}
          <input name="phone" type="tel" inputmode="tel" autocomplete="tel" placeholder="+7 900 123-45-67" required />
        </label>
        <button type="submit" class="button">
          {t("instances.codeButton")}
        </button>
      </form>
      <div id={`code-result-${i.id}`} aria-live="polite"></div>
    </section>
  );
};

export const CodeResult: FC<{ code?: string; error?: string }> = ({ code, error }) => {
  const { t } = useRequestContext<AppEnv>().var;
  if (code)
    return (
      <p class="flash flash-ok" role="status">
        {t("instances.codeShow", { code })} <strong class="code">{code}</strong>
      </p>
    );
  return (
    <p class="flash flash-error" role="alert">
      {error}
    </p>
  );
};

/** Logout (when linked) and restart, each asking first. */
export const InstanceActions: FC<{ instance: InstanceView }> = ({ instance: i }) => {
  const { t } = useRequestContext<AppEnv>().var;
  const linked = i.state === "authorized" || i.state === "yellowCard";
  return (
    <div class="actions">
      <a class="button" href={`/instances/${i.id}/edit`}>
        {t("instances.edit")}
      </a>
      <form
        method="post"
        action={`/instances/${i.id}/reboot`}
        class="inline"
        hx-confirm={t("instances.rebootConfirm", { name: i.name })}
      >
        <CsrfField />
        <button type="submit" class="button">
          {t("instances.reboot")}
        </button>
      </form>
      {linked && (
        <form
          method="post"
          action={`/instances/${i.id}/logout`}
          class="inline"
          hx-confirm={t("instances.logoutConfirm", { name: i.name })}
        >
          <CsrfField />
          <button type="submit" class="button danger">
            {t("instances.logout")}
          </button>
        </form>
      )}
    </div>
  );
};
