// The value of a metric monitor's query per group at one evaluation: space aggregation is
// already done by the source (store.ts); this file does time aggregation, rollups,
// arithmetic, is_greater, default_zero and change(), each the way Datadog documents it.
import { anomalyFractions, type AnomalyState } from "./anomaly";
import {
  type Expr,
  isPercentile,
  type MetricMonitorQuery,
  type MetricTerm,
  metricTerms,
  percentileRank,
  type RollupAggregation,
  UnmodelledError,
} from "./query";
import { lowerBound, type MomentSeries, type NumericSeries, type Series, SKETCH_BINS, type SketchSeries, sketchQuantile } from "./series";
import { type GroupData, groupKey, type MetricSource, type Shape } from "./store";

export interface TermPlan {
  term: MetricTerm;
  shape: Shape;
  /** Seconds per stored point. */
  step: number;
}

export interface QueryPlan {
  query: MetricMonitorQuery;
  delay: number;
  /**
   * Datadog's `.as_count()` evaluation path: with arithmetic and at least one `.as_count()`,
   * every term is aggregated over the window first and the arithmetic applies to those
   * totals (docs monitors/guide/as-count-in-monitor-evaluations, "as_count_eval_path").
   */
  asCountPath: boolean;
  terms: TermPlan[];
  /** The tags the query groups by (every grouped term groups by the same ones). */
  by: string[];
}

/** What an evaluation found for one group. */
export interface GroupResult {
  /** The group's key among the query's groups (store.ts groupKey). */
  key: string;
  tags: Record<string, string>;
  /** Undefined when the query returned nothing for the group: missing data, or a skipped evaluation. */
  value: number | undefined;
  /** Anomaly monitors: the anomalous fraction of the recovery window (used for recovery). */
  recoveryValue?: number;
}

const MINUTE = 60;
const NATIVE = 10;

/**
 * Decides, per term, what to keep and at which resolution. Minute-resolution storage is
 * lossless whenever every window the query reads starts and ends on a minute (evaluations
 * run on the minute; see time.ts), because sums and merged distributions over whole minutes
 * equal those over their 10 s flushes. Point-by-point arithmetic reads the native points.
 */
export function planQuery(query: MetricMonitorQuery, delay: number, source: Pick<MetricSource, "kind">): QueryPlan {
  const terms = metricTerms(query.expr);
  const asCount = terms.some((t) => t.asCount);
  const aligned = (s: number) => s % MINUTE === 0;
  const minuteWindows = aligned(query.window) && aligned(delay) && (!query.change || aligned(query.change.shift));
  const grouped = terms.filter((t) => t.by.length > 0);
  const by = grouped[0]?.by ?? [];
  for (const t of grouped) {
    if (t.by.join(",") !== by.join(","))
      throw new UnmodelledError(`arithmetic between queries grouped by different tags (${t.text})`, query.source);
  }
  const asCountPath = asCount && query.expr.kind !== "anomalies";
  if (asCountPath && query.time !== "sum") {
    // docs monitors/guide/as-count-in-monitor-evaluations: "Aggregation methods other than sum cannot be used with .as_count()".
    throw new UnmodelledError(`${query.time}() time aggregation with .as_count()`, query.source);
  }
  const plans = terms.map((term): TermPlan => {
    const kind = source.kind(term.metric);
    const shape = shapeOf(term, kind, query);
    let step: number;
    if (query.expr.kind === "anomalies") step = query.expr.spec.interval % MINUTE === 0 ? MINUTE : NATIVE;
    else if (query.time === "percentile") {
      if (!minuteWindows) throw new UnmodelledError("percentile() over a window or delay that is not whole minutes", query.source);
      step = MINUTE;
    } else if (asCountPath) {
      if (term.rollup) throw new UnmodelledError(".rollup() in an .as_count() formula", query.source);
      step = minuteWindows ? MINUTE : NATIVE;
    } else if (term.rollup) {
      step = minuteWindows && term.rollup.interval % MINUTE === 0 ? MINUTE : NATIVE;
      if (term.rollup.interval % NATIVE !== 0)
        throw new UnmodelledError(`a rollup interval of ${term.rollup.interval} s (not a multiple of the 10 s flush)`, query.source);
    } else step = NATIVE;
    if (shape === "sketch" && step !== MINUTE)
      throw new UnmodelledError(`${term.space}: at a resolution finer than one minute`, query.source);
    return { term, shape, step };
  });
  return { query, delay, asCountPath, terms: plans, by };
}

