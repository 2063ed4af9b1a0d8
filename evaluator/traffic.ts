// Scenario traffic, generated the way the emitter sends it (emit/emitter.ts: the contract's
// metric names and tags, `env` from DD_ENV, no host tag) and stored the way DogStatsD and
// Datadog keep it: one point per series per 10-second flush.
//
// Not one object per request: per flush and feature, the number of requests is a Poisson
// draw, and each request only picks its (tenant, provider) cell from an alias table, its
// outcome from a Bernoulli draw and its latencies from precomputed lognormal quantile tables.
// Splitting a Poisson count over cells this way gives each cell an independent Poisson count
// (the splitting property), so the per-flush aggregates per tag combination are distributed
// exactly as if each combination were drawn on its own.
import { TAG, VERDICT_VALUES } from "../config/contract";
import type { ScenarioCatalog, ScenarioFeature } from "./catalog";
import { ESTIMATED_USAGE_METRIC, ESTIMATED_USAGE_TAG } from "../monitors/cross-feature";
import { AliasTable, lognormalThrough, normalQuantile, Random } from "./random";
import { errorShare, type Scenario, type ScenarioEvent, type TrafficParams } from "./scenario";
import { featureSlo, latencyThresholds } from "../config/slo";
import { sketchBin } from "./series";
import type { MetricStore, MetricWriter } from "./store";
import { FLUSH_SECONDS, HOUR, isNight, parseDuration } from "./time";

const [GOOD, BAD] = VERDICT_VALUES;
/** The bucket value the emitter sends for providers a feature does not declare (emit/guards.ts BUCKET). */
const OTHER = "other";
const DEFAULT_TENANTS = 20;
const DEFAULTS = {
  ttftMs: { p50: "0.5x", p95: "0.75x" },
  totalMs: { p50: "0.5x", p95: "0.75x" },
  retrievalMs: { p50: "0.5x", p95: "0.75x" },
  costUsdPerRequest: "0.5x",
  judgeScore: { mean: 85, sd: 8 },
  errorRate: 0,
} as const;

type Relative = number | string;

/** Lognormal values through p50/p95, pre-binned for the sketch: one uniform draw per value. */
class Sampler {
  static readonly SIZE = 4096;
  readonly values = new Float64Array(Sampler.SIZE);
  readonly bins = new Uint16Array(Sampler.SIZE);
  constructor(p50: number, p95: number) {
    const { mu, sigma } = lognormalThrough(p50, p95);
    for (let i = 0; i < Sampler.SIZE; i++) {
      const v = Math.exp(mu + sigma * normalQuantile((i + 0.5) / Sampler.SIZE));
      this.values[i] = v;
      this.bins[i] = sketchBin(v);
    }
  }
}

interface Resolved {
  tenants: number;
  /** Requests per minute at time t (day or night). */
  rate: (t: number) => number;
  providers: Record<string, number>;
  errorRate: number;
  ttft: [number, number];
  total: [number, number];
  retrieval: [number, number];
  cost: number;
  costMultiplier: number;
  judgeMean: number;
  judgeSd: number;
  judgeStalled: boolean;
}

/** What a request of one (tenant, provider) cell looks like. */
interface Cell {
  rate: number;
  errorRate: number;
  ttft: Sampler;
  total: Sampler;
  retrieval: Sampler;
  cost: number;
  judgeMean: number;
  judgeSd: number;
  judge: boolean;
  /** The feature's SLI thresholds when it has SLOs: the emitter then counts latency and quality verdicts. */
  sli?: { ttftMs: number; totalMs: number; passScore: number };
}

interface CellIds {
  ok: number;
  error: number;
  cost: number;
  ttft: number;
  duration: number;
  judge: number;
  retrieval: number[];
  tokens: number[];
  /** `llm.slo.events` series: [good, bad] for latency, then for quality (per feature: no tenant or provider). */
  sloLatency: [number, number];
  sloQuality: [number, number];
}

interface Writers {
  requests: MetricWriter;
  cost: MetricWriter;
  ttft: MetricWriter;
  duration: MetricWriter;
  judge: MetricWriter;
  retrieval: MetricWriter;
  tokens: MetricWriter;
  usage: MetricWriter;
  slo: MetricWriter;
}

