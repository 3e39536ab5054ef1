// The one way tests wait: poll a condition until it holds, failing with a message that names what was awaited.

export interface WaitOptions {
  /** Give up after this many ms (default 5000). */
  timeout?: number;
  /** Ask the condition again after this many ms (default 50). */
  interval?: number;
  /** What is awaited, for the failure message (a function is read at failure time, e.g. to add a process's output). */
  message?: string | (() => string);
  /**
   * The condition is an assertion (e.g. `expect(…)` calls): one that throws means "not yet". At the deadline it runs
   * once more and its error is the failure, naming what is missing. Otherwise a throwing condition fails at once.
   */
  assertion?: boolean;
  /** Stop waiting early when this holds (e.g. the process under test exited): a failure as at the deadline. */
  stopIf?: () => boolean;
}

/** What a condition returns when it holds. */
export type Truthy<T> = Exclude<T, false | null | undefined | 0 | "">;

/**
 * Polls `condition` until it returns a truthy value and returns that value; throws when `timeout` passes first.
 * `options` may be just the timeout in ms.
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  options: number | WaitOptions = {},
): Promise<Truthy<T>> {
  const {
    timeout = 5000,
    interval = 50,
    message,
    assertion = false,
    stopIf,
  } = typeof options === "number" ? { timeout: options } : options;
  const deadline = Date.now() + timeout;
  let last: T | undefined;
  let stopped = false;
  for (;;) {
    if (assertion) {
      try {
        last = await condition();
        return (last ?? true) as Truthy<T>;
      } catch {
        // not yet
      }
    } else {
      last = await condition();
      if (last) return last as Truthy<T>;
    }
    if (Date.now() >= deadline) break;
    if (stopIf?.()) {
      stopped = true;
      break;
    }
    await Bun.sleep(Math.max(0, Math.min(interval, deadline - Date.now())));
  }
  if (assertion) return ((await condition()) ?? true) as Truthy<T>;
  const what = typeof message === "function" ? message() : (message ?? describe(condition));
  const ended = stopped ? "gave up (stopIf)" : `timed out after ${timeout} ms`;
  throw new Error(`${ended} waiting for ${what} (last: ${preview(last)})`);
}

/** The condition's own source, shortened: names what was awaited when no message was given. */
function describe(condition: () => unknown): string {
  const source = condition.toString().replace(/\s+/g, " ");
  return source.length > 160 ? `${source.slice(0, 157)}...` : source;
}

function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
