// The media viewer: a tap on a photo or video of the conversation opens it full screen in the pane's <dialog
// id="media-viewer"> (views/chats/viewer.tsx), with previous/next over the chat's photos and videos on the page (buttons,
// arrow keys, a swipe), the caption and a download button. Without scripts the bubble's link opens the file itself.
"use strict";
(() => {
  const SWIPE = 50;
  let links = [];
  let index = 0;
  let swipe = null;

  const dialog = () => document.getElementById("media-viewer");
  const part = (name) => dialog().querySelector(`[data-viewer-${name}]`);

  const media = (link) => {
    if (link.dataset.viewer === "video") {
      const video = document.createElement("video");
      video.controls = true;
      video.autoplay = true;
      video.playsInline = true;
      return video;
    }
    const img = document.createElement("img");
    img.alt = link.querySelector("img")?.alt ?? "";
    img.draggable = false;
    return img;
  };

  const show = (i) => {
    index = Math.max(0, Math.min(links.length - 1, i));
    const link = links[index];
    const item = media(link);
    item.src = link.href;
    part("stage").replaceChildren(item);
    part("caption").textContent = link.closest(".msg")?.querySelector(".msg-text")?.textContent ?? "";
    part("count").textContent = dialog()
      .dataset.count.replace("{n}", String(index + 1))
      .replace("{total}", String(links.length));
    dialog().querySelector(".viewer-prev").hidden = index === 0;
    dialog().querySelector(".viewer-next").hidden = index === links.length - 1;
    // The next photo is fetched ahead, so a swipe shows it at once.
    const next = links[index + 1];
    if (next?.dataset.viewer === "image") new Image().src = next.href;
  };

  const open = (link) => {
    const box = dialog();
    links = [...document.querySelectorAll(".messages a[data-viewer]")];
    if (!box || !links.includes(link)) return false;
    show(links.indexOf(link));
    box.showModal();
    return true;
  };

  document.addEventListener("click", (event) => {
    const link = event.target.closest?.("a[data-viewer]");
    if (link) {
      // A new tab on purpose (Ctrl/⌘/Shift or the middle button) stays what the browser does.
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      if (open(link)) event.preventDefault();
      return;
    }
    const box = event.target.closest?.("#media-viewer");
    if (!box) return;
    const step = event.target.closest("[data-viewer-step]");
    if (step) show(index + Number(step.dataset.viewerStep));
    else if (event.target.closest("[data-viewer-close]")) box.close();
    else if (event.target.closest("[data-viewer-download]")) {
      // The file itself, saved under the name the media route gives it (Content-Disposition).
      const save = document.createElement("a");
      save.href = links[index].href;
      save.download = "";
      save.click();
    }
  });

  // Ahead of the page's own keys (window, capturing): Esc closes the dialog by itself, and must not also close the menus
  // and the reply strip behind it (public/app.js).
  window.addEventListener(
    "keydown",
    (event) => {
      if (!dialog()?.open) return;
      if (event.key === "Escape") event.stopPropagation();
      else if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
        // Arrow keys on a video's controls seek it: elsewhere they change the item.
        if (event.target.tagName === "VIDEO") return;
        event.preventDefault();
        show(index + (event.key === "ArrowRight" ? 1 : -1));
      }
    },
    true,
  );

  // A swipe left or right anywhere on the viewer (pointer events: touch, pen or a dragged mouse), but for a video's
  // control bar, where a finger seeks; the browser keeps vertical panning and pinch zoom (touch-action in viewer.css).
  const CONTROLS = 56;
  document.addEventListener("pointerdown", (event) => {
    const target = event.target;
    if (!event.isPrimary || !target.closest?.("#media-viewer")) return;
    if (target.tagName === "VIDEO" && event.clientY > target.getBoundingClientRect().bottom - CONTROLS) return;
    swipe = { x: event.clientX, y: event.clientY, id: event.pointerId };
  });
  document.addEventListener("pointerup", (event) => {
    if (!swipe || event.pointerId !== swipe.id) return;
    const dx = event.clientX - swipe.x;
    const dy = event.clientY - swipe.y;
    swipe = null;
    if (Math.abs(dx) >= SWIPE && Math.abs(dx) > 2 * Math.abs(dy) && dialog()?.open) show(index + (dx < 0 ? 1 : -1));
  });
  document.addEventListener("pointercancel", () => {
    swipe = null;
  });
  // A closed viewer lets go of its video (it stops playing) and photo.
  document.addEventListener(
    "close",
    (event) => {
      if (event.target.id === "media-viewer") part("stage").replaceChildren();
    },
    true,
  );
})();
