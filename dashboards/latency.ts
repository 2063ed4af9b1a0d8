// Latency dashboard: p50/p95/p99 time to first token and total response per feature with
// each feature's p95 threshold marked, provider attribution (request, cost and waiting-time
// shares), error rate per provider, and vector-index latency where features retrieve.
// Latency percentiles carry no tenant tag (cardinality), so every latency graph is all-tenant.
import { type MetricKey, STATUS_VALUES, TAG } from "../config/contract";
import type { Feature } from "../config/schema";
import { buildDashboard } from "./dashboard";
import type { DashboardDefinition } from "./definition";
import { sloGroup } from "./slo";
import { tripleStrip } from "./triple";
import { metric, type Scope } from "./variables";
import { formula, group, type Marker, marker, optional, queryName, queryTable, timeseries, type WidgetSpec } from "./widgets";

const [, ERROR] = STATUS_VALUES;
const PERCENTILES = ["p50", "p95", "p99"] as const;

interface LatencyKind {
  key: Extract<MetricKey, "ttft" | "duration">;
  slug: string;
  label: string;
  /** The feature's p95 threshold; its latency monitor fires above it for 10 minutes. */
  threshold: (f: Feature) => number;
}

export const LATENCY_KINDS: LatencyKind[] = [
  { key: "ttft", slug: "ttft", label: "Time to first token", threshold: (f) => f.latency.ttftP95Ms },
  { key: "duration", slug: "total", label: "Total response", threshold: (f) => f.latency.totalP95Ms },
];

export function latencyDashboard(scope: Scope): DashboardDefinition {
  const retrieves = scope.catalog.features.some((f) => f.retrieval);
  return buildDashboard(scope, {
    id: "latency",
    name: "Latency",
    purpose: "How fast does each feature answer, against its own thresholds, and which provider is responsible?",
    widgets: [
      tripleStrip(scope),
      ...LATENCY_KINDS.map((k) =>
        group({
          key: `latency/${k.slug}`,
          title: k.label,
          children: [percentileTrend(scope, k), percentileTable(scope, k), versusThreshold(scope, k)],
        }),
      ),
      group({
        key: "latency/providers",
        title: "Providers",
        children: [
          providerAttribution(scope),
          providerRequestShare(scope),
          providerErrorRate(scope),
          ...(retrieves ? [retrieval(scope)] : []),
        ],
      }),
      ...optional(sloGroup(scope)),
    ],
  });
}

/** One marker per distinct threshold, labelled with the features it belongs to. */
export function thresholdMarkers(features: Feature[], kind: LatencyKind): Marker[] {
  const byValue = new Map<number, Feature[]>();
  for (const f of features) byValue.set(kind.threshold(f), [...(byValue.get(kind.threshold(f)) ?? []), f]);
  return [...byValue]
    .sort(([a], [b]) => a - b)
    .map(([value, fs]) =>
      marker(value, "error", `p95 threshold ${value} ms: ${fs.length <= 3 ? fs.map((f) => f.name).join(", ") : `${fs.length} features`}`),
    );
}

function percentileTrend(scope: Scope, kind: LatencyKind): WidgetSpec {
  return timeseries({
    key: `latency/${kind.slug}-percentiles`,
    title: `${kind.label} p50 / p95 / p99 per feature`,
    width: 8,
    requests: [
      {
        queries: PERCENTILES.map((p) => metric(scope, p, kind.key, { aggregation: p, by: [TAG.feature] })),
        formulas: PERCENTILES.map((p) => formula(p, p)),
      },
    ],
    markers: thresholdMarkers(scope.catalog.features, kind),
    yaxis: { min: "0", include_zero: true },
  });
}

/** True percentiles over the whole time frame (aggregator `percentile`), not an average of per-interval p95s. */
function percentileTable(scope: Scope, kind: LatencyKind): WidgetSpec {
  return queryTable({
    key: `latency/${kind.slug}-table`,
    title: `${kind.label} per feature, ms`,
    width: 4,
    height: 3,
    queries: PERCENTILES.map((p) => metric(scope, p, kind.key, { aggregation: p, by: [TAG.feature], aggregator: "percentile" })),
    columns: PERCENTILES.map((p) => formula(p, p, p === "p95" ? { limit: { count: scope.catalog.features.length, order: "desc" } } : {})),
  });
}