export interface TrafficOptions {
  catalog: ScenarioCatalog;
  store: MetricStore;
  /** Distribution metrics with percentiles enabled: they bill 10 custom metrics per series instead of 5. */
  percentiles: ReadonlySet<string>;
}

/** Emits the scenario's traffic into the store, in time order, then finishes it. */
export function generateTraffic(s: Scenario, o: TrafficOptions): void {
  const { catalog, store } = o;
  const m = catalog.contract.metrics;
  const env = catalog.stack.env;
  const w: Writers = {
    requests: store.writer(m.requests.name),
    cost: store.writer(m.cost.name),
    ttft: store.writer(m.ttft.name),
    duration: store.writer(m.duration.name),
    judge: store.writer(m.judgeScore.name),
    retrieval: store.writer(m.retrievalDuration.name),
    tokens: store.writer(m.tokens.name),
    usage: store.writer(ESTIMATED_USAGE_METRIC),
    slo: store.writer(m.sloEvents.name),
  };
  const random = new Random(s.seed);
  const samplers = new Map<string, Sampler>();
  const sampler = (p50: number, p95: number) => {
    const key = `${p50}/${p95}`;
    let x = samplers.get(key);
    if (!x) samplers.set(key, (x = new Sampler(p50, p95)));
    return x;
  };
  const ids = new Map<string, CellIds>();
  const usage = new UsageCounter(catalog, o.percentiles, store, w.usage.watched);
  // A series is registered in the store only when some query reads its metric; otherwise it only
  // needs an id of its own, to be counted once per hour in the estimated usage.
  const local = new Map<string, Map<string, number>>();
  const seriesId = (metric: MetricWriter, name: string, key: string, tags: () => Record<string, string>): number => {
    if (metric.watched) return store.series(name, tags(), key);
    let ids = local.get(name);
    if (!ids) local.set(name, (ids = new Map()));
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    return id;
  };
  // The emitter's SLI counter (emit/emitter.ts sliTags): feature, objective and verdict, no tenant.
  const sliIds = (f: ScenarioFeature, objective: string): [number, number] =>
    [GOOD, BAD].map((verdict) =>
      seriesId(w.slo, m.sloEvents.name, `${f.id}|${objective}|${verdict}`, () => ({
        [TAG.env]: env,
        [TAG.feature]: f.id,
        [TAG.objective]: objective,
        [TAG.verdict]: verdict,
      })),
    ) as [number, number];
  const cellIds = (f: ScenarioFeature, tenant: string, provider: string): CellIds => {
    const key = `${f.id}|${tenant}|${provider}`;
    let x = ids.get(key);
    if (x) return x;
    const model = `${provider}-model`;
    const base = () => ({ [TAG.env]: env, [TAG.feature]: f.id });
    const req = () => ({ ...base(), [TAG.tenant]: tenant, [TAG.provider]: provider, [TAG.model]: model });
    const latency = () => ({ ...base(), [TAG.provider]: provider, [TAG.model]: model });
    const ft = `${f.id}|${tenant}`;
    const fp = `${f.id}|${provider}`;
    x = {
      ok: seriesId(w.requests, m.requests.name, `${key}|ok`, () => ({ ...req(), [TAG.status]: "ok" })),
      error: seriesId(w.requests, m.requests.name, `${key}|error`, () => ({ ...req(), [TAG.status]: "error" })),
      cost: seriesId(w.cost, m.cost.name, key, req),
      ttft: seriesId(w.ttft, m.ttft.name, fp, latency),
      duration: seriesId(w.duration, m.duration.name, fp, latency),
      judge: seriesId(w.judge, m.judgeScore.name, ft, () => ({ ...base(), [TAG.tenant]: tenant })),
      retrieval: (f.retrieval?.indexes ?? []).map((index) =>
        seriesId(w.retrieval, m.retrievalDuration.name, `${f.id}|${index}`, () => ({ ...base(), [TAG.index]: index })),
      ),
      tokens: ["input", "output"].map((type) =>
        seriesId(w.tokens, m.tokens.name, `${fp}|${type}`, () => ({ ...latency(), [TAG.tokenType]: type })),
      ),
      sloLatency: sliIds(f, "latency"),
      sloQuality: sliIds(f, "quality"),
    };
    ids.set(key, x);
    return x;
  };

  const active = catalog.features.filter((f) => s.traffic.some((t) => t.feature === "*" || t.feature === f.id));
  const base = new Map(active.map((f) => [f.id, baseParams(s, f)]));
  for (const [from, to] of segments(s)) {
    const plans = active.map((f) => segmentPlan(s, f, catalog, base.get(f.id)!, from, sampler));
    // Per plan, the ids of each (tenant, provider) cell, looked up once per segment.
    const cache = plans.map((p) => new Array<CellIds | undefined>(p.tenants * p.providers.length));
    for (let t = from; t < to; t += FLUSH_SECONDS) {
      for (let pi = 0; pi < plans.length; pi++) {
        const p = plans[pi];
        const n = random.poisson(p.lambda);
        for (let k = 0; k < n; k++) {
          // A uniform tenant and a provider by share, or one cell of the full table when a tenant has its own events.
          let tenant: number;
          let provider: number;
          let c: Cell;
          if (p.cells) {
            const i = p.alias.draw(random);
            tenant = Math.floor(i / p.providers.length);
            provider = i % p.providers.length;
            c = p.cells[i];
          } else {
            provider = p.alias.draw(random);
            tenant = Math.floor(random.next() * p.tenants);
            c = p.byProvider[provider];
          }
          const slot = tenant * p.providers.length + provider;
          const cellId = cache[pi][slot] ?? (cache[pi][slot] = cellIds(p.f, tenantName(tenant), p.providers[provider]));
          const error = c.errorRate > 0 && random.next() < c.errorRate;
          emitCall(w, usage, c, cellId, t, error, random, p.f.quality.judgeSampleRate);
        }
      }
      if ((t + FLUSH_SECONDS) % HOUR === 0) usage.flushHour(t + FLUSH_SECONDS);
    }
  }
  store.finish();
}

