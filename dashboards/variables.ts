// Dashboard template variables and the queries that honour them. Every dashboard declares
// `feature`, `tenant`, `provider` and `env` (names equal tag keys). A metric query applies
// each variable whose tag the metric carries and skips the rest, so picking a tenant never
// blanks a latency graph (latency is deliberately not tenant-tagged). Widget titles then say
// which variables some of their queries ignore (scopeNote), so nobody reads all-tenant
// latency as the selected tenant's.
import { type MetricContract, type MetricKey, queryableTags, TAG } from "../config/contract";
import { metricQuery, type SpaceAggregation } from "../config/query";
import type { Catalog } from "../config/validate";
import type { DatadogDashboard } from "./definition";
import { type EventAggregation, type LogsQuery, type MetricQuery, queriesOf, type Query, type ScalarAggregator } from "./widgets";

export const DASHBOARD_VARIABLES = [TAG.feature, TAG.tenant, TAG.provider, TAG.env] as const;
export type DashboardVariable = (typeof DASHBOARD_VARIABLES)[number];

/** What a builder needs to write queries: the catalog and the variables in scope. */
export interface Scope {
  catalog: Catalog;
  contract: MetricContract;
  variables: readonly string[];
}

export function dashboardScope(catalog: Catalog): Scope {
  return { catalog, contract: catalog.contract, variables: DASHBOARD_VARIABLES };
}

export type TemplateVariable = NonNullable<DatadogDashboard["template_variables"]>[number];

/**
 * Feature and provider drop-downs are limited to what the catalog declares (bounded tags);
 * tenants come from the data. `env` opens on the stack's own environment, so staging and
 * prod dashboards in one Datadog org never mix.
 */
export function templateVariables(catalog: Catalog): TemplateVariable[] {
  const providers = [...new Set(catalog.features.flatMap((f) => f.providers))].sort();
  const values: Record<DashboardVariable, { available: string[]; defaults: string[] }> = {
    feature: { available: catalog.features.map((f) => f.id), defaults: ["*"] },
    tenant: { available: [], defaults: ["*"] },
    provider: { available: providers, defaults: ["*"] },
    env: { available: [], defaults: [catalog.stack.env] },
  };
  return DASHBOARD_VARIABLES.map((name) => ({
    name,
    prefix: name,
    available_values: values[name].available,
    defaults: values[name].defaults,
  }));
}

/** The scope without some variables, for a query that must see across them (e.g. the top 10 tenants). */
export function without(scope: Scope, ...variables: string[]): Scope {
  return { ...scope, variables: scope.variables.filter((v) => !variables.includes(v)) };
}

/**
 * The scope narrowed to variables every one of `keys` carries. A ratio whose numerator and
 * denominator were filtered differently (judged traces of all providers over requests of
 * one provider) would be wrong, so both sides of a ratio use this.
 */
export function sharedBy(scope: Scope, ...keys: MetricKey[]): Scope {
  const carried = (v: string) => keys.every((k) => queryableTags(scope.contract, scope.contract.metrics[k]).includes(v));
  return { ...scope, variables: scope.variables.filter(carried) };
}

export interface MetricOptions {
  aggregation: SpaceAggregation;
  by?: readonly string[];
  filters?: Record<string, string>;
  /** Counts default to `.as_count()` (totals per interval, not per-second rates). */
  asCount?: boolean;
  /** Appends `.rollup(<method>, <seconds>)`, e.g. daily spend. */
  rollup?: { method: "sum" | "avg" | "max" | "min"; seconds: number };
  /** Required in scalar widgets. */
  aggregator?: ScalarAggregator;
}

/** A metrics query on a contract metric with the scope's template variables applied. */
export function metric(scope: Scope, name: string, key: MetricKey, opts: MetricOptions): MetricQuery {
  const def = scope.contract.metrics[key];
  const base = metricQuery(scope.contract, def, {
    aggregation: opts.aggregation,
    by: opts.by,
    filters: opts.filters,
    templateVariables: scope.variables,
    asCount: opts.asCount ?? (def.type === "count" && opts.aggregation === "sum"),
  });
  const query = opts.rollup ? `${base}.rollup(${opts.rollup.method}, ${opts.rollup.seconds})` : base;
  return { data_source: "metrics", name, query, ...(opts.aggregator ? { aggregator: opts.aggregator } : {}) };
}

