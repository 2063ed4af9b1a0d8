// Backtests: replay exported Datadog history through a monitor. The exports are responses of
// Datadog's `GET /api/v1/query` (API spec, QueryMetrics: `from`, `to` in seconds since the epoch,
// `query`; response `{series: [{metric, scope, tag_set, expression, pointlist: [[ms, value], ...],
// interval}], from_date, to_date, query}`), one per metric query the monitor reads.
import * as fs from "node:fs";
import * as path from "node:path";
import type { ScenarioCatalog } from "./catalog";
import { ESTIMATED_USAGE_METRIC } from "../monitors/cross-feature";
import { compositeConstituents, evaluateComposite, evaluateMonitor, type MonitorRun, type MonitorUnderTest, monitorPlan } from "./monitor";
import { metricTerms, type MetricTerm, parseMetricMonitorQuery, UnmodelledError } from "./query";
import { numericSeries } from "./series";
import { type GroupData, groupKey, type MetricKind, type MetricSource, type Shape } from "./store";

export interface ExportSeries {
  metric?: string;
  scope?: string;
  tag_set?: string[];
  expression?: string;
  pointlist: [number, number | null][];
  /** Milliseconds between points (API spec MetricsQueryMetadata.interval). */
  interval?: number;
}

export interface QueryExport {
  query: string;
  from_date?: number;
  to_date?: number;
  series: ExportSeries[];
}

export class ExportError extends Error {}

/** The query to export for a term: as written, and a percentile() term rolled up to the monitor's window. */
export function exportQuery(term: MetricTerm, plan: { time: string; window: number }): string {
  if (plan.time === "percentile" && !term.rollup) return `${term.text}.rollup(${plan.window})`;
  return term.text;
}

const normalize = (q: string) => q.replace(/\s+/g, "");

/** Reads every `*.json` export of a file or a directory. */
export function readExports(fileOrDir: string): QueryExport[] {
  if (!fs.existsSync(fileOrDir)) throw new ExportError(`${fileOrDir}: no such file or directory`);
  const files = fs.statSync(fileOrDir).isDirectory()
    ? fs
        .readdirSync(fileOrDir)
        .filter((f) => f.endsWith(".json"))
        .sort()
        .map((f) => path.join(fileOrDir, f))
    : [fileOrDir];
  return files.map((file) => {
    let doc: unknown;
    try {
      doc = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
      throw new ExportError(`${file}: not valid JSON (${(e as Error).message})`);
    }
    const d = doc as Partial<QueryExport>;
    if (typeof d?.query !== "string" || !Array.isArray(d.series))
      throw new ExportError(`${file}: not a GET /api/v1/query response (needs "query" and "series")`);
    d.series.forEach((s, i) => {
      if (!Array.isArray(s?.pointlist)) throw new ExportError(`${file}: series[${i}].pointlist is missing`);
    });
    return d as QueryExport;
  });
}

/** Tags of an exported series from its tag_set (or scope), e.g. ["provider:openai"] -> {provider: "openai"}. */
function tagsOf(s: ExportSeries): Record<string, string> {
  const list = s.tag_set?.length ? s.tag_set : (s.scope ?? "").split(",");
  const out: Record<string, string> = {};
  for (const t of list) {
    const i = t.indexOf(":");
    if (i > 0) out[t.slice(0, i).trim()] = t.slice(i + 1).trim();
  }
  return out;
}

/** Exports as a MetricSource: each term reads the export of its own query, at the export's interval. */
export class ExportSource implements MetricSource {
  readonly exact = false;
  private readonly byQuery = new Map<string, QueryExport[]>();

  constructor(
    exports: QueryExport[],
    private readonly contract: ScenarioCatalog["contract"],
    /** Term text -> the query its data was exported with. */
    private readonly exportQueries: ReadonlyMap<string, string>,
  ) {
    for (const e of exports) {
      const key = normalize(e.query);
      this.byQuery.set(key, [...(this.byQuery.get(key) ?? []), e]);
    }
  }

  kind(metric: string): MetricKind | undefined {
    if (metric === ESTIMATED_USAGE_METRIC) return "gauge";
    return Object.values(this.contract.metrics).find((m) => m.name === metric)?.type;
  }

  has(term: MetricTerm): boolean {
    return this.byQuery.has(normalize(this.exportQueries.get(term.text) ?? term.text));
  }

