// `slo alert` monitors over metric SLOs: a burn rate over a long and a short window, or the
// share of the error budget spent over the SLO's time window, computed from the SLO's own good
// and total event counts the way Datadog documents them, then the same states and notifications
// as any monitor (monitor.ts).
//
// Sources (docs.datadoghq.com):
// - service_management/service_level_objectives/burn_rate, "How Burn Rate Alerts work":
//   error rate = 1 - good / total over a period; burn rate = error rate / (1 - target); the alert
//   is "a burn rate of 14.4 or more ... measured for the past hour over the past 5 minutes", i.e.
//   the threshold holds over the long window AND over the short window (the SRE workbook's
//   multiwindow alert, which Datadog's example reproduces).
// - service_management/service_level_objectives/error_budget: the alert fires when a percentage
//   of the error budget is consumed over the SLO's time window; for a metric SLO the budget is a
//   number of bad events, (1 - target) x total, so consumed % = bad / ((1 - target) x total) x 100.
// - service_management/service_level_objectives/metric: a metric SLO's SLI is good events over
//   total events, each a count query.
//
// Assumptions the docs leave open, stated here and in docs/scenarios.md:
// - Evaluation frequency: the rule of monitors/configuration ("Evaluation frequency") applied to
//   the longest span the query reads (the long window; the SLO's window for the error budget):
//   every minute up to 24 h, every 10 minutes up to 48 h, every 30 minutes beyond.
// - A window without any event has no burn rate: the evaluation is skipped and the status stays
//   (SLO alerts have no missing-data option: terraform-provider-datadog resource_datadog_monitor.go,
//   on_missing_data "is not available for ... SLO monitors").
import type { MetricSource } from "./store";
import type { TermPlan } from "./compute";
import {
  ABSENT,
  ALERT,
  breaches,
  type EvaluateOptions,
  type GroupTimeline,
  type MonitorRun,
  type MonitorUnderTest,
  notificationsOf,
  OK,
  readOptions,
  STATES,
  type Transition,
  WARN,
} from "./monitor";
import { type MetricTerm, parseSloAlertQuery, parseSloQuery, type SloAlertQuery, UnmodelledError } from "./query";
import type { Series } from "./series";
import { evaluationFrequency, evaluationTimes, MINUTE } from "./time";

/** An SLO as Datadog receives it (the API body; out/<stack>/slos/<name>.json). */
export interface SloBody {
  type: string;
  name: string;
  query?: { numerator: string; denominator: string };
  thresholds: { timeframe: string; target: number; warning?: number }[];
}

export interface SloUnderTest {
  /** Resource name, e.g. `slo-extract-clause-availability`. */
  id: string;
  body: SloBody;
}

export interface SloAlertPlan {
  query: SloAlertQuery;
  slo: SloUnderTest;
  /** The SLO's target for the alert's time window, in percent. */
  target: number;
  good: TermPlan;
  total: TermPlan;
}

/** Options an `slo alert` monitor may carry here: thresholds and renotification (and presentation-only ones). */
const SLO_ALERT_OPTIONS = new Set(["thresholds", "renotify_interval", "renotify_statuses", "renotify_occurrences", "include_tags"]);
const SLO_TIMEFRAME_SECONDS: Record<string, number> = { "7d": 7 * 86400, "30d": 30 * 86400, "90d": 90 * 86400 };

/** Parses an `slo alert` monitor and finds its SLO among `slos` (by the id its query names). */
export function sloAlertPlan(
  m: MonitorUnderTest,
  slos: ReadonlyMap<string, SloUnderTest>,
  source: Pick<MetricSource, "kind">,
): SloAlertPlan {
  const query = parseSloAlertQuery(m.body.query);
  const o = (m.body.options ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!SLO_ALERT_OPTIONS.has(key) && o[key] !== undefined && o[key] !== null)
      throw new UnmodelledError(`the option ${key} on an slo alert monitor`, m.body.query);
  }
  const t = (o.thresholds ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(t)) {
    if (key !== "critical" && key !== "warning") throw new UnmodelledError(`the threshold ${key} on an slo alert monitor`, m.body.query);
  }
  const slo = slos.get(query.sloId);
  if (!slo) throw new Error(`${m.id}: its query names SLO "${query.sloId}", which is not in the stack`);
  if (slo.body.type !== "metric" || !slo.body.query)
    throw new UnmodelledError(`an alert on a ${slo.body.type} SLO (only metric SLOs are modelled)`, m.body.query);
  const threshold = slo.body.thresholds.find((x) => SLO_TIMEFRAME_SECONDS[x.timeframe] === query.timeframe);
  if (!threshold) throw new Error(`${m.id}: SLO ${slo.id} has no target for the time window its query names`);
  return {
    query,
    slo,
    target: threshold.target,
    good: sloTermPlan(parseSloQuery(slo.body.query.numerator), source, m.body.query),
    total: sloTermPlan(parseSloQuery(slo.body.query.denominator), source, m.body.query),
  };
}

