// The builders of the per-feature kinds (registered in kinds.ts), with thresholds from the
// feature's entry in features.ts (chapter defaults apply where the entry is silent).
import { TAG } from "../config/contract";
import { metricQuery } from "../config/query";
import type { Feature } from "../config/schema";
import type { Catalog } from "../config/validate";
import type { MonitorDefinition } from "./definition";
import { defineMonitor, type FeatureFrame } from "./frame";
import { formatNumber, latencyRecoveryThreshold, p95ForTenMinutes, thresholdQuery } from "./queries";

function featureScope(catalog: Catalog, feature: Feature): Record<string, string> {
  return { [TAG.feature]: feature.id, [TAG.env]: catalog.stack.env };
}

/** Hours of judge scores averaged into each point of quality-drop's comparison. */
const QUALITY_POINT_SECONDS = 3600;

/**
 * Chapter: "judge score drops > 5 points week-over-week". The last two days against the same
 * two days a week earlier, hour by hour (docs/alerting.md, quality-drop):
 *   - change(avg(last_2d),last_1w) differences each point with the point a week earlier and
 *     averages those differences (docs monitors/types/change-alert). On raw points a judged
 *     trace (1 % of calls) rarely has a partner exactly a week earlier, so the average rests on
 *     a few pairs and is noise; `.rollup(avg, 3600)` makes every hour one point, the mean of its
 *     scores, and every hour has a partner;
 *   - two days, not seven: a drop is fully in the window after two days (a 7-day window needs
 *     five days to move 5/7 of a 7-point drop), and 48 hourly pairs keep a 3-point drift well
 *     under a 5-point alert at the chapter's 1 % of 20 requests a minute;
 *   - the hour's delay lets the last hourly rollup complete (docs dashboards/functions/rollup).
 */
export function qualityDropMonitor(f: FeatureFrame, catalog: Catalog): MonitorDefinition {
  const { feature } = f;
  const { contract } = catalog;
  const allowed = feature.quality.maxWeeklyDropPoints;
  const critical = -allowed;
  const series = metricQuery(contract, contract.metrics.judgeScore, {
    aggregation: "avg",
    filters: featureScope(catalog, feature),
    rollup: { aggregator: "avg", seconds: QUALITY_POINT_SECONDS },
  });
  const flags = feature.flags.map((flag) => `\`${flag}\``);
  return defineMonitor(f, {
    query: thresholdQuery(`change(avg(last_2d),last_1w):${series}`, "<", critical),
    thresholds: { critical },
    options: {
      // Two days without scores are judge-stalled's to report (one alert per cause); here it shows
      // NO DATA instead of freezing the last verdict.
      on_missing_data: "show_no_data",
      // Only a sample of traffic is judged, so points are sparse; a full window would skip evaluations.
      require_full_window: false,
      evaluation_delay: QUALITY_POINT_SECONDS,
    },
    message: {
      summary:
        `The judge score of **${feature.name}** over the last two days moved {{value}} points against the same two days a week ` +
        `earlier (hour by hour). The alert fires below ${formatNumber(critical)} points (allowed weekly drop: ${formatNumber(allowed)}).`,
      dashboard: { label: `Quality: ${feature.name}`, url: f.dashboardUrl() },
      firstSteps: [
        "On the Quality dashboard, find the day the score stepped down and whether all tenants moved or only some (per-tenant " +
          "scores, bottom-20 traces).",
        "List what changed that day for this feature: prompt or model PRs, provider/model mix, " +
          `feature flags${flags.length ? ` (${flags.join(", ")})` : ""}.`,
        "If a recent prompt change lines up with the drop, revert it first, then open the investigation described in the runbook.",
      ],
      recovery:
        `the week-over-week change of ${feature.name}'s judge score is back above ${formatNumber(critical)} points. Close the ` +
        `investigation with the cause, and add the traces that exposed it to the eval set. If customers noticed, write a ` +
        `postmortem: ${f.postmortemUrl}`,
    },
  });
}

