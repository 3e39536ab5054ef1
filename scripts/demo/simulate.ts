// Simulated customers: they write to the demo numbers every few seconds (text, photos, voice notes, documents),
// answer whatever is sent to them, and a demo colleague answers some of them through the app like a manager would.
import type { FakeGreenApi } from "../../test/fakes/green-api/index.ts";
import type { DemoAgent } from "./agent.ts";
import { CUSTOMERS, type Customer, type Step } from "./customers.ts";
import { documentPdf, picturePng, voiceWav } from "./media.ts";

export interface DemoNumber {
  /** The instance id inside the app. */
  appId: number;
  idInstance: number;
}

export interface SimulationOptions {
  fake: FakeGreenApi;
  numbers: [DemoNumber, DemoNumber];
  /** Signed in as the demo colleague (answers some customers through the app). */
  colleague: DemoAgent;
  /** Average pause between two customer messages. */
  everyMs?: number;
  onError?: (err: unknown) => void;
}

interface CustomerState {
  customer: Customer;
  step: number;
  answered: number;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const jitter = (ms: number) => Math.round(ms * (0.6 + Math.random() * 0.8));

function payload(step: Step, c: Customer): Record<string, unknown> {
  // Files are announced on the fake's own host: on Green-API's storage hosts, the app would look them up on the internet.
  const who = { chatId: `${c.phone}@c.us`, senderName: c.name };
  const file = { ...who, fileUrl: "served" };
  switch (step.kind) {
    case "text":
      return { type: "textMessage", text: step.text, ...who };
    case "image":
      return {
        type: "imageMessage",
        fileName: "photo.png",
        mimeType: "image/png",
        caption: step.caption,
        base64: picturePng(step.hue).toString("base64"),
        ...file,
      };
    case "voice":
      return {
        type: "audioMessage",
        fileName: "voice-note.wav",
        mimeType: "audio/wav",
        base64: voiceWav(step.seconds, 180 + (c.phone.charCodeAt(3) % 9) * 15).toString("base64"),
        ...file,
      };
    case "document":
      return {
        type: "documentMessage",
        fileName: step.fileName,
        mimeType: "application/pdf",
        caption: step.caption ?? "",
        base64: documentPdf(step.title, step.lines).toString("base64"),
        ...file,
      };
  }
}

export function startSimulation(opts: SimulationOptions): { stop(): void } {
  const { fake, numbers, colleague } = opts;
  const everyMs = opts.everyMs ?? 4000;
  const report = opts.onError ?? (() => {});
  const states = CUSTOMERS.map((customer) => ({ customer, step: 0, answered: 0 }) satisfies CustomerState);
  const byChat = new Map(states.map((s) => [`${s.customer.phone}@c.us`, s]));
  const seenSent = numbers.map(() => 0);
  const colleagueLines = new Set<string>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let stopped = false;

  const later = (ms: number, fn: () => void | Promise<void>) => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (stopped) return;
      Promise.resolve().then(fn).catch(report);
    }, ms);
    timers.add(t);
  };

  function inject(s: CustomerState, message: Record<string, unknown>): void {
    const number = numbers[s.customer.number];
    fake.control.injectIncoming(number.idInstance, message as never);
  }

  /** The next line of a customer's script (scripts start over, so chats keep growing). */
  function write(s: CustomerState): void {
    const index = s.step % s.customer.script.length;
    inject(s, payload(s.customer.script[index]!, s.customer));
    s.step++;
    // The colleague answers most messages through the app, as a manager would.
    const reply = s.customer.colleague[index];
    if (reply && Math.random() < 0.8) later(jitter(6000), () => colleagueReply(s, reply));
  }

  async function colleagueReply(s: CustomerState, text: string): Promise<void> {
    const number = numbers[s.customer.number];
    colleagueLines.add(text);
    const res = await colleague.post(
      `/instances/${number.appId}/messages`,
      { to: s.customer.phone, text, key: crypto.randomUUID() },
      { accept: "application/json" },
    );
    await res.body?.cancel();
    if (res.status >= 300) throw new Error(`demo colleague could not send (HTTP ${res.status})`);
  }

  /** Anything sent to a customer (by the colleague or by you) gets an answer a few seconds later. */
  function watchSends(): void {
    numbers.forEach((number, i) => {
      const sent = fake.control.sentMessages(number.idInstance);
      for (const record of sent.slice(seenSent[i])) {
        const s = byChat.get(record.chatId);
        // Every reply of yours is answered; the colleague's only now and then.
        if (s && (!colleagueLines.has(record.text ?? "") || Math.random() < 0.35))
          later(jitter(6000), () =>
            inject(s, {
              type: "textMessage",
              text: s.customer.answers[s.answered++ % s.customer.answers.length]!,
              chatId: `${s.customer.phone}@c.us`,
              senderName: s.customer.name,
            }),
          );
      }
      seenSent[i] = sent.length;
    });
  }

  function tick(): void {
    // Those who said least go first, so every chat fills up.
    const fewest = Math.min(...states.map((s) => s.step));
    write(pick(states.filter((s) => s.step === fewest)));
  }

  const safely = (fn: () => void) => () => {
    try {
      fn();
    } catch (err) {
      report(err);
    }
  };
  // A first burst so chats appear at once, then a steady trickle.
  states.slice(0, 4).forEach((s, i) => {
    later(
      400 + i * 700,
      safely(() => write(s)),
    );
  });
  const loop = () =>
    later(jitter(everyMs), () => {
      safely(tick)();
      loop();
    });
  later(3000, loop);
  const watcher = setInterval(safely(watchSends), 1000);

  return {
    stop() {
      stopped = true;
      clearInterval(watcher);
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
