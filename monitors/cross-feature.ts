// The builders of the kinds that watch across features (registered in kinds.ts): exactly one
// monitor each (multi-alert where grouped), so their number never grows with tenants,
// providers or features. The org-wide observability-cost monitor is built here too, but only
// the org stack creates it (org/build.ts).
import { STATUS_VALUES, TAG } from "../config/contract";
import { metricQuery } from "../config/query";
import { CHAPTER_DEFAULTS } from "../config/schema";
import type { Catalog } from "../config/validate";
import type { MonitorDefinition } from "./definition";
import { defineMonitor, type Frame } from "./frame";
import { groupName } from "./message";
import {
  anomalyQuery,
  type AnomalySpec,
  formatNumber,
  p95OverTenMinutes,
  requestsBeforeJudgeSilenceIsSuspicious,
  thresholdQuery,
} from "./queries";

const ERROR_STATUS: (typeof STATUS_VALUES)[number] = "error";

/**
 * Datadog's own estimate of indexed custom metrics per metric name. It is not part of the
 * metric contract (the emitter never writes it); the registry entry of observability-cost
 * declares it, so the lint allows it in that monitor only.
 */
export const ESTIMATED_USAGE_METRIC = "datadog.estimated_usage.metrics.custom.by_metric";
export const ESTIMATED_USAGE_TAG = "metric_name";

/** Chapter: "any tenant crosses 3 sigma above their normal". One multi-alert monitor by {tenant}. */
export function tenantSpendAnomalyMonitor(f: Frame, catalog: Catalog): MonitorDefinition {
  const { contract, stack } = catalog;
  const anomaly: AnomalySpec = {
    // ~5x the alert window, as Datadog recommends; it only sizes the notification graph.
    queryWindow: "last_5h",
    metricQuery: metricQuery(contract, contract.metrics.cost, {
      aggregation: "sum",
      filters: { [TAG.env]: stack.env },
      by: [TAG.tenant],
      asCount: true,
    }),
    // agile + weekly: tenants' spend follows the working week and legitimately shifts level
    // (a new team onboarded); agile re-centres on such shifts quickly.
    algorithm: "agile",
    deviations: 3,
    direction: "above",
    // An hour of 5-minute points: long enough that one large document is not an anomaly,
    // short enough to catch a runaway loop the same morning. interval <= alert_window / 5.
    alertWindow: "last_1h",
    interval: 300,
    countDefaultZero: true,
    seasonality: "weekly",
    threshold: 1,
  };
  return defineMonitor(f, {
    query: anomalyQuery(anomaly),
    thresholds: { critical: anomaly.threshold, critical_recovery: 0 },
    options: {
      // Required for anomaly monitors; trigger_window must equal alert_window. With threshold 1
      // the minimum recovery window is 1 minute; the same hour avoids flapping.
      threshold_windows: { trigger_window: anomaly.alertWindow, recovery_window: anomaly.alertWindow },
      // A count with count_default_zero: a tenant with no spend evaluates as 0, never anomalous-high.
      on_missing_data: "default",
      // Per-tenant spend is sparse; a full-window requirement would skip most evaluations.
      require_full_window: false,
      // A new tenant's first day (bulk uploads during onboarding) has no normal to compare with;
      // agile/weekly draws no band for its first weeks anyway, and this keeps day one quiet.
      new_group_delay: 86400,
    },
    message: {
      summary:
        `Spend of tenant **${groupName(TAG.tenant)}** has been more than ${formatNumber(anomaly.deviations)} deviations above its ` +
        `own normal for the whole last hour (anomalous share of points: {{value}}, alert at ${formatNumber(anomaly.threshold)}).`,
      dashboard: { label: `Tenant view: ${groupName(TAG.tenant)}`, url: f.dashboardUrl({ [TAG.tenant]: groupName(TAG.tenant) }) },
      firstSteps: [
        "On the tenant view, see which feature carries the extra spend and since when; compare requests with $/answer to tell " +
          "more usage from more expensive usage.",
        "Decide whether it is legitimate (onboarding, a batch import the tenant told us about) or not (a retry loop, a leaked " +
          "API key, scripted abuse).",
        "Tell the tenant's CSM either way; if it is not legitimate, apply the tenant's usage cap and watch the feature's cost monitor.",
      ],
      recovery:
        "the tenant's spend is back inside its normal band. Note in the channel what it was (legitimate or not) so the next " +
        "on-call recognises the pattern.",
    },
  });
}

