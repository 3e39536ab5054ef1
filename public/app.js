// GreenInbox page glue htmx cannot express: live-update rules, composer keys and reply-to, upload progress, notifications, tab title.
"use strict";
(() => {
  const $ = (selector, root = document) => root.querySelector(selector);
  const randomKey = () =>
    Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");

  // The server renders dates in the browser's time zone.
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && !document.cookie.split("; ").includes(`gi_tz=${encodeURIComponent(zone)}`)) {
    // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is not in every browser the app supports.
    document.cookie = `gi_tz=${encodeURIComponent(zone)}; path=/; max-age=31536000; samesite=lax`;
  }

  // The on-screen keyboard shrinks the visual viewport; the inbox sizes itself to it so the composer stays above it.
  const viewport = window.visualViewport;
  if (viewport) {
    const fit = () => document.documentElement.style.setProperty("--vvh", `${Math.round(viewport.height)}px`);
    viewport.addEventListener("resize", fit);
    fit();
  }

  // Unread chats in the tab title: "(3) Chats · GreenInbox".
  let unread = 0;
  const applyTitle = () => {
    const base = document.title.replace(/^\(\d+\+?\) /, "");
    document.title = unread > 0 ? `(${unread >= 100 ? "99+" : unread}) ${base}` : base;
  };
  document.addEventListener("htmx:afterSettle", applyTitle);

  // Browser notifications, asked for on a click (a user gesture), shown while the user is not looking at the chat.
  const canNotify = "Notification" in window;
  const showNotifyButton = () => {
    for (const b of document.querySelectorAll("[data-notify-ask]"))
      b.hidden = !canNotify || Notification.permission !== "default";
  };
  // Optional sound (off until the user turns it on; remembered per browser): a short two-tone chime, no audio file.
  const soundOn = () => localStorage.getItem("gi_sound") === "on";
  const showSoundButton = () => {
    for (const b of document.querySelectorAll("[data-sound-toggle]")) b.setAttribute("aria-pressed", String(soundOn()));
  };
  let audio;
  const chime = () => {
    audio ??= new AudioContext();
    const start = audio.currentTime;
    [880, 1320].forEach((hz, i) => {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = hz;
      gain.gain.setValueAtTime(0.08, start + i * 0.12);
      gain.gain.exponentialRampToValueAtTime(0.001, start + i * 0.12 + 0.25);
      osc.connect(gain).connect(audio.destination);
      osc.start(start + i * 0.12);
      osc.stop(start + i * 0.12 + 0.3);
    });
  };
  const notify = (n) => {
    const looking = document.visibilityState === "visible" && document.hasFocus();
    if (soundOn() && !(looking && location.pathname === n.url)) chime();
    if (!canNotify || Notification.permission !== "granted") return;
    if (document.visibilityState === "visible" && document.hasFocus()) return;
    // The page's own icon link: its URL carries the file's hash, so the browser has it cached.
    const icon = document.querySelector('link[rel="icon"]')?.href;
    const note = new Notification(n.title, { body: n.body, tag: n.tag, icon });
    note.onclick = () => {
      window.focus();
      location.assign(n.url);
      note.close();
    };
  };

  // Messages that arrive in the open conversation count as read once the page is visible.
  let unseen = false;
  const seen = () => {
    if (document.visibilityState === "visible") htmx.trigger(document.body, "inbox:seen");
    else unseen = true;
  };
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && unseen) {
      unseen = false;
      htmx.trigger(document.body, "inbox:seen");
    }
  });

  // Live inbox events (rendered by the server) are idempotent here: a bubble already shown is not added twice, a moved
  // chat row leaves its old place, and updates of things not on this page are dropped.
  const keyId = (html) => /\bid="((?:m|chat)-\d+)"/.exec(html)?.[1];
  document.addEventListener("htmx:sseBeforeMessage", (event) => {
    const { type, data } = event.detail;
    if (type === "reload") {
      event.preventDefault();
      // A tab that is already navigating away (e.g. the logout form) never runs this.
      setTimeout(() => location.reload(), 300);
      return;
    }
    if (type === "notify" || type === "unread") {
      event.preventDefault();
      if (type === "notify") notify(JSON.parse(data));
      else {
        unread = Number(data);
        applyTitle();
      }
      return;
    }
    const id = keyId(data);
    const existing = id && document.getElementById(id);
    if (type.startsWith("msgs.")) {
      if (existing) event.preventDefault();
      else seen();
    } else if (type.startsWith("chats.")) {
      if (existing) existing.remove();
    } else if ((type === "chat" || type.startsWith("msg.")) && !existing) {
      event.preventDefault();
    }
  });
  // The answer to a send may arrive after the same bubble came live.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const id = event.detail.target?.classList?.contains("messages") && keyId(event.detail.serverResponse ?? "");
    if (id && document.getElementById(id)) event.detail.shouldSwap = false;
  });

  // The open chat is highlighted in the list, whatever was swapped.
  const markCurrent = () => {
    for (const a of document.querySelectorAll(".chat-link")) {
      if (a.getAttribute("href") === location.pathname) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    }
  };
  // Searching beside an open chat asks (and puts in the address bar) that chat's URL, so the chat stays open on reload.
  const searchFromPane = () => {
    const form = $(".list-filters");
    if (!form) return;
    const path = $("#chat-pane")?.dataset.chatUrl ?? "/chats";
    for (const el of [form, ...form.querySelectorAll("[hx-get]")]) el.setAttribute("hx-get", path);
    form.setAttribute("action", path);
    htmx.process(form);
  };
  document.addEventListener("htmx:load", (event) => {
    // Send forms get their idempotency key here, not from the server: a page the browser revalidates (304) and shows
    // again must not bring back a key that was already sent.
    for (const input of event.target.querySelectorAll?.("[data-send-key]") ?? [])
      if (!input.value) input.value = randomKey();
    markCurrent();
    showNotifyButton();
    showSoundButton();
    if (event.target.id === "chat-pane") searchFromPane();
  });
  window.addEventListener("popstate", markCurrent);
  // A chat opened from the list with the keyboard (Enter on its row: a click without a pointer) hands the focus to its
  // composer once it has loaded, as WhatsApp Web does; a tap leaves the phone's keyboard closed.
  let focusComposer = false;
  document.addEventListener("click", (event) => {
    if (event.target.closest?.("#chat-list .chat-link")) focusComposer = event.detail === 0;
  });
  document.addEventListener("htmx:load", (event) => {
    if (event.target.id !== "chat-pane") return;
    if (focusComposer) $("#composer textarea", event.target)?.focus();
    focusComposer = false;
  });

  // Reply-to: fills the strip above the composer; the quoted id is posted with the text.
  const replyParts = () => {
    const strip = $("#composer [data-reply-strip]");
    return strip && { strip, input: $("[name=quoted]", strip) };
  };
  const setReply = (button) => {
    const parts = replyParts();
    if (!parts) return;
    $("[data-reply-who]", parts.strip).textContent = button.dataset.replyWho ?? "";
    $("[data-reply-text]", parts.strip).textContent = button.dataset.replyText ?? "";
    parts.input.value = button.dataset.reply;
    parts.input.disabled = false;
    parts.strip.hidden = false;
    $("#composer textarea")?.focus();
  };
  const cancelReply = () => {
    const parts = replyParts();
    if (!parts) return;
    parts.strip.hidden = true;
    parts.input.disabled = true;
    parts.input.value = "";
  };
  const closeMenus = (except) => {
    for (const menu of document.querySelectorAll("details.msg-actions[open], details.new-chat[open]"))
      if (!menu.contains(except)) menu.open = false;
  };

  // A bubble's menu, when it opens, gets the quick reactions from the pane's one template (views/chats/bubble-menu.tsx).
  document.addEventListener(
    "toggle",
    (event) => {
      const menu = event.target;
      if (!(menu instanceof HTMLDetailsElement) || !menu.open || !menu.matches("details.msg-actions")) return;
      const form = $("form[data-reactions]:not([data-filled])", menu);
      const buttons = document.getElementById("reaction-buttons");
      if (!form || !buttons) return;
      form.prepend(buttons.content.cloneNode(true));
      form.setAttribute("data-filled", "");
    },
    true,
  );

  // File panel: shows the chosen file (and a preview of images), refuses files over the limit, shows upload progress.
  const MAX_FILE = 100 * 1024 * 1024;
  const closeAttach = (form) => {
    const preview = $(".attach-preview", form);
    if (preview.src) URL.revokeObjectURL(preview.src);
    form.reset();
    $("[data-send-key]", form).value = randomKey();
    preview.removeAttribute("src");
    preview.hidden = true;
    $("progress", form).hidden = true;
    $("[data-attach-error]", form).textContent = "";
    form.hidden = true;
  };
  document.addEventListener("change", (event) => {
    const input = event.target;
    if (input.id !== "attach-file") return;
    const form = input.form;
    const file = input.files?.[0];
    if (!file) return closeAttach(form);
    const [unit, amount] =
      file.size >= 1e6 ? ["megabyte", file.size / 1e6] : ["kilobyte", Math.max(1, file.size / 1e3)];
    const size = new Intl.NumberFormat(document.documentElement.lang, {
      style: "unit",
      unit,
      unitDisplay: "short",
      maximumFractionDigits: 1,
    });
    $("[data-attach-name]", form).textContent = `${file.name} · ${size.format(amount)}`;
    const error = $("[data-attach-error]", form);
    error.textContent = file.size > MAX_FILE ? error.dataset.tooLarge : "";
    $("[type=submit]", form).disabled = file.size > MAX_FILE;
    const preview = $(".attach-preview", form);
    if (file.type.startsWith("image/")) preview.src = URL.createObjectURL(file);
    preview.hidden = !file.type.startsWith("image/");
    form.hidden = false;
    $("[name=caption]", form).focus();
  });
  document.addEventListener("htmx:xhr:progress", (event) => {
    const bar = event.target.closest?.("#attach")?.querySelector("progress");
    if (!bar || !event.detail.lengthComputable) return;
    bar.hidden = false;
    bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
  });

  document.addEventListener("click", (event) => {
    const target = event.target.closest(
      "[data-reply], [data-copy], [data-reply-cancel], [data-attach-cancel], [data-notify-ask], [data-sound-toggle]",
    );
    closeMenus(event.target);
    // A message in the flash area goes away when tapped.
    event.target.closest("#flash .flash")?.remove();
    if (!target) return;
    if (target.matches("[data-reply]")) setReply(target);
    else if (target.matches("[data-copy]"))
      navigator.clipboard?.writeText($(".msg-text", target.closest(".msg"))?.textContent ?? "");
    else if (target.matches("[data-reply-cancel]")) cancelReply();
    else if (target.matches("[data-attach-cancel]")) closeAttach(target.form);
    else if (target.matches("[data-notify-ask]")) Notification.requestPermission().then(showNotifyButton);
    else if (target.matches("[data-sound-toggle]")) {
      localStorage.setItem("gi_sound", soundOn() ? "off" : "on");
      showSoundButton();
      if (soundOn()) chime();
    }
    target.closest("details")?.removeAttribute("open");
  });

  // Enter sends, Shift+Enter is a new line (keyboards with a physical Enter); Esc closes menus and the reply strip.
  const touch = matchMedia("(pointer: coarse)");
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      closeMenus(null);
      cancelReply();
      return;
    }
    const field = event.target;
    if (
      event.key !== "Enter" ||
      event.shiftKey ||
      event.isComposing ||
      touch.matches ||
      !field.matches?.("#composer textarea")
    )
      return;
    event.preventDefault();
    if (field.value.trim()) field.form.requestSubmit();
  });

  // After a successful send: clear the form, take a new idempotency key, show the newest message.
  document.addEventListener("htmx:afterRequest", (event) => {
    const form = event.detail.elt.closest?.("form");
    const status = event.detail.xhr.status;
    if (!form || status === 0 || status >= 400) return;
    if (form.id === "composer") {
      $("textarea", form).value = "";
      $("[data-send-key]", form).value = randomKey();
      cancelReply();
      const scroller = $(".scroller");
      scroller?.scrollTo({ top: scroller.scrollHeight });
    } else if (form.id === "attach") {
      closeAttach(form);
    } else if (form.classList.contains("new-chat-form")) {
      form.reset();
      $("[data-send-key]", form).value = randomKey();
      form.closest("details").open = false;
    }
  });

  // No answer at all (offline): say so next to the page; what was typed stays in the form.
  document.addEventListener("htmx:sendError", (event) => {
    const text = event.detail.elt.closest?.("[data-offline]")?.dataset.offline;
    const flash = $("#flash");
    if (!text || !flash) return;
    const note = document.createElement("p");
    note.className = "flash flash-error";
    note.setAttribute("role", "alert");
    note.textContent = text;
    flash.replaceChildren(note);
  });
})();

// The service worker (public/sw.js, served at /sw.js): the offline page, the static shell, Web Push notifications.
if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});

// Instance pages: the SSE marker of an instance change (<template data-instance data-part>) makes the matching elements
// re-fetch themselves over HTTP (their hx-trigger is "instance-changed"); nothing is swapped from the event itself.
document.addEventListener("htmx:sseBeforeMessage", (event) => {
  if (event.detail.type !== "instance.changed") return;
  event.preventDefault();
  const el = event.target;
  const marker = /data-instance="(\d+)" data-part="(\w+)"/.exec(String(event.detail.data || ""));
  if (!marker || !(el instanceof Element) || el.getAttribute("data-live-instance") !== marker[1]) return;
  if (!(el.getAttribute("data-live-parts") || "").split(" ").includes(marker[2])) return;
  htmx.trigger(el, "instance-changed");
});
