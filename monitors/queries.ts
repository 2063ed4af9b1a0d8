// Monitor query strings. The number in a query and `options.thresholds.critical` must be
// equal (Datadog rejects the monitor otherwise: "Alert threshold (X) does not match that
// used in the query (Y)"), so both are always produced from one number here, and the lint
// parses them back to prove it.

export type Comparator = ">" | ">=" | "<" | "<=";

/** A plain decimal as Datadog's query grammar expects it: never exponent notation. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`threshold must be a finite number (got ${n})`);
  const s = String(n);
  if (!/e/i.test(s)) return s;
  if (Number.isInteger(n)) return BigInt(n).toString();
  return n.toFixed(20).replace(/\.?0+$/, "");
}

/** `<expression> <comparator> <critical>`. */
export function thresholdQuery(expression: string, comparator: Comparator, critical: number): string {
  return `${expression} ${comparator} ${formatNumber(critical)}`;
}

/** The trailing `<comparator> <number>` of a monitor query. */
export function splitThreshold(query: string): { expression: string; comparator: Comparator; threshold: number } | undefined {
  const m = /^(.*\S)\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$/s.exec(query);
  if (!m) return undefined;
  return { expression: m[1], comparator: m[2] as Comparator, threshold: Number(m[3]) };
}

export type AnomalyAlgorithm = "basic" | "agile" | "robust";

export interface AnomalySpec {
  /** Time frame of the notification graph, e.g. `last_5h` (about 5x the alert window). */
  queryWindow: string;
  /** A metric query, e.g. `sum:llm.cost.usd{env:prod} by {tenant}.as_count()`. */
  metricQuery: string;
  algorithm: AnomalyAlgorithm;
  /** Width of the band, in deviations. */
  deviations: number;
  direction: "above" | "below" | "both";
  /** Also the `trigger_window` of `threshold_windows`. */
  alertWindow: string;
  /** Rollup interval in seconds; at most a fifth of the alert window. */
  interval: number;
  countDefaultZero: boolean;
  seasonality?: "hourly" | "daily" | "weekly";
  /** Fraction (0, 1] of anomalous points in the alert window; also `thresholds.critical`. */
  threshold: number;
}

/** docs `monitors/types/anomaly` (API section): `avg(<query_window>):anomalies(<q>, '<algo>', <dev>, ...) >= <threshold>`. */
export function anomalyQuery(a: AnomalySpec): string {
  const args = [
    a.metricQuery,
    `'${a.algorithm}'`,
    formatNumber(a.deviations),
    `direction='${a.direction}'`,
    `alert_window='${a.alertWindow}'`,
    `interval=${a.interval}`,
    `count_default_zero='${a.countDefaultZero}'`,
    ...(a.seasonality ? [`seasonality='${a.seasonality}'`] : []),
  ];
  return thresholdQuery(`avg(${a.queryWindow}):anomalies(${args.join(", ")})`, ">=", a.threshold);
}

/** Seconds in a Datadog time frame such as `last_30m`, `last_4h`, `last_1w`; undefined if malformed. */
export function windowSeconds(window: string): number | undefined {
  const m = /^last_(\d+)([mhdw])$/.exec(window);
  if (!m) return undefined;
  const unit = { m: 60, h: 3600, d: 86400, w: 604800 }[m[2] as "m" | "h" | "d" | "w"];
  return Number(m[1]) * unit;
}

/**
 * Requests a feature must serve before "no judge score at all" cannot be bad luck: with
 * sample rate r, a healthy judge scores none of n requests with probability (1-r)^n; this
 * is the smallest n that keeps that below 1 in 1000.
 */
export function requestsBeforeJudgeSilenceIsSuspicious(sampleRate: number): number {
  if (!(sampleRate > 0 && sampleRate <= 1)) throw new Error(`judge sample rate must be in (0, 1] (got ${sampleRate})`);
  if (sampleRate === 1) return 1;
  // log1p, not log(1 - r): for a tiny r, 1 - r rounds to 1 and log(1) = 0 gave -Infinity.
  // Validation keeps r >= 0.0001 (config/schema.ts), so n stays below 70,000.
  const n = Math.ceil(Math.log(1000) / -Math.log1p(-sampleRate));
  if (!Number.isSafeInteger(n)) throw new Error(`judge sample rate ${sampleRate} gives no usable request count (${n})`);
  return n;
}

/** A latency monitor in alert recovers once a minute's p95 is back at this share of the threshold (or traffic is too low). */
export const LATENCY_RECOVERY_PERCENT = 70;

/** The recovery threshold of a latency monitor, whole milliseconds (integer arithmetic: 350 x 0.7 is 244.99999... in floats). */
export function latencyRecoveryThreshold(critical: number): number {
  return Math.floor((critical * LATENCY_RECOVERY_PERCENT) / 100);
}

/**
 * "p95 above the threshold for 10 minutes" (docs/alerting.md): each of the last ten minutes,
 * with at least `minPerMinute` requests in it, had a p95 above `critical`.
 *   - `.rollup(60)` gives one p95 per minute (distributions merge in time and space; docs
 *     metrics/faq/rollup-for-distributions-with-percentiles);
 *   - `min(last_10m)` alerts only "if all points in the evaluation window ... cross the
 *     threshold" (docs monitors/configuration, Aggregation method);
 *   - `is_greater(count, minPerMinute - 1)` makes a minute with fewer requests 0, so it can
 *     never be slow: at 3 a.m. one slow call is not the feature's p95 (docs
 *     monitors/guide/add-a-minimum-request-threshold-for-error-rate-alerts);
 *   - `default_zero` makes a minute without any request 0 as well, instead of leaving it out of
 *     the minimum (docs dashboards/functions/interpolation);
 *   - `critical_recovery` keeps a p95 hovering at the threshold from flapping: recovery needs a
 *     minute back at 70 % of it (docs monitors/guide/recovery-thresholds);
 *   - the 60 s delay lets each minute's rollup complete (docs dashboards/functions/rollup,
 *     Rollups in monitors).
 * No request at all in the window means nothing was slow: the monitor resolves. Night traffic
 * is sparse, and a full-window requirement would skip evaluations.
 */
export function p95ForTenMinutes(
  p95PerMinute: string,
  countPerMinute: string,
  critical: number,
  minPerMinute: number,
): {
  query: string;
  thresholds: { critical: number; critical_recovery: number };
  options: { on_missing_data: "resolve"; require_full_window: false; evaluation_delay: number };
} {
  const guard = `is_greater(default_zero(${countPerMinute}), ${formatNumber(minPerMinute - 1)})`;
  return {
    query: thresholdQuery(`min(last_10m):default_zero(${p95PerMinute}) * ${guard}`, ">", critical),
    thresholds: { critical, critical_recovery: latencyRecoveryThreshold(critical) },
    options: { on_missing_data: "resolve", require_full_window: false, evaluation_delay: 60 },
  };
}
