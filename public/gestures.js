// Bubble gestures and menu placement: a long-press (or the context menu) opens a bubble's menu, a swipe to the right
// starts a reply to it (as the menu's Reply does), and an open bubble menu is placed next to its bubble inside the viewport.
"use strict";
(() => {
  const HOLD_MS = 500; // how long a finger rests on a bubble to open its menu
  const SLOP = 10; // px a resting finger may drift
  const SWIPE = 64; // px to the right that start a reply
  const MARGIN = 8; // px kept free between a menu and the viewport's edges

  const clamp = (value, low, high) => Math.max(low, Math.min(value, high));
  const menuOf = (msg) => msg?.querySelector(":scope > details.msg-actions");
  // Players and form fields keep their own drags; links and buttons also their own long-press and context menu.
  const ownDrag = (target) => target.closest("audio, video, input, textarea, select");
  const ownHold = (target) => ownDrag(target) || target.closest("a[href], button");
  /** The message whose bubble `target` is in, when that bubble has a menu. */
  const bubbleMsg = (target) => {
    const msg = target.closest?.(".msg .bubble")?.closest(".msg");
    return menuOf(msg) && !ownDrag(target) ? msg : null;
  };

  /** Opens a bubble's menu (the toggle below places it); other bubbles' menus close. */
  const openMenu = (msg) => {
    const details = menuOf(msg);
    if (!details || details.open) return;
    for (const other of document.querySelectorAll("details.msg-actions[open]")) other.open = false;
    details.open = true;
  };
  const closeMenus = () => {
    for (const details of document.querySelectorAll("details.msg-actions[open]")) details.open = false;
  };

  /** Next to its ⋮ when that is shown, else next to the bubble: above it when there is room, else below; clamped. */
  const place = (details) => {
    const menu = details.querySelector(":scope > .menu");
    if (!menu) return;
    const summary = details.querySelector(":scope > summary").getBoundingClientRect();
    const bubble = details.closest(".msg")?.querySelector(".bubble")?.getBoundingClientRect();
    const anchor = summary.width > 1 || !bubble ? summary : bubble;
    const view = document.documentElement;
    menu.style.maxHeight = `${view.clientHeight - 2 * MARGIN}px`;
    menu.style.left = "0px";
    menu.style.top = "0px";
    const { width, height } = menu.getBoundingClientRect();
    const out = details.closest(".msg-out") !== null;
    const left = clamp(out ? anchor.right - width : anchor.left, MARGIN, view.clientWidth - MARGIN - width);
    const above = anchor.top - 4 - height;
    const top = above >= MARGIN ? above : clamp(anchor.bottom + 4, MARGIN, view.clientHeight - MARGIN - height);
    menu.style.left = `${Math.round(left)}px`;
    menu.style.top = `${Math.round(top)}px`;
    details.dataset.placed = "";
  };
  // Capture: toggle does not bubble. Registered after app.js's, which fills the menu's reactions first.
  document.addEventListener(
    "toggle",
    (event) => {
      const details = event.target;
      if (!(details instanceof HTMLDetailsElement) || !details.matches("details.msg-actions")) return;
      if (details.open) place(details);
      else delete details.dataset.placed;
    },
    true,
  );
  // A placed menu would stay behind while its bubble moves.
  document.addEventListener(
    "scroll",
    (event) => {
      if (event.target instanceof Element && event.target.matches(".scroller")) closeMenus();
    },
    true,
  );
  window.addEventListener("resize", closeMenus);

  // The context menu (a right click, or a long-press on Android) opens the bubble's menu instead of the browser's.
  document.addEventListener("contextmenu", (event) => {
    const msg = bubbleMsg(event.target);
    if (!msg || ownHold(event.target)) return;
    event.preventDefault();
    openMenu(msg);
  });

  // Touch and pen: hold to open the menu, swipe right to reply. `press` is the finger on a bubble.
  let press = null;
  let swallowUntil = 0;
  const release = () => {
    if (!press) return;
    clearTimeout(press.timer);
    press.bubble.style.removeProperty("translate");
    delete press.msg.dataset.swiping;
    press = null;
  };
  document.addEventListener("pointerdown", (event) => {
    release();
    const msg = event.pointerType !== "mouse" && event.isPrimary ? bubbleMsg(event.target) : null;
    if (!msg) return;
    const bubble = msg.querySelector(".bubble");
    press = { id: event.pointerId, msg, bubble, x: event.clientX, y: event.clientY, dx: 0, swiping: false };
    if (ownHold(event.target)) return;
    press.timer = setTimeout(() => {
      press.held = true;
      openMenu(msg);
    }, HOLD_MS);
  });
  document.addEventListener("pointermove", (event) => {
    if (!press || press.held || event.pointerId !== press.id) return;
    const dx = event.clientX - press.x;
    const dy = event.clientY - press.y;
    if (!press.swiping) {
      if (Math.hypot(dx, dy) <= SLOP) return;
      clearTimeout(press.timer);
      if (dx <= Math.abs(dy) || !press.msg.querySelector("[data-reply]")) return release();
      press.swiping = true;
      press.msg.dataset.swiping = "";
    }
    press.dx = clamp(dx, 0, SWIPE * 1.25);
    press.bubble.style.translate = `${Math.round(press.dx)}px 0`;
  });
  document.addEventListener("pointerup", (event) => {
    if (!press || event.pointerId !== press.id) return;
    const reply = press.swiping && press.dx >= SWIPE && press.msg.querySelector("[data-reply]");
    if (press.held) swallowUntil = event.timeStamp + 400;
    release();
    // app.js fills the reply strip above the composer from the button's data, as a tap on Reply does.
    if (reply) reply.click();
  });
  document.addEventListener("pointercancel", release);
  // A click right after a long-press would close the menu it opened (app.js closes menus on outside clicks).
  document.addEventListener(
    "click",
    (event) => {
      if (event.timeStamp > swallowUntil) return;
      swallowUntil = 0;
      event.preventDefault();
      event.stopPropagation();
    },
    true,
  );
})();
