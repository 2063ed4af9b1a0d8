// The metric contract: every metric and tag key that dashboards, monitors, the emitter
// and the cardinality report use. No other file spells a metric name or tag key.
//
// Tenant placement is a cost decision. In Datadog every distinct tag-value combination
// is a billed custom metric, and a distribution with percentiles counts 10x per
// combination. So `tenant` sits only on the cheap counters the per-tenant views need
// (requests, cost) and on the judge score (no percentiles), never on latency
// percentiles or token counts.

export const TAG = {
  feature: "feature",
  tenant: "tenant",
  provider: "provider",
  model: "model",
  status: "status",
  tokenType: "token_type",
  index: "index",
  /** The SLI a verdict counts for (`llm.slo.events`). */
  objective: "objective",
  /** good or bad, per event of an SLI (`llm.slo.events`). */
  verdict: "verdict",
  /** Set by the Datadog agent / DogStatsD client (unified service tagging), on every metric. */
  env: "env",
} as const;

export const STATUS_VALUES = ["ok", "error"] as const;
export const TOKEN_TYPES = ["input", "output", "cached"] as const;
/**
 * The SLIs `llm.slo.events` counts. Availability needs no event of its own: it is `llm.requests`
 * by status. Latency is judged per successful call, quality per judged trace (docs/slo.md).
 */
export const SLI_EVENT_OBJECTIVES = ["latency", "quality"] as const;
export const VERDICT_VALUES = ["good", "bad"] as const;

/**
 * The tag value the emitter sends in place of a value it may not send (an unknown provider,
 * model, index or flag state; a tenant that looks unbounded or exceeds the cap). It starts
 * with `_`, which no real value may: the emitter only sends values that start with a letter
 * or digit, so a real tenant named `other` stays its own series. Datadog keeps a leading `_`
 * in a tag value (only the whole tag must start with a letter; trailing and repeated `_` are
 * normalized away): docs.datadoghq.com/developers/guide/what-best-practices-are-recommended-for-naming-metrics-and-tags/
 */
export const BUCKET_VALUE = "_other";

export interface ValueRange {
  min: number;
  max: number;
}

/**
 * What one call may add to each metric: the emitter rejects anything outside (or not a
 * finite number), so a unit bug (an epoch timestamp as a duration, 1e308) never reaches a
 * sum or a percentile. Deliberately generous: a day for any latency (OpenAI's Batch API
 * window is 24 h), 100M tokens of one type (10x the largest context window offered today),
 * USD 10,000 for one call, and the judge score's 0-100 scale.
 */
export const METRIC_RANGES: Record<MetricKey, ValueRange> = {
  requests: { min: 1, max: 1 },
  cost: { min: 0, max: 10_000 },
  tokens: { min: 0, max: 100_000_000 },
  ttft: { min: 0, max: 86_400_000 },
  duration: { min: 0, max: 86_400_000 },
  judgeScore: { min: 0, max: 100 },
  retrievalDuration: { min: 0, max: 86_400_000 },
  sloEvents: { min: 1, max: 1 },
};

export type MetricKey = "requests" | "cost" | "tokens" | "ttft" | "duration" | "judgeScore" | "retrievalDuration" | "sloEvents";
export type MetricType = "count" | "distribution";

export interface MetricDefinition {
  key: MetricKey;
  /** Full Datadog metric name, prefix included. */
  name: string;
  type: MetricType;
  unit: string;
  /** Tag keys the emitter attaches (env comes on top, from the agent). */
  tags: string[];
  /** Percentile aggregations enabled in Datadog (bills 10x instead of 5x per combination). */
  percentiles: boolean;
  description: string;
  /** Values one call may send (METRIC_RANGES). */
  range: ValueRange;
}

