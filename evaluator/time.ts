// Durations and the monitor clock: how long a window is, how often a monitor evaluates, and
// which span of data one evaluation reads. Every rule cites the Datadog page it comes from.

export const MINUTE = 60;
export const HOUR = 3600;
export const DAY = 86_400;
export const WEEK = 604_800;

/**
 * DogStatsD flushes every 10 seconds and stamps the aggregate with the start of the flush
 * interval (docs developers/dogstatsd/data_aggregation: "DogStatsD uses a flush interval of 10
 * seconds ... a flush occurring at 10:00:10 ... rolled up into a single data point with
 * timestamp 10:00:00"). It is the native resolution of every metric the emitter sends.
 */
export const FLUSH_SECONDS = 10;

const UNIT: Record<string, number> = { s: 1, m: MINUTE, h: HOUR, d: DAY, w: WEEK };

/** `<int><s|m|h|d|w>` (the scenario format) in seconds; undefined if malformed. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+)([smhdw])$/.exec(text.trim());
  return m ? Number(m[1]) * UNIT[m[2]] : undefined;
}

/** A Datadog time frame such as `last_10m`, `last_1w` in seconds; undefined if malformed. */
export function parseTimeframe(text: string): number | undefined {
  const m = /^last_(\d+)([smhdw])$/.exec(text.trim());
  return m ? Number(m[1]) * UNIT[m[2]] : undefined;
}

/** `2d 03:05` style offset for timelines (seconds from the scenario start). */
export function formatOffset(seconds: number): string {
  const sign = seconds < 0 ? "-" : "";
  const s = Math.abs(seconds);
  const d = Math.floor(s / DAY);
  const h = Math.floor((s % DAY) / HOUR);
  const m = Math.floor((s % HOUR) / MINUTE);
  const rest = s % MINUTE;
  const hm = `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}${rest ? `:${String(rest).padStart(2, "0")}` : ""}`;
  return `${sign}${d}d ${hm}`;
}

/** `1h`, `30m`, `2d`: the shortest exact form of a duration, for messages. */
export function formatDuration(seconds: number): string {
  for (const [unit, size] of [
    ["w", WEEK],
    ["d", DAY],
    ["h", HOUR],
    ["m", MINUTE],
  ] as const) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

/**
 * How often a monitor with this evaluation window is evaluated. Source: docs
 * monitors/configuration ("Evaluation frequency"): window < 24 hours: every minute;
 * 24 hours <= window < 48 hours: every 10 minutes; window >= 48 hours: every 30 minutes.
 */
export function evaluationFrequency(windowSeconds: number): number {
  if (windowSeconds < DAY) return MINUTE;
  if (windowSeconds < 2 * DAY) return 10 * MINUTE;
  return 30 * MINUTE;
}

/**
 * The data one evaluation at time `at` reads: `[at - delay - window, at - delay)`. Source: the
 * Datadog API spec, `MonitorOptions.evaluation_delay`: "if the value is set to 300 (5min), the
 * timeframe is set to last_5m and the time is 7:00, the monitor evaluates data from 6:50 to 6:55".
 */
export function evaluationSpan(at: number, windowSeconds: number, delaySeconds: number): { from: number; to: number } {
  const to = at - delaySeconds;
  return { from: to - windowSeconds, to };
}

/**
 * Evaluation instants in `[from, to]`, aligned to multiples of the frequency (UNIX time).
 * Datadog does not document the phase of its schedule; aligning to the clock is this
 * evaluator's assumption, and the same one `.rollup()` intervals make (docs
 * dashboards/functions/rollup, "Rollups in monitors": intervals are aligned to UNIX time).
 */
export function evaluationTimes(from: number, to: number, frequency: number): number[] {
  const out: number[] = [];
  for (let t = Math.ceil(from / frequency) * frequency; t <= to; t += frequency) out.push(t);
  return out;
}

/** 22:00-06:00 UTC is night in the scenario format. */
export function isNight(epochSeconds: number): boolean {
  const h = Math.floor((((epochSeconds % DAY) + DAY) % DAY) / HOUR);
  return h >= 22 || h < 6;
}
