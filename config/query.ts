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
}

export function metricQuery(contract: MetricContract, metric: MetricDefinition, opts: MetricQueryOptions): string {
  const allowed = new Set(queryableTags(contract, metric));
  const check = (tag: string, where: string) => {
    if (!allowed.has(tag)) {
      throw new Error(`${metric.name} has no tag "${tag}" (${where}); contract tags: ${[...allowed].join(", ")}`);
    }
  };
  if ((PERCENTILES as readonly string[]).includes(opts.aggregation) && !metric.percentiles) {
    throw new Error(`${metric.name} has no percentiles enabled; ${opts.aggregation} would return no data`);
  }
  if (opts.aggregation === "count" && metric.type !== "distribution") {
    throw new Error(`${metric.name} is a ${metric.type}; count: applies to distributions only (use sum: with .as_count())`);
  }
  if (opts.asCount && metric.type !== "count") {
    throw new Error(`${metric.name} is a ${metric.type}; .as_count() applies to counts only`);
  }
  const scope: string[] = [];
  for (const v of opts.templateVariables ?? []) if (allowed.has(v)) scope.push(`$${v}`);
  for (const [tag, value] of Object.entries(opts.filters ?? {})) {
    check(tag, "filter");
    scope.push(`${tag}:${value}`);
  }
  for (const tag of opts.by ?? []) check(tag, "group-by");
  const by = opts.by?.length ? ` by {${opts.by.join(",")}}` : "";
  return `${opts.aggregation}:${metric.name}{${scope.length ? scope.join(",") : "*"}}${by}${opts.asCount ? ".as_count()" : ""}`;
}

/** One `<aggregation>:<metric>{<scope>} [by {<tags>}]` term found inside a larger query or formula. */
export interface MetricQueryTerm {
  aggregation: string;
  metric: string;
  /** Scope entries as written: `$feature`, `feature:x`, `!status:ok`, `*`. */
  scope: string[];
  by: string[];
}

const TERM = /(?<![\w.])(avg|sum|min|max|count|p\d{1,2}(?:\.\d+)?):([A-Za-z][\w.]*)\{([^}]*)\}(?:\s*by\s*\{([^}]*)\})?/g;

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