export interface MetricContract {
  prefix: string;
  metrics: Record<MetricKey, MetricDefinition>;
  /** flag slug -> tag key on `requests`. */
  flagTags: Record<string, string>;
  /** Tags present on every metric regardless of the per-metric list. */
  globalTags: string[];
  /**
   * The judge writes one structured log per judged trace. Trace ids are unbounded, so they
   * never become metric tags; the bottom-20 table reads them from logs instead.
   */
  judgeLog: {
    service: string;
    attributes: { feature: string; tenant: string; score: string; traceId: string; judgeModel: string };
  };
}

/** Tag key that records a feature flag's state on each request: `clause-prompt-v2` -> `flag_clause_prompt_v2`. */
export function flagTagKey(flag: string): string {
  return `flag_${flag.replace(/-/g, "_")}`;
}

export function metricContract(opts: { prefix?: string; flags?: string[] } = {}): MetricContract {
  const prefix = opts.prefix ?? "llm";
  const flags = [...new Set(opts.flags ?? [])].sort();
  const flagTags = Object.fromEntries(flags.map((f) => [f, flagTagKey(f)]));
  const m = (
    key: MetricKey,
    suffix: string,
    type: MetricType,
    unit: string,
    tags: string[],
    percentiles: boolean,
    description: string,
  ): MetricDefinition => ({ key, name: `${prefix}.${suffix}`, type, unit, tags, percentiles, description, range: METRIC_RANGES[key] });
  return {
    prefix,
    flagTags,
    globalTags: [TAG.env],
    metrics: {
      requests: m(
        "requests",
        "requests",
        "count",
        "request",
        [TAG.feature, TAG.tenant, TAG.provider, TAG.model, TAG.status, ...Object.values(flagTags)],
        false,
        "One per LLM call, with its outcome and the feature-flag state at call time.",
      ),
      cost: m(
        "cost",
        "cost.usd",
        "count",
        "dollar",
        [TAG.feature, TAG.tenant, TAG.provider, TAG.model],
        false,
        "Spend in USD, computed at call time (float increments).",
      ),
      tokens: m(
        "tokens",
        "tokens",
        "count",
        "token",
        [TAG.feature, TAG.provider, TAG.model, TAG.tokenType],
        false,
        "Tokens by type: input, output, cached.",
      ),
      ttft: m("ttft", "ttft", "distribution", "millisecond", [TAG.feature, TAG.provider, TAG.model], true, "Time to first token."),
      duration: m(
        "duration",
        "duration",
        "distribution",
        "millisecond",
        [TAG.feature, TAG.provider, TAG.model],
        true,
        "Total response time.",
      ),
      judgeScore: m(
        "judgeScore",
        "judge.score",
        "distribution",
        "score 0-100",
        [TAG.feature, TAG.tenant],
        false,
        "LLM-as-judge score of a sampled production trace.",
      ),
      retrievalDuration: m(
        "retrievalDuration",
        "retrieval.duration",
        "distribution",
        "millisecond",
        [TAG.feature, TAG.index],
        true,
        "Vector-index query time.",
      ),
      // The cheapest good/total pair a metric SLO can divide: one series per feature, objective
      // and verdict (4 per feature), no tenant. Percentile-enabled threshold queries on judge.score
      // would cost 10x per feature and tenant, and latency needs both thresholds of one call at once.
      sloEvents: m(
        "sloEvents",
        "slo.events",
        "count",
        "event",
        [TAG.feature, TAG.objective, TAG.verdict],
        false,
        "One per SLI event of a feature with SLOs, good or bad: a successful call within both latency thresholds or not; a judged " +
          "trace at or above the pass score or not.",
      ),
    },
    judgeLog: {
      service: "llm-judge",
      attributes: { feature: TAG.feature, tenant: TAG.tenant, score: "score", traceId: "trace_id", judgeModel: "judge_model" },
    },
  };
}

/** Tag keys a query may filter or group this metric by. */
export function queryableTags(contract: MetricContract, metric: MetricDefinition): string[] {
  return [...metric.tags, ...contract.globalTags];
}

export function allMetrics(contract: MetricContract): MetricDefinition[] {
  return Object.values(contract.metrics);
}