function shapeOf(term: MetricTerm, kind: ReturnType<MetricSource["kind"]>, query: MetricMonitorQuery): Shape {
  const q = query.source;
  if (kind === "count") {
    if (term.space !== "sum") throw new UnmodelledError(`the space aggregator ${term.space}: on a COUNT metric`, q);
    if (!term.asCount) throw new UnmodelledError(`a COUNT metric without .as_count() (${term.text})`, q);
    return "numeric";
  }
  if (kind === "gauge") {
    if (term.space !== "sum" && term.space !== "avg") throw new UnmodelledError(`the space aggregator ${term.space}: on a gauge`, q);
    if (term.space === "avg") throw new UnmodelledError(`avg: space aggregation of a gauge (${term.text})`, q);
    return "numeric";
  }
  if (kind === "distribution") {
    if (term.asCount) throw new UnmodelledError(`.as_count() on a distribution (${term.text})`, q);
    if (isPercentile(term.space)) return "sketch";
    if (term.space === "avg" || term.space === "sum" || term.space === "count") return "moments";
    throw new UnmodelledError(`the space aggregator ${term.space}: on a distribution`, q);
  }
  // A metric the source has never seen: it reads as no data, whatever the shape.
  return isPercentile(term.space) ? "sketch" : term.asCount ? "numeric" : "moments";
}

/** Points of one term for one group, inside a window, after its rollup. */
interface Points {
  times: ArrayLike<number>;
  values: ArrayLike<number>;
}

type Value = { kind: "scalar"; value: number } | { kind: "points"; points: Points } | { kind: "none" };

/** Evaluates one monitor query over a data source, one evaluation time after another (in increasing order). */
export class QueryEvaluator {
  private readonly data = new Map<MetricTerm, Map<string, GroupData>>();
  private readonly pooled = new Map<SketchSeries, SlidingSketch>();
  private readonly anomaly = new Map<string, AnomalyState>();
  readonly groupKeys: string[];
  readonly groupTags = new Map<string, Record<string, string>>();

  constructor(
    readonly plan: QueryPlan,
    private readonly source: MetricSource,
    private readonly percentilesEnabled: (metric: string) => boolean,
    private readonly recoveryWindow?: number,
    readable: (metric: string, tags: readonly string[]) => boolean = () => true,
    /** false: always the point-by-point path (the per-interval path must give the same values; test/evaluator.test.ts). */
    private readonly perInterval = true,
  ) {
    for (const t of plan.terms) {
      // docs metrics/distributions: percentiles exist only once enabled for the metric; before that a
      // pNN query (and percentile()) returns no data.
      const disabled = t.shape === "sketch" && !percentilesEnabled(t.term.metric);
      // docs metrics/metrics-without-limits: with a tag configuration only its allow-listed tags can
      // be queried; a scope or group-by on any other tag finds nothing.
      const hidden = !readable(t.term.metric, [...t.term.filters.map((f) => f.key), ...t.term.by]);
      this.data.set(t.term, disabled || hidden ? new Map() : source.read(t.term, t.shape, t.step));
    }
    const keys = new Set<string>();
    for (const t of plan.terms) {
      if (t.term.by.length === 0) continue;
      for (const [k, g] of this.data.get(t.term)!) {
        keys.add(k);
        this.groupTags.set(k, g.tags);
      }
    }
    if (plan.by.length === 0) {
      keys.add("");
      this.groupTags.set("", {});
    }
    this.groupKeys = [...keys].sort();
  }

  /** The stored series of one term for one group (the term's only series when it is ungrouped). */
  seriesOf(term: MetricTerm, key: string): Series | undefined {
    return this.group(term, key)?.series;
  }

  /** Values per group for the evaluation at `at` (epoch seconds). */
  evaluate(at: number): GroupResult[] {
    const out: GroupResult[] = [];
    for (let i = 0; i < this.groupKeys.length; i++) {
      const value = this.evaluateGroup(i, at);
      const recovery = this.lastRecovery;
      out.push({
        key: this.groupKeys[i],
        tags: this.groupTags.get(this.groupKeys[i])!,
        value,
        ...(recovery !== undefined ? { recoveryValue: recovery } : {}),
      });
    }
    return out;
  }

  /** The series of every term for group `i` (resolved once: evaluations ask millions of times). */
  private seriesAt(i: number): Series[] {
    let list = this.groupSeries[i];
    if (!list) {
      list = [];
      for (const t of this.plan.terms) {
        const s = this.seriesOf(t.term, this.groupKeys[i]);
        if (s) list.push(s);
      }
      this.groupSeries[i] = list;
    }
    return list;
  }
  private readonly groupSeries: Series[][] = [];

