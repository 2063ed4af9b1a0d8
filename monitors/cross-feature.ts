// The builders of the kinds that watch across features (registered in kinds.ts): exactly one
// monitor each (multi-alert where grouped), so their number never grows with tenants,
// providers or features. The org-wide observability-cost monitor is built here too, but only
// the org stack creates it (org/build.ts).
import { STATUS_VALUES, TAG } from "../config/contract";
import { metricQuery } from "../config/query";
import { CHAPTER_DEFAULTS } from "../config/schema";
import type { Catalog } from "../config/validate";
import { monitorPartName } from "../config/names";
import { type MonitorDefinition, monitorIdPlaceholder } from "./definition";
import { defineComposite, defineMonitor, type Frame, partFrame } from "./frame";
import { groupName } from "./message";
import {
  anomalyQuery,
  type AnomalySpec,
  formatNumber,
  latencyRecoveryThreshold,
  p95ForTenMinutes,
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

/** The per-tenant detector: more than 3 deviations above the tenant's own normal for a whole hour (the chapter's 3 sigma). */
const TENANT_ANOMALY = { deviations: 3, alertWindow: "last_1h", recoveryWindow: "last_1h", queryWindow: "last_5h" } as const;

/**
 * The detector of a change that moves every tenant at once, on the spend of all tenants together.
 * It must be in alert before the per-tenant detector alerts any tenant for the same change, and
 * stay in alert until every tenant's detector has recovered, or the composite notifies per tenant
 * in between (the timing problem: docs/alerting.md, "Tenant spend anomaly"):
 *   - before: the sum of N tenants is relatively far less noisy than any one of them (for
 *     counts, the band of the sum is about 1/sqrt(N) of the tenants' bands, relative to the
 *     level), so a shift that takes a tenant out of its band takes the sum out of its own band
 *     at the same deviations, and a half-hour trigger window fires before the tenant's hour;
 *   - after: the same algorithm re-centres both on a lasting shift, and the sum's narrower band
 *     keeps it anomalous longer; a three-hour recovery window adds margin.
 * `deviations` is wider than the tenants' 3: one tenant's own anomaly also lifts the sum, and
 * only the change of many tenants at once may hold the tenants' alerts back. With N tenants
 * of similar size, one tenant k times its normal lifts the sum by (k-1)/N; at 6 deviations of
 * the sum's noise it takes a tenant near a third of all spend (or a tiny org) to count as global.
 */
const GLOBAL_ANOMALY = { deviations: 6, alertWindow: "last_30m", recoveryWindow: "last_3h", queryWindow: "last_3h" } as const;

/**
 * Chapter: "any tenant crosses 3 sigma above their normal". A composite, multi-alert by tenant
 * (docs monitors/types/composite: "If even one individual monitor is multi alert, then the
 * composite monitor is also multi alert"; its simple-alert constituent's status applies to every
 * group, as the evaluator models it):
 *   - `tenant` (building block, muted): each tenant's spend against its own normal;
 *   - `global` (notifies the platform team once, simple alert): the spend of all tenants together;
 *   - tenant-spend-anomaly = tenant && !global: one notification per anomalous tenant, naming it
 *     (`{{tenant.name}}`: composites "support tag variables in the same way as their underlying
 *     monitors", docs monitors/notify/variables, "Composite monitor variables"), and none while a
 *     change on our side (a price table, a model) lifts every tenant at once: that change notifies
 *     once, through `global`. Before, one notification covered every tenant (`notify_by: ["*"]`)
 *     and never said which.
 */
export function tenantSpendAnomalyMonitor(f: Frame, catalog: Catalog): MonitorDefinition[] {
  const { contract, stack } = catalog;
  const spend = (by: string[]) =>
    metricQuery(contract, contract.metrics.cost, { aggregation: "sum", filters: { [TAG.env]: stack.env }, by, asCount: true });
  const anomaly = (metric: string, windows: { deviations: number; alertWindow: string; queryWindow: string }): AnomalySpec => ({
    // ~5x the alert window, as Datadog recommends; it only sizes the notification graph.
    queryWindow: windows.queryWindow,
    metricQuery: metric,
    // agile + weekly: spend follows the working week and legitimately shifts level (a new team
    // onboarded); agile re-centres on such shifts quickly.
    algorithm: "agile",
    deviations: windows.deviations,
    direction: "above",
    alertWindow: windows.alertWindow,
    // 5-minute points: one large document is not an anomaly. interval <= alert_window / 5.
    interval: 300,
    countDefaultZero: true,
    seasonality: "weekly",
    threshold: 1,
  });
  const options = (a: AnomalySpec, recoveryWindow: string) => ({
    // Required for anomaly monitors; trigger_window must equal alert_window (docs monitors/types/anomaly).
    threshold_windows: { trigger_window: a.alertWindow, recovery_window: recoveryWindow },
    // A count with count_default_zero: no spend evaluates as 0, never anomalous-high.
    on_missing_data: "default" as const,
    // Spend is sparse per tenant; a full-window requirement would skip most evaluations.
    require_full_window: false,
  });
  const dashboard = { label: "Tenant view", url: f.dashboardUrl() };
  const tenantDashboard = { label: `Tenant view: ${groupName(TAG.tenant)}`, url: f.dashboardUrl({ [TAG.tenant]: groupName(TAG.tenant) }) };
  const firstSteps = [
    "On the tenant view, see which feature carries the extra spend and since when; compare requests with $/answer to tell " +
      "more usage from more expensive usage.",
    "Decide whether it is legitimate (onboarding, a batch import the tenant told us about) or not (a retry loop, a leaked " +
      "API key, scripted abuse).",
    "Tell the tenant's CSM either way; if it is not legitimate, apply the tenant's usage cap and watch the feature's cost monitor.",
  ];

  const perTenant = anomaly(spend([TAG.tenant]), TENANT_ANOMALY);
  const tenantFrame = partFrame(f, catalog, { name: "tenant", title: "building block, per tenant", priority: 5 });
  const tenant: MonitorDefinition = {
    ...defineMonitor(tenantFrame, {
      query: anomalyQuery(perTenant),
      thresholds: { critical: perTenant.threshold, critical_recovery: 0 },
      options: {
        ...options(perTenant, TENANT_ANOMALY.recoveryWindow),
        // A new tenant's first day (bulk uploads during onboarding) has no normal to compare with;
        // agile/weekly draws no band for its first three weeks anyway (docs monitors/types/anomaly:
        // "weekly seasonality requires at least three weeks of data"), and this keeps day one quiet.
        new_group_delay: 86400,
      },
      message: {
        summary:
          `Building block of **${f.name}**, muted by a downtime: it notifies no one; the composite does. It is in alert when the ` +
          `spend of ${groupName(TAG.tenant)} has been more than ${formatNumber(perTenant.deviations)} deviations above its own ` +
          `normal for the whole last hour.`,
        dashboard: tenantDashboard,
        firstSteps,
        recovery: "the tenant's spend is back inside its normal band.",
      },
    }),
    muted: true,
  };

  const all = anomaly(spend([]), GLOBAL_ANOMALY);
  const globalFrame = { ...f, id: monitorPartName(f.kind, "global"), name: `${f.name}: all tenants at once` };
  const global = defineMonitor(globalFrame, {
    query: anomalyQuery(all),
    thresholds: { critical: all.threshold, critical_recovery: 0 },
    options: options(all, GLOBAL_ANOMALY.recoveryWindow),
    message: {
      summary:
        `The spend of all tenants together has been more than ${formatNumber(all.deviations)} deviations above its normal for ` +
        `the last ${windowText(all.alertWindow)}: a change that moves many tenants at once, usually on our side (a price table, ` +
        `a model, a prompt, a retry bug), not the tenants. While this is in alert, the per-tenant alerts of ${f.name} are held ` +
        `back, so this is the only notification for it. Share of the window's points above the band: {{value}} (alert at 1).`,
      dashboard,
      firstSteps: [
        "On the cost dashboard, find the feature and provider whose $/answer or requests moved, and the deploy or config change " +
          "at that time (price table, model, prompt, retries).",
        "If it is a mistake, revert it; the feature's cost monitor pages if a budget is at risk.",
        "If one tenant alone carries the increase (a tenant large enough to move the total), treat it as that tenant's " +
          "anomaly: tell its CSM.",
      ],
      recovery:
        `the spend of all tenants together is back inside its normal band (after a lasting change, once the band has ` +
        `re-centred on the new level). Per-tenant alerts of ${f.name} apply again.`,
    },
  });

  const composite = defineComposite(f, {
    query: `${monitorIdPlaceholder(tenant.id)} && !${monitorIdPlaceholder(global.id)}`,
    // A count with count_default_zero never goes missing; a tenant that stopped spending is quiet.
    notifyNoData: false,
    message: {
      summary:
        `Spend of tenant **${groupName(TAG.tenant)}** has been more than ${formatNumber(perTenant.deviations)} deviations above ` +
        `its own normal for the whole last hour, while the spend of all tenants together is normal: it is this tenant, not a ` +
        `change on our side.`,
      dashboard: tenantDashboard,
      firstSteps,
      recovery:
        `${groupName(TAG.tenant)}'s spend is back inside its normal band (or many tenants moved at once, which the ` +
        `all-tenants alert reports). Note in the channel what it was (legitimate or not) so the next on-call recognises the pattern.`,
    },
  });
  return [composite, tenant, global];
}

/** `last_30m` as "30 minutes", `last_1h` as "hour". */
function windowText(window: string): string {
  const m = /^last_(\d+)([mh])$/.exec(window);
  if (!m) return window;
  if (m[2] === "h") return m[1] === "1" ? "hour" : `${m[1]} hours`;
  return `${m[1]} minutes`;
}

/** Minutes of traffic each provider-outage evaluation reads. */
const OUTAGE_WINDOW_MINUTES = 10;
/** A provider in alert recovers once its error ratio is back at this fraction of the threshold. */
const OUTAGE_RECOVERY_FRACTION = 0.25;

/**
 * Error ratio by {provider} with a minimum-traffic guard, so 1 error in 2 requests at night is
 * not an outage, and with hysteresis: in alert, it recovers only once the ratio is back at a
 * quarter of the threshold (docs monitors/guide/recovery-thresholds), so a ratio hovering at the
 * threshold does not trigger and resolve a P1 page on every crossing. Ten minutes of traffic
 * per evaluation: a 40 % outage crosses 10 % within two or three minutes, and the ratio of a
 * low-traffic provider is steady enough for the recovery threshold to mean something.
 */
export function providerOutageMonitor(f: Frame, catalog: Catalog): MonitorDefinition {
  const { contract, stack } = catalog;
  const { providerErrorRatePct, providerMinRequests } = stack.monitoring;
  const requests = (filters: Record<string, string>) =>
    metricQuery(contract, contract.metrics.requests, { aggregation: "sum", filters, by: [TAG.provider], asCount: true });
  const errors = requests({ [TAG.env]: stack.env, [TAG.status]: ERROR_STATUS });
  const total = requests({ [TAG.env]: stack.env });
  const recoveryPct = Number((providerErrorRatePct * OUTAGE_RECOVERY_FRACTION).toPrecision(6));
  return defineMonitor(f, {
    // With .as_count() Datadog sums each term over the window before dividing (docs
    // monitors/guide/as-count-in-monitor-evaluations). is_greater(total, N) is 0 until the
    // provider served more than N requests (docs monitors/guide/add-a-minimum-request-threshold-for-error-rate-alerts).
    query: thresholdQuery(
      `sum(last_${OUTAGE_WINDOW_MINUTES}m):${errors} / ${total} * 100 * is_greater(${total}, ${providerMinRequests})`,
      ">",
      providerErrorRatePct,
    ),
    thresholds: { critical: providerErrorRatePct, critical_recovery: recoveryPct },
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
        `**${groupName(TAG.provider)}** failed {{value}} % of LLM calls over the last ${OUTAGE_WINDOW_MINUTES} minutes (alert ` +
        `above ${formatNumber(providerErrorRatePct)} %, evaluated only when it served more than ${providerMinRequests} requests; ` +
        `it recovers under ${formatNumber(recoveryPct)} %).`,
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
        `${groupName(TAG.provider)}'s error ratio is back under ${formatNumber(recoveryPct)} %. If traffic was failed ` +
        `over, that may only mean we stopped calling it: check its status page before failing back, then update the status page. ` +
        `Customer-visible outage: write a postmortem within 48 hours: ${f.postmortemUrl}`,
    },
  });
}

