// The composer's emoji picker: the vendored emoji-picker-element is imported on the first tap of an emoji button (pages do
// not carry it), shown in a popover kept inside the viewport above the button; a chosen emoji goes in at the caret.
"use strict";
(() => {
  const MARGIN = 8;
  const canPopover = typeof HTMLElement.prototype.showPopover === "function";
  const touch = matchMedia("(pointer: coarse)");
  /** The one popover holding the one picker (its emoji stay in IndexedDB); kept across htmx swaps. */
  let pop = null;
  let creating = null;
  /** The button that opened the picker last, and so the textarea its emoji go to. */
  let opener = null;

  const stylesheet = (href) =>
    new Promise((resolve, reject) => {
      const link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = href;
      link.onload = resolve;
      link.onerror = reject;
      document.head.append(link);
    });

  const field = () => opener?.closest("form")?.querySelector("textarea");

  /** Puts the emoji where the caret was (the selection survives the textarea losing focus to the picker). */
  const insert = (text) => {
    const area = field();
    if (!area) return;
    const start = area.selectionStart ?? area.value.length;
    area.setRangeText(text, start, area.selectionEnd ?? start, "end");
    area.dispatchEvent(new Event("input", { bubbles: true }));
    // On phones the on-screen keyboard would cover the picker: the textarea gets focus back only with a mouse.
    if (!touch.matches) area.focus();
  };

  /** Above the button, as wide and tall as the (visual) viewport allows. */
  const place = () => {
    const width = Math.min(360, document.documentElement.clientWidth - 2 * MARGIN);
    const bottom = opener.getBoundingClientRect().top - MARGIN;
    const height = Math.max(200, Math.min(420, bottom - MARGIN));
    const left = Math.min(
      Math.max(MARGIN, opener.getBoundingClientRect().left),
      document.documentElement.clientWidth - width - MARGIN,
    );
    Object.assign(pop.style, {
      width: `${width}px`,
      height: `${height}px`,
      left: `${left}px`,
      top: `${Math.max(MARGIN, bottom - height)}px`,
    });
  };

  const create = async (button) => {
    const { emojiPicker, emojiCss, emojiLocale, emojiData, emojiI18n } = button.dataset;
    const [picker, i18n] = await Promise.all([
      import(emojiPicker),
      emojiI18n ? import(emojiI18n) : null,
      stylesheet(emojiCss),
    ]);
    const Picker = picker.default;
    const element = new Picker({ locale: emojiLocale, dataSource: emojiData, ...(i18n ? { i18n: i18n.default } : {}) });
    element.addEventListener("emoji-click", (event) => insert(event.detail.unicode));
    const box = document.createElement("div");
    box.className = "emoji-popover";
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-label", button.getAttribute("aria-label") ?? "");
    if (canPopover) {
      box.popover = "auto";
      box.addEventListener("beforetoggle", (event) => {
        if (event.newState === "open") place();
      });
      box.addEventListener("toggle", (event) =>
        opener?.setAttribute("aria-expanded", String(event.newState === "open")),
      );
    }
    box.append(element);
    return box;
  };

  const isOpen = () => pop?.isConnected && (canPopover ? pop.matches(":popover-open") : !pop.hidden);
  const close = () => {
    if (!isOpen()) return;
    if (canPopover) pop.hidePopover();
    else {
      pop.hidden = true;
      opener?.setAttribute("aria-expanded", "false");
    }
  };
  const open = () => {
    if (!pop.isConnected) document.body.append(pop);
    if (canPopover) {
      if (!isOpen()) pop.showPopover();
      // From now on the button toggles the popover itself, and taps on it do not count as taps outside.
      opener.popoverTargetElement = pop;
    } else {
      pop.hidden = false;
      place();
      opener.setAttribute("aria-expanded", "true");
    }
  };

  document.addEventListener("click", async (event) => {
    const button = event.target.closest?.("[data-emoji-picker]");
    // Without the Popover API (iOS before 17): a tap outside closes it by hand.
    if (!canPopover && !button && !pop?.contains(event.target)) close();
    if (!button) return;
    opener = button;
    if (canPopover && button.popoverTargetElement === pop && pop?.isConnected) return; // the browser toggles it
    if (!canPopover && isOpen()) return close();
    try {
      creating ??= create(button);
      pop = await creating;
    } catch {
      creating = null; // e.g. offline on the first tap: the next tap tries again
      return;
    }
    open();
  });
  // Esc closes the picker (the browser does it for a popover) and nothing else: the page's own Esc (menus, the reply
  // strip, public/app.js) waits for the next one.
  window.addEventListener(
    "keydown",
    (event) => {
      if (event.key !== "Escape" || !isOpen()) return;
      event.stopPropagation();
      if (!canPopover) close();
    },
    true,
  );
  window.visualViewport?.addEventListener("resize", () => {
    if (isOpen()) place();
  });
})();