  /** Epoch second of the first point any term has for group `i` (Infinity when none). */
  firstPoint(i: number): number {
    let first = Infinity;
    for (const s of this.seriesAt(i)) if (s.times.length && s.times[0] < first) first = s.times[0];
    return first;
  }

  /** Whether group `i` has a point in the window of the evaluation at `at` (cheaper than its value). */
  reports(i: number, at: number): boolean {
    const to = at - this.plan.delay;
    const from = to - this.plan.query.window;
    for (const s of this.seriesAt(i)) {
      const j = lowerBound(s.times, from);
      if (j < s.times.length && s.times[j] < to) return true;
    }
    return false;
  }

  /** For anomaly monitors, the recovery window's fraction of the last `evaluateGroup` call. */
  lastRecovery: number | undefined;

  /** The value of group `i` at `at` (undefined: no value). */
  evaluateGroup(i: number, at: number): number | undefined {
    const { query, delay } = this.plan;
    const to = at - delay;
    const from = to - query.window;
    const key = this.groupKeys[i];
    let value: number | undefined;
    this.lastRecovery = undefined;
    if (query.expr.kind === "anomalies") {
      const r = this.anomalies(key, at);
      value = r.trigger;
      this.lastRecovery = r.recovery;
    } else if (query.time === "percentile") value = this.pooledPercentile(query.expr, key, from, to);
    else if (this.plan.asCountPath) value = this.totals(query.expr, key, from, to);
    else if (query.change) value = this.change(key, from, to);
    else if (this.grid !== undefined && this.zeroFillsActive(query.expr, key, Math.ceil(from / this.grid) * this.grid, to))
      value = this.gridValue(i, from, to);
    else {
      const summed = this.summedPoints(query.expr, query.time, key, from, to);
      value = summed === false ? aggregate(query.time, this.points(query.expr, key, from, to)) : summed;
    }
    return value !== undefined && Number.isFinite(value) ? value : undefined;
  }

  /**
   * The rollup interval shared by every term of a classic-path query whose `default_zero()`s each
   * wrap one term (`min(last_10m):default_zero(p95:...rollup(60)) * is_greater(...)`): such a
   * query is a value per interval, which `gridValue` computes once per complete interval instead
   * of once per window holding it. Undefined for any other query (the point-by-point path).
   */
  private get grid(): number | undefined {
    if (!this.perInterval) return undefined;
    if (this.gridInterval === null) {
      const { query } = this.plan;
      const terms = metricTerms(query.expr);
      const interval = terms[0]?.rollup?.interval;
      const zeroFillsOneTerm = (e: Expr): boolean =>
        e.kind === "default_zero"
          ? e.arg.kind === "metric"
          : e.kind === "binary"
            ? zeroFillsOneTerm(e.left) && zeroFillsOneTerm(e.right)
            : e.kind === "negate" || e.kind === "is_greater"
              ? zeroFillsOneTerm(e.arg)
              : e.kind !== "anomalies";
      const eligible =
        interval !== undefined &&
        !this.plan.asCountPath &&
        !query.change &&
        query.time !== "percentile" &&
        terms.every((t) => t.rollup?.interval === interval) &&
        zeroFillsOneTerm(query.expr);
      this.gridInterval = eligible ? interval : undefined;
    }
    return this.gridInterval;
  }
  private gridInterval: number | undefined | null = null;
  private readonly gridCache: { base: number; values: Float64Array; known: Uint8Array }[] = [];

  /** Whether every `default_zero(term)` of the query has a point in [from, to) (from: the first interval), so it fills. */
  private zeroFillsActive(e: Expr, key: string, from: number, to: number): boolean {
    switch (e.kind) {
      case "default_zero": {
        const s = e.arg.kind === "metric" ? this.group(e.arg.term, key)?.series : undefined;
        if (!s) return false;
        const i = lowerBound(s.times, from);
        return i < s.times.length && s.times[i] < to;
      }
      case "binary":
        return this.zeroFillsActive(e.left, key, from, to) && this.zeroFillsActive(e.right, key, from, to);
      case "negate":
      case "is_greater":
        return this.zeroFillsActive(e.arg, key, from, to);
      default:
        return true;
    }
  }