function emitCall(
  w: Writers,
  usage: UsageCounter,
  c: Cell,
  ids: CellIds,
  t: number,
  error: boolean,
  random: Random,
  sampleRate: number,
): void {
  const reqId = error ? ids.error : ids.ok;
  w.requests.addNumber(reqId, t, 1);
  usage.mark(0, reqId);
  if (c.cost > 0) {
    w.cost.addNumber(ids.cost, t, c.cost);
    usage.mark(1, ids.cost);
  }
  // Values no query reads are not drawn (the series still counts towards estimated usage).
  // The emitter sends no ttft for a call that failed before its first token (emit/emitter.ts LlmCall.ttftMs).
  const sli = c.sli && w.slo.watched ? c.sli : undefined;
  let ttftMs = 0;
  if (!error) {
    if (w.ttft.watched || sli) {
      const i = random.uint32() >>> 20;
      ttftMs = c.ttft.values[i];
      if (w.ttft.watched) w.ttft.addValue(ids.ttft, t, ttftMs, c.ttft.bins[i]);
    }
    usage.mark(2, ids.ttft);
  }
  let totalMs = 0;
  if (w.duration.watched || sli) {
    const j = random.uint32() >>> 20;
    totalMs = c.total.values[j];
    if (w.duration.watched) w.duration.addValue(ids.duration, t, totalMs, c.total.bins[j]);
  }
  usage.mark(3, ids.duration);
  // The latency SLI counts answered calls: good when both the first token and the whole answer
  // arrive within the feature's thresholds (emit/emitter.ts, recordLlmCall).
  if (c.sli && !error) {
    const good = !sli || (totalMs <= sli.totalMs && ttftMs <= sli.ttftMs);
    const id = good ? ids.sloLatency[0] : ids.sloLatency[1];
    if (sli) w.slo.addNumber(id, t, 1);
    usage.mark(7, id);
  }
  for (const r of ids.retrieval) {
    if (w.retrieval.watched) {
      const k = random.uint32() >>> 20;
      w.retrieval.addValue(r, t, c.retrieval.values[k], c.retrieval.bins[k]);
    }
    usage.mark(4, r);
  }
  usage.mark(5, ids.tokens[0]);
  usage.mark(5, ids.tokens[1]);
  // The judge scores a sample of answered calls at the feature's judgeSampleRate (README, "The judge loop").
  if (!error && c.judge && random.next() < sampleRate) {
    // Unwatched, the verdict is not drawn: the estimated usage counts its good series (at most the
    // bad latency and quality series of a feature, 2 custom metrics, go uncounted in an hour).
    let qualityId = ids.sloQuality[0];
    if (w.judge.watched || sli) {
      const score = Math.min(100, Math.max(0, c.judgeMean + c.judgeSd * random.normal()));
      if (w.judge.watched) w.judge.addValue(ids.judge, t, score, 0);
      // The quality SLI: a judged trace is good at or above the feature's pass score (emit/emitter.ts, recordJudgeScore).
      if (sli) {
        qualityId = score >= sli.passScore ? ids.sloQuality[0] : ids.sloQuality[1];
        w.slo.addNumber(qualityId, t, 1);
      }
    }
    usage.mark(6, ids.judge);
    if (c.sli) usage.mark(7, qualityId);
  }
}

