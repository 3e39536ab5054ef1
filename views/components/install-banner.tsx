// "Install GreenInbox on this device": hidden until public/install.js learns the browser can install the app (Chrome's
// beforeinstallprompt) or that it is Safari on an iPhone/iPad outside the home screen (which installs by hand).
import type { FC } from "hono/jsx";
import { assetUrl } from "../../src/lib/assets.ts";
import type { Translate } from "../../src/lib/i18n.ts";

export const InstallBanner: FC<{ t: Translate }> = ({ t }) => (
  <aside id="install" class="install-banner" aria-labelledby="install-title" hidden>
    <img src={assetUrl("icon.svg")} alt="" width="32" height="32" />
    <div class="install-text">
      <strong id="install-title">{t("install.title")}</strong>
      <span class="muted small" data-install-why>
        {t("install.why")}
      </span>
      <span class="muted small" data-install-ios hidden>
        {t("install.ios")}
      </span>
    </div>
    <button type="button" class="button primary small" data-install-accept hidden>
      {t("install.accept")}
    </button>
    <button
      type="button"
      class="icon-button"
      data-install-dismiss
      title={t("install.dismiss")}
      aria-label={t("install.dismiss")}
    >
      <span aria-hidden="true">✕</span>
    </button>
  </aside>
);