  /**
   * The time aggregation of the query's per-interval values in [from, to), each the same value
   * the point-by-point path gives that interval (pointValue: a missing operand drops the
   * interval, default_zero fills it with 0, division by zero drops it). Complete intervals are
   * computed once per group; evaluation times only increase, so the cache starts at the first window.
   */
  private gridValue(i: number, from: number, to: number): number | undefined {
    const interval = this.grid!;
    const key = this.groupKeys[i];
    const first = Math.ceil(from / interval) * interval;
    let cache = this.gridCache[i];
    if (!cache) cache = this.gridCache[i] = { base: first, values: new Float64Array(1024), known: new Uint8Array(1024) };
    const time = this.plan.query.time;
    let acc = time === "min" ? Infinity : time === "max" ? -Infinity : 0;
    let n = 0;
    for (let t = first; t < to; t += interval) {
      const end = Math.min(t + interval, to);
      const slot = end === t + interval ? (t - cache.base) / interval : -1;
      let v: number;
      if (slot >= 0 && slot < cache.known.length && cache.known[slot]) v = cache.values[slot];
      else {
        v = this.intervalValue(this.plan.query.expr, key, t, end);
        if (slot >= 0) {
          if (slot >= cache.known.length) cache = this.gridCache[i] = grown(cache, slot);
          cache.values[slot] = v;
          cache.known[slot] = 1;
        }
      }
      if (Number.isNaN(v)) continue;
      n++;
      if (time === "min") acc = v < acc ? v : acc;
      else if (time === "max") acc = v > acc ? v : acc;
      else acc += v;
    }
    if (n === 0) return undefined;
    if (time === "avg") return acc / n;
    if (time === "sum" || time === "min" || time === "max") return acc;
    throw new Error(`no aggregation ${time}`);
  }

  /** The query's value for the rollup interval [t, end) of one group, NaN for none (zero fills active). */
  private intervalValue(e: Expr, key: string, t: number, end: number): number {
    switch (e.kind) {
      case "number":
        return e.value;
      case "metric": {
        const s = this.group(e.term, key)?.series;
        if (!s) return NaN;
        const i = lowerBound(s.times, t);
        const j = lowerBound(s.times, end, i);
        return i === j ? NaN : (pointValueAt(s, e.term, i, j) ?? NaN);
      }
      case "negate":
        return -this.intervalValue(e.arg, key, t, end);
      case "is_greater": {
        const v = this.intervalValue(e.arg, key, t, end);
        return Number.isNaN(v) ? NaN : v > e.than ? 1 : 0;
      }
      case "default_zero": {
        const v = this.intervalValue(e.arg, key, t, end);
        return Number.isNaN(v) ? 0 : v;
      }
      case "binary": {
        const l = this.intervalValue(e.left, key, t, end);
        const r = this.intervalValue(e.right, key, t, end);
        if (Number.isNaN(l) || Number.isNaN(r)) return NaN;
        const v = apply(e.op, l, r);
        return v === undefined || !Number.isFinite(v) ? NaN : v;
      }
      case "anomalies":
        throw new UnmodelledError("anomalies() inside arithmetic", this.plan.query.source);
    }
  }

  /**
   * The sum or average of a lone term's native points straight from prefix sums (the same value
   * `aggregate` computes from its points, without materializing them); false where that does not apply.
   */
  private summedPoints(e: Expr, time: string, key: string, from: number, to: number): number | undefined | false {
    if (e.kind !== "metric" || e.term.rollup || (time !== "sum" && time !== "avg")) return false;
    const g = this.group(e.term, key);
    if (!g) return undefined;
    const s = g.series;
    let total: number;
    if (s.kind === "numeric") {
      const i = lowerBound(s.times, from);
      const j = lowerBound(s.times, to, i);
      if (i === j) return undefined;
      total = s.cum[j] - s.cum[i];
      return time === "sum" ? total : total / (j - i);
    }
    if (s.kind === "moments" && (e.term.space === "count" || e.term.space === "sum")) {
      const i = lowerBound(s.times, from);
      const j = lowerBound(s.times, to, i);
      if (i === j) return undefined;
      total = e.term.space === "count" ? s.cumCounts[j] - s.cumCounts[i] : s.cumSums[j] - s.cumSums[i];
      return time === "sum" ? total : total / (j - i);
    }
    return false;
  }

  private group(term: MetricTerm, key: string): GroupData | undefined {
    const groups = this.data.get(term)!;
    return term.by.length === 0 ? groups.get("") : groups.get(key);
  }

