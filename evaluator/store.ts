// Metric storage the way Datadog keeps what DogStatsD sends: one series per metric name and
// tag-value combination, one point per flush (docs developers/dogstatsd/data_aggregation:
// "All values that correspond to the same metric name and the same tags are aggregated
// together into a single value"; COUNT: the sum; DISTRIBUTION: a global distribution).
//
// A query never reads every series, so the store keeps, per query term ("view"), exactly the
// space aggregation that term asks for: points of the series matching its scope, summed (or
// merged, for distributions) per group of its `by` tags, at the resolution the evaluation
// needs. Generation routes each emitted value to the views of its metric, in time order.
import type { MetricTerm, ScopeFilter } from "./query";
import { Growable, momentSeries, numericSeries, type Series, type SketchSeries } from "./series";

export type MetricKind = "count" | "distribution" | "gauge";
export type Shape = "numeric" | "moments" | "sketch";

export interface GroupData {
  /** The group's tag values, by the term's `by` keys ({} for an ungrouped term). */
  tags: Record<string, string>;
  series: Series;
}

export interface MetricWriter {
  /** False when no query reads the metric: callers may skip it. */
  readonly watched: boolean;
  addNumber(seriesId: number, at: number, value: number): void;
  addValue(seriesId: number, at: number, value: number, bin: number): void;
}

/** Where an evaluation reads metric data from: generated traffic, or a backtest export. */
export interface MetricSource {
  kind(metric: string): MetricKind | undefined;
  /** The term's groups, space-aggregated, at `step` seconds per point. Empty when nothing matches. */
  read(term: MetricTerm, shape: Shape, step: number): Map<string, GroupData>;
  /** True when the data is what Datadog stores (a scenario), false when it is an export at a coarser interval. */
  readonly exact: boolean;
}

export function groupKey(by: readonly string[], tags: Readonly<Record<string, string>>): string {
  return by.map((k) => `${k}:${tags[k] ?? ""}`).join(",");
}

export function matchesScope(filters: readonly ScopeFilter[], tags: Readonly<Record<string, string>>): boolean {
  for (const f of filters) {
    const v = tags[f.key];
    const hit = v !== undefined && (f.prefix ? v.startsWith(f.value) : v === f.value);
    if (hit === f.negated) return false;
  }
  return true;
}

interface GroupBuffer {
  tags: Record<string, string>;
  times: Growable<Float64Array>;
  a: Growable<Float64Array>;
  b: Growable<Float64Array>;
  offsets: Growable<Int32Array>;
  bins: Growable<Uint16Array>;
  /** Bucket being accumulated, or NaN. */
  bucket: number;
  accA: number;
  accB: number;
}

const EMPTY_F64 = Growable.f64(0);
const EMPTY_I32 = Growable.i32(0);
const EMPTY_U16 = Growable.u16(0);

class View {
  readonly groups: GroupBuffer[] = [];
  private readonly byKey = new Map<string, number>();

  constructor(
    readonly term: MetricTerm,
    readonly shape: Shape,
    readonly step: number,
  ) {}

  /** The group a series belongs to in this view, or -1 when the series does not match the term's scope. */
  groupOf(tags: Readonly<Record<string, string>>): number {
    if (!matchesScope(this.term.filters, tags) || this.term.by.some((k) => tags[k] === undefined)) return -1;
    const key = groupKey(this.term.by, tags);
    let g = this.byKey.get(key);
    if (g === undefined) {
      g = this.groups.length;
      this.byKey.set(key, g);
      // Only the arrays this shape fills: thousands of groups (tenants) must stay cheap.
      const sketch = this.shape === "sketch";
      this.groups.push({
        tags: Object.fromEntries(this.term.by.map((k) => [k, tags[k]])),
        times: Growable.f64(),
        a: sketch ? EMPTY_F64 : Growable.f64(),
        b: this.shape === "moments" ? Growable.f64() : EMPTY_F64,
        offsets: sketch ? Growable.i32() : EMPTY_I32,
        bins: sketch ? Growable.u16() : EMPTY_U16,
        bucket: NaN,
        accA: 0,
        accB: 0,
      });
    }
    return g;
  }