/**
 * Datadog's estimate of custom metrics per metric name (`datadog.estimated_usage.metrics.custom.by_metric`),
 * reported once per hour: the series (tag-value combinations) that reported in the hour, a COUNT
 * one each, a distribution 5, or 10 with percentiles (docs account_management/billing/custom_metrics).
 */
class UsageCounter {
  private readonly last: Int32Array[];
  private readonly counts: number[];
  private readonly names: string[];
  private readonly weights: number[];
  private readonly ids: number[];
  private hour = 0;

  constructor(
    catalog: ScenarioCatalog,
    percentiles: ReadonlySet<string>,
    private readonly store: MetricStore,
    private readonly enabled: boolean,
  ) {
    const m = catalog.contract.metrics;
    const metrics = [m.requests, m.cost, m.ttft, m.duration, m.retrievalDuration, m.tokens, m.judgeScore, m.sloEvents];
    this.names = metrics.map((x) => x.name);
    this.weights = metrics.map((x) => (x.type === "count" ? 1 : percentiles.has(x.name) ? 10 : 5));
    this.last = metrics.map(() => new Int32Array(1024).fill(-1));
    this.counts = metrics.map(() => 0);
    this.ids = this.names.map((name) => (enabled ? store.series(ESTIMATED_USAGE_METRIC, { [ESTIMATED_USAGE_TAG]: name }) : -1));
  }

  mark(metric: number, id: number): void {
    if (!this.enabled) return;
    let arr = this.last[metric];
    if (id >= arr.length) {
      const next = new Int32Array(Math.max(arr.length * 2, id + 1)).fill(-1);
      next.set(arr);
      this.last[metric] = arr = next;
    }
    if (arr[id] !== this.hour) {
      arr[id] = this.hour;
      this.counts[metric]++;
    }
  }

  /** Emits the hour that ends at `at` (stamped at its end: the estimate exists once the hour is over). */
  flushHour(at: number): void {
    if (!this.enabled) return;
    const w = this.store.writer(ESTIMATED_USAGE_METRIC);
    this.names.forEach((_, i) => {
      if (this.counts[i] > 0) w.addNumber(this.ids[i], at, this.counts[i] * this.weights[i]);
      this.counts[i] = 0;
    });
    this.hour++;
  }
}

/** [from, to) spans in which no parameter changes: event edges and the 06:00 / 22:00 day-night edges. */
function segments(s: Scenario): [number, number][] {
  const end = s.start + s.duration;
  const edges = new Set<number>([s.start, end]);
  for (const e of s.events) {
    edges.add(s.start + parseDuration(e.at)!);
    if (e.until) edges.add(s.start + parseDuration(e.until)!);
  }
  const day = 86_400;
  for (let d = Math.floor(s.start / day) * day; d < end; d += day) {
    for (const h of [6, 22]) edges.add(d + h * HOUR);
  }
  const sorted = [...edges].filter((t) => t >= s.start && t <= end).sort((a, b) => a - b);
  const out: [number, number][] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    // Flushes are 10-second aligned; so are the segment edges.
    const from = Math.ceil(sorted[i] / FLUSH_SECONDS) * FLUSH_SECONDS;
    const to = Math.ceil(sorted[i + 1] / FLUSH_SECONDS) * FLUSH_SECONDS;
    if (to > from) out.push([from, to]);
  }
  return out;
}

