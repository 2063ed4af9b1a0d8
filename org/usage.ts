// What the dashboards and monitors read from each metric: the tag keys they filter and
// group by, and the percentiles they ask for. Works on API bodies (generated definitions or
// the bodies recorded in a plan), so the program that derives the org's tag configurations
// and the checks that hold a stack's queries to them read queries the same way.
import { extractMetricTerms, PERCENTILES, scopeTagKey } from "../config/query";

type Json = Record<string, unknown>;

/** One `<aggregation>:<metric>{...}` term of one query, and what it needs from its metric. */
export interface MetricRead {
  /** The dashboard or monitor it is in (its id). */
  source: string;
  /** Where in it: `widgets[3].widgets[0] "p95 TTFT"` for a widget, `query` for a monitor. */
  where: string;
  metric: string;
  aggregation: string;
  /** Tag keys the term filters on (template variables resolved to their tag) or groups by. */
  tags: string[];
  /** `p95` etc. when the term needs percentile aggregations of a distribution. */
  percentile?: string;
}

/**
 * Every metric read of a dashboard body. A `$feature` scope entry reads the tag its template
 * variable filters on (the variable's `prefix`): when a viewer sets the variable, the query
 * filters on that tag, so the tag must stay queryable.
 */
export function dashboardReads(label: string, body: unknown): MetricRead[] {
  const dashboard = (body ?? {}) as Json;
  const prefixOf = new Map<string, string>();
  for (const tv of asArray(dashboard.template_variables) as Json[]) {
    if (typeof tv.name === "string") prefixOf.set(tv.name, typeof tv.prefix === "string" ? tv.prefix : tv.name);
  }
  const reads: MetricRead[] = [];
  const visit = (widgets: unknown, path: string) => {
    asArray(widgets).forEach((w, i) => {
      const def = ((w as Json)?.definition ?? {}) as Json;
      const where = `${path}[${i}]`;
      if (def.type === "group") return visit(def.widgets, `${where}.widgets`);
      const at = `${where} ${JSON.stringify(String(def.title ?? def.type))}`;
      for (const request of asArray(def.requests) as Json[]) {
        for (const q of asArray(request.queries) as Json[]) {
          if (q.data_source !== "metrics" || typeof q.query !== "string") continue;
          reads.push(...termReads(label, at, q.query, prefixOf));
        }
      }
    });
  };
  visit(dashboard.widgets, "widgets");
  return reads;
}

/** Every metric read of a monitor's query (`percentile(last_10m):p95:m{...} by {...} > N`, formulas, anomalies). */
export function monitorReads(label: string, query: string): MetricRead[] {
  return termReads(label, "query", query, new Map());
}

/** Every metric read of a metric SLO's good and total queries (`sum:<metric>{...}.as_count()`). */
export function sloReads(label: string, query: { numerator?: unknown; denominator?: unknown }): MetricRead[] {
  return (["numerator", "denominator"] as const).flatMap((side) =>
    typeof query[side] === "string" ? termReads(label, `query.${side}`, query[side], new Map()) : [],
  );
}

function termReads(source: string, where: string, query: string, prefixOf: Map<string, string>): MetricRead[] {
  return extractMetricTerms(query).map((term) => {
    const tags = new Set<string>();
    for (const entry of term.scope) {
      const { variable, tag } = scopeTagKey(entry);
      if (variable !== undefined) tags.add(prefixOf.get(variable) ?? variable);
      else if (tag !== undefined) tags.add(tag);
    }
    for (const tag of term.by) tags.add(tag);
    const percentile = (PERCENTILES as readonly string[]).includes(term.aggregation) ? term.aggregation : undefined;
    return {
      source,
      where,
      metric: term.metric,
      aggregation: term.aggregation,
      tags: [...tags].sort(),
      ...(percentile ? { percentile } : {}),
    };
  });
}

export interface MetricUsage {
  metric: string;
  /** Tag keys any read filters or groups on, sorted. */
  tags: string[];
  /** Percentile aggregations any read asks for, sorted. */
  percentiles: string[];
}

/** Reads folded per metric. */
export function usageByMetric(reads: readonly MetricRead[]): Map<string, MetricUsage> {
  const tags = new Map<string, Set<string>>();
  const percentiles = new Map<string, Set<string>>();
  for (const r of reads) {
    const t = tags.get(r.metric) ?? new Set<string>();
    r.tags.forEach((x) => t.add(x));
    tags.set(r.metric, t);
    const p = percentiles.get(r.metric) ?? new Set<string>();
    if (r.percentile) p.add(r.percentile);
    percentiles.set(r.metric, p);
  }
  return new Map(
    [...tags.keys()].map((metric) => [
      metric,
      { metric, tags: [...tags.get(metric)!].sort(), percentiles: [...percentiles.get(metric)!].sort() },
    ]),
  );
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