/** Each feature's p95 as a % of its own threshold: 100% is where its monitor fires, for all of them. */
function versusThreshold(scope: Scope, kind: LatencyKind): WidgetSpec {
  const features = scope.catalog.features;
  return timeseries({
    key: `latency/${kind.slug}-vs-threshold`,
    title: `${kind.label} p95, % of each feature's threshold`,
    width: 12,
    requests: [
      {
        queries: features.map((f) =>
          metric(scope, queryName("f", f.id), kind.key, { aggregation: "p95", filters: { [TAG.feature]: f.id } }),
        ),
        formulas: features.map((f) =>
          formula(`100 * ${queryName("f", f.id)} / ${kind.threshold(f)}`, `${f.name} (${kind.threshold(f)} ms)`),
        ),
      },
    ],
    markers: [marker(100, "error", "threshold: alert after 10 minutes above")],
    yaxis: { min: "0", include_zero: true },
  });
}

/**
 * Who is responsible for what: each provider's share of requests, of spend and of the time
 * spent waiting for responses (sum of durations), next to its own p95.
 */
function providerAttribution(scope: Scope): WidgetSpec {
  const by = [TAG.provider];
  return queryTable({
    key: "latency/provider-attribution",
    title: "Provider attribution: shares of requests, cost and waiting time",
    width: 6,
    height: 3,
    queries: [
      metric(scope, "req", "requests", { aggregation: "sum", by, aggregator: "sum" }),
      metric(scope, "req_all", "requests", { aggregation: "sum", aggregator: "sum" }),
      metric(scope, "cost", "cost", { aggregation: "sum", by, aggregator: "sum" }),
      metric(scope, "cost_all", "cost", { aggregation: "sum", aggregator: "sum" }),
      metric(scope, "wait", "duration", { aggregation: "sum", by, aggregator: "sum" }),
      metric(scope, "wait_all", "duration", { aggregation: "sum", aggregator: "sum" }),
      metric(scope, "p95", "duration", { aggregation: "p95", by, aggregator: "percentile" }),
    ],
    columns: [
      formula("100 * req / req_all", "requests (%)", { limit: { count: 25, order: "desc" } }),
      formula("100 * cost / cost_all", "cost (%)"),
      formula("100 * wait / wait_all", "waiting time (%)"),
      formula("p95", "total p95 (ms)"),
    ],
  });
}

function providerRequestShare(scope: Scope): WidgetSpec {
  return timeseries({
    key: "latency/provider-request-share",
    title: "Request share per provider, %",
    requests: [
      {
        queries: [
          metric(scope, "req", "requests", { aggregation: "sum", by: [TAG.provider] }),
          metric(scope, "req_all", "requests", { aggregation: "sum" }),
        ],
        formulas: [formula("100 * req / req_all", "share (%)")],
        display: "area",
      },
    ],
    yaxis: { min: "0", max: "100" },
  });
}

function providerErrorRate(scope: Scope): WidgetSpec {
  const { providerErrorRatePct } = scope.catalog.stack.monitoring;
  return timeseries({
    key: "latency/provider-error-rate",
    title: "Error rate per provider, %",
    requests: [
      {
        queries: [
          metric(scope, "errors", "requests", { aggregation: "sum", by: [TAG.provider], filters: { [TAG.status]: ERROR } }),
          metric(scope, "reqs", "requests", { aggregation: "sum", by: [TAG.provider] }),
        ],
        formulas: [formula("100 * errors / reqs", "error rate (%)")],
      },
    ],
    markers: [marker(providerErrorRatePct, "error", `provider error-rate alert (${providerErrorRatePct}%)`)],
    yaxis: { min: "0", include_zero: true },
  });
}

/** The chapter's "vector index slow" runbook starts here. */
function retrieval(scope: Scope): WidgetSpec {
  const { retrievalP95Ms } = scope.catalog.stack.monitoring;
  return timeseries({
    key: "latency/retrieval-p95",
    title: "Vector-index query p95 per index",
    requests: [
      {
        queries: [metric(scope, "p95", "retrievalDuration", { aggregation: "p95", by: [TAG.index] })],
        formulas: [formula("p95", "p95")],
      },
    ],
    markers: [marker(retrievalP95Ms, "error", `retrieval alert (${retrievalP95Ms} ms)`)],
    yaxis: { min: "0", include_zero: true },
  });
}
