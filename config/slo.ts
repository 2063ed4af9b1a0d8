// Service-level objectives: what each objective means, the documented defaults, how a feature's
// objectives are resolved from features.ts and the stack, and the burn-rate alerts Datadog will
// accept for them. The SLO builder (slos/), the burn-rate monitors (monitors/slo.ts), the
// dashboards, the emitter (the quality and latency verdicts) and the review read it from here, so
// a target means the same thing everywhere.
import { CHAPTER_DEFAULTS } from "./defaults";

export const SLO_OBJECTIVES = ["availability", "latency", "quality"] as const;
export type SloObjective = (typeof SLO_OBJECTIVES)[number];

/** Rolling windows Datadog SLOs support (API `SLOTimeframe`; "custom" is for history queries only). */
export const SLO_WINDOWS = ["7d", "30d", "90d"] as const;
export type SloWindow = (typeof SLO_WINDOWS)[number];

/** The runbook every SLO and every burn-rate or error-budget monitor links (runbooks/slo-burn.md). */
export const SLO_RUNBOOK = "slo-burn.md";

/** Applied when neither the feature nor the stack's `monitoring.slo` sets a value (docs/slo.md). */
export const SLO_DEFAULTS = {
  window: "30d",
  availability: 99.5,
  latency: 99,
  quality: { target: 95, passScore: 70 },
} as const satisfies { window: SloWindow; availability: number; latency: number; quality: { target: number; passScore: number } };

/**
 * The range a target is validated in. Below 90 % no burn-rate alert of ours can exist (Datadog's
 * maximum burn rate 1 / (1 - target) is then under every fast-burn threshold of BURN_ALERTS), so
 * a 0.995 meant as 99.5 % is caught with a clear message; above 99.99 % the budget is minutes a
 * month, less than one provider incident. Datadog allows three decimals on metric SLO targets
 * (docs service_management/service_level_objectives/metric, "Set your SLO targets").
 */
export const SLO_TARGET_RANGE = { min: 90, max: 99.99, decimals: 3 } as const;

/** A feature's objectives once features.ts, the stack's `monitoring.slo` and the defaults are merged. */
export interface ResolvedSlo {
  window: SloWindow;
  /** Target in percent per objective. */
  targets: Record<SloObjective, number>;
  /** A judged trace is good when its judge score (0-100) is at least this. */
  passScore: number;
}

/** The shape of `slo` in features.ts and of `monitoring.slo` in the stack config, every field optional. */
export interface SloSettings {
  window?: SloWindow;
  availability?: number;
  latency?: number;
  quality?: { target?: number; passScore?: number };
}

/**
 * Field by field: the feature's own value, else the stack's `monitoring.slo`, else SLO_DEFAULTS.
 * `false` (the feature opted out) resolves to undefined.
 */
export function resolveSlo(feature: SloSettings | false | undefined, stack: SloSettings | undefined): ResolvedSlo | undefined {
  if (feature === false) return undefined;
  const f = feature ?? {};
  const s = stack ?? {};
  return {
    window: f.window ?? s.window ?? SLO_DEFAULTS.window,
    targets: {
      availability: f.availability ?? s.availability ?? SLO_DEFAULTS.availability,
      latency: f.latency ?? s.latency ?? SLO_DEFAULTS.latency,
      quality: f.quality?.target ?? s.quality?.target ?? SLO_DEFAULTS.quality.target,
    },
    passScore: f.quality?.passScore ?? s.quality?.passScore ?? SLO_DEFAULTS.quality.passScore,
  };
}

/** The SLOs of a validated feature on its stack, or undefined when it opted out (`slo: false`). */
export function featureSlo(feature: { slo?: SloSettings | false }, stack: { monitoring: { slo?: SloSettings } }): ResolvedSlo | undefined {
  return resolveSlo(feature.slo, stack.monitoring.slo);
}

/** A feature's latency thresholds, the chapter's where it sets none: its latency SLI counts calls within both. */
export function latencyThresholds(feature: { latency?: { ttftP95Ms?: number; totalP95Ms?: number } }): {
  ttftP95Ms: number;
  totalP95Ms: number;
} {
  return {
    ttftP95Ms: feature.latency?.ttftP95Ms ?? CHAPTER_DEFAULTS.ttftP95Ms,
    totalP95Ms: feature.latency?.totalP95Ms ?? CHAPTER_DEFAULTS.totalP95Ms,
  };
}

// ---------------------------------------------------------------------------------------------
// Burn-rate and error-budget alerts

export interface BurnAlert {
  /** Burn-rate threshold: the multiple of the sustainable error rate. */
  rate: number;
  /** Datadog's long window (1 h to 48 h) and short window (below the long one). */
  longWindow: string;
  shortWindow: string;
  /** Share of the window's error budget a burn at `rate` spends over the long window, in percent. */
  budgetSpentPct: number;
}