/**
 * Requests flow but no judge score arrives for a feature: the quality dashboard would go blank
 * silently. Built as a composite (docs monitors/types/composite) of two building blocks grouped
 * by feature, because no single query can alert on the absence of a series: in
 * `requests - count:judge.score` a feature without scores has no second operand, so Datadog
 * skips the evaluation (docs monitors/guide/monitor-arithmetic-and-sparse-metrics), and such a
 * monitor could only reach NO DATA, where no traffic guard applies (quiet features posted "no
 * data" every night):
 *   - traffic: `sum:requests by {feature}` over the window above the guard (enough requests that
 *     a healthy judge scores one of them with 99.9 % certainty);
 *   - scores: `count:judge.score by {feature}` over the window above 0; a feature whose scores
 *     stopped has no data, which this block reads as OK (`on_missing_data: resolve`);
 *   - judge-stalled = traffic && !scores: ALERT exactly for a busy feature without scores.
 * The building blocks are muted by a downtime, which "does not mute the composite monitor"
 * (same page): only the composite notifies.
 */
export function judgeStalledMonitor(f: Frame, catalog: Catalog): MonitorDefinition[] {
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
  const dashboard = { label: `Quality: ${groupName(TAG.feature)}`, url: f.dashboardUrl({ [TAG.feature]: groupName(TAG.feature) }) };
  const firstSteps = [
    "Check the judge queue: failed or stuck jobs for this feature, a growing backlog, or a consumer that stopped after a deploy.",
    "Check the judge model's API: errors, quota or rate limits, and whether its pinned version was retired.",
    "Check that sampling still runs for this feature (sample rate flag, a refactor that bypassed the sampler).",
  ];
  const part = (name: string, title: string) => partFrame(f, catalog, { name, title, priority: 5 });
  const buildingBlock = (what: string) =>
    `Building block of **${f.name}**, muted by a downtime: it notifies no one; the composite does. It is in alert when ${what}.`;
  const trafficFrame = part("traffic", "building block, traffic");
  const traffic: MonitorDefinition = {
    ...defineMonitor(trafficFrame, {
      query: thresholdQuery(`sum(last_${minutes}m):${requests}`, ">", minRequests),
      thresholds: { critical: minRequests },
      // A count query: a feature without requests evaluates as 0, not busy.
      options: { on_missing_data: "default", require_full_window: false, evaluation_delay: 60 },
      message: {
        summary: buildingBlock(`${groupName(TAG.feature)} served more than ${minRequests} requests in the last ${minutes} minutes`),
        dashboard,
        firstSteps,
        recovery: "the feature's traffic is back under the guard.",
      },
    }),
    muted: true,
  };
  const scoresFrame = part("scores", "building block, scores");
  const scored: MonitorDefinition = {
    ...defineMonitor(scoresFrame, {
      query: thresholdQuery(`sum(last_${minutes}m):${scores}`, ">", 0),
      thresholds: { critical: 0 },
      // No score at all in the window is the signal: this block shows OK then, and the composite's `!` turns it into ALERT.
      options: { on_missing_data: "resolve", require_full_window: false, evaluation_delay: 60 },
      message: {
        summary: buildingBlock(`judge scores arrived for ${groupName(TAG.feature)} in the last ${minutes} minutes`),
        dashboard,
        firstSteps,
        recovery: "no judge score arrived in the window.",
      },
    }),
    muted: true,
  };
  const composite = defineComposite(f, {
    query: `${monitorIdPlaceholder(traffic.id)} && !${monitorIdPlaceholder(scored.id)}`,
    // A feature with no traffic has no traffic block in alert: quiet, not "no data".
    notifyNoData: false,
    message: {
      summary:
        `No judge score arrived for a feature in the last ${minutes} minutes although it served more than ${minRequests} ` +
        `requests (the notification's title names the feature). At a ${formatNumber(lowestRate * 100)} % sample rate that happens ` +
        `by chance less than once in 1000. The quality dashboard for it is going blank.`,
      dashboard: { label: "Quality", url: f.dashboardUrl() },
      firstSteps,
      recovery:
        "judge scores are arriving again (or the feature's traffic fell under the guard). Backfill is not automatic: the quality " +
        "trend has a gap for the stalled period, so say so where the weekly quality numbers are reported.",
    },
  });
  return [composite, traffic, scored];
}