  // ---- .as_count() path: window totals first, arithmetic after ----
  private totals(e: Expr, key: string, from: number, to: number): number | undefined {
    switch (e.kind) {
      case "number":
        return e.value;
      case "metric": {
        const g = this.group(e.term, key);
        return g ? windowTotal(g.series, e.term, from, to) : undefined;
      }
      case "negate": {
        const v = this.totals(e.arg, key, from, to);
        return v === undefined ? undefined : -v;
      }
      case "is_greater": {
        // docs monitors/guide/add-a-minimum-request-threshold-for-error-rate-alerts: 1 where the query is above N, else 0.
        const v = this.totals(e.arg, key, from, to);
        return v === undefined ? undefined : v > e.than ? 1 : 0;
      }
      case "default_zero":
        // docs dashboards/functions/interpolation (Default zero): it fills empty intervals of a series
        // that has data; "If the evaluation window has no data points, default_zero() has no effect."
        return this.totals(e.arg, key, from, to);
      case "binary": {
        // docs monitors/guide/monitor-arithmetic-and-sparse-metrics: a missing operand makes the
        // result missing (the evaluation is skipped), it never counts as 0.
        const l = this.totals(e.left, key, from, to);
        const r = this.totals(e.right, key, from, to);
        return l === undefined || r === undefined ? undefined : apply(e.op, l, r);
      }
      case "anomalies":
        throw new UnmodelledError("anomalies() inside arithmetic", this.plan.query.source);
    }
  }

  // ---- classic path: point-by-point arithmetic, then time aggregation ----
  private points(e: Expr, key: string, from: number, to: number): Points | undefined {
    const v = this.pointValue(e, key, from, to);
    if (v.kind === "none") return undefined;
    if (v.kind === "points") return v.points;
    // A query that is only a constant has no points and no data.
    return undefined;
  }

  private pointValue(e: Expr, key: string, from: number, to: number): Value {
    switch (e.kind) {
      case "number":
        return { kind: "scalar", value: e.value };
      case "metric": {
        const g = this.group(e.term, key);
        if (!g) return { kind: "none" };
        const points = termPoints(g.series, e.term, from, to);
        return points.times.length ? { kind: "points", points } : { kind: "none" };
      }
      case "negate":
        return mapValue(this.pointValue(e.arg, key, from, to), (v) => -v);
      case "is_greater":
        return mapValue(this.pointValue(e.arg, key, from, to), (v) => (v > e.than ? 1 : 0));
      case "default_zero": {
        // docs dashboards/functions/interpolation: fills empty intervals with 0; no effect when the
        // window has no data point at all.
        const inner = this.pointValue(e.arg, key, from, to);
        if (inner.kind !== "points") return inner;
        const step = this.stepOf(e.arg);
        return { kind: "points", points: fillZero(inner.points, step, from, to) };
      }
      case "binary": {
        const l = this.pointValue(e.left, key, from, to);
        const r = this.pointValue(e.right, key, from, to);
        return combine(e.op, l, r);
      }
      case "anomalies":
        throw new UnmodelledError("anomalies() inside arithmetic", this.plan.query.source);
    }
  }

  private stepOf(e: Expr): number {
    const terms = metricTerms(e);
    const t = terms[0];
    if (!t) return NATIVE;
    return t.rollup?.interval ?? this.plan.terms.find((p) => p.term === t)!.step;
  }

  // ---- change(aggr(window), shift): docs monitors/types/change-alert ----
  private change(key: string, from: number, to: number): number | undefined {
    const q = this.plan.query;
    const { shift, percent } = q.change!;
    const now = this.points(q.expr, key, from, to);
    const before = this.points(q.expr, key, from - shift, to - shift);
    if (!now || !before) return undefined;
    // "it takes a query of the difference of the values between (1) and (2)": points are paired
    // by timestamp; a point with no counterpart a shift earlier has no difference.
    const diffs = { times: [] as number[], values: [] as number[] };
    let j = 0;
    for (let i = 0; i < now.times.length; i++) {
      const t = now.times[i];
      while (j < before.times.length && before.times[j] + shift < t) j++;
      if (j >= before.times.length) break;
      if (before.times[j] + shift !== t) continue;
      const a = now.values[i];
      const b = before.values[j];
      const d = percent ? (b === 0 ? NaN : ((a - b) / b) * 100) : a - b;
      if (Number.isFinite(d)) {
        diffs.times.push(t);
        diffs.values.push(d);
      }
    }
    return aggregate(q.time, diffs);
  }