/**
 * The multi-window, multi-burn-rate pairs per SLO window: Datadog's recommended values
 * (docs service_management/service_level_objectives/burn_rate, "Examples": tables for 7, 30 and
 * 90-day targets). For 30 days they are the first two rows of Table 5-8 of the SRE workbook,
 * chapter "Alerting on SLOs" (page: 2 % of the budget in 1 h, 14.4x over 1 h and 5 min; page or
 * ticket: 5 % in 6 h, 6x over 6 h and 30 min). The workbook's third row (1x over 3 days) cannot be
 * built: Datadog's long window is at most 48 h (same page, "Monitor creation"); the error-budget
 * monitor (75 % of the budget spent) covers that slow leak instead. Short windows are 1/12 of
 * the long ones, as both sources recommend.
 */
export const BURN_ALERTS: Record<SloWindow, { fast: BurnAlert; slow: BurnAlert }> = {
  "7d": {
    fast: { rate: 16.8, longWindow: "1h", shortWindow: "5m", budgetSpentPct: 10 },
    slow: { rate: 5.6, longWindow: "6h", shortWindow: "30m", budgetSpentPct: 20 },
  },
  "30d": {
    fast: { rate: 14.4, longWindow: "1h", shortWindow: "5m", budgetSpentPct: 2 },
    slow: { rate: 6, longWindow: "6h", shortWindow: "30m", budgetSpentPct: 5 },
  },
  "90d": {
    fast: { rate: 21.6, longWindow: "1h", shortWindow: "5m", budgetSpentPct: 1 },
    slow: { rate: 10.8, longWindow: "6h", shortWindow: "30m", budgetSpentPct: 3 },
  },
};

/** The error-budget monitor: warns at 75 % of the window's budget spent, alerts when all of it is. */
export const ERROR_BUDGET_ALERT = { warningPct: 75, criticalPct: 100 } as const;

/**
 * The highest burn rate an SLO can show: an error rate of 100 % over the budget. Datadog blocks
 * burn-rate alerts whose threshold is above it (docs service_management/service_level_objectives/
 * burn_rate, "Maximum burn rate values": max burn rate = 1 / (1 - SLO target)).
 */
export function maxBurnRate(targetPct: number): number {
  return 1 / (1 - targetPct / 100);
}

/** The lowest target (percent, rounded up to Datadog's three decimals) whose maximum burn rate reaches `rate`. */
export function minTargetFor(rate: number): number {
  return Math.ceil(100 * (1 - 1 / rate) * 1000) / 1000;
}

// ---------------------------------------------------------------------------------------------
// Error budgets in words

export function windowDays(window: SloWindow): number {
  return Number(window.slice(0, -1));
}

/** The error budget of a target over a window, in minutes of full outage: (100 % - target) x window. */
export function errorBudgetMinutes(targetPct: number, window: SloWindow): number {
  return ((100 - targetPct) / 100) * windowDays(window) * 24 * 60;
}

/** `43 min`, `3 h 36 min`, `2 d 4 h`, `36 s`: minutes rounded, hours from a day on. */
export function formatDuration(minutes: number): string {
  if (minutes < 1) return `${Math.round(minutes * 60)} s`;
  const m = Math.round(minutes);
  if (m < 60) return `${m} min`;
  if (m < 24 * 60) {
    const rest = m % 60;
    return rest ? `${Math.floor(m / 60)} h ${rest} min` : `${m / 60} h`;
  }
  const hours = Math.round(m / 60);
  const rest = hours % 24;
  return rest ? `${Math.floor(hours / 24)} d ${rest} h` : `${hours / 24} d`;
}

/** `3 h 36 min`: the budget of a 99.5 % target over 30 days. */
export function formatErrorBudget(targetPct: number, window: SloWindow): string {
  return formatDuration(errorBudgetMinutes(targetPct, window));
}

/** How long a window's whole budget lasts at a burn rate (`2 d 2 h` for 14.4x over 30 days). */
export function timeToExhaustion(rate: number, window: SloWindow): string {
  return formatDuration((windowDays(window) * 24 * 60) / rate);
}

/** What each objective counts, after "<target> %": `99.5 % of LLM calls succeed (status ok)`. */
export const OBJECTIVE_MEANING: Record<SloObjective, string> = {
  availability: "of LLM calls succeed (status ok)",
  latency: "of successful LLM calls arrive within both the TTFT and the total-response p95 thresholds",
  quality: "of judged traces score at least the pass score",
};

/** `1h` -> `1 hour`, `30m` -> `30 minutes`: a Datadog alert window in words. */
export function windowWords(window: string): string {
  const m = /^(\d+)([mh])$/.exec(window);
  if (!m) return window;
  const unit = m[2] === "h" ? "hour" : "minute";
  return `${m[1]} ${unit}${m[1] === "1" ? "" : "s"}`;
}