/** p95 vector-index query time by {index}: the chapter's "vector index slow" runbook. */
export function retrievalSlowMonitor(f: Frame, catalog: Catalog): MonitorDefinition {
  const { contract, stack } = catalog;
  const critical = stack.monitoring.retrievalP95Ms;
  const min = stack.monitoring.retrievalMinQueriesPerMinute;
  const per = (aggregation: "p95" | "count", rollup: { seconds: number; aggregator?: "sum" }) =>
    metricQuery(contract, contract.metrics.retrievalDuration, { aggregation, filters: { [TAG.env]: stack.env }, by: [TAG.index], rollup });
  return defineMonitor(f, {
    // No queries means no slow queries; keeping the last state would report a stale index.
    ...p95ForTenMinutes(per("p95", { seconds: 60 }), per("count", { aggregator: "sum", seconds: 60 }), critical, min),
    message: {
      summary:
        `p95 query time of vector index **${groupName(TAG.index)}** has been above ${formatNumber(critical)} ms in each of the ` +
        `last 10 minutes (lowest minute: {{value}} ms), with at least ${min} queries a minute.`,
      dashboard: { label: "Latency", url: f.dashboardUrl() },
      firstSteps: [
        "Check the IVFFlat list count against the row count: lists should be about rows/1000 (sqrt(rows) above 1M rows); an " +
          "index built when the table was much smaller drifts slow.",
        "Check probes, recent bulk inserts or deletes, and whether the planner still uses the index (EXPLAIN on a sample query).",
        "If drift is confirmed, rebuild the index (REINDEX CONCURRENTLY, or build a new one and swap) outside peak hours.",
      ],
      recovery:
        `p95 query time of ${groupName(TAG.index)} is back under ${formatNumber(latencyRecoveryThreshold(critical))} ms ` +
        `in a minute with traffic. If the index was rebuilt, record ` +
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
