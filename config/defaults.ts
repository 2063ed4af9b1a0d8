// Defaults that both the validated config (schema.ts) and the runtime emitter (emit/) apply.
// Kept apart from schema.ts so the emitter, which ships on its own, never loads zod.

/** Defaults from the observability chapter. */
export const CHAPTER_DEFAULTS = {
  ttftP95Ms: 800,
  totalP95Ms: 5000,
  judgeSampleRate: 0.01,
  maxWeeklyDropPoints: 5,
  /** A pinned, dated version: the chapter wants a stronger model than the subject, never a floating alias. */
  judgeModel: "claude-opus-4-1-20250805",
  escalationDelayMinutes: 15,
  /**
   * Latency monitors judge only minutes with at least this many requests (50 in ten minutes):
   * with fewer, a per-minute p95 is one slow call, not the feature's latency (docs/alerting.md).
   */
  latencyMinRequestsPerMinute: 5,
} as const;