  // ---- percentile(window): one percentile of every value in the window ----
  private pooledPercentile(e: Expr, key: string, from: number, to: number): number | undefined {
    if (e.kind !== "metric") return undefined;
    const g = this.group(e.term, key);
    if (!g) return undefined;
    if (g.series.kind !== "sketch") return exportPercentile(g.series, from, to);
    let sliding = this.pooled.get(g.series);
    if (!sliding) this.pooled.set(g.series, (sliding = new SlidingSketch(g.series)));
    // docs monitors/types/metric: percentile(pXX) "computes the percentile over the selected time window",
    // i.e. over every value of the window merged into one distribution (not an average of per-interval pXX).
    return sliding.quantile(from, to, percentileRank(e.term.space) / 100);
  }

  private anomalies(key: string, at: number): { trigger: number | undefined; recovery: number | undefined } {
    const e = this.plan.query.expr;
    if (e.kind !== "anomalies") throw new Error("not an anomaly query");
    const g = this.group(e.spec.term, key);
    if (!g) return { trigger: undefined, recovery: undefined };
    let state = this.anomaly.get(key);
    if (!state) this.anomaly.set(key, (state = { series: g.series, cache: new Map() }));
    return anomalyFractions(e.spec, state, at - this.plan.delay, this.recoveryWindow ?? e.spec.alertWindow);
  }
}

function apply(op: "+" | "-" | "*" | "/", l: number, r: number): number | undefined {
  switch (op) {
    case "+":
      return l + r;
    case "-":
      return l - r;
    case "*":
      return l * r;
    case "/":
      // "10/0" is rejected like "10/NaN" (docs monitors/guide/monitor-arithmetic-and-sparse-metrics).
      return r === 0 ? undefined : l / r;
  }
}

function mapValue(v: Value, f: (x: number) => number): Value {
  if (v.kind === "scalar") return { kind: "scalar", value: f(v.value) };
  if (v.kind === "points") {
    const values = new Float64Array(v.points.values.length);
    for (let i = 0; i < values.length; i++) values[i] = f(v.points.values[i]);
    return { kind: "points", points: { times: v.points.times, values } };
  }
  return v;
}

/** Point-by-point arithmetic: a timestamp counts only where every operand has a point. */
function combine(op: "+" | "-" | "*" | "/", l: Value, r: Value): Value {
  if (l.kind === "none" || r.kind === "none") return { kind: "none" };
  if (l.kind === "scalar" && r.kind === "scalar") {
    const v = apply(op, l.value, r.value);
    return v === undefined ? { kind: "none" } : { kind: "scalar", value: v };
  }
  const out = { times: [] as number[], values: [] as number[] };
  if (l.kind === "scalar" || r.kind === "scalar") {
    const pts = l.kind === "points" ? l.points : (r as { points: Points }).points;
    for (let i = 0; i < pts.times.length; i++) {
      const v = l.kind === "scalar" ? apply(op, l.value, pts.values[i]) : apply(op, pts.values[i], (r as { value: number }).value);
      if (v !== undefined && Number.isFinite(v)) {
        out.times.push(pts.times[i]);
        out.values.push(v);
      }
    }
  } else {
    const a = l.points;
    const b = (r as { points: Points }).points;
    let j = 0;
    for (let i = 0; i < a.times.length; i++) {
      while (j < b.times.length && b.times[j] < a.times[i]) j++;
      if (j < b.times.length && b.times[j] === a.times[i]) {
        const v = apply(op, a.values[i], b.values[j]);
        if (v !== undefined && Number.isFinite(v)) {
          out.times.push(a.times[i]);
          out.values.push(v);
        }
      }
    }
  }
  return out.times.length ? { kind: "points", points: out } : { kind: "none" };
}

function fillZero(p: Points, step: number, from: number, to: number): Points {
  const out = { times: [] as number[], values: [] as number[] };
  let i = 0;
  for (let t = Math.ceil(from / step) * step; t < to; t += step) {
    while (i < p.times.length && p.times[i] < t) i++;
    out.times.push(t);
    out.values.push(i < p.times.length && p.times[i] === t ? p.values[i] : 0);
  }
  return out;
}

/**
 * The monitor's time aggregation over the window's points (docs monitors/configuration,
 * "Aggregation method"): average, max, min or sum of the series. No point: no value.
 */