  read(term: MetricTerm, _shape: Shape, _step: number): Map<string, GroupData> {
    void _shape;
    void _step;
    const exports = this.byQuery.get(normalize(this.exportQueries.get(term.text) ?? term.text)) ?? [];
    const points = new Map<string, { tags: Record<string, string>; byTime: Map<number, number>; interval?: number }>();
    for (const e of exports) {
      for (const s of e.series) {
        const all = tagsOf(s);
        const tags = Object.fromEntries(term.by.map((k) => [k, all[k] ?? ""]));
        const key = groupKey(term.by, tags);
        let g = points.get(key);
        if (!g) points.set(key, (g = { tags, byTime: new Map(), interval: s.interval ? s.interval / 1000 : undefined }));
        for (const [ms, v] of s.pointlist) if (v !== null && Number.isFinite(v)) g.byTime.set(Math.round(ms / 1000), v);
      }
    }
    const out = new Map<string, GroupData>();
    for (const [key, g] of points) {
      const times = [...g.byTime.keys()].sort((a, b) => a - b);
      let gap = Infinity;
      for (let i = 1; i < times.length; i++) gap = Math.min(gap, times[i] - times[i - 1]);
      const step = Number.isFinite(gap) ? gap : (g.interval ?? 60);
      out.set(key, {
        tags: g.tags,
        series: numericSeries(step, Float64Array.from(times), Float64Array.from(times.map((t) => g.byTime.get(t)!))),
      });
    }
    return out;
  }

  /** [first, last] epoch seconds covered by the exports. */
  span(): [number, number] {
    let from = Infinity;
    let to = -Infinity;
    for (const list of this.byQuery.values()) {
      for (const e of list) {
        if (e.from_date !== undefined) from = Math.min(from, e.from_date / 1000);
        if (e.to_date !== undefined) to = Math.max(to, e.to_date / 1000);
        for (const s of e.series)
          for (const [ms] of s.pointlist) {
            from = Math.min(from, ms / 1000);
            to = Math.max(to, ms / 1000);
          }
      }
    }
    return [from, to];
  }
}

export interface NeededQuery {
  monitor: string;
  query: string;
}

/** The metric queries a monitor (and, for a composite, its constituents) reads, each once. */
export function neededQueries(m: MonitorUnderTest, all: readonly MonitorUnderTest[], byId: ReadonlyMap<string, string>): NeededQuery[] {
  const out: NeededQuery[] = [];
  const seen = new Set<string>();
  const visit = (x: MonitorUnderTest) => {
    if (x.body.type === "composite") {
      for (const ref of compositeConstituents(x)) {
        const c = all.find((y) => y.id === byId.get(ref));
        if (c) visit(c);
      }
      return;
    }
    if (x.body.type === "slo alert")
      throw new UnmodelledError("backtesting an slo alert monitor (its SLO's good and total counts are not exported)", x.body.query);
    const q = parseMetricMonitorQuery(x.body.query);
    for (const t of metricTerms(q.expr)) {
      const query = exportQuery(t, q);
      if (!seen.has(query)) {
        seen.add(query);
        out.push({ monitor: x.id, query });
      }
    }
  };
  visit(m);
  return out;
}

/** The export command the README documents for one query (API spec: GET /api/v1/query?from&to&query). */
export function exportCommand(site: string, query: string, file: string): string {
  const host = site === "datadoghq.com" ? "api.datadoghq.com" : `api.${site}`;
  return [
    `curl -sfG "https://${host}/api/v1/query"`,
    `-H "DD-API-KEY: $DD_API_KEY" -H "DD-APPLICATION-KEY: $DD_APP_KEY"`,
    `--data-urlencode "from=$FROM" --data-urlencode "to=$TO"`,
    `--data-urlencode ${shellQuote(`query=${query}`)} > ${file}`,
  ].join(" \\\n    ");
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface BacktestResult {
  monitor: MonitorUnderTest;
  from: number;
  to: number;
  run: MonitorRun;
  missing: string[];
}

/** Replays the exports through the monitor (and its constituents) over the span they cover. */
export function backtest(
  m: MonitorUnderTest,
  all: readonly MonitorUnderTest[],
  byId: ReadonlyMap<string, string>,
  exports: QueryExport[],
  contract: ScenarioCatalog["contract"],
): BacktestResult {
  const needed = neededQueries(m, all, byId);
  const have = new Set(exports.map((e) => normalize(e.query)));
  const missing = needed.map((n) => n.query).filter((q) => !have.has(normalize(q)));
  const queries = new Map<string, string>();
  const register = (x: MonitorUnderTest) => {
    if (x.body.type === "composite") {
      for (const ref of compositeConstituents(x)) {
        const c = all.find((y) => y.id === byId.get(ref));
        if (c) register(c);
      }
      return;
    }
    const q = parseMetricMonitorQuery(x.body.query);
    for (const t of metricTerms(q.expr)) queries.set(t.text, exportQuery(t, q));
  };
  register(m);
  const source = new ExportSource(exports, contract, queries);
  const [first, last] = source.span();
  const evaluate = (x: MonitorUnderTest): MonitorRun => {
    const plan = monitorPlan(x, source)!;
    return evaluateMonitor(x, { source, percentilesEnabled: () => true, from: first + plan.query.window + plan.delay, to: last });
  };
  let run: MonitorRun;
  if (m.body.type === "composite") {
    const runs = new Map<string, MonitorRun>();
    for (const ref of compositeConstituents(m)) {
      const c = all.find((y) => y.id === byId.get(ref));
      if (c) runs.set(ref, evaluate(c));
    }
    run = evaluateComposite(m, runs);
  } else run = evaluate(m);
  return { monitor: m, from: first, to: last, run, missing };
}