/** Chapter: "any feature crosses 2x its budget"; warning at 1x. Rolling 24 h, so a spike at 23:00 is not reset at midnight. */
export function costBudgetMonitor(f: FeatureFrame, catalog: Catalog): MonitorDefinition {
  const { feature } = f;
  const { contract } = catalog;
  const budget = feature.budgetUsdPerDay;
  const critical = 2 * budget;
  const warning = budget;
  const series = metricQuery(contract, contract.metrics.cost, {
    aggregation: "sum",
    filters: featureScope(catalog, feature),
    asCount: true,
  });
  return defineMonitor(f, {
    query: thresholdQuery(`sum(last_1d):${series}`, ">", critical),
    thresholds: { critical, warning },
    options: {
      // A count query: no spend evaluates as 0, which is under budget. Traffic loss is not a
      // budget problem; the availability monitors cover it.
      on_missing_data: "default",
      // Spend arrives only when requests do; a quiet hour must not skip the evaluation.
      require_full_window: false,
    },
    // The rolling 24 hours stay above 2x for a day after the kill switch: renotifying PagerDuty would
    // open a new incident every time PagerDuty auto-resolves the last one. One page per overspend;
    // the channel gets a reminder every four hours.
    renotify: { intervalMinutes: 240, pages: false },
    message: {
      summary:
        `**${feature.name}** spent {{value}} USD over the last 24 hours. Budget: ${formatNumber(budget)} USD/day; warning at ` +
        `${formatNumber(warning)} USD (1x), alert at ${formatNumber(critical)} USD (2x).`,
      warning: `Spend is over the daily budget but under 2x. Look at it today; nothing needs to be switched off yet.`,
      dashboard: { label: `Cost: ${feature.name}`, url: f.dashboardUrl() },
      firstSteps: [
        `Check the kill switch of ${feature.name}: if spend is still climbing and the cause is unknown, turn the feature off (or ` +
          `down to its cheaper model) now; money is burning while you investigate.`,
        "Identify the tenant: Cost dashboard, top 10 tenants by spend for this feature. One tenant far ahead of the rest is the " +
          "usual answer.",
        "If one tenant drives it, page their CSM before you throttle them; otherwise look for a prompt, model or retry change " +
          "that raised $/answer.",
      ],
      recovery:
        `24-hour spend of ${feature.name} is back under ${formatNumber(critical)} USD. If the kill switch was used, decide with ` +
        `the feature owner when to turn it back on, and note the tenant and cause in the incident.`,
      renotify:
        `Still over ${formatNumber(critical)} USD in the last 24 hours. The window keeps a fixed overspend in it for a day: if the ` +
        `kill switch is on and spend per hour is back to normal, this clears by itself. PagerDuty is not paged again.`,
    },
  });
}

/** Chapter: "p95 TTFT > 800ms for 10 minutes; p95 total > 5s for 10 minutes", thresholds per feature. */
export function latencyMonitor(f: FeatureFrame, catalog: Catalog, which: "ttft" | "total"): MonitorDefinition {
  const { feature } = f;
  const { contract } = catalog;
  const ttft = which === "ttft";
  const metric = ttft ? contract.metrics.ttft : contract.metrics.duration;
  const critical = ttft ? feature.latency.ttftP95Ms : feature.latency.totalP95Ms;
  const what = ttft ? "time to first token" : "total response time";
  const scope = featureScope(catalog, feature);
  const perMinute = metricQuery(contract, metric, { aggregation: "p95", filters: scope, rollup: { seconds: 60 } });
  const countPerMinute = metricQuery(contract, metric, {
    aggregation: "count",
    filters: scope,
    rollup: { aggregator: "sum", seconds: 60 },
  });
  const min = feature.latency.minRequestsPerMinute;
  return defineMonitor(f, {
    // A feature that stopped answering is the provider-outage monitor's and Sentry's to report, not this one's.
    ...p95ForTenMinutes(perMinute, countPerMinute, critical, min),
    message: {
      summary:
        `p95 ${what} of **${feature.name}** has been above ${formatNumber(critical)} ms in each of the last 10 minutes (lowest ` +
        `minute: {{value}} ms), with at least ${min} requests a minute (threshold and minimum set per feature in features.ts).`,
      dashboard: { label: `Latency: ${feature.name}`, url: f.dashboardUrl() },
      firstSteps: [
        "On the Latency dashboard, split by provider and model: is one provider slow (provider attribution), or all of them?",
        ttft
          ? "If one provider is slow, check its status page and shift traffic to the fallback provider; if all are slow, look at " +
            "our side (queueing, rate limiting, retrieval before the call)."
          : "If TTFT is fine but total time is not, the answers got longer: compare output tokens per request with last week " +
            "before blaming the provider.",
        "Note the start time: a deploy, prompt change or traffic spike at that minute is the likeliest cause.",
      ],
      recovery:
        `p95 ${what} of ${feature.name} is back under ${formatNumber(latencyRecoveryThreshold(critical))} ms in a ` +
        `minute with traffic. If traffic was shifted to a fallback provider, move it back only once the primary has been healthy ` +
        `for a while.`,
    },
  });
}
