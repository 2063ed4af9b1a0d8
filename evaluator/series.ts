// The data a query reads, per group: points in time order, at one resolution, with prefix
// sums so that any window is summed in O(log n). Three shapes, one per way Datadog keeps a
// metric (docs metrics/types; developers/dogstatsd/data_aggregation):
//   - numeric: one value per point (a COUNT's sum over the interval, a gauge's value);
//   - moments: a distribution's count and sum per point (enough for count:, sum:, avg:);
//   - sketch: a distribution's values per point, kept as log-bucket indexes, for percentiles.

/** A growable typed array; traffic generation appends millions of points. */
export class Growable<T extends Float64Array | Int32Array | Uint16Array> {
  length = 0;
  constructor(
    private data: T,
    private readonly make: (n: number) => T,
  ) {}
  static f64(capacity = 8): Growable<Float64Array> {
    return new Growable(new Float64Array(capacity), (n) => new Float64Array(n));
  }
  static i32(capacity = 8): Growable<Int32Array> {
    return new Growable(new Int32Array(capacity), (n) => new Int32Array(n));
  }
  static u16(capacity = 8): Growable<Uint16Array> {
    return new Growable(new Uint16Array(capacity), (n) => new Uint16Array(n));
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = this.make(Math.max(8, this.data.length * 2));
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  get last(): number {
    return this.data[this.length - 1];
  }
  add(i: number, v: number): void {
    this.data[i] += v;
  }
  /** The backing array itself (valid below `length`; replaced when it grows): no allocation, for hot loops. */
  raw(): T {
    return this.data;
  }
  /** A view of the filled part (no copy). */
  view(): T {
    return this.data.subarray(0, this.length) as T;
  }
}

/** First index i with times[i] >= t (times ascending). */
export function lowerBound(times: Float64Array, t: number, lo = 0, hi = times.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface NumericSeries {
  kind: "numeric";
  /** Seconds between two possible points. */
  step: number;
  times: Float64Array;
  values: Float64Array;
  /** cum[i] = values[0] + ... + values[i-1]. */
  cum: Float64Array;
}

export interface MomentSeries {
  kind: "moments";
  step: number;
  times: Float64Array;
  counts: Float64Array;
  sums: Float64Array;
  cumCounts: Float64Array;
  cumSums: Float64Array;
}

export interface SketchSeries {
  kind: "sketch";
  step: number;
  times: Float64Array;
  /** Values of point i are bins[offsets[i] .. offsets[i+1]). */
  offsets: Int32Array;
  bins: Uint16Array;
}

export type Series = NumericSeries | MomentSeries | SketchSeries;

export function prefixSums(values: Float64Array): Float64Array {
  const cum = new Float64Array(values.length + 1);
  for (let i = 0; i < values.length; i++) cum[i + 1] = cum[i] + values[i];
  return cum;
}

export function numericSeries(step: number, times: Float64Array, values: Float64Array): NumericSeries {
  return { kind: "numeric", step, times, values, cum: prefixSums(values) };
}

export function momentSeries(step: number, times: Float64Array, counts: Float64Array, sums: Float64Array): MomentSeries {
  return { kind: "moments", step, times, counts, sums, cumCounts: prefixSums(counts), cumSums: prefixSums(sums) };
}

/** Index range of the points with from <= time < to. */
export function pointRange(s: { times: Float64Array }, from: number, to: number): [number, number] {
  return [lowerBound(s.times, from), lowerBound(s.times, to)];
}

// ---- Distribution sketch: log-spaced buckets with 1 % relative accuracy ----
// Datadog stores distributions as DDSketches and merges them in time and space (docs
// metrics/faq/rollup-for-distributions-with-percentiles). DDSketch keeps values in buckets
// whose bounds grow by gamma = (1 + a) / (1 - a), so every quantile it returns is within a
// relative error a of a true value (Masson, Rim, Lee, "DDSketch", VLDB 2019). a = 1 % here.

const ALPHA = 0.01;
const GAMMA = (1 + ALPHA) / (1 - ALPHA);
const LOG_GAMMA = Math.log(GAMMA);
/** Bucket 0 holds everything at or below this (ms-scale metrics never get there). */
const MIN_VALUE = 1e-3;
const OFFSET = Math.ceil(Math.log(MIN_VALUE) / LOG_GAMMA) - 1;
export const SKETCH_BINS = 2048;

export function sketchBin(value: number): number {
  if (!(value > MIN_VALUE)) return 0;
  const b = Math.ceil(Math.log(value) / LOG_GAMMA) - OFFSET;
  return b >= SKETCH_BINS ? SKETCH_BINS - 1 : b;
}

/** The value a bucket stands for: the midpoint that keeps the relative error within ALPHA. */
export function sketchValue(bin: number): number {
  if (bin <= 0) return 0;
  return (2 * Math.pow(GAMMA, bin + OFFSET)) / (GAMMA + 1);
}

/**
 * The q-quantile (0..1) of the values counted in `counts` (indexed by bin) with `total` values:
 * rank q * (total - 1), interpolated linearly between the two closest ranks (Hyndman and Fan's
 * definition 7, numpy's default). With few values a p95 is then close to the largest, as the
 * reference notes say Datadog's pooled p95 of a quiet window is (shared/reference/verified-behaviour.md).
 */
export function sketchQuantile(counts: Uint32Array | Float64Array, total: number, q: number, hiBin: number, loBin: number): number {
  if (total <= 0) return NaN;
  const rank = q * (total - 1);
  const k = Math.floor(rank);
  const frac = rank - k;
  let upper: number | undefined;
  let above = 0;
  // Walk from the top: p95 and p99 sit in the last few buckets.
  for (let b = hiBin; b >= loBin; b--) {
    const c = counts[b];
    if (!c) continue;
    const below = total - above - c;
    if (upper === undefined && k + 1 < total && k + 1 >= below) upper = sketchValue(b);
    if (k >= below) {
      const lower = sketchValue(b);
      return lower + frac * ((upper ?? lower) - lower);
    }
    above += c;
  }
  return sketchValue(loBin);
}
