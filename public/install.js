// The install banner (views/components/install-banner.tsx): Chrome and Edge offer installation through the
// `beforeinstallprompt` event, kept here until the user presses Install; Safari on iOS has no such event, so there the
// banner says how to add the app to the home screen. "Not now" hides it for 30 days on this device; inside the
// installed app (display-mode standalone) it never shows.
"use strict";
(() => {
  const QUIET_KEY = "greeninbox-install-dismissed";
  const QUIET_MS = 30 * 24 * 3600 * 1000;
  let deferred = null;

  const banner = () => document.getElementById("install");
  const installed = () =>
    window.matchMedia("(display-mode: standalone)").matches || window.navigator.standalone === true;
  const quiet = () => {
    const at = Number(localStorage.getItem(QUIET_KEY) || 0);
    return Date.now() - at < QUIET_MS;
  };
  const iosSafari = () => {
    const ua = navigator.userAgent;
    const ios = /iPhone|iPad|iPod/.test(ua) || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
    return ios && /Safari/.test(ua) && !/CriOS|FxiOS|EdgiOS/.test(ua);
  };

  function show() {
    const el = banner();
    if (!el || installed() || quiet()) return;
    const ios = !deferred && iosSafari();
    if (!deferred && !ios) return;
    el.querySelector("[data-install-accept]").hidden = !deferred;
    el.querySelector("[data-install-ios]").hidden = !ios;
    el.querySelector("[data-install-why]").hidden = ios;
    el.hidden = false;
  }

  window.addEventListener("beforeinstallprompt", (event) => {
    event.preventDefault();
    deferred = event;
    show();
  });
  window.addEventListener("appinstalled", () => {
    deferred = null;
    const el = banner();
    if (el) el.hidden = true;
  });
  document.addEventListener("click", async (event) => {
    const el = banner();
    if (!el || !(event.target instanceof Element)) return;
    if (event.target.closest("[data-install-dismiss]")) {
      localStorage.setItem(QUIET_KEY, String(Date.now()));
      el.hidden = true;
    } else if (event.target.closest("[data-install-accept]") && deferred) {
      const prompt = deferred;
      deferred = null;
      el.hidden = true;
      await prompt.prompt();
    }
  });
  // htmx-boosted navigation replaces the body's content: the banner comes back in the new page, hidden.
  document.addEventListener("htmx:afterSettle", show);
  document.addEventListener("DOMContentLoaded", show);
})();
