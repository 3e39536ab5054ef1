// One field of the instance form: its label, hint and error, and the aria attributes tying the input to them.
import type { FC, PropsWithChildren } from "hono/jsx";
import { useRequestContext } from "hono/jsx-renderer";
import type { AppEnv } from "../../src/env.ts";
import type { FieldErrors, InstanceForm } from "../../src/instances/form.ts";

export const Field: FC<
  PropsWithChildren<{ name: keyof InstanceForm; label: string; hint?: string; errors: FieldErrors }>
> = ({ name, label, hint, errors, children }) => {
  const { t } = useRequestContext<AppEnv>().var;
  const error = errors[name];
  return (
    <div class={error ? "field field-error" : "field"}>
      <label for={`f-${name}`}>{label}</label>
      {children}
      {hint && (
        <p class="hint small muted" id={`f-${name}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-message small" id={`f-${name}-error`} role="alert">
          {t(error)}
        </p>
      )}
    </div>
  );
};

/** aria attributes tying an input to its hint and error. */
export function aria(name: keyof InstanceForm, errors: FieldErrors, hint = false) {
  const ids = [hint ? `f-${name}-hint` : "", errors[name] ? `f-${name}-error` : ""].filter(Boolean).join(" ");
  return {
    id: `f-${name}`,
    name,
    "aria-invalid": errors[name] ? "true" : undefined,
    "aria-describedby": ids || undefined,
  };
}