export function aggregate(time: string, p: Points | undefined): number | undefined {
  if (!p || p.values.length === 0) return undefined;
  const v = p.values;
  let acc = time === "min" ? Infinity : time === "max" ? -Infinity : 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (time === "min") acc = x < acc ? x : acc;
    else if (time === "max") acc = x > acc ? x : acc;
    else acc += x;
  }
  if (time === "avg") return acc / v.length;
  if (time === "sum" || time === "min" || time === "max") return acc;
  throw new Error(`no aggregation ${time}`);
}

/** Sum over the window of a term (the .as_count() path), or undefined when it has no point there. */
function windowTotal(s: Series, term: MetricTerm, from: number, to: number): number | undefined {
  const i = lowerBound(s.times, from);
  const j = lowerBound(s.times, to, i);
  if (i === j) return undefined;
  if (s.kind === "numeric") return s.cum[j] - s.cum[i];
  if (s.kind === "moments") {
    if (term.space === "count") return s.cumCounts[j] - s.cumCounts[i];
    if (term.space === "sum") return s.cumSums[j] - s.cumSums[i];
    throw new UnmodelledError(`${term.space}: of a distribution in an .as_count() formula`, term.text);
  }
  throw new UnmodelledError(`${term.space}: in an .as_count() formula`, term.text);
}

/** A term's points in [from, to): native points, or its rollup intervals (aligned to UNIX time). */
function termPoints(s: Series, term: MetricTerm, from: number, to: number): Points {
  const interval = term.rollup?.interval;
  if (!interval) {
    const i = lowerBound(s.times, from);
    const j = lowerBound(s.times, to, i);
    const times = s.times.subarray(i, j);
    if (s.kind === "numeric") return { times, values: s.values.subarray(i, j) };
    const values = new Float64Array(j - i);
    for (let k = i; k < j; k++) values[k - i] = pointValueAt(s, term, k, k + 1) ?? NaN;
    return { times, values };
  }
  // docs dashboards/functions/rollup, "Rollups in monitors": "The start and end of rollup intervals
  // are aligned to UNIX time ... a monitor may evaluate (and trigger on) an incomplete rollup
  // interval": the last interval holds only the data up to the end of the window.
  const first = Math.ceil(from / interval) * interval;
  const n = Math.max(0, Math.ceil((to - first) / interval));
  const times = new Float64Array(n);
  const values = new Float64Array(n);
  let k = 0;
  const cache = intervalCache(s, term, interval);
  for (let t = first; t < to; t += interval) {
    // A complete interval has the same value in every window that holds it: computed once (the
    // store is written in full before any evaluation). NaN: the interval has no value.
    const complete = t + interval <= to;
    const slot = cache && complete ? (t - cache.base) / interval : -1;
    let v: number;
    if (slot >= 0 && slot < cache!.known.length && cache!.known[slot]) v = cache!.values[slot];
    else {
      const i = lowerBound(s.times, t);
      const j = lowerBound(s.times, Math.min(t + interval, to), i);
      v = i === j ? NaN : (pointValueAt(s, term, i, j) ?? NaN);
      if (slot >= 0 && slot < cache!.known.length) {
        cache!.values[slot] = v;
        cache!.known[slot] = 1;
      }
    }
    if (!Number.isNaN(v)) {
      times[k] = t;
      values[k++] = v;
    }
  }
  return { times: times.subarray(0, k), values: values.subarray(0, k) };
}

/** The values of a series' complete rollup intervals, by slot from the interval holding its first point. */
interface IntervalCache {
  base: number;
  values: Float64Array;
  known: Uint8Array;
}

/**
 * Per series, the cache of its complete intervals per term reading it (`p95:` and `count:` of one
 * distribution share a series; a term's rollup is fixed).
 */
const rollupCache = new WeakMap<Series, Map<MetricTerm, IntervalCache>>();

function intervalCache(s: Series, term: MetricTerm, interval: number): IntervalCache | undefined {
  if (s.times.length === 0) return undefined;
  let byTerm = rollupCache.get(s);
  if (!byTerm) rollupCache.set(s, (byTerm = new Map()));
  let cache = byTerm.get(term);
  if (!cache) {
    const base = Math.floor(s.times[0] / interval) * interval;
    const slots = Math.floor((s.times[s.times.length - 1] - base) / interval) + 1;
    byTerm.set(term, (cache = { base, values: new Float64Array(slots), known: new Uint8Array(slots) }));
  }
  return cache;
}

function grown(c: { base: number; values: Float64Array; known: Uint8Array }, slot: number) {
  const size = Math.max(slot + 1, c.known.length * 2);
  const values = new Float64Array(size);
  const known = new Uint8Array(size);
  values.set(c.values);
  known.set(c.known);
  return { base: c.base, values, known };
}

