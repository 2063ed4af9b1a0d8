// anomalies(<q>, 'agile', ...): Datadog does not publish the algorithm, so this is a
// documented approximation, and every result that depends on it is marked approximate.
//
// What Datadog does document (docs monitors/types/anomaly) and this keeps:
//   - the query is rolled up to `interval` seconds; count_default_zero='true' reads a missing
//     interval of a reporting series as 0;
//   - seasonality: a point is compared with the same point one season earlier (hourly, daily,
//     weekly), using up to six seasons of history;
//   - "at least three times as much historical data time as the chosen seasonality" before a
//     band exists: a series younger than three seasons is never anomalous (a new tenant is not
//     covered during its first three weeks with weekly seasonality);
//   - agile "quickly adjusts to metric level shifts ... incorporates the immediate past";
//   - `deviations` is the width of the band; the monitor's value is the fraction of points of
//     the alert window outside it in `direction`, compared with `thresholds.critical`; recovery
//     reads the fraction over `threshold_windows.recovery_window`.
//
// The approximation:
//   expected(t) = median of the values at t - k*season, k = 1..6 (those that exist)
//               + level(t), the mean residual (value - seasonal median) over the day that ends
//                 where the alert window starts (the "immediate past": a sustained shift becomes
//                 the new normal within about a day, and an hour-long anomaly is judged against
//                 the level before it);
//   band(t)     = expected(t) +- deviations * scale(t), where scale is the standard deviation of
//                 a value around that prediction: the noise of the series at this time of day
//                 (the variance of the values within +-30 minutes of each t - k*season) plus the
//                 uncertainty of a median of K seasonal values, (pi/2) sigma^2 / K.
import type { AnomalySpec } from "./query";
import type { Series } from "./series";
import { lowerBound } from "./series";
import { DAY, HOUR, WEEK } from "./time";

export interface AnomalyState {
  series: Series;
  cache: Map<string, Model>;
  /** The last answer and the interval it was computed for: it changes only when an interval completes. */
  last?: { slot: number; trigger: number | undefined; recovery: number | undefined };
}

interface Model {
  first: number;
  interval: number;
  values: Float64Array;
  /** 1 above the band, -1 below, 0 inside or no band. */
  flags: Int8Array;
}

const SEASON: Record<string, number> = { hourly: HOUR, daily: DAY, weekly: WEEK };
const MAX_SEASONS = 6;
const MIN_SEASONS = 3;
const LEVEL_WINDOW = DAY;
/** The neighbourhood of each seasonal lag whose spread is the series' noise at that time of day. */
const NOISE_HALF_WINDOW = 30 * 60;