  private roll(g: GroupBuffer, at: number): void {
    const bucket = Math.floor(at / this.step) * this.step;
    if (bucket === g.bucket) return;
    this.close(g);
    g.bucket = bucket;
    if (this.shape === "sketch") g.offsets.push(g.bins.length);
  }

  private close(g: GroupBuffer): void {
    if (Number.isNaN(g.bucket)) return;
    g.times.push(g.bucket);
    if (this.shape !== "sketch") g.a.push(g.accA);
    if (this.shape === "moments") g.b.push(g.accB);
    g.accA = 0;
    g.accB = 0;
    g.bucket = NaN;
  }

  addNumber(g: number, at: number, value: number): void {
    const buf = this.groups[g];
    this.roll(buf, at);
    buf.accA += value;
  }

  addValue(g: number, at: number, value: number, bin: number): void {
    const buf = this.groups[g];
    this.roll(buf, at);
    if (this.shape === "sketch") buf.bins.push(bin);
    else {
      buf.accA += 1;
      buf.accB += value;
    }
  }

  finish(): void {
    for (const g of this.groups) {
      this.close(g);
      if (this.shape === "sketch" && g.offsets.length > g.times.length) g.offsets.length = g.times.length;
    }
  }

  series(g: GroupBuffer): Series {
    const times = g.times.view();
    if (this.shape === "numeric") return numericSeries(this.step, times, g.a.view());
    if (this.shape === "moments") return momentSeries(this.step, times, g.a.view(), g.b.view());
    const offsets = new Int32Array(times.length + 1);
    offsets.set(g.offsets.view().subarray(0, times.length));
    offsets[times.length] = g.bins.length;
    const sketch: SketchSeries = { kind: "sketch", step: this.step, times, offsets, bins: g.bins.view() };
    return sketch;
  }
}

interface MetricEntry {
  kind: MetricKind;
  views: View[];
  tags: Record<string, string>[];
  byTags: Map<string, number>;
  /**
   * Per series: where its (view, group) pairs start in `routeData` (-1 until its first point), and
   * how many there are. One shared array: millions of series must not mean millions of allocations.
   */
  routeAt: Int32Array;
  routeLen: Int32Array;
  routeData: Growable<Int32Array>;
}

/** Where a series' points go: every view whose scope it matches, with its group there. Returns the start in routeData. */
function routeOf(entry: MetricEntry, seriesId: number): number {
  if (seriesId >= entry.routeAt.length) {
    const at = new Int32Array(Math.max(entry.routeAt.length * 2, seriesId + 1)).fill(-1);
    at.set(entry.routeAt);
    const len = new Int32Array(at.length);
    len.set(entry.routeLen);
    entry.routeAt = at;
    entry.routeLen = len;
  }
  let start = entry.routeAt[seriesId];
  if (start >= 0) return start;
  start = entry.routeData.length;
  let n = 0;
  entry.views.forEach((v, i) => {
    const g = v.groupOf(entry.tags[seriesId]);
    if (g >= 0) {
      entry.routeData.push(i);
      entry.routeData.push(g);
      n++;
    }
  });
  entry.routeAt[seriesId] = start;
  entry.routeLen[seriesId] = n;
  return start;
}

/**
 * Storage for generated traffic. Declare the metrics, register the query terms to keep
 * (`watch`), then emit in time order and `finish()`; after that it is a MetricSource.
 */
export class MetricStore implements MetricSource {
  readonly exact = true;
  private readonly metrics = new Map<string, MetricEntry>();
  private readonly views = new Map<string, View>();
  private finished = false;

  /** `percentiles`: distribution metrics whose percentiles are enabled (docs metrics/distributions). */
  constructor(private readonly percentiles: ReadonlySet<string>) {}

  declare(name: string, kind: MetricKind): void {
    if (!this.metrics.has(name))
      this.metrics.set(name, {
        kind,
        views: [],
        tags: [],
        byTags: new Map(),
        routeAt: new Int32Array(0),
        routeLen: new Int32Array(0),
        routeData: Growable.i32(),
      });
  }