/**
 * The judge's structured logs (contract.judgeLog): trace ids are unbounded, so the
 * bottom-N traces come from logs, grouped by the trace-id attribute. Dashboard variables
 * map to the log attributes of the same name (`@feature:$feature.value`); `env` is a tag on
 * every log (unified service tagging); the rest (provider) do not apply.
 */
export function judgeLogQuery(
  scope: Scope,
  name: string,
  opts: { compute: EventAggregation; groupByTrace?: { limit: number; order: "asc" | "desc" } },
): LogsQuery {
  const log = scope.contract.judgeLog;
  const attrs = log.attributes as Record<string, string>;
  const terms = [`service:${log.service}`];
  for (const v of scope.variables) {
    if (scope.contract.globalTags.includes(v)) terms.push(`$${v}`);
    else if (attrs[v]) terms.push(`@${attrs[v]}:$${v}.value`);
  }
  const score = `@${log.attributes.score}`;
  return {
    data_source: "logs",
    name,
    search: { query: terms.join(" ") },
    indexes: ["*"],
    compute: { aggregation: opts.compute, metric: score },
    ...(opts.groupByTrace
      ? {
          group_by: [
            {
              facet: `@${log.attributes.traceId}`,
              limit: opts.groupByTrace.limit,
              sort: { aggregation: opts.compute, metric: score, order: opts.groupByTrace.order },
            },
          ],
        }
      : {}),
  };
}

/** Variables a query applies: `$x` in a metric scope, anywhere in a log search, or in an SLO query's extra filters. */
export function appliedVariables(query: Query): Set<string> {
  const text =
    query.data_source === "metrics"
      ? query.query
      : query.data_source === "slo"
        ? (query.additional_query_filters ?? "")
        : query.search.query;
  return new Set([...text.matchAll(/\$([a-z_][a-z0-9_]*)/g)].map((m) => m[1]));
}

const PLURAL: Record<string, string> = { feature: "features", tenant: "tenants", provider: "providers", env: "environments" };

/** How a reader names what a query measures, for the scope note. */
const MEASURE: Record<MetricKey, string> = {
  requests: "volume",
  cost: "cost",
  tokens: "tokens",
  ttft: "latency",
  duration: "latency",
  judgeScore: "quality",
  retrievalDuration: "retrieval",
  sloEvents: "SLIs",
};

export function allOf(variable: string): string {
  return `all ${PLURAL[variable] ?? `${variable} values`}`;
}

function measureOf(contract: MetricContract, query: Query): string {
  if (query.data_source === "logs") return "traces";
  if (query.data_source === "slo") return "SLOs";
  const name = /^[a-z0-9_]+:([A-Za-z][\w.]*)\{/.exec(query.query)?.[1];
  const key = (Object.keys(contract.metrics) as MetricKey[]).find((k) => contract.metrics[k].name === name);
  return key ? MEASURE[key] : "other";
}

/**
 * Names the variables that some query of a widget does not apply, e.g. "latency: all
 * tenants; quality: all providers", or "all tenants" when no query applies it. Empty when
 * every query honours every variable (or the widget has no queries).
 */
export function scopeNote(contract: MetricContract, variables: readonly string[], definition: Record<string, unknown>): string {
  const queries = queriesOf(definition);
  if (!queries.length) return "";
  const byMeasures = new Map<string, string[]>();
  for (const v of variables) {
    const ignoring = queries.filter((q) => !appliedVariables(q).has(v));
    if (!ignoring.length) continue;
    const measures = ignoring.length === queries.length ? "" : [...new Set(ignoring.map((q) => measureOf(contract, q)))].join(", ");
    byMeasures.set(measures, [...(byMeasures.get(measures) ?? []), allOf(v)]);
  }
  return [...byMeasures].map(([measures, alls]) => (measures ? `${measures}: ${alls.join(", ")}` : alls.join(", "))).join("; ");
}
