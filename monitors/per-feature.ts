// The builders of the per-feature kinds (registered in kinds.ts), with thresholds from the
// feature's entry in features.ts (chapter defaults apply where the entry is silent).
import { TAG } from "../config/contract";
import { metricQuery } from "../config/query";
import type { Feature } from "../config/schema";
import type { Catalog } from "../config/validate";
import type { MonitorDefinition } from "./definition";
import { defineMonitor, type FeatureFrame } from "./frame";
import { formatNumber, p95OverTenMinutes, thresholdQuery } from "./queries";

function featureScope(catalog: Catalog, feature: Feature): Record<string, string> {
  return { [TAG.feature]: feature.id, [TAG.env]: catalog.stack.env };
}

/** Chapter: "judge score drops > 5 points week-over-week" (7-day average vs the previous 7 days). */
export function qualityDropMonitor(f: FeatureFrame, catalog: Catalog): MonitorDefinition {
  const { feature } = f;
  const { contract } = catalog;
  const allowed = feature.quality.maxWeeklyDropPoints;
  const critical = -allowed;
  const series = metricQuery(contract, contract.metrics.judgeScore, { aggregation: "avg", filters: featureScope(catalog, feature) });
  const flags = feature.flags.map((flag) => `\`${flag}\``);
  return defineMonitor(f, {
    // change(avg(last_1w),last_1w) = this week's average minus last week's (docs monitors/types/change-alert).
    query: thresholdQuery(`change(avg(last_1w),last_1w):${series}`, "<", critical),
    thresholds: { critical },
    options: {
      // A week without scores is judge-stalled's to report (one alert per cause); here it shows
      // NO DATA instead of freezing the last verdict.
      on_missing_data: "show_no_data",
      // Only a sample of traffic is judged, so points are sparse; a full window would skip evaluations.
      require_full_window: false,
    },
    message: {
      summary:
        `The 7-day average judge score of **${feature.name}** moved {{value}} points against the previous 7 days. The alert fires ` +
        `below ${formatNumber(critical)} points (allowed weekly drop: ${formatNumber(allowed)}).`,
      dashboard: { label: `Quality: ${feature.name}`, url: f.dashboardUrl() },
      firstSteps: [
        "On the Quality dashboard, find the day the score stepped down and whether all tenants moved or only some (per-tenant " +
          "scores, bottom-20 traces).",
        "List what changed that day for this feature: prompt or model PRs, provider/model mix, " +
          `feature flags${flags.length ? ` (${flags.join(", ")})` : ""}.`,
        "If a recent prompt change lines up with the drop, revert it first, then open the investigation described in the runbook.",
      ],
      recovery:
        `the weekly change of ${feature.name}'s judge score is back above ${formatNumber(critical)} points. Close the ` +
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
  const series = metricQuery(contract, metric, { aggregation: "p95", filters: featureScope(catalog, feature) });
  return defineMonitor(f, {
    // A feature that stopped answering is the provider-outage monitor's and Sentry's to report, not this one's.
    ...p95OverTenMinutes(series, critical),
    message: {
      summary:
        `p95 ${what} of **${feature.name}** is {{value}} ms over the last 10 minutes (threshold ${formatNumber(critical)} ms, set ` +
        `per feature in features.ts).`,
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
        `p95 ${what} of ${feature.name} is back under ${formatNumber(critical)} ms. If traffic was shifted to a fallback provider, ` +
        `move it back only once the primary has been healthy for a while.`,
    },
  });
}