function rateOf(r: TrafficParams["requestsPerMinute"]): (t: number) => number {
  if (r === undefined) return () => 0;
  if (typeof r === "number") return () => r;
  return (t) => (isNight(t) ? r.night : r.day);
}

function scaled(r: TrafficParams["requestsPerMinute"], factor: number): TrafficParams["requestsPerMinute"] {
  if (r === undefined) return undefined;
  return typeof r === "number" ? r * factor : { day: r.day * factor, night: r.night * factor };
}

/** `"<N>x"` of a limit, or the number as given. */
function relative(v: Relative, limit: number): number {
  return typeof v === "number" ? v : Number(v.slice(0, -1)) * limit;
}

function limits(f: ScenarioFeature, catalog: ScenarioCatalog) {
  return {
    ttft: f.latency.ttftP95Ms,
    total: f.latency.totalP95Ms,
    retrieval: catalog.stack.monitoring.retrievalP95Ms,
    drop: f.quality.maxWeeklyDropPoints,
  };
}

/** The feature's steady traffic: every matching `traffic` entry in file order, later keys winning. */
function baseParams(s: Scenario, f: ScenarioFeature): Base {
  const params: TrafficParams = {};
  for (const t of s.traffic) if (t.feature === "*" || t.feature === f.id) Object.assign(params, withoutFeature(t));
  const rate =
    params.judgedPerMinute !== undefined ? scaled(params.judgedPerMinute, 1 / f.quality.judgeSampleRate) : params.requestsPerMinute;
  const perDay = typeof rate === "number" ? rate * 1440 : rate ? rate.day * 16 * 60 + rate.night * 8 * 60 : 0;
  return { params, perDay };
}

interface Base {
  params: TrafficParams;
  /** Requests per day of the steady traffic: what "<N>x" of the daily budget is spread over. */
  perDay: number;
}

function withoutFeature(t: { feature: string } & TrafficParams): TrafficParams {
  const { feature: _, ...rest } = t;
  void _;
  return rest;
}

function active(s: Scenario, e: ScenarioEvent, t: number): boolean {
  const at = s.start + parseDuration(e.at)!;
  const until = e.until ? s.start + parseDuration(e.until)! : Infinity;
  return t >= at && t < until;
}

function resolve(f: ScenarioFeature, catalog: ScenarioCatalog, p: TrafficParams, cost: number): Resolved {
  const lim = limits(f, catalog);
  const providers: Record<string, number> = {};
  const given = p.providers ?? Object.fromEntries(f.providers.map((name) => [name, 1]));
  for (const [name, share] of Object.entries(given)) {
    // The emitter sends a provider the feature does not declare as `other` (emit/guards.ts closedSet).
    const tag = f.providers.includes(name) ? name : OTHER;
    providers[tag] = (providers[tag] ?? 0) + share;
  }
  const rate = p.judgedPerMinute !== undefined ? scaled(p.judgedPerMinute, 1 / f.quality.judgeSampleRate) : p.requestsPerMinute;
  const ttft = p.ttftMs ?? DEFAULTS.ttftMs;
  const total = p.totalMs ?? DEFAULTS.totalMs;
  const retrieval = p.retrievalMs ?? DEFAULTS.retrievalMs;
  const judge = p.judgeScore ?? DEFAULTS.judgeScore;
  return {
    tenants: p.tenants ?? DEFAULT_TENANTS,
    rate: rateOf(rate),
    providers,
    errorRate: errorShare(p.errorRate ?? DEFAULTS.errorRate, f, catalog),
    ttft: [relative(ttft.p50, lim.ttft), relative(ttft.p95, lim.ttft)],
    total: [relative(total.p50, lim.total), relative(total.p95, lim.total)],
    retrieval: [relative(retrieval.p50, lim.retrieval), relative(retrieval.p95, lim.retrieval)],
    cost,
    costMultiplier: 1,
    judgeMean: typeof judge.mean === "number" ? judge.mean : 0,
    judgeSd: judge.sd,
    judgeStalled: false,
  };
}

