// Builds Datadog metric query strings from the contract, so a query can only name
// contract metrics and tags. Misuse is a programming error and throws at build time.
import { type MetricContract, type MetricDefinition, queryableTags } from "./contract";

export const PERCENTILES = ["p50", "p75", "p90", "p95", "p99"] as const;
export type Percentile = (typeof PERCENTILES)[number];
/** `count` is the number of values a distribution received (e.g. judged traces), not a sum of a count metric. */
export type SpaceAggregation = "sum" | "avg" | "min" | "max" | "count" | Percentile;

export interface MetricQueryOptions {
  aggregation: SpaceAggregation;
  /** Exact tag filters, e.g. { feature: "extract-clause" }. */
  filters?: Record<string, string>;
  /**
   * Dashboard template variables in scope (their names equal tag keys). Each one whose tag
   * the metric carries is applied as `$name`; the rest are skipped, so selecting a tenant
   * never blanks a metric that is deliberately not tenant-tagged.
   */
  templateVariables?: readonly string[];
  by?: readonly string[];
  /** Counts: report the raw count per interval (required for sums over a window). */
  asCount?: boolean;
  /**
   * `.rollup([aggregator, ]seconds)`: points per interval aligned to UNIX time (docs
   * dashboards/functions/rollup). A distribution takes no aggregator: it merges in time and space.
   */
  rollup?: { seconds: number; aggregator?: "avg" | "sum" | "min" | "max" | "count" };
}

export function metricQuery(contract: MetricContract, metric: MetricDefinition, opts: MetricQueryOptions): string {
  const allowed = new Set(queryableTags(contract, metric));
  const problems = termProblems(contract, metric, {
    aggregation: opts.aggregation,
    asCount: opts.asCount,
    tags: [
      ...Object.keys(opts.filters ?? {}).map((tag) => ({ tag, how: "filter" })),
      ...(opts.by ?? []).map((tag) => ({ tag, how: "group-by" })),
    ],
  });
  if (problems.length) throw new Error(problems.join("; "));
  const scope: string[] = [];
  for (const v of opts.templateVariables ?? []) if (allowed.has(v)) scope.push(`$${v}`);
  for (const [tag, value] of Object.entries(opts.filters ?? {})) scope.push(`${tag}:${value}`);
  const by = opts.by?.length ? ` by {${opts.by.join(",")}}` : "";
  const rollup = opts.rollup ? `.rollup(${opts.rollup.aggregator ? `${opts.rollup.aggregator}, ` : ""}${opts.rollup.seconds})` : "";
  return `${opts.aggregation}:${metric.name}{${scope.length ? scope.join(",") : "*"}}${by}${opts.asCount ? ".as_count()" : ""}${rollup}`;
}

export interface TermUse {
  aggregation: string;
  asCount?: boolean;
  /** Each tag the term filters or groups on, with how (`filter`, `group-by`, `$tenant would blank it when set`). */
  tags: { tag: string; how: string }[];
}

/**
 * Every way one term breaks the metric contract, in one wording for the query builder (which
 * throws) and both lints (which report): a tag the metric does not carry, a percentile it does
 * not have enabled (Datadog returns no data: docs metrics/distributions, "Enabling advanced query
 * functionality"), `count:` on a non-distribution, `.as_count()` on a non-count.
 */
export function termProblems(contract: MetricContract, metric: MetricDefinition, use: TermUse): string[] {
  const problems: string[] = [];
  const allowed = queryableTags(contract, metric);
  if ((PERCENTILES as readonly string[]).includes(use.aggregation) && !metric.percentiles) {
    problems.push(`${use.aggregation}:${metric.name} needs percentiles, which ${metric.name} does not have enabled`);
  }
  if (use.aggregation === "count" && metric.type !== "distribution") {
    problems.push(`count:${metric.name} applies to distributions only (use sum: with .as_count())`);
  }
  if (use.asCount && metric.type !== "count") problems.push(`${metric.name}.as_count(): ${metric.name} is a ${metric.type}, not a count`);
  for (const { tag, how } of use.tags) {
    if (!allowed.includes(tag)) problems.push(`${metric.name} has no tag "${tag}" (${how}); it carries ${allowed.join(", ")}`);
  }
  return problems;
}

/** The contract metric of that name, or a problem naming the contract's metrics. */
export function contractMetric(contract: MetricContract, name: string): MetricDefinition | string {
  const metrics = Object.values(contract.metrics);
  return metrics.find((m) => m.name === name) ?? `unknown metric "${name}" (contract: ${metrics.map((m) => m.name).join(", ")})`;
}

/** One `<aggregation>:<metric>{<scope>} [by {<tags>}][.as_count()]` term found inside a larger query or formula. */
export interface MetricQueryTerm {
  aggregation: string;
  metric: string;
  /** Scope entries as written: `$feature`, `feature:x`, `!status:ok`, `*`. */
  scope: string[];
  by: string[];
  asCount: boolean;
}

const TERM = /(?<![\w.])(avg|sum|min|max|count|p\d{1,2}(?:\.\d+)?):([A-Za-z][\w.]*)\{([^}]*)\}(?:\s*by\s*\{([^}]*)\})?(\.as_count\(\))?/g;

/**
 * Finds every metric term in a Datadog metric query, monitor query or formula, e.g. inside
 * `percentile(last_10m):p95:llm.ttft{feature:x} > 800` or `anomalies(sum:llm.cost.usd{*} by {tenant}.as_count(), ...)`.
 * Used by the lints that hold generated queries to the contract.
 */
export function extractMetricTerms(query: string): MetricQueryTerm[] {
  return [...query.matchAll(TERM)].map((m) => ({
    aggregation: m[1],
    metric: m[2],
    scope: m[3]
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    by: (m[4] ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    asCount: m[5] !== undefined,
  }));
}

/** The tag key a scope entry filters on (`$feature` -> "feature" via its variable, `!status:ok` -> "status"). */
export function scopeTagKey(entry: string): { variable?: string; tag?: string } {
  if (entry === "*") return {};
  if (entry.startsWith("$")) return { variable: entry.slice(1).replace(/\.value$/, "") };
  const body = entry.replace(/^!/, "");
  const colon = body.indexOf(":");
  return { tag: colon === -1 ? body : body.slice(0, colon) };
}