/** Error ratio by {provider} with a minimum-traffic guard, so 1 error in 2 requests at night is not an outage. */
export function providerOutageMonitor(f: Frame, catalog: Catalog): MonitorDefinition {
  const { contract, stack } = catalog;
  const { providerErrorRatePct, providerMinRequests } = stack.monitoring;
  const requests = (filters: Record<string, string>) =>
    metricQuery(contract, contract.metrics.requests, { aggregation: "sum", filters, by: [TAG.provider], asCount: true });
  const errors = requests({ [TAG.env]: stack.env, [TAG.status]: ERROR_STATUS });
  const total = requests({ [TAG.env]: stack.env });
  return defineMonitor(f, {
    // With .as_count() Datadog sums each term over the window before dividing (docs
    // monitors/guide/as-count-in-monitor-evaluations). is_greater(total, N) is 0 until the
    // provider served more than N requests (docs monitors/guide/add-a-minimum-request-threshold-for-error-rate-alerts).
    query: thresholdQuery(
      `sum(last_5m):${errors} / ${total} * 100 * is_greater(${total}, ${providerMinRequests})`,
      ">",
      providerErrorRatePct,
    ),
    thresholds: { critical: providerErrorRatePct },
    options: {
      // Counts: no traffic evaluates as 0 and recovers. After a failover the provider gets no
      // traffic, so recovery here means "we are off it", not "it is healthy" (the message says so).
      on_missing_data: "default",
      require_full_window: false,
      // Division of two counts: wait for both to be complete (Datadog recommends 60 s).
      evaluation_delay: 60,
    },
    message: {
      summary:
        `**${groupName(TAG.provider)}** failed {{value}} % of LLM calls over the last 5 minutes (alert above ` +
        `${formatNumber(providerErrorRatePct)} %, evaluated only when it served more than ${providerMinRequests} requests).`,
      dashboard: { label: `Overview: ${groupName(TAG.provider)}`, url: f.dashboardUrl({ [TAG.provider]: groupName(TAG.provider) }) },
      firstSteps: [
        `Verify failover: features with a fallback provider should already be shifting traffic; confirm on the dashboard that ` +
          `requests to ${groupName(TAG.provider)} are falling and the fallback's are rising. If not, flip the routing flag by hand.`,
        "Communicate status: post in the incident channel and update the status page for the features that have no fallback " +
          "(they are down or degraded for customers).",
        "Monitor recovery: watch the provider's own status page and our error ratio; fail back only after it has been healthy " +
          "for 15 minutes.",
      ],
      recovery:
        `${groupName(TAG.provider)}'s error ratio is back under ${formatNumber(providerErrorRatePct)} %. If traffic was failed ` +
        `over, that may only mean we stopped calling it: check its status page before failing back, then update the status page. ` +
        `Customer-visible outage: write a postmortem within 48 hours: ${f.postmortemUrl}`,
    },
  });
}

/** Requests flow but no judge score arrives for a feature: the quality dashboard would go blank silently. */
export function judgeStalledMonitor(f: Frame, catalog: Catalog): MonitorDefinition {
  const { contract, stack, features } = catalog;
  const minutes = stack.monitoring.judgeStallMinutes;
  // One multi-alert monitor has one guard, so it is sized for the lowest sample rate.
  const lowestRate = features.length ? Math.min(...features.map((x) => x.quality.judgeSampleRate)) : CHAPTER_DEFAULTS.judgeSampleRate;
  const minRequests = requestsBeforeJudgeSilenceIsSuspicious(lowestRate);
  const scope = { [TAG.env]: stack.env };
  const requests = metricQuery(contract, contract.metrics.requests, {
    aggregation: "sum",
    filters: scope,
    by: [TAG.feature],
    asCount: true,
  });
  const scores = metricQuery(contract, contract.metrics.judgeScore, { aggregation: "count", filters: scope, by: [TAG.feature] });
  return defineMonitor(f, {
    // 1 exactly when the feature served more than minRequests requests and received no score;
    // 0 or less otherwise (scores are a count, so any score makes it <= 0).
    query: thresholdQuery(`sum(last_${minutes}m):is_greater(${requests}, ${minRequests}) - ${scores}`, ">=", 1),
    thresholds: { critical: 1 },
    options: {
      // If a feature's scores are absent for the whole window, Datadog may drop the group from
      // the formula instead of evaluating 0; notifying on no data makes sure a stall cannot hide
      // as NO DATA. Cost: a note when a feature also had no traffic for the whole window
      // (raise monitoring.judgeStallMinutes if that is normal for a feature).
      on_missing_data: "show_and_notify_no_data",
      require_full_window: false,
      // Arithmetic across two metrics: let both counts complete.
      evaluation_delay: 60,
    },
    message: {
      summary:
        `No judge score arrived for **${groupName(TAG.feature)}** in the last ${minutes} minutes although it served more than ` +
        `${minRequests} requests (stall indicator {{value}}, alert at 1). At a ${formatNumber(lowestRate * 100)} % sample rate ` +
        `that happens by chance less than once in 1000. The quality dashboard for it is going blank.`,
      dashboard: { label: `Quality: ${groupName(TAG.feature)}`, url: f.dashboardUrl({ [TAG.feature]: groupName(TAG.feature) }) },
      firstSteps: [
        "Check the judge queue: failed or stuck jobs for this feature, a growing backlog, or a consumer that stopped after a deploy.",
        "Check the judge model's API: errors, quota or rate limits, and whether its pinned version was retired.",
        "Check that sampling still runs for this feature (sample rate flag, a refactor that bypassed the sampler).",
      ],
      noData:
        `No data for ${groupName(TAG.feature)}: either it had no traffic in the window, or its scores stopped so completely that ` +
        `Datadog has nothing to compare. Look at its request count on the quality dashboard; if requests are flowing, treat this ` +
        `as a stall.`,
      recovery:
        "judge scores are arriving again. Backfill is not automatic: the quality trend has a gap for the stalled period, so say " +
        "so where the weekly quality numbers are reported.",
    },
  });
}