interface MutableParams extends TrafficParams {
  costMultiplier?: number;
  judge?: "stalled" | "ok";
}

/** Applies an event's `set` on top of `p`; a judge mean written "<N>x" shifts the current mean by N allowed drops. */
function applySet(f: ScenarioFeature, p: MutableParams, set: ScenarioEvent["set"], currentMean: number): MutableParams {
  const next: MutableParams = { ...p, ...set };
  if (set.requestsPerMinute !== undefined) delete next.judgedPerMinute;
  if (set.judgedPerMinute !== undefined) delete next.requestsPerMinute;
  if (set.judgeScore && typeof set.judgeScore.mean === "string") {
    next.judgeScore = { mean: currentMean + relative(set.judgeScore.mean, f.quality.maxWeeklyDropPoints), sd: set.judgeScore.sd };
  }
  return next;
}

function meanOf(p: TrafficParams): number {
  const m = p.judgeScore?.mean;
  return typeof m === "number" ? m : DEFAULTS.judgeScore.mean;
}

function tenantName(i: number): string {
  return `t-${String(i + 1).padStart(3, "0")}`;
}

interface SegmentPlan {
  f: ScenarioFeature;
  /** Expected requests per flush. */
  lambda: number;
  tenants: number;
  providers: string[];
  alias: AliasTable;
  /** Every tenant alike: one cell per provider, drawn by `alias`; the tenant is uniform. */
  byProvider: Cell[];
  /** A tenant has its own events: the full (tenant, provider) table, drawn by `alias`. */
  cells?: Cell[];
}

/** How a feature's requests are drawn between two edges of the scenario. */
function segmentPlan(
  s: Scenario,
  f: ScenarioFeature,
  catalog: ScenarioCatalog,
  base: Base,
  at: number,
  sampler: (p50: number, p95: number) => Sampler,
): SegmentPlan {
  const events = s.events.filter((e) => (e.feature === undefined || e.feature === "*" || e.feature === f.id) && active(s, e, at));
  // Feature-wide events first (no tenant or provider selector), in file order.
  let feature: MutableParams = { ...base.params };
  for (const e of events) if (e.tenant === undefined && e.provider === undefined) feature = applySet(f, feature, e.set, meanOf(feature));
  const fr = finish(f, catalog, feature, base.perDay);
  // The emitter learns the pass score and thresholds from the catalog (emit/emitter.ts EmitterFeature).
  const slo = featureSlo(f, catalog.stack);
  const thresholds = latencyThresholds(f);
  const sli = slo ? { ttftMs: thresholds.ttftP95Ms, totalMs: thresholds.totalP95Ms, passScore: slo.passScore } : undefined;
  const providers = Object.keys(fr.providers).filter((p) => fr.providers[p] > 0);
  const perTenant = events.some((e) => e.tenant !== undefined && e.tenant !== "*");
  const cellOf = (tenant: string | undefined, provider: string): Cell => {
    const providerTotal = Object.values(fr.providers).reduce((a, b) => a + b, 0) || 1;
    const share = fr.providers[provider];
    let p: MutableParams = feature;
    // Without a tenant, the cell stands for all tenants of the provider: its rate is theirs together.
    const tenants = tenant === undefined ? 1 : fr.tenants;
    let rate = (fr.rate(at) * share) / providerTotal / tenants;
    for (const e of events) {
      if (e.tenant === undefined && e.provider === undefined) continue;
      if (e.tenant !== undefined && e.tenant !== "*" && e.tenant !== tenant) continue;
      if (e.provider !== undefined && e.provider !== "*" && e.provider !== provider) continue;
      p = applySet(f, p, e.set, meanOf(p));
      const r =
        e.set.judgedPerMinute !== undefined ? scaled(e.set.judgedPerMinute, 1 / f.quality.judgeSampleRate) : e.set.requestsPerMinute;
      if (r !== undefined) {
        // A rate set on a slice is that slice's rate, spread over its cells like the base traffic.
        const tenantsInSlice = e.tenant === undefined || e.tenant === "*" ? tenants : 1;
        const providerFraction = e.provider === undefined || e.provider === "*" ? share / providerTotal : 1;
        rate = (rateOf(r)(at) * providerFraction) / tenantsInSlice;
      }
    }
    const cr = p === feature ? fr : finish(f, catalog, p, base.perDay);
    return {
      rate,
      errorRate: cr.errorRate,
      ttft: sampler(cr.ttft[0], cr.ttft[1]),
      total: sampler(cr.total[0], cr.total[1]),
      retrieval: sampler(cr.retrieval[0], cr.retrieval[1]),
      cost: cr.cost * cr.costMultiplier,
      judgeMean: cr.judgeMean,
      judgeSd: cr.judgeSd,
      judge: !cr.judgeStalled,
      ...(sli ? { sli } : {}),
    };
  };
  if (!perTenant) {
    const byProvider = providers.map((p) => cellOf(undefined, p));
    const total = byProvider.reduce((sum, c) => sum + c.rate, 0);
    return {
      f,
      lambda: (total / 60) * FLUSH_SECONDS,
      tenants: fr.tenants,
      providers,
      alias: new AliasTable(byProvider.map((c) => c.rate)),
      byProvider,
    };
  }
  const cells: Cell[] = [];
  for (let i = 0; i < fr.tenants; i++) for (const p of providers) cells.push(cellOf(tenantName(i), p));
  const total = cells.reduce((sum, c) => sum + c.rate, 0);
  return {
    f,
    lambda: (total / 60) * FLUSH_SECONDS,
    tenants: fr.tenants,
    providers,
    alias: new AliasTable(cells.map((c) => c.rate)),
    byProvider: [],
    cells,
  };
}