/** A numerator or denominator term: a count metric summed per minute (windows are whole minutes). */
function sloTermPlan(term: MetricTerm, source: Pick<MetricSource, "kind">, query: string): TermPlan {
  const kind = source.kind(term.metric);
  if (kind !== undefined && kind !== "count") throw new UnmodelledError(`an SLO query on the ${kind} ${term.metric}`, query);
  return { term, shape: "numeric", step: MINUTE };
}

/**
 * Sums of a count series' points over a window that only moves forward (evaluations come in time
 * order): two cursors instead of two binary searches per evaluation.
 */
class WindowSum {
  private lo = 0;
  private hi = 0;
  constructor(private readonly s: Series | undefined) {}

  /** Sum of the points in [from, to); undefined when there is none. `from` and `to` never decrease. */
  at(from: number, to: number): number | undefined {
    const s = this.s;
    if (!s || s.kind !== "numeric") return undefined;
    const n = s.times.length;
    while (this.lo < n && s.times[this.lo] < from) this.lo++;
    if (this.hi < this.lo) this.hi = this.lo;
    while (this.hi < n && s.times[this.hi] < to) this.hi++;
    return this.lo === this.hi ? undefined : s.cum[this.hi] - s.cum[this.lo];
  }
}

/** Evaluates one `slo alert` monitor from `o.from` to `o.to`. */
export function evaluateSloAlert(m: MonitorUnderTest, plan: SloAlertPlan, o: EvaluateOptions): MonitorRun {
  const { query } = plan;
  const opts = readOptions(m.body, false);
  if (opts.critical !== query.threshold)
    throw new Error(`${m.id}: thresholds.critical ${opts.critical} differs from the query's ${query.threshold}; Datadog rejects it`);
  const read = (t: TermPlan): Series | undefined => {
    // docs metrics/metrics-without-limits: a scope on a tag the configuration does not keep finds nothing.
    if (
      o.readable &&
      !o.readable(
        t.term.metric,
        t.term.filters.map((f) => f.key),
      )
    )
      return undefined;
    return o.source.read(t.term, t.shape, t.step).get("")?.series;
  };
  const good = read(plan.good);
  const total = read(plan.total);
  const budget = 1 - plan.target / 100;
  /** 1 - good / total over the last `seconds`, or undefined when no event happened there. */
  const window = (seconds: number) => {
    const goodSum = new WindowSum(good);
    const totalSum = new WindowSum(total);
    return (at: number): number | undefined => {
      const all = totalSum.at(at - seconds, at);
      if (!all) return undefined;
      // A window with events but no good one has a numerator without points: zero good events.
      return Math.max(0, 1 - (goodSum.at(at - seconds, at) ?? 0) / all);
    };
  };
  const whole = window(query.timeframe);
  const longRate = window(query.longWindow ?? query.timeframe);
  const shortRate = window(query.shortWindow ?? query.timeframe);
  const valueAt = (at: number): number | undefined => {
    if (query.form === "error_budget") {
      const rate = whole(at);
      return rate === undefined ? undefined : (rate / budget) * 100;
    }
    const long = longRate(at);
    const short = shortRate(at);
    if (long === undefined || short === undefined) return undefined;
    // Over both windows at once: the smaller burn rate is the one that must pass the threshold.
    return Math.min(long, short) / budget;
  };
  const frequency = evaluationFrequency(query.form === "burn_rate" ? query.longWindow! : query.timeframe);
  const times = evaluationTimes(o.from, o.to, frequency);
  const tl: GroupTimeline = {
    tags: {},
    states: new Int8Array(times.length).fill(ABSENT),
    values: new Float32Array(times.length).fill(NaN),
  };
  const transitions: Transition[] = [];
  let state = ABSENT;
  times.forEach((at, idx) => {
    const value = valueAt(at);
    if (value === undefined) {
      // No event in a window: no value, the status stays (see the header); before any value there is no status.
      if (state !== ABSENT) tl.states[idx] = state;
      return;
    }
    const before = state === ABSENT ? OK : state;
    const next = breaches(query.comparator, value, opts.critical)
      ? ALERT
      : opts.warning !== undefined && breaches(query.comparator, value, opts.warning)
        ? WARN
        : OK;
    if (next !== before) transitions.push({ at, group: tl.tags, from: STATES[before], to: STATES[next] });
    state = next;
    tl.states[idx] = next;
    tl.values[idx] = value;
  });
  const run: MonitorRun = {
    id: m.id,
    name: m.body.name,
    tags: m.body.tags,
    times,
    groups: state === ABSENT ? [] : [tl],
    transitions,
    notifications: [],
    approximate: false,
    notes: [],
  };
  run.notifications = notificationsOf(m, run, opts);
  return run;
}
