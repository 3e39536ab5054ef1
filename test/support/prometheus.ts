// A strict parser of the Prometheus text exposition format 0.0.4: throws on anything a Prometheus server would reject
// or that breaks the format's rules (grammar, escapes, TYPE/HELP placement, grouping, duplicates, histogram shape).

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: "counter" | "gauge" | "histogram" | "summary" | "untyped";
  help?: string;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

/** Values as Go's strconv.ParseFloat reads them (Prometheus does): NaN and Inf/Infinity in any case (prom-client writes "Nan"). */
function parseValue(text: string, line: number): number {
  if (/^\+?inf(inity)?$/i.test(text)) return Infinity;
  if (/^-inf(inity)?$/i.test(text)) return -Infinity;
  if (/^nan$/i.test(text)) return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text))
    throw new Error(`line ${line}: bad value ${JSON.stringify(text)}`);
  return Number(text);
}

function parseLabels(text: string, line: number): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let i = 1; // after "{"
  while (true) {
    if (text[i] === "}") return { labels, rest: text.slice(i + 1) };
    const name = LABEL_NAME.exec(text.slice(i))?.[0];
    if (!name) throw new Error(`line ${line}: bad label name at ${JSON.stringify(text.slice(i))}`);
    if (name.startsWith("__")) throw new Error(`line ${line}: reserved label name ${name}`);
    if (name in labels) throw new Error(`line ${line}: duplicate label ${name}`);
    i += name.length;
    if (text.slice(i, i + 2) !== '="') throw new Error(`line ${line}: expected =" after ${name}`);
    i += 2;
    let value = "";
    while (true) {
      const ch = text[i];
      if (ch === undefined || ch === "\n") throw new Error(`line ${line}: unterminated label value`);
      if (ch === '"') break;
      if (ch === "\\") {
        const next = text[i + 1];
        if (next === "\\") value += "\\";
        else if (next === '"') value += '"';
        else if (next === "n") value += "\n";
        else throw new Error(`line ${line}: bad escape \\${next}`);
        i += 2;
        continue;
      }
      value += ch;
      i++;
    }
    labels[name] = value;
    i++; // closing quote
    if (text[i] === ",") i++;
    else if (text[i] !== "}") throw new Error(`line ${line}: expected , or } after label ${name}`);
  }
}

/** The family a sample name belongs to (histogram/summary series have suffixes). */
function familyOf(name: string, families: Map<string, Family>): Family | undefined {
  for (const suffix of ["_bucket", "_sum", "_count", ""]) {
    if (!name.endsWith(suffix)) continue;
    const family = families.get(name.slice(0, name.length - suffix.length));
    if (!family) continue;
    if (suffix === "" || family.type === "histogram" || (family.type === "summary" && suffix !== "_bucket"))
      return family;
  }
  return undefined;
}