function finish(f: ScenarioFeature, catalog: ScenarioCatalog, p: MutableParams, perDay: number): Resolved {
  const given = p.costUsdPerRequest ?? DEFAULTS.costUsdPerRequest;
  // "<N>x" spend: N times the daily budget, spread over the steady traffic's requests per day.
  const cost = typeof given === "number" ? given : perDay > 0 ? relative(given, f.budgetUsdPerDay) / perDay : 0;
  const r = resolve(f, catalog, p, cost);
  r.costMultiplier = p.costMultiplier ?? 1;
  r.judgeStalled = p.judge === "stalled";
  return r;
}

/** The tag values a scenario's traffic produces: what "every group" means in an expectation with `each`. */
export interface TrafficShape {
  features: Set<string>;
  providers: Set<string>;
  tenants: Set<string>;
  indexes: Set<string>;
}

export function trafficShape(s: Scenario, catalog: ScenarioCatalog): TrafficShape {
  const shape: TrafficShape = { features: new Set(), providers: new Set(), tenants: new Set(), indexes: new Set() };
  for (const f of catalog.features) {
    if (!s.traffic.some((t) => t.feature === "*" || t.feature === f.id)) continue;
    const { params } = baseParams(s, f);
    const events = s.events.filter((e) => e.feature === undefined || e.feature === "*" || e.feature === f.id);
    const tenants = Math.max(params.tenants ?? DEFAULT_TENANTS, ...events.map((e) => e.set.tenants ?? 0));
    const given = [params.providers, ...events.map((e) => e.set.providers)].filter((p): p is Record<string, number> => p !== undefined);
    const names = given.length ? given.flatMap((p) => Object.keys(p).filter((k) => p[k] > 0)) : f.providers;
    shape.features.add(f.id);
    for (const p of names) shape.providers.add(f.providers.includes(p) ? p : OTHER);
    for (let i = 0; i < tenants; i++) shape.tenants.add(tenantName(i));
    for (const index of f.retrieval?.indexes ?? []) shape.indexes.add(index);
  }
  return shape;
}
