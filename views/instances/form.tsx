// Create / edit an instance: fields with their errors, the write-only token, and removing the number (with what is lost).
// Apart: a labelled field with its hint and error (form-field.tsx), the removal form (delete-section.tsx).
import type { FC } from "hono/jsx";
import { useRequestContext } from "hono/jsx-renderer";
import type { AppEnv } from "../../src/env.ts";
import type { FieldErrors, FormValues } from "../../src/instances/form.ts";
import { LOCALE_NAMES, locales } from "../../src/lib/i18n.ts";
import { CsrfField } from "../components/csrf.tsx";
import { DeleteSection } from "./delete-section.tsx";
import { aria, Field } from "./form-field.tsx";

export interface InstanceFormProps {
  /** Undefined when creating. */
  instanceId?: number;
  name?: string;
  values: FormValues;
  errors: FieldErrors;
  /** A problem with the whole form (Green-API refused, …), already translated. */
  problem?: string;
  /** `••••••••cdef` of the stored token (edit only). */
  maskedToken?: string;
  webhookAllowed: boolean;
  /** Green-API's default hosts for the id typed so far, shown as placeholders. */
  hosts: { apiUrl: string; mediaUrl: string };
  /** The auto-reply interval a new number starts with (AUTO_REPLY_INTERVAL_HOURS). */
  defaultAutoReplyHours: number;
  telegram: { id: number; title: string }[];
  /** False: everything shown read-only. */
  mayManage: boolean;
  /** Edit only: what removing the number deletes. */
  impact?: { chats: number; messages: number };
}

