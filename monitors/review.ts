// What a reviewer reads about a monitor kind: the numbers that matter per feature (the columns of
// the diff's and the preview's thresholds table) and the sentence that says them. Each kind
// declares these once in its registry entry (kinds.ts); `npm run diff` and the preview page only
// render what the entries declare, so a new kind shows up in both without touching either.

/** A monitor's thresholds as numbers, read back from a plan (any commit's). */
export interface Thresholds {
  critical?: number;
  warning?: number;
  criticalRecovery?: number;
  warningRecovery?: number;
}

export type Unit = "usd per day" | "usd" | "ms" | "points" | "percent" | "count" | "days";

/**
 * What else a reviewer's number may come from besides the thresholds: the monitor's tags and,
 * for a `slo alert` monitor, the SLO it watches (found in the same plan by its tags).
 */
export interface ReviewedMonitor {
  tags: readonly string[];
  slo?: { target?: number; timeframe?: string };
}

/** The feature a sentence is about, as a reviewer knows it. */
export interface ReviewedFeature {
  id: string;
  /** Its display name, when the plan shows it. */
  name?: string;
}

export interface ReviewColumn {
  /** Stable key of the value (unique across kinds, checked by test/monitor-kinds.test.ts). */
  key: string;
  /** Column header in the diff's and the preview's per-feature table. */
  header: string;
  unit: Unit;
  /** The value from the monitor's thresholds (or its SLO); undefined when they do not hold it. */
  read(thresholds: Thresholds, monitor?: ReviewedMonitor): number | undefined;
}

/** Values of a feature, by column key. */
export type ReviewValues = Record<string, number | undefined>;

export interface KindReview {
  columns: ReviewColumn[];
  /** For a feature that gets this monitor (and in the preview): `TTFT p95 alert at 800 ms`. */
  added(values: ReviewValues, feature?: ReviewedFeature): string | undefined;
  /** For a feature whose values changed: `TTFT p95 alert moves from 800 ms to 900 ms`; empty when none did. */
  changed(before: ReviewValues, after: ReviewValues, feature?: ReviewedFeature): string[];
}

/** A number in the words of its unit: `$1,200`, `800 ms`, `5 points`. */
export function formatValue(unit: Unit, n: number | undefined): string {
  if (n === undefined) return "—";
  const plain = n.toLocaleString("en-US", { maximumFractionDigits: 2 });
  switch (unit) {
    case "usd":
    case "usd per day":
      return `$${plain}`;
    case "ms":
      return `${plain} ms`;
    case "points":
      return `${plain} points`;
    case "percent":
      return `${plain} %`;
    case "count":
      return plain;
    case "days":
      return `${plain} days`;
  }
}

/**
 * The review of a kind with one threshold that matters: `<noun> at <value>` when added,
 * `<noun> moves from <before> to <after>` when changed (`changedNoun` when the change reads
 * better with other words).
 */
export function thresholdReview(o: {
  key: string;
  header: string;
  unit: Unit;
  noun: string;
  changedNoun?: string;
  read?: (t: Thresholds) => number | undefined;
}): KindReview {
  const read = o.read ?? ((t: Thresholds) => t.critical);
  const fmt = (v: number | undefined) => formatValue(o.unit, v);
  return {
    columns: [{ key: o.key, header: o.header, unit: o.unit, read }],
    added: (v) => (v[o.key] === undefined ? undefined : `${o.noun} at ${fmt(v[o.key])}`),
    changed: (b, a) => (b[o.key] === a[o.key] ? [] : [`${o.changedNoun ?? o.noun} moves from ${fmt(b[o.key])} to ${fmt(a[o.key])}`]),
  };
}
