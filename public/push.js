// Settings, "Notifications on this device": subscribes this browser to Web Push (PushManager) and saves the
// subscription on the server, or removes it; shows the device's state and fills the device's settings forms.
"use strict";
(() => {
  const csrf = () => {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"] || "";
    } catch {
      return "";
    }
  };
  const post = (path, body) =>
    fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": csrf() },
      body: JSON.stringify(body),
    }).then((res) => {
      if (!res.ok) throw new Error(`${path}: ${res.status}`);
    });
  /** The VAPID key (base64url) as the bytes PushManager.subscribe takes. */
  const keyBytes = (base64url) => {
    const raw = atob(base64url.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (base64url.length % 4)) % 4));
    return Uint8Array.from(raw, (ch) => ch.charCodeAt(0));
  };
  const supported = () => "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;

  async function setUp(section) {
    if (section.dataset.pushReady) return;
    section.dataset.pushReady = "1";
    const status = section.querySelector("[data-push-status]");
    const enable = section.querySelector("[data-push-enable]");
    const disable = section.querySelector("[data-push-disable]");
    const forms = section.querySelectorAll("[data-push-settings], [data-push-test]");
    const say = (key) => {
      status.textContent = section.dataset[key] || "";
    };
    if (!supported()) return say("textUnsupported");
    const devices = JSON.parse(section.dataset.pushDevices || "[]");
    const registration = await navigator.serviceWorker.ready;

    const show = (subscription) => {
      const known = subscription && devices.find((d) => d.endpoint === subscription.endpoint);
      const on = Boolean(known);
      enable.hidden = on;
      disable.hidden = !on;
      for (const form of forms) {
        form.hidden = !on;
        const field = form.querySelector('input[name="endpoint"]');
        if (field) field.value = on ? subscription.endpoint : "";
      }
      if (known) {
        const previews = section.querySelector('input[name="previews"]');
        const scope = section.querySelector('select[name="scope"]');
        if (previews) previews.checked = Boolean(known.previews);
        if (scope) scope.value = known.scope;
      }
      if (Notification.permission === "denied") say("textDenied");
      else say(on ? "textOn" : "textOff");
    };

    enable.addEventListener("click", async () => {
      enable.disabled = true;
      try {
        if ((await Notification.requestPermission()) !== "granted") return say("textDenied");
        let subscription = await registration.pushManager.getSubscription();
        const key = keyBytes(section.dataset.pushKey);
        if (subscription) {
          // A subscription made with another server key cannot be used: replace it.
          const current = subscription.options?.applicationServerKey;
          const same = current && new Uint8Array(current).every((b, i) => b === key[i]);
          if (!same) {
            await subscription.unsubscribe();
            subscription = null;
          }
        }
        subscription ??= await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
        const json = subscription.toJSON();
        const previews = section.querySelector('input[name="previews"]');
        const scope = section.querySelector('select[name="scope"]');
        const settings = { previews: previews ? previews.checked : false, scope: scope ? scope.value : undefined };
        await post("/push/subscriptions", { endpoint: json.endpoint, keys: json.keys, ...settings });
        devices.unshift({ endpoint: json.endpoint, ...settings });
        show(subscription);
      } catch {
        say("textFailed");
      } finally {
        enable.disabled = false;
      }
    });

    disable.addEventListener("click", async () => {
      disable.disabled = true;
      try {
        const subscription = await registration.pushManager.getSubscription();
        if (subscription) {
          await post("/push/subscriptions/remove", { endpoint: subscription.endpoint });
          await subscription.unsubscribe();
        }
        show(null);
      } catch {
        say("textFailed");
      } finally {
        disable.disabled = false;
      }
    });

    show(await registration.pushManager.getSubscription());
  }

  const scan = () => {
    const section = document.getElementById("push");
    if (section) setUp(section).catch(() => {});
  };
  document.addEventListener("htmx:load", scan);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan);
  else scan();
})();