export const InstanceFormPage: FC<InstanceFormProps> = (p) => {
  const { t } = useRequestContext<AppEnv>().var;
  const v = p.values;
  const e = p.errors;
  const creating = p.instanceId === undefined;
  const hosts = p.hosts;
  const action = creating ? "/instances/new" : `/instances/${p.instanceId}/edit`;
  const mode = p.webhookAllowed ? (v.intakeMode ?? "webhook") : "polling";
  return (
    <>
      <p>
        <a href={creating ? "/instances" : `/instances/${p.instanceId}`} class="back">
          ← {creating ? t("instances.title") : p.name}
        </a>
      </p>
      <h1>{creating ? t("instances.newTitle") : t("instances.editTitle", { name: p.name ?? "" })}</h1>
      {creating && <p class="muted">{t("instances.newHint")}</p>}
      {!p.mayManage && <p class="flash flash-info">{t("instances.readOnly")}</p>}
      {p.problem && (
        <p class="flash flash-error" role="alert" id="form-problem">
          {p.problem}
        </p>
      )}
      {Object.keys(e).length > 0 && !p.problem && (
        <p class="flash flash-error" role="alert">
          {t("instances.f.fixErrors")}
        </p>
      )}
      {/* A plain post: re-rendering the fields through htmx's settle step would copy style attributes (CSP). */}
      <form method="post" action={action} class="card stack instance-form" novalidate hx-boost="false">
        <CsrfField />
        <fieldset class="stack" disabled={!p.mayManage}>
          <Field name="name" label={t("instances.f.name")} hint={t("instances.f.nameHint")} errors={e}>
            <input {...aria("name", e, true)} value={v.name ?? ""} maxlength={80} required autocomplete="off" />
          </Field>
          <Field name="idInstance" label={t("instances.f.idInstance")} errors={e}>
            <input
              {...aria("idInstance", e)}
              value={v.idInstance ?? ""}
              inputmode="numeric"
              pattern="[0-9]*"
              required
              autocomplete="off"
            />
          </Field>
          <Field
            name="apiToken"
            label={t("instances.f.apiToken")}
            errors={e}
            hint={
              p.maskedToken ? t("instances.f.apiTokenKeep", { masked: p.maskedToken }) : t("instances.f.apiTokenHint")
            }
          >
            <input
              {...aria("apiToken", e, true)}
              type="password"
              value=""
              autocomplete="new-password"
              spellcheck={false}
              placeholder={p.maskedToken ?? ""}
              required={creating}
            />
          </Field>
          <details class="field" open={Boolean(e.apiUrl || e.mediaUrl || v.apiUrl || v.mediaUrl) && creating}>
            <summary>{t("instances.f.hosts")}</summary>
            <p class="hint small muted">{t("instances.f.hostsHint", hosts)}</p>
            <Field name="apiUrl" label={t("instances.apiUrl")} errors={e}>
              <input {...aria("apiUrl", e)} type="url" value={v.apiUrl ?? ""} placeholder={hosts.apiUrl} />
            </Field>
            <Field name="mediaUrl" label={t("instances.mediaUrl")} errors={e}>
              <input {...aria("mediaUrl", e)} type="url" value={v.mediaUrl ?? ""} placeholder={hosts.mediaUrl} />
            </Field>
          </details>
          <fieldset class="field choice">
            <legend>{t("instances.f.intake")}</legend>
            <label class="check">
              <input
                type="radio"
                name="intakeMode"
                value="webhook"
                checked={mode === "webhook"}
                disabled={!p.webhookAllowed}
              />{" "}
              {t("instances.f.webhook")}
            </label>
            <label class="check">
              <input type="radio" name="intakeMode" value="polling" checked={mode === "polling"} />{" "}
              {t("instances.f.polling")}
            </label>
            {!p.webhookAllowed && <p class="hint small muted">{t("instances.f.webhookNeedsUrl")}</p>}
            {e.intakeMode && (
              <p class="field-message small" role="alert">
                {t(e.intakeMode)}
              </p>
            )}
          </fieldset>
          <Field
            name="telegramChatId"
            label={t("instances.f.telegram")}
            errors={e}
            hint={p.telegram.length ? undefined : t("instances.f.telegramEmpty")}
          >
            <select {...aria("telegramChatId", e, p.telegram.length === 0)}>
              <option value="">{t("instances.f.telegramNone")}</option>
              {p.telegram.map((c) => (
                <option value={String(c.id)} selected={v.telegramChatId === String(c.id)}>
                  {c.title}
                </option>
              ))}
            </select>
          </Field>
          <Field
            name="telegramLocale"
            label={t("instances.f.telegramLocale")}
            errors={e}
            hint={t("instances.f.telegramLocaleHint")}
          >
            <select {...aria("telegramLocale", e, true)}>
              <option value="">{t("instances.f.telegramLocaleDefault")}</option>
              {locales.map((l) => (
                <option value={l} selected={v.telegramLocale === l}>
                  {LOCALE_NAMES[l]}
                </option>
              ))}
            </select>
          </Field>
          <fieldset class="field choice">
            <legend>{t("instances.autoReply")}</legend>
            <label class="check">
              <input type="checkbox" name="autoReplyEnabled" checked={v.autoReplyEnabled === "on"} />{" "}
              {t("instances.f.autoReplyEnabled")}
            </label>
            <Field name="autoReplyText" label={t("instances.f.autoReplyText")} errors={e}>
              <textarea {...aria("autoReplyText", e)} rows={3} maxlength={1000}>
                {v.autoReplyText ?? ""}
              </textarea>
            </Field>
            <Field name="autoReplyIntervalHours" label={t("instances.f.autoReplyInterval")} errors={e}>
              <input
                {...aria("autoReplyIntervalHours", e)}
                type="number"
                min={1}
                max={720}
                step={1}
                value={v.autoReplyIntervalHours ?? String(p.defaultAutoReplyHours)}
              />
            </Field>
          </fieldset>
          <fieldset class="field choice">
            <legend>{t("instances.f.enabled")}</legend>
            {/* The hidden "off" comes first: checked, the box's "on" is the last value and wins. */}
            <input type="hidden" name="enabled" value="off" />
            <label class="check">
              <input
                type="checkbox"
                name="enabled"
                value="on"
                id="f-enabled"
                aria-describedby="f-enabled-hint"
                checked={v.enabled !== "off"}
              />{" "}
              {t("instances.f.enabled")}
            </label>
            <p class="hint small muted" id="f-enabled-hint">
              {t("instances.f.enabledHint")}
            </p>
          </fieldset>
          <Field name="markReadPolicy" label={t("instances.f.markRead")} errors={e}>
            <select {...aria("markReadPolicy", e)}>
              {(["never", "onOpen", "onReply"] as const).map((k) => (
                <option value={k} selected={(v.markReadPolicy ?? "onReply") === k}>
                  {t(`instances.f.markRead.${k}`)}
                </option>
              ))}
            </select>
          </Field>
          {p.mayManage && (
            <div class="actions">
              <button type="submit" class="button primary">
                {creating ? t("instances.f.create") : t("instances.f.save")}
              </button>
              <a class="button" href={creating ? "/instances" : `/instances/${p.instanceId}`}>
                {t("instances.f.cancel")}
              </a>
            </div>
          )}
        </fieldset>
      </form>
      {p.mayManage && p.impact && p.instanceId !== undefined && (
        <DeleteSection id={p.instanceId} name={p.name ?? ""} impact={p.impact} />
      )}
    </>
  );
};