export function parsePrometheusText(text: string): Map<string, Family> {
  if (text !== "" && !text.endsWith("\n")) throw new Error("exposition must end with a newline");
  const families = new Map<string, Family>();
  const finished = new Set<string>();
  const seenSeries = new Set<string>();
  let current: Family | undefined;
  const lines = text.split("\n");
  lines.pop();
  lines.forEach((raw, index) => {
    const n = index + 1;
    if (raw.trim() === "") return;
    if (raw.startsWith("#")) {
      const m = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*)(?: (.*))?$/.exec(raw);
      if (!m) return; // plain comment
      const [, kind, name, rest = ""] = m;
      let family = families.get(name!);
      if (family && finished.has(name!)) throw new Error(`line ${n}: ${kind} for ${name} after its samples ended`);
      if (!family) {
        family = { name: name!, type: "untyped", samples: [] };
        families.set(name!, family);
      }
      if (current && current !== family) finished.add(current.name);
      current = family;
      if (kind === "TYPE") {
        if (!TYPES.has(rest)) throw new Error(`line ${n}: unknown type ${rest}`);
        if (family.samples.length) throw new Error(`line ${n}: TYPE for ${name} after its samples`);
        if ((family as { typed?: boolean }).typed) throw new Error(`line ${n}: second TYPE for ${name}`);
        (family as { typed?: boolean }).typed = true;
        family.type = rest as Family["type"];
      } else {
        if (family.help !== undefined) throw new Error(`line ${n}: second HELP for ${name}`);
        if (/\\[^\\n]/.test(rest.replace(/\\\\/g, ""))) throw new Error(`line ${n}: bad escape in HELP`);
        family.help = rest;
      }
      return;
    }
    const name = METRIC_NAME.exec(raw)?.[0];
    if (!name) throw new Error(`line ${n}: bad metric name in ${JSON.stringify(raw)}`);
    let rest = raw.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith("{")) ({ labels, rest } = parseLabels(rest, n));
    const parts = rest.split(" ");
    if (parts[0] !== "" || parts.length < 2 || parts.length > 3 || parts.some((p, i) => i > 0 && p === "")) {
      throw new Error(`line ${n}: expected "<name>{labels} <value> [timestamp]", got ${JSON.stringify(raw)}`);
    }
    const value = parseValue(parts[1]!, n);
    if (parts[2] !== undefined && !/^-?\d+$/.test(parts[2])) throw new Error(`line ${n}: bad timestamp`);
    let family = familyOf(name, families);
    if (!family) {
      family = { name, type: "untyped", samples: [] };
      families.set(name, family);
    }
    if (finished.has(family.name)) throw new Error(`line ${n}: samples of ${family.name} are not grouped together`);
    if (current && current !== family) finished.add(current.name);
    current = family;
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seenSeries.has(key)) throw new Error(`line ${n}: duplicate series ${key}`);
    seenSeries.add(key);
    if (family.type === "counter" && (value < 0 || Number.isNaN(value)))
      throw new Error(`line ${n}: counter ${name} is ${value}`);
    if (family.type === "histogram" && name.endsWith("_bucket") && labels.le === undefined)
      throw new Error(`line ${n}: bucket without le`);
    if (family.type !== "histogram" && family.type !== "summary" && "le" in labels && family.type !== "untyped") {
      throw new Error(`line ${n}: le label on a ${family.type}`);
    }
    family.samples.push({ name, labels, value });
  });
  for (const family of families.values()) if (family.type === "histogram") checkHistogram(family);
  return families;
}

function checkHistogram(family: Family): void {
  const groups = new Map<string, { buckets: [number, number][]; sum?: number; count?: number }>();
  for (const s of family.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const g = groups.get(key) ?? { buckets: [] };
    groups.set(key, g);
    if (s.name === `${family.name}_bucket`) g.buckets.push([parseValue(le!, 0), s.value]);
    else if (s.name === `${family.name}_sum`) g.sum = s.value;
    else if (s.name === `${family.name}_count`) g.count = s.value;
    else throw new Error(`histogram ${family.name} has a stray sample ${s.name}`);
  }
  for (const [key, g] of groups) {
    if (g.sum === undefined || g.count === undefined)
      throw new Error(`histogram ${family.name}${key} lacks _sum or _count`);
    const inf = g.buckets.find(([le]) => le === Infinity);
    if (!inf) throw new Error(`histogram ${family.name}${key} lacks the +Inf bucket`);
    if (inf[1] !== g.count)
      throw new Error(`histogram ${family.name}${key}: +Inf bucket ${inf[1]} != count ${g.count}`);
    const sorted = [...g.buckets].sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i]![0] === sorted[i - 1]![0])
        throw new Error(`histogram ${family.name}${key}: duplicate le ${sorted[i]![0]}`);
      if (sorted[i]![1] < sorted[i - 1]![1])
        throw new Error(`histogram ${family.name}${key}: buckets are not cumulative`);
    }
  }
}
