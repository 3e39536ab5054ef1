// A tiny Prometheus metrics registry: counters, gauges, histograms with labels, and the text exposition format 0.0.4.

export type Labels = Record<string, string>;

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Seconds buckets for request latencies and queue waits. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

interface Metric {
  name: string;
  help: string;
  type: "counter" | "gauge" | "histogram";
  lines(): string[];
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

function labelText(names: readonly string[], values: readonly string[], extra?: [string, string]): string {
  const pairs = names.map((n, i) => `${n}="${escapeLabel(values[i] ?? "")}"`);
  if (extra) pairs.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  return pairs.length ? `{${pairs.join(",")}}` : "";
}

/** Series are keyed by their label values in the declared order. */
class Series<T> {
  readonly map = new Map<string, { values: string[]; state: T }>();
  constructor(readonly labelNames: readonly string[], readonly init: () => T) {}

  get(labels: Labels = {}): T {
    const values = this.labelNames.map((n) => {
      const v = labels[n];
      if (v === undefined) throw new Error(`metric label ${n} missing`);
      return v;
    });
    const key = values.join("\u0000");
    let entry = this.map.get(key);
    if (!entry) {
      entry = { values, state: this.init() };
      this.map.set(key, entry);
    }
    return entry.state;
  }
}

export class Counter<L extends string = never> implements Metric {
  readonly type = "counter";
  private readonly series: Series<{ v: number }>;
  constructor(readonly name: string, readonly help: string, labelNames: readonly L[] = []) {
    this.series = new Series(labelNames, () => ({ v: 0 }));
  }
  inc(labels?: Record<L, string>, by = 1): void {
    if (by < 0) throw new Error("counters only go up");
    this.series.get(labels).v += by;
  }
  lines(): string[] {
    return [...this.series.map.values()].map(({ values, state }) => `${this.name}${labelText(this.series.labelNames, values)} ${formatValue(state.v)}`);
  }
}

export class Gauge<L extends string = never> implements Metric {
  readonly type = "gauge";
  private readonly series: Series<{ v: number }>;
  constructor(readonly name: string, readonly help: string, labelNames: readonly L[] = []) {
    this.series = new Series(labelNames, () => ({ v: 0 }));
  }
  set(labels: Record<L, string> | undefined, value: number): void {
    this.series.get(labels).v = value;
  }
  inc(labels?: Record<L, string>, by = 1): void {
    this.series.get(labels).v += by;
  }
  dec(labels?: Record<L, string>, by = 1): void {
    this.series.get(labels).v -= by;
  }
  /** Drops every series (gauges rebuilt at each scrape). */
  reset(): void {
    this.series.map.clear();
  }
  lines(): string[] {
    return [...this.series.map.values()].map(({ values, state }) => `${this.name}${labelText(this.series.labelNames, values)} ${formatValue(state.v)}`);
  }
}

export class Histogram<L extends string = never> implements Metric {
  readonly type = "histogram";
  private readonly series: Series<{ counts: number[]; sum: number; count: number }>;
  readonly buckets: number[];
  constructor(readonly name: string, readonly help: string, labelNames: readonly L[] = [], buckets: readonly number[] = LATENCY_BUCKETS) {
    if (labelNames.includes("le" as L)) throw new Error("le is reserved");
    this.buckets = [...buckets].sort((a, b) => a - b);
    this.series = new Series(labelNames, () => ({ counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
  }
  observe(labels: Record<L, string> | undefined, value: number): void {
    const s = this.series.get(labels);
    this.buckets.forEach((b, i) => {
      if (value <= b) s.counts[i]!++;
    });
    s.sum += value;
    s.count++;
  }
  lines(): string[] {
    const out: string[] = [];
    const names = this.series.labelNames;
    for (const { values, state } of this.series.map.values()) {
      this.buckets.forEach((b, i) => out.push(`${this.name}_bucket${labelText(names, values, ["le", formatValue(b)])} ${state.counts[i]}`));
      out.push(`${this.name}_bucket${labelText(names, values, ["le", "+Inf"])} ${state.count}`);
      out.push(`${this.name}_sum${labelText(names, values)} ${formatValue(state.sum)}`);
      out.push(`${this.name}_count${labelText(names, values)} ${state.count}`);
    }
    return out;
  }
}

export type Collector = () => Promise<void> | void;

export class Registry {
  private readonly metrics = new Map<string, Metric>();
  private readonly collectors: Collector[] = [];

  private add<M extends Metric>(metric: M, labelNames: readonly string[]): M {
    if (!NAME.test(metric.name)) throw new Error(`bad metric name ${metric.name}`);
    for (const l of labelNames) if (!LABEL.test(l) || l.startsWith("__")) throw new Error(`bad label name ${l}`);
    if (this.metrics.has(metric.name)) throw new Error(`metric ${metric.name} registered twice`);
    this.metrics.set(metric.name, metric);
    return metric;
  }

  counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return this.add(new Counter<L>(name, help, labelNames), labelNames);
  }
  gauge<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return this.add(new Gauge<L>(name, help, labelNames), labelNames);
  }
  histogram<L extends string = never>(name: string, help: string, labelNames: readonly L[] = [], buckets?: readonly number[]): Histogram<L> {
    return this.add(new Histogram<L>(name, help, labelNames, buckets), labelNames);
  }

  /** Runs before each exposition (e.g. to read queue depths from the database); returns an unregister function. */
  onCollect(collector: Collector): () => void {
    this.collectors.push(collector);
    return () => {
      const i = this.collectors.indexOf(collector);
      if (i >= 0) this.collectors.splice(i, 1);
    };
  }

  /** The text exposition format (Content-Type: text/plain; version=0.0.4). */
  async expose(): Promise<string> {
    for (const collect of this.collectors) await collect();
    const out: string[] = [];
    for (const m of this.metrics.values()) {
      out.push(`# HELP ${m.name} ${escapeHelp(m.help)}`, `# TYPE ${m.name} ${m.type}`, ...m.lines());
    }
    return `${out.join("\n")}\n`;
  }
}

export const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
