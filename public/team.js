// Team workflow glue htmx cannot express: live rows follow the shown tab and filters, the composer's note mode, and
// the "/" list of quick replies (keyboard ↑ ↓ Enter Esc, and touch).
"use strict";
(() => {
  const $ = (selector, root = document) => root.querySelector(selector);

  // ---- Live rows: a row changed elsewhere joins or leaves the list according to the tab and filters shown.
  const belongs = (list, row) => {
    const d = list.dataset;
    const r = row.querySelector("[data-row-state]")?.dataset ?? {};
    if (r.status === undefined || d.tab === undefined) return true;
    const resolved = r.status === "resolved";
    if (d.status) {
      if (r.status !== d.status) return false;
    } else if (d.tab === "resolved") {
      if (!resolved) return false;
    } else if (!(d.tab === "all" && d.search) && resolved) return false;
    if (d.tab === "mine" && r.assignee !== d.me) return false;
    if (d.tab === "unassigned" && r.assignee !== "") return false;
    if (d.assignee === "none" && r.assignee !== "") return false;
    if (d.assignee && d.assignee !== "none" && r.assignee !== d.assignee) return false;
    if (d.label && !(r.labels || "").includes(` ${d.label} `)) return false;
    return true;
  };
  // The open conversation's row stays while it is open (e.g. just resolved under "All"): it would jump away under the
  // user. Leaving the conversation drops the rows that no longer belong.
  const isOpen = (row) =>
    row.querySelector(".chat-link")?.getAttribute("href") === document.getElementById("chat-pane")?.dataset.chatUrl;
  document.addEventListener("htmx:load", (event) => {
    const list = document.getElementById("chat-list");
    if (event.target.id !== "chat-pane" || list?.dataset.tab === undefined) return;
    for (const row of list.querySelectorAll(":scope > li.chat-row"))
      if (!belongs(list, row) && !isOpen(row)) row.remove();
  });
  const parseRow = (html) => {
    const template = document.createElement("template");
    template.innerHTML = html;
    const row = template.content.querySelector("li.chat-row");
    return row;
  };
  const timeOf = (row) => Date.parse(row.querySelector("time")?.getAttribute("datetime") ?? "") || 0;
  /** Puts a row where it belongs by time among the loaded ones (not below the loaded page). */
  const place = (list, row) => {
    row.removeAttribute("hx-swap-oob");
    const at = timeOf(row);
    for (const other of list.querySelectorAll(":scope > li.chat-row")) {
      if (timeOf(other) < at) {
        other.before(row);
        htmx.process(row);
        return;
      }
    }
    if (list.querySelector(":scope > li.more-chats")) return;
    list.append(row);
    htmx.process(row);
  };
  document.addEventListener("htmx:sseBeforeMessage", (event) => {
    const { type, data } = event.detail;
    const list = event.target;
    if (!(list instanceof HTMLElement) || list.id !== "chat-list" || list.dataset.tab === undefined) return;
    if (type !== "chat" && !type.startsWith("chats.")) return;
    const row = parseRow(String(data || ""));
    if (!row) return;
    const existing = document.getElementById(row.id);
    if (belongs(list, row) || isOpen(row)) {
      // A row updated in place that was not shown (it just joined this tab) is placed by time.
      if (type === "chat" && !existing && !list.dataset.search) place(list, row);
      return;
    }
    event.preventDefault();
    existing?.remove();
  });

  // ---- Note mode: the same composer posts to …/notes instead of …/messages (never to the customer).
  const composerOf = (el) => el?.closest?.("#composer");
  const setNoteMode = (form, on) => {
    const button = $("[data-note-toggle]", form);
    const textarea = $("textarea", form);
    if (!button || !textarea) return;
    if (on) {
      form.dataset.note = "1";
      textarea.dataset.placeholder ??= textarea.placeholder;
      textarea.placeholder = button.dataset.notePlaceholder ?? "";
    } else {
      delete form.dataset.note;
      if (textarea.dataset.placeholder !== undefined) textarea.placeholder = textarea.dataset.placeholder;
    }
    button.setAttribute("aria-pressed", on ? "true" : "false");
    // Notes are text only: the attach button stays in its place, unavailable, and says why.
    const attach = $(".attach-button", form);
    const file = document.getElementById("attach-file");
    if (!attach || !file) return;
    file.disabled = on;
    attach.dataset.title ??= attach.title;
    attach.title = on ? (attach.dataset.noteOff ?? "") : attach.dataset.title;
    attach.setAttribute("aria-disabled", on ? "true" : "false");
  };
  document.addEventListener("click", (event) => {
    const attach = event.target.closest?.("#composer[data-note] .attach-button");
    const flash = document.getElementById("flash");
    if (attach && flash) {
      const why = document.createElement("p");
      why.className = "flash flash-info";
      why.setAttribute("role", "status");
      why.textContent = attach.dataset.noteOff ?? "";
      flash.replaceChildren(why);
    }
    const button = event.target.closest?.("[data-note-toggle]");
    if (!button) return;
    const form = composerOf(button);
    setNoteMode(form, form.dataset.note !== "1");
    $("textarea", form)?.focus();
  });
  // The list's team filters stay out of the address bar while at their defaults (e.g. a search pushes just "?q=…").
  document.addEventListener("htmx:configRequest", (event) => {
    if (event.detail.verb !== "get" || !event.detail.elt.closest?.(".list-filters")) return;
    const params = event.detail.parameters;
    for (const key of ["tab", "label", "status", "assignee", "from", "to"]) {
      const value = params[key];
      if (value === "" || (key === "tab" && value === "all")) delete params[key];
    }
  });
  // A note sent: the composer is back to messages (the next thing typed goes to the customer, as the placeholder says).
  document.addEventListener("htmx:afterRequest", (event) => {
    const form = composerOf(event.detail.elt);
    const status = event.detail.xhr?.status ?? 0;
    if (form?.dataset.note === "1" && status >= 200 && status < 400) setNoteMode(form, false);
  });
  document.addEventListener("htmx:configRequest", (event) => {
    const form = composerOf(event.detail.elt);
    if (form?.dataset.note !== "1") return;
    event.detail.path = event.detail.path.replace(/\/messages$/, "/notes");
    delete event.detail.parameters.quoted;
  });

  // ---- Quick replies: "/" at the start of the composer lists them; choosing one puts its text in the composer.
  let pop = null;
  let items = [];
  let active = 0;
  let pending = null;
  let timer = 0;
  const closePop = () => {
    pop?.remove();
    pop = null;
    items = [];
    pending?.abort();
  };
  const choose = (textarea, index) => {
    const item = items[index];
    if (!item) return;
    textarea.value = item.text;
    closePop();
    textarea.focus();
    textarea.setSelectionRange(textarea.value.length, textarea.value.length);
  };
  const render = (form, textarea) => {
    if (!pop) {
      pop = document.createElement("ul");
      pop.className = "qr-pop";
      pop.id = "qr-pop";
      pop.setAttribute("role", "listbox");
      form.prepend(pop);
      textarea.setAttribute("aria-controls", "qr-pop");
    }
    pop.replaceChildren();
    if (items.length === 0) {
      const none = document.createElement("li");
      none.className = "qr-none";
      none.textContent = $("[data-note-toggle]", form)?.dataset.qrNone ?? "";
      pop.append(none);
      return;
    }
    items.forEach((item, i) => {
      const li = document.createElement("li");
      li.setAttribute("role", "option");
      li.id = `qr-${i}`;
      li.dataset.qrIndex = String(i);
      li.setAttribute("aria-selected", i === active ? "true" : "false");
      const code = document.createElement("b");
      code.textContent = `/${item.code}`;
      const text = document.createElement("span");
      text.textContent = item.text;
      li.append(code, text);
      pop.append(li);
    });
    textarea.setAttribute("aria-activedescendant", `qr-${active}`);
    pop.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: "nearest" });
  };
  const lookup = (form, textarea) => {
    const m = /^\/(\S{0,32})$/.exec(textarea.value);
    if (!m || form.dataset.note === "1") return closePop();
    const base = (form.getAttribute("hx-post") || "").replace(/\/messages$/, "");
    pending?.abort();
    pending = new AbortController();
    fetch(`${base}/quick-replies?q=${encodeURIComponent(m[1])}`, {
      signal: pending.signal,
      headers: { accept: "application/json" },
    })
      .then((res) => (res.ok ? res.json() : []))
      .then((list) => {
        if (textarea.value !== m[0]) return;
        items = list;
        active = 0;
        render(form, textarea);
      })
      .catch(() => {});
  };
  document.addEventListener("input", (event) => {
    const textarea = event.target;
    if (!textarea.matches?.("#composer textarea")) return;
    clearTimeout(timer);
    timer = setTimeout(() => lookup(textarea.form, textarea), 120);
  });
  // Capture phase: runs before app.js's Enter-to-send.
  document.addEventListener(
    "keydown",
    (event) => {
      const textarea = event.target;
      if (!pop || !textarea.matches?.("#composer textarea")) return;
      const move = { ArrowDown: 1, ArrowUp: -1 }[event.key];
      if (move && items.length) {
        active = (active + move + items.length) % items.length;
        render(textarea.form, textarea);
      } else if ((event.key === "Enter" || event.key === "Tab") && !event.shiftKey && items.length) {
        choose(textarea, active);
      } else if (event.key === "Escape") {
        closePop();
      } else return;
      event.preventDefault();
      event.stopImmediatePropagation();
    },
    true,
  );
  document.addEventListener("mousedown", (event) => {
    if (event.target.closest?.(".qr-pop")) event.preventDefault(); // keep the composer focused
  });
  document.addEventListener("click", (event) => {
    const option = event.target.closest?.(".qr-pop [data-qr-index]");
    if (option) return choose($("#composer textarea"), Number(option.dataset.qrIndex));
    if (pop && !event.target.closest?.("#composer")) closePop();
  });
  document.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.target?.id === "chat-pane") closePop();
  });

  // A live refresh of the team bar waits while a menu or the ⋮ popover in it is open (it would close under the fingers).
  // Live refreshes (team bar, tab counts) also wait while the browser is offline; the next event brings them up to date.
  document.addEventListener("htmx:beforeRequest", (event) => {
    const elt = event.detail.elt;
    if (event.detail.requestConfig?.verb !== "get" || (elt?.id !== "team-bar" && elt?.id !== "chat-tabs")) return;
    if (!navigator.onLine || (elt.id === "team-bar" && elt.querySelector("details[open], :popover-open")))
      event.preventDefault();
  });
})();
