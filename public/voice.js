// Voice notes from the composer (views/chats/voice.tsx): records the microphone with MediaRecorder, shows the time and a
// level meter (AnalyserNode), and posts the clip as a file with `voice=1`; the server makes it the Ogg/Opus WhatsApp
// plays as a voice note (src/inbox/voice.ts). Cancel discards it; nothing leaves the browser before Send.
"use strict";
(() => {
  const $ = (selector, root = document) => root.querySelector(selector);
  const randomKey = () =>
    Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  // Ogg/Opus where the browser records it (Firefox), else WebM/Opus (Chromium, remuxed by the server), else MPEG-4.
  const TYPES = ["audio/ogg;codecs=opus", "audio/webm;codecs=opus", "audio/mp4"];
  const REASONS = {
    NotAllowedError: "denied",
    SecurityError: "denied",
    NotFoundError: "noMicrophone",
    OverconstrainedError: "noMicrophone",
    NotReadableError: "busy",
    AbortError: "busy",
  };
  let session = null;

  /** Shows a translated reason (a key of the error paragraph's data-*) or a text; "" clears it. */
  const say = (form, reason, text) => {
    const p = $("[data-voice-error]", form);
    if (p) p.textContent = text || (reason ? p.dataset[reason] : "");
  };
  const showBar = (form, on) => {
    $("[data-voice-bar]", form).hidden = !on;
    form.toggleAttribute("data-recording", on);
  };
  const clock = (ms) => {
    const s = Math.floor(ms / 1000);
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  };

  const start = async (form) => {
    if (session) return;
    say(form, "");
    // Plain-HTTP pages get no navigator.mediaDevices at all: say why, rather than blame the browser.
    if (!window.isSecureContext) return say(form, "insecure");
    if (!navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === "undefined") return say(form, "unsupported");
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (err) {
      return say(form, REASONS[err?.name] ?? "failed");
    }
    const mimeType = TYPES.find((t) => MediaRecorder.isTypeSupported(t));
    let recorder;
    try {
      recorder = new MediaRecorder(stream, { ...(mimeType ? { mimeType } : {}), audioBitsPerSecond: 32000 });
      recorder.start();
    } catch {
      for (const track of stream.getTracks()) track.stop();
      return say(form, "unsupported");
    }
    const chunks = [];
    recorder.addEventListener("dataavailable", (e) => e.data.size && chunks.push(e.data));
    const stopped = new Promise((resolve) => recorder.addEventListener("stop", resolve, { once: true }));
    recorder.addEventListener("error", () => finish(false).then(() => say(form, "failed")));
    const audio = new AudioContext();
    const analyser = audio.createAnalyser();
    analyser.fftSize = 1024;
    audio.createMediaStreamSource(stream).connect(analyser);
    session = { form, stream, recorder, chunks, stopped, audio, started: performance.now(), frame: 0 };
    showBar(form, true);
    $("[data-voice-send]", form).focus();
    const samples = new Uint8Array(analyser.fftSize);
    const time = $("[data-voice-time]", form);
    const meter = $("[data-voice-level]", form);
    let level = 0;
    const tick = () => {
      if (!session || session.form !== form) return;
      // The chat was swapped away while recording: let go of the microphone.
      if (!form.isConnected) return void finish(false);
      time.textContent = clock(performance.now() - session.started);
      analyser.getByteTimeDomainData(samples);
      let peak = 0;
      for (const v of samples) peak = Math.max(peak, Math.abs(v - 128) / 128);
      // Rises at once, falls slowly, as level meters do: a short syllable stays visible.
      level = Math.max(peak, level * 0.92);
      meter.value = level < 0.005 ? 0 : level;
      session.frame = requestAnimationFrame(tick);
    };
    tick();
  };

  /** Ends the recording: releases the microphone, and with `send` returns the clip (null when cancelled or empty). */
  const finish = async (send) => {
    const s = session;
    if (!s) return null;
    session = null;
    cancelAnimationFrame(s.frame);
    if (s.recorder.state !== "inactive") s.recorder.stop();
    await s.stopped;
    for (const track of s.stream.getTracks()) track.stop();
    s.audio.close().catch(() => {});
    showBar(s.form, false);
    $("[data-voice-level]", s.form).value = 0;
    $("[data-voice-time]", s.form).textContent = "0:00";
    if (!send || !s.chunks.length) return null;
    const type = s.recorder.mimeType || s.chunks[0].type || "audio/webm";
    const ext = type.includes("ogg") ? "ogg" : type.includes("mp4") ? "m4a" : "webm";
    return new File(s.chunks, `voice.${ext}`, { type });
  };

  /** Posts the clip like the file panel does (same route, same answer: the new bubble). */
  const post = async (form, file) => {
    const attach = document.getElementById("attach");
    if (!attach) return;
    const data = new FormData();
    data.set("_csrf", $("[name=_csrf]", form).value);
    data.set("key", randomKey());
    data.set("voice", "1");
    const quoted = $("[name=quoted]:not(:disabled)", form);
    if (quoted?.value) data.set("quoted", quoted.value);
    data.set("file", file);
    let res;
    try {
      res = await fetch(attach.getAttribute("hx-post"), {
        method: "POST",
        body: data,
        headers: { "HX-Request": "true", "HX-Current-URL": location.href },
      });
    } catch {
      return say(form, "failed");
    }
    const html = await res.text();
    if (!res.ok) {
      // A refusal the user can act on comes as a short fragment aimed at a form (HX-Retarget); anything else is generic.
      const text =
        res.headers.has("HX-Retarget") && new DOMParser().parseFromString(html, "text/html").body.textContent;
      return say(form, "failed", text?.trim());
    }
    // The same bubble may have come live (SSE) before this answer: it is not added twice.
    const id = /\bid="(m-\d+)"/.exec(html)?.[1];
    const list = document.querySelector(attach.getAttribute("hx-target"));
    if (list && !(id && document.getElementById(id))) htmx.swap(list, html, { swapStyle: "beforeend" });
    if (quoted?.value) $("[data-reply-cancel]", form)?.click();
    const scroller = $(".scroller");
    scroller?.scrollTo({ top: scroller.scrollHeight });
  };

  document.addEventListener("click", (event) => {
    const target = event.target.closest?.("[data-voice-start], [data-voice-cancel], [data-voice-send]");
    const form = target?.form;
    if (!form) return;
    if (target.matches("[data-voice-start]")) start(form);
    else if (target.matches("[data-voice-cancel]")) finish(false).then(() => $("[data-voice-start]", form)?.focus());
    else
      finish(true).then((file) => {
        if (file) return post(form, file);
      });
  });
  // Esc while recording discards the clip, like Cancel.
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && session) finish(false);
  });
})();
