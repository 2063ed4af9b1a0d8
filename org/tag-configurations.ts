// One Datadog tag configuration (Metrics without Limits) per contract metric, derived from
// what our dashboards and monitors actually read, never hand-listed:
//   - `tags` is the allow list of queryable tag keys: exactly the keys some query filters on
//     (template variables included) or groups by. Every other emitted tag (host, model when
//     nothing groups by it, ...) is still ingested but no longer indexed, so it stops costing
//     indexed custom metrics. Docs: metrics/metrics-without-limits; billing:
//     account_management/billing/custom_metrics ("Indexed Custom Metrics: the volume ... that
//     remains queryable ... based on any Metrics without Limits configurations").
//   - `includePercentiles` is on exactly where some query asks a distribution for p50/p95/p99.
//     Datadog computes percentiles of a distribution only once they are enabled for that
//     metric, and they default to off (docs metrics/distributions; @pulumi/datadog
//     MetricTagConfiguration.includePercentiles "Defaults to false"). Without it every p95
//     query returns no data.
// A tag configuration is org-wide (one per metric name), so only the stack with
// `ownsOrgResources: true` creates them; other stacks' queries are held to them by
// `npm run check -- --org-plan`.
import { allMetrics, type MetricContract, type MetricDefinition } from "../config/contract";
import type { DashboardDefinition } from "../dashboards/definition";
import type { MonitorDefinition } from "../monitors/definition";
import type { SloDefinition } from "../slos/definition";
import { dashboardReads, type MetricRead, monitorReads, sloReads, usageByMetric } from "./usage";

/** The inputs of a `datadog.MetricTagConfiguration`, as the provider names them. */
export interface TagConfigurationDefinition {
  metricName: string;
  /** Datadog's in-app type of the metric. */
  metricType: "distribution" | "rate";
  /** Queryable tag keys, sorted. */
  tags: string[];
  includePercentiles: boolean;
}

/**
 * DogStatsD counts (hot-shots `increment`, what the emitter sends for the contract's counts)
 * are stored by Datadog as RATE: "increment ... Stored as a RATE type in Datadog" (docs
 * metrics/custom_metrics/dogstatsd_metrics_submission, COUNT). Distributions stay distributions.
 */
export function inAppType(metric: Pick<MetricDefinition, "type">): TagConfigurationDefinition["metricType"] {
  return metric.type === "distribution" ? "distribution" : "rate";
}

/** Every metric read of the stack's dashboards, monitors and SLOs. */
export function readsOf(
  dashboards: readonly DashboardDefinition[],
  monitors: readonly MonitorDefinition[],
  slos: readonly SloDefinition[] = [],
): MetricRead[] {
  return [
    ...dashboards.flatMap((d) => dashboardReads(d.id, d.body)),
    ...monitors.flatMap((m) => monitorReads(m.id, m.body.query)),
    ...slos.flatMap((s) => sloReads(s.id, s.body.query)),
  ];
}

/**
 * One configuration per contract metric. A metric no query reads keeps only the tags present
 * on every metric (`env`): the provider requires a non-empty list, and nothing reads the rest.
 */
export function tagConfigurations(contract: MetricContract, reads: readonly MetricRead[]): TagConfigurationDefinition[] {
  const usage = usageByMetric(reads);
  return allMetrics(contract).map((m) => {
    const used = usage.get(m.name);
    const tags = used?.tags.length ? used.tags : [...contract.globalTags];
    return {
      metricName: m.name,
      metricType: inAppType(m),
      tags: [...tags].sort(),
      includePercentiles: m.type === "distribution" && (used?.percentiles.length ?? 0) > 0,
    };
  });
}

/**
 * The provider inputs of one configuration. `includePercentiles` goes only to distributions: the
 * provider rejects it on any other type even when false (terraform-provider-datadog
 * resource_datadog_metric_tag_configuration.go:27-48; providers/constraints.ts).
 */
export function tagConfigurationInputs(
  d: TagConfigurationDefinition,
): Record<string, unknown> & { metricName: string; metricType: string; tags: string[] } {
  return {
    metricName: d.metricName,
    metricType: d.metricType,
    tags: [...d.tags],
    ...(d.metricType === "distribution" ? { includePercentiles: d.includePercentiles } : {}),
  };
}