function build(spec: AnomalySpec, series: Series): Model {
  const interval = spec.interval;
  const times = series.times;
  const first = Math.floor((times[0] ?? 0) / interval) * interval;
  const last = times.length ? Math.floor(times[times.length - 1] / interval) * interval : first;
  const n = times.length ? (last - first) / interval + 1 : 0;
  const values = new Float64Array(n).fill(spec.countDefaultZero ? 0 : NaN);
  for (let k = 0; k < times.length; k++) {
    const i = (Math.floor(times[k] / interval) * interval - first) / interval;
    const v = series.kind === "numeric" ? series.values[k] : series.kind === "moments" ? series.sums[k] : NaN;
    values[i] = (Number.isNaN(values[i]) ? 0 : values[i]) + v;
  }
  const season = spec.seasonality ? SEASON[spec.seasonality] : undefined;
  const lag = season ? season / interval : 0;
  const baseline = new Float64Array(n).fill(NaN);
  const noise = new Float64Array(n).fill(NaN);
  const filled = values.map((v) => (Number.isNaN(v) ? 0 : v));
  const present = values.map((v) => (Number.isNaN(v) ? 0 : 1));
  const cumV = cumulative(filled);
  const cumV2 = cumulative(filled.map((v) => v * v));
  const cumP = cumulative(present);
  const half = Math.max(1, Math.round(NOISE_HALF_WINDOW / interval));
  const lags: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!season || i < MIN_SEASONS * lag) continue;
    lags.length = 0;
    let varSum = 0;
    let varN = 0;
    for (let k = 1; k <= MAX_SEASONS && i - k * lag >= 0; k++) {
      const c = i - k * lag;
      const v = values[c];
      if (!Number.isNaN(v)) lags.push(v);
      const a = Math.max(0, c - half);
      const b = Math.min(n, c + half + 1);
      const m = cumP[b] - cumP[a];
      if (m > 1) {
        const mean = (cumV[b] - cumV[a]) / m;
        varSum += Math.max(0, (cumV2[b] - cumV2[a]) / m - mean * mean);
        varN++;
      }
    }
    if (lags.length < MIN_SEASONS || varN === 0) continue;
    baseline[i] = median(lags);
    const sigma2 = varSum / varN;
    noise[i] = Math.sqrt(sigma2 * (1 + Math.PI / 2 / lags.length));
  }
  const resid = new Float64Array(n);
  const used = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (!Number.isNaN(baseline[i]) && !Number.isNaN(values[i])) {
      resid[i] = values[i] - baseline[i];
      used[i] = 1;
    }
  }
  const cumR = cumulative(resid);
  const cumN = cumulative(used);
  const flags = new Int8Array(n);
  const alertPoints = spec.alertWindow / interval;
  const levelPoints = LEVEL_WINDOW / interval;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(baseline[i]) || Number.isNaN(values[i])) continue;
    const end = Math.max(0, i - alertPoints + 1);
    const ls = Math.max(0, end - levelPoints);
    const ln = cumN[end] - cumN[ls];
    const level = ln > 0 ? (cumR[end] - cumR[ls]) / ln : 0;
    const scale = Math.max(noise[i], 1e-9);
    const expected = baseline[i] + level;
    const v = values[i];
    if (v > expected + spec.deviations * scale) flags[i] = 1;
    else if (v < expected - spec.deviations * scale) flags[i] = -1;
  }
  return { first, interval, values, flags };
}

function cumulative(a: Float64Array): Float64Array {
  const c = new Float64Array(a.length + 1);
  for (let i = 0; i < a.length; i++) c[i + 1] = c[i] + a[i];
  return c;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function anomalous(spec: AnomalySpec, flag: number): boolean {
  if (spec.direction === "above") return flag > 0;
  if (spec.direction === "below") return flag < 0;
  return flag !== 0;
}

/** Fraction of the complete intervals of [to - window, to) that are anomalous; undefined when there are none. */
function fraction(spec: AnomalySpec, m: Model, to: number, window: number): number | undefined {
  const start = Math.ceil((to - window) / m.interval) * m.interval;
  let total = 0;
  let bad = 0;
  for (let t = start; t + m.interval <= to; t += m.interval) {
    const i = (t - m.first) / m.interval;
    if (i < 0 || i >= m.values.length || Number.isNaN(m.values[i])) continue;
    total++;
    if (anomalous(spec, m.flags[i])) bad++;
  }
  return total ? bad / total : undefined;
}

export function anomalyFractions(
  spec: AnomalySpec,
  state: AnomalyState,
  to: number,
  recoveryWindow: number,
): { trigger: number | undefined; recovery: number | undefined } {
  let model = state.cache.get("model");
  if (!model) state.cache.set("model", (model = build(spec, state.series)));
  // A series that has not reported by the end of the window is not in the result yet.
  if (lowerBound(state.series.times, to) === 0) return { trigger: undefined, recovery: undefined };
  const slot = Math.floor(to / spec.interval);
  if (state.last?.slot !== slot || (to - spec.alertWindow) % spec.interval === 0) {
    state.last = { slot, trigger: fraction(spec, model, to, spec.alertWindow), recovery: fraction(spec, model, to, recoveryWindow) };
  }
  return state.last;
}