/** p95 vector-index query time by {index}: the chapter's "vector index slow" runbook. */
export function retrievalSlowMonitor(f: Frame, catalog: Catalog): MonitorDefinition {
  const { contract, stack } = catalog;
  const critical = stack.monitoring.retrievalP95Ms;
  const series = metricQuery(contract, contract.metrics.retrievalDuration, {
    aggregation: "p95",
    filters: { [TAG.env]: stack.env },
    by: [TAG.index],
  });
  return defineMonitor(f, {
    // No queries means no slow queries; keeping the last state would report a stale index.
    ...p95OverTenMinutes(series, critical),
    message: {
      summary:
        `p95 query time of vector index **${groupName(TAG.index)}** is {{value}} ms over the last 10 minutes (threshold ` +
        `${formatNumber(critical)} ms).`,
      dashboard: { label: "Latency", url: f.dashboardUrl() },
      firstSteps: [
        "Check the IVFFlat list count against the row count: lists should be about rows/1000 (sqrt(rows) above 1M rows); an " +
          "index built when the table was much smaller drifts slow.",
        "Check probes, recent bulk inserts or deletes, and whether the planner still uses the index (EXPLAIN on a sample query).",
        "If drift is confirmed, rebuild the index (REINDEX CONCURRENTLY, or build a new one and swap) outside peak hours.",
      ],
      recovery:
        `p95 query time of ${groupName(TAG.index)} is back under ${formatNumber(critical)} ms. If the index was rebuilt, record ` +
        `the new list count and row count so the next drift is measurable.`,
    },
  });
}

/** What the org-wide cost monitor alerts against (org/build.ts derives it from the org budget and the estimates). */
export interface OrgMetricBudget {
  /** The org's budget of indexed custom metrics under the prefix: the alert threshold. */
  critical: number;
  /** Above the planned steady state, so the monitor is quiet while usage is as planned; absent when the budget leaves no room. */
  warning?: number;
  /** Planned steady state of the whole org: this stack's estimate plus the other stacks'. */
  planned: number;
}

/**
 * Datadog's estimated custom metrics under the metric prefix, for the whole org. The usage
 * metric has no env tag (it counts per metric name, and every stack of the org emits the same
 * names), so it can only be judged against an org budget, by one monitor in one stack.
 */
export function observabilityCostMonitor(f: Frame, catalog: Catalog, budget: OrgMetricBudget): MonitorDefinition {
  const { stack } = catalog;
  const { critical, warning, planned } = budget;
  return defineMonitor(f, {
    // Billing uses the hourly average of distinct series; a 4-hour average ignores a short
    // burst but catches a new unbounded tag within a morning.
    query: thresholdQuery(`avg(last_4h):sum:${ESTIMATED_USAGE_METRIC}{${ESTIMATED_USAGE_TAG}:${stack.metricPrefix}.*}`, ">", critical),
    thresholds: warning === undefined ? { critical } : { critical, warning },
    options: {
      // No estimate for the prefix means nothing under it is billed.
      on_missing_data: "resolve",
      // Datadog reports this gauge continuously; an average needs the whole window to mean anything.
      require_full_window: true,
    },
    message: {
      summary:
        `Datadog estimates {{value}} indexed custom metrics under \`${stack.metricPrefix}.*\` across the whole org, every stack included ` +
        `(org budget ${critical}; planned steady state ${planned}; ` +
        `${warning === undefined ? "no warning: the budget does not cover the plan" : `warning at ${warning}`}). ` +
        "Every distinct tag combination is billed, a percentile distribution 10 times.",
      ...(warning === undefined
        ? {}
        : { warning: `Usage is above the planned steady state of ${planned}: find the growth this week, before it is on the invoice.` }),
      dashboard: { label: "Overview", url: f.dashboardUrl() },
      firstSteps: [
        `In Datadog, Metrics > Volume, filter on \`${stack.metricPrefix}.\` and sort by change: find the metric whose series ` +
          `count grew, and which env it grew in.`,
        "On that metric, find the tag with the most values: an unbounded tag (user, request or trace id) or a tenant tag on a " +
          "percentile metric is the usual cause.",
        "Fix the emitter to drop the tag; a tag no dashboard or monitor reads is already dropped from indexing by the org's tag " +
          "configurations, so growth here means a queried tag grew or a stack scaled. Re-run the cardinality report of each stack.",
      ],
      recovery:
        `estimated usage under \`${stack.metricPrefix}.*\` is back under ${critical}. Record which tag or stack caused it in the ` +
        `cardinality report's notes.`,
    },
  });
}