/** The value of points [i, j) merged into one: a rollup interval, or one native point (j = i + 1). */
function pointValueAt(s: Series, term: MetricTerm, i: number, j: number): number | undefined {
  if (s.kind === "numeric") {
    const agg: RollupAggregation = term.rollup?.aggregation ?? (term.asCount ? "sum" : "avg");
    if (j === i + 1) return s.values[i];
    return rollupNumbers(agg, s.values, i, j, s.cum);
  }
  if (s.kind === "moments") {
    // Distributions merge in time and space at once: the interval's avg is its total over its
    // count, whatever rollup aggregator is written (docs metrics/faq/rollup-for-distributions-with-percentiles).
    const count = s.cumCounts[j] - s.cumCounts[i];
    const sum = s.cumSums[j] - s.cumSums[i];
    if (count <= 0) return undefined;
    if (term.space === "count") return count;
    if (term.space === "sum") return sum;
    return sum / count;
  }
  return sketchPercentile(s, i, j, percentileRank(term.space) / 100);
}

function rollupNumbers(agg: RollupAggregation, values: Float64Array, i: number, j: number, cum: Float64Array): number {
  switch (agg) {
    case "sum":
      return cum[j] - cum[i];
    case "avg":
      return (cum[j] - cum[i]) / (j - i);
    case "count":
      return j - i;
    case "min": {
      let m = Infinity;
      for (let k = i; k < j; k++) m = Math.min(m, values[k]);
      return m;
    }
    case "max": {
      let m = -Infinity;
      for (let k = i; k < j; k++) m = Math.max(m, values[k]);
      return m;
    }
  }
}

const scratch = new Float64Array(SKETCH_BINS);

function sketchPercentile(s: SketchSeries, i: number, j: number, q: number): number | undefined {
  const lo = s.offsets[i];
  const hi = s.offsets[j];
  if (hi <= lo) return undefined;
  let top = 0;
  let bottom = SKETCH_BINS;
  for (let k = lo; k < hi; k++) {
    const b = s.bins[k];
    scratch[b]++;
    if (b > top) top = b;
    if (b < bottom) bottom = b;
  }
  const v = sketchQuantile(scratch, hi - lo, q, top, bottom);
  for (let k = lo; k < hi; k++) scratch[s.bins[k]] = 0;
  return v;
}

/** One sketch merged over a window that only moves forward: values enter and leave once each. */
class SlidingSketch {
  private readonly counts = new Float64Array(SKETCH_BINS);
  private i = 0;
  private j = 0;
  private top = 0;
  private bottom = SKETCH_BINS;

  constructor(private readonly s: SketchSeries) {}

  quantile(from: number, to: number, q: number): number | undefined {
    const s = this.s;
    const i = lowerBound(s.times, from);
    const j = lowerBound(s.times, to);
    if (i < this.i || j < this.j) this.reset();
    for (let k = this.j; k < j; k++) this.add(k, 1);
    this.j = Math.max(this.j, j);
    for (let k = this.i; k < i; k++) this.add(k, -1);
    this.i = Math.max(this.i, i);
    const total = s.offsets[this.j] - s.offsets[this.i];
    if (total <= 0) {
      this.top = 0;
      this.bottom = SKETCH_BINS;
      return undefined;
    }
    return sketchQuantile(this.counts, total, q, this.top, this.bottom);
  }

  private add(k: number, sign: number): void {
    const s = this.s;
    for (let o = s.offsets[k]; o < s.offsets[k + 1]; o++) {
      const b = s.bins[o];
      this.counts[b] += sign;
      if (sign > 0) {
        if (b > this.top) this.top = b;
        if (b < this.bottom) this.bottom = b;
      }
    }
  }

  private reset(): void {
    this.counts.fill(0);
    this.i = 0;
    this.j = 0;
    this.top = 0;
    this.bottom = SKETCH_BINS;
  }
}

/**
 * A percentile() monitor over an export: Datadog's API returns one value per interval, and a
 * percentile of a window can only be read off an interval that is exactly that window.
 */
function exportPercentile(s: NumericSeries | MomentSeries, from: number, to: number): number | undefined {
  if (s.kind !== "numeric" || s.step !== to - from) return undefined;
  const i = lowerBound(s.times, from);
  return i < s.times.length && s.times[i] === from ? s.values[i] : undefined;
}

export { groupKey };