  kind(metric: string): MetricKind | undefined {
    return this.metrics.get(metric)?.kind;
  }

  hasPercentiles(metric: string): boolean {
    return this.percentiles.has(metric);
  }

  /** Keeps the data `term` reads, in `shape`, at `step` seconds per point. Call before emitting. */
  watch(term: MetricTerm, shape: Shape, step: number): void {
    const entry = this.metrics.get(term.metric);
    if (!entry) return;
    const key = viewKey(term, shape, step);
    if (this.views.has(key)) return;
    const view = new View(term, shape, step);
    this.views.set(key, view);
    entry.views.push(view);
    entry.routeAt.fill(-1);
    entry.routeData.length = 0;
  }

  /**
   * Id of the series `metric{tags}` (tags as the emitter sends them, env included). `key`, when
   * given, must identify the tag set uniquely; it saves building one from the tags.
   */
  series(metric: string, tags: Record<string, string>, key?: string): number {
    const entry = this.metrics.get(metric);
    if (!entry) throw new Error(`metric ${metric} is not declared`);
    key ??= Object.keys(tags)
      .sort()
      .map((k) => `${k}:${tags[k]}`)
      .join(",");
    let id = entry.byTags.get(key);
    if (id === undefined) {
      id = entry.tags.length;
      entry.tags.push(tags);
      entry.byTags.set(key, id);
    }
    return id;
  }

  /** A fast path for one metric: its entry resolved once, for millions of calls. */
  writer(metric: string): MetricWriter {
    const entry = this.metrics.get(metric);
    // A metric nothing declared is read by no query: writing to it does nothing.
    if (!entry) return { watched: false, addNumber: () => undefined, addValue: () => undefined };
    const views = entry.views;
    return {
      watched: views.length > 0,
      addNumber(seriesId: number, at: number, value: number) {
        const start = routeOf(entry, seriesId);
        const end = start + 2 * entry.routeLen[seriesId];
        const r = entry.routeData.raw();
        for (let i = start; i < end; i += 2) views[r[i]].addNumber(r[i + 1], at, value);
      },
      addValue(seriesId: number, at: number, value: number, bin: number) {
        const start = routeOf(entry, seriesId);
        const end = start + 2 * entry.routeLen[seriesId];
        const r = entry.routeData.raw();
        for (let i = start; i < end; i += 2) views[r[i]].addValue(r[i + 1], at, value, bin);
      },
    };
  }

  /** A count increment or a gauge value at `at` (epoch seconds). */
  addNumber(metric: string, seriesId: number, at: number, value: number): void {
    this.writer(metric).addNumber(seriesId, at, value);
  }

  /** One value of a distribution; `bin` is its sketch bucket (series.ts sketchBin). */
  addValue(metric: string, seriesId: number, at: number, value: number, bin: number): void {
    this.writer(metric).addValue(seriesId, at, value, bin);
  }

  /** True when some registered view reads this metric (generation can skip the others). */
  isWatched(metric: string): boolean {
    return (this.metrics.get(metric)?.views.length ?? 0) > 0;
  }

  finish(): void {
    for (const v of this.views.values()) v.finish();
    this.finished = true;
  }

  read(term: MetricTerm, shape: Shape, step: number): Map<string, GroupData> {
    if (!this.finished) throw new Error("read() before finish()");
    const view = this.views.get(viewKey(term, shape, step));
    const out = new Map<string, GroupData>();
    if (!view) return out;
    for (const g of view.groups) out.set(groupKey(term.by, g.tags), { tags: g.tags, series: view.series(g) });
    return out;
  }
}

function viewKey(term: MetricTerm, shape: Shape, step: number): string {
  const scope = term.filters
    .map((f) => `${f.negated ? "!" : ""}${f.key}:${f.value}${f.prefix ? "*" : ""}`)
    .sort()
    .join(",");
  return `${term.metric}{${scope}} by {${term.by.join(",")}} ${shape} ${step}`;
}
