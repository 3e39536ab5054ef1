// GreenInbox service worker: the static shell and an offline page, Web Push notifications and their clicks.
// Only the shell is cached (hashed CSS/JS, icons, the offline page): pages, API answers and media always go to the
// network, so nothing private is kept on the device. The server puts the shell's current URLs in `self.SHELL` before
// this file (GET /sw.js), so a new release is a new worker that replaces the old cache.
"use strict";
const SHELL = Array.isArray(self.SHELL) ? self.SHELL : [];
const OFFLINE = "/public/offline.html";
const CACHE = `greeninbox-shell-${self.SHELL_VERSION || "dev"}`;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([...new Set([...SHELL, OFFLINE])]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(names.filter((n) => n.startsWith("greeninbox-") && n !== CACHE).map((n) => caches.delete(n))),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // A page: always the network; the offline page only when the network fails.
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).catch(() => caches.match(OFFLINE, { ignoreVary: true }).then((r) => r || Response.error())),
    );
    return;
  }
  // The shell: from the cache (its URLs carry the file's hash); everything else is left to the network.
  if (url.pathname.startsWith("/public/") && SHELL.includes(url.pathname + url.search)) {
    event.respondWith(caches.match(request, { ignoreVary: true }).then((hit) => hit || fetch(request)));
  }
});

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { body: event.data ? event.data.text() : "" };
  }
  const title = data.title || "GreenInbox";
  event.waitUntil(
    self.registration.showNotification(title, {
      body: data.body || "",
      tag: data.tag || "greeninbox",
      renotify: true,
      icon: "/public/icons/icon-192.png",
      badge: "/public/icons/icon-192.png",
      data: { url: data.url || "/chats" },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.url || "/chats", self.location.origin);
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const exact = windows.find((w) => new URL(w.url).pathname === target.pathname);
      if (exact) return exact.focus();
      const any = windows.find((w) => new URL(w.url).origin === target.origin);
      const open = () => self.clients.openWindow(target.href);
      // navigate() works only for a tab this worker controls: otherwise a new window.
      if (any) return any.navigate(target.href).then((w) => (w ? w.focus() : open()), open);
      return open();
    }),
  );
});
