// The builders of the SLO kinds (registered in kinds.ts): per feature with SLOs, one notifying
// monitor per objective for each of
//   slo-fast-burn  burn rate over the window's fast pair (14.4x over 1 h and 5 min for 30 days), with
//                  traffic: pages the owner. A composite of a muted `slo alert` and a muted traffic
//                  guard shared by the feature's three objectives (fastBurnMonitors);
//   slo-slow-burn  `slo alert`, burn rate over the slow pair (6x over 6 h and 30 min): the owner's Slack;
//   slo-budget     `slo alert`, share of the window's error budget spent: warns at 75 %, alerts at 100 %.
// The pairs and why they are what they are: config/slo.ts BURN_ALERTS and docs/slo.md. Messages
// use the variables SLO alerts add (docs monitors/types/slo, "Notifications"): {{long_window_burn_rate}}
// and {{short_window_burn_rate}} for burn-rate alerts, {{value}} (% of the budget spent) for
// error-budget alerts. The SLO a
// monitor watches is named by a placeholder (`@@slo-id:slo-<feature>-<objective>@@`) that the
// Monitors component replaces with the SLO's id once Datadog has created it.
import { TAG } from "../config/contract";
import { sloIdPlaceholder } from "../config/links";
import { metricQuery } from "../config/query";
import { RESOURCE_TAG, sloResourceName, tag, tagValue } from "../config/names";
import {
  BURN_ALERTS,
  type BurnAlert,
  ERROR_BUDGET_ALERT,
  featureSlo,
  formatErrorBudget,
  OBJECTIVE_MEANING,
  type ResolvedSlo,
  SLO_OBJECTIVES,
  type SloObjective,
  type SloWindow,
  formatDuration,
  timeToExhaustion,
  windowDays,
  windowWords,
} from "../config/slo";
import type { Catalog } from "../config/validate";
import { type MonitorDefinition, monitorIdPlaceholder } from "./definition";
import { type DashboardId, defineComposite, defineMonitor, type FeatureFrame, frame, partFrame, type Signal } from "./frame";
import { formatNumber, thresholdQuery, windowSeconds } from "./queries";
import { formatValue, type KindReview, type ReviewValues } from "./review";

export type SloAlert = "fast" | "slow" | "budget";

/** The `signal:` of each objective's monitors: the objectives are three of the chapter's signals. */
export const OBJECTIVE_SIGNALS: Record<SloObjective, Signal> = { availability: "availability", latency: "latency", quality: "quality" };

/** Where an objective's alert sends the reader: its own dashboard (availability: the overview's error rates and SLO group). */
const OBJECTIVE_DASHBOARD: Record<SloObjective, DashboardId> = { availability: "overview", latency: "latency", quality: "quality" };

/**
 * Datadog's burn-rate alert query (docs service_management/service_level_objectives/burn_rate,
 * "API and Terraform"): `burn_rate("<slo id>").over("<7d|30d|90d>").long_window("1h").short_window("5m") > 14.4`.
 * It alerts when the burn rate over both windows is at or above the threshold (same page, "How
 * Burn Rate Alerts work"); `over` must be a window the SLO has a target for.
 */
export function burnRateQuery(sloId: string, window: SloWindow, alert: BurnAlert): string {
  return thresholdQuery(
    `burn_rate("${sloId}").over("${window}").long_window("${alert.longWindow}").short_window("${alert.shortWindow}")`,
    ">",
    alert.rate,
  );
}

/**
 * Datadog's error-budget alert query (docs service_management/service_level_objectives/error_budget,
 * "API and Terraform"): `error_budget("<slo id>").over("<window>") > 75`, the percentage of the
 * window's budget consumed; a warning threshold is optional (same page, "Overview").
 */
export function errorBudgetQuery(sloId: string, window: SloWindow, criticalPct: number): string {
  return thresholdQuery(`error_budget("${sloId}").over("${window}")`, ">", criticalPct);
}

/**
 * The monitors of one SLO kind for one feature: one notifying monitor per objective (the fast burn
 * adds its muted building blocks), none when the feature has `slo: false`.
 */
export function sloAlertMonitors(f: FeatureFrame, catalog: Catalog, alert: SloAlert): MonitorDefinition[] {
  const slo = featureSlo(f.feature, catalog.stack);
  if (!slo) return [];
  if (alert === "fast") return fastBurnMonitors(f, catalog, slo);
  return SLO_OBJECTIVES.map((objective) => {
    const of = objectiveFrame(f, catalog, objective);
    return alert === "budget" ? budgetMonitor(of, slo, objective) : burnMonitor(of, slo, objective, alert);
  });
}

/**
 * The frame of one objective's monitor: its id ends in the objective, its name says it, its
 * `signal:` is the objective's and it carries `objective:<objective>`, so the policy pack and the
 * review find the SLO it watches by tags.
 */
function objectiveFrame(f: FeatureFrame, catalog: Catalog, objective: SloObjective): FeatureFrame {
  const spec = {
    ...f.spec,
    signal: OBJECTIVE_SIGNALS[objective],
    dashboard: OBJECTIVE_DASHBOARD[objective],
    title: `${objective} ${f.spec.title}`,
  };
  const of = frame(catalog, spec, f.feature, objective);
  return { ...of, feature: f.feature, tags: [...of.tags, tag(RESOURCE_TAG.objective, objective)] };
}

function sloId(f: FeatureFrame, objective: SloObjective): string {
  return sloIdPlaceholder(sloResourceName(f.feature.id, objective));
}

function what(f: FeatureFrame, slo: ResolvedSlo, objective: SloObjective): string {
  const target = slo.targets[objective];
  return (
    `the ${objective} SLO of **${f.feature.name}** (${target} % ${OBJECTIVE_MEANING[objective]} over ${windowDays(slo.window)} days; ` +
    `error budget ${formatErrorBudget(target, slo.window)} of full outage)`
  );
}

/** Requests in the fast burn's long window below which it does not page: the feature's own latency traffic floor, per minute. */
export function fastBurnMinRequests(feature: { latency: { minRequestsPerMinute: number } }, longWindow: string): number {
  return feature.latency.minRequestsPerMinute * (windowSeconds(`last_${longWindow}`)! / 60);
}

/** What a building block's message says first: it notifies no one, the composite does. */
function buildingBlock(f: FeatureFrame, what: string): string {
  return (
    `Building block of **${f.feature.name}**, muted by a downtime: it notifies no one; the composite does. ` + `It is in alert when ${what}`
  );
}

/**
 * The fast burn pages, so like the paging latency monitors it needs traffic (issue 15: "no page
 * for a slow minute when traffic in the window is below a minimum"). A burn rate is relative: at
 * 3 am with a dozen calls an hour, one failed call is 16x a 99.5 % budget's error rate over the
 * hour and 200x over 5 minutes: one bad call among the thousands a month's budget allows. `burn_rate()` has
 * no traffic condition, so the page is a composite (docs monitors/types/composite; the "Monitor
 * frequent metrics" case of monitors/guide/composite_use_cases: ignore spikes at low traffic):
 *   - <objective>-burn: the `slo alert` burn-rate monitor, muted;
 *   - traffic: the feature served more than `latency.minRequestsPerMinute` x 60 requests in the
 *     long window, muted, shared by the three objectives ("many composite monitors may reference
 *     the same individual monitor", same page);
 *   - slo-fast-burn-<objective> = burn && traffic: pages.
 * Below the floor the slow-burn and budget monitors still count every bad event.
 */
function fastBurnMonitors(f: FeatureFrame, catalog: Catalog, slo: ResolvedSlo): MonitorDefinition[] {
  const pair = BURN_ALERTS[slo.window].fast;
  const minRequests = fastBurnMinRequests(f.feature, pair.longWindow);
  const long = windowWords(pair.longWindow);
  const { contract, stack } = catalog;
  const requests = metricQuery(contract, contract.metrics.requests, {
    aggregation: "sum",
    filters: { [TAG.feature]: f.feature.id, [TAG.env]: stack.env },
    asCount: true,
  });
  const trafficFrame = { ...partFrame(f, catalog, { name: "traffic", title: "building block, traffic", priority: 5 }), feature: f.feature };
  const traffic: MonitorDefinition = {
    ...defineMonitor(trafficFrame, {
      query: thresholdQuery(`sum(last_${windowSeconds(`last_${pair.longWindow}`)! / 60}m):${requests}`, ">", minRequests),
      thresholds: { critical: minRequests },
      // A count query: an hour without requests evaluates as 0, not busy.
      options: { on_missing_data: "default", require_full_window: false },
      message: {
        summary: buildingBlock(f, `${f.feature.name} served more than ${formatNumber(minRequests)} requests in the last ${long}.`),
        dashboard: { label: `Overview: ${f.feature.name}`, url: f.dashboardUrl() },
        firstSteps: ["Nothing to do here: read the fast-burn monitor of the objective that paged."],
        recovery: `the feature's traffic in the last ${long} is back under ${formatNumber(minRequests)} requests.`,
      },
    }),
    muted: true,
  };
  const perObjective = SLO_OBJECTIVES.flatMap((objective) => {
    const of = objectiveFrame(f, catalog, objective);
    const burnFrame = {
      ...partFrame(of, catalog, { name: `${objective}-burn`, title: "building block, burn rate", priority: 5 }),
      feature: f.feature,
    };
    const burn: MonitorDefinition = { ...burnMonitor(burnFrame, slo, objective, "fast", true), muted: true };
    const days = windowDays(slo.window);
    const composite = defineComposite(of, {
      query: `${monitorIdPlaceholder(burn.id)} && ${monitorIdPlaceholder(traffic.id)}`,
      // Without traffic there is nothing to page about: quiet, not "no data".
      notifyNoData: false,
      message: {
        summary:
          `${capitalize(what(f, slo, objective))} is burning its error budget faster than ${formatNumber(pair.rate)}x over the ` +
          `last ${long} and the last ${windowWords(pair.shortWindow)}, and the feature served more than ` +
          `${formatNumber(minRequests)} requests in the last ${long}. At ${formatNumber(pair.rate)}x the ${days}-day budget is ` +
          `gone in ${timeToExhaustion(pair.rate, slo.window)}, and ${pair.budgetSpentPct} % of it goes in ${long}. The burn rates ` +
          `are on the SLO (the dashboard's SLO group).`,
        dashboard: { label: `${capitalize(objective)}: ${f.feature.name}`, url: of.dashboardUrl() },
        firstSteps: [
          ...FIRST_STEPS[objective],
          "Open the SLO from the dashboard's SLO group: when did the burn start, and is it still going?",
        ],
        recovery:
          `the burn rate of ${f.feature.name}'s ${objective} SLO over the last ${windowWords(pair.shortWindow)} is back under ` +
          `${formatNumber(pair.rate)}x (or traffic fell under the floor). What was spent stays spent: check the budget left on the ` +
          `SLO, and write a postmortem if customers noticed: ${f.postmortemUrl}`,
      },
    });
    return [composite, burn];
  });
  return [...perObjective, traffic];
}

function burnMonitor(f: FeatureFrame, slo: ResolvedSlo, objective: SloObjective, alert: "fast" | "slow", part = false): MonitorDefinition {
  const pair = BURN_ALERTS[slo.window][alert];
  const days = windowDays(slo.window);
  const lasts = timeToExhaustion(pair.rate, slo.window);
  const burning =
    `${what(f, slo, objective)} is burning its error budget at {{long_window_burn_rate}}x over the last ` +
    `${windowWords(pair.longWindow)} and {{short_window_burn_rate}}x over the last ${windowWords(pair.shortWindow)}`;
  return defineMonitor(f, {
    type: "slo alert",
    query: burnRateQuery(sloId(f, objective), slo.window, pair),
    thresholds: { critical: pair.rate },
    // SLO alerts take no missing-data or full-window option (terraform-provider-datadog v4.19.0
    // resource_datadog_monitor.go:187, on_missing_data "is not available for ... SLO monitors").
    options: {},
    message: {
      summary: part
        ? buildingBlock(f, `${burning}, both at ${formatNumber(pair.rate)}x or more.`)
        : `${capitalize(burning)}; the alert is at ${formatNumber(pair.rate)}x on both. At ${formatNumber(pair.rate)}x the ` +
          `${days}-day budget is gone in ${lasts}, and ${pair.budgetSpentPct} % of it goes in ${windowWords(pair.longWindow)}.`,
      dashboard: { label: `${capitalize(objective)}: ${f.feature.name}`, url: f.dashboardUrl() },
      firstSteps: [
        ...FIRST_STEPS[objective],
        "Open the SLO from the dashboard's SLO group: when did the burn start, and is it still going?",
      ],
      recovery:
        `the burn rate of ${f.feature.name}'s ${objective} SLO over the last ${windowWords(pair.shortWindow)} is back under ` +
        `${formatNumber(pair.rate)}x. What was spent stays spent: check the budget left on the SLO, and write a postmortem if ` +
        `customers noticed: ${f.postmortemUrl}`,
    },
  });
}

function budgetMonitor(f: FeatureFrame, slo: ResolvedSlo, objective: SloObjective): MonitorDefinition {
  const { warningPct, criticalPct } = ERROR_BUDGET_ALERT;
  const days = windowDays(slo.window);
  return defineMonitor(f, {
    type: "slo alert",
    query: errorBudgetQuery(sloId(f, objective), slo.window, criticalPct),
    thresholds: { critical: criticalPct, warning: warningPct },
    // As for the burn-rate monitors: no missing-data option on SLO alerts.
    options: {},
    message: {
      summary:
        `${capitalize(what(f, slo, objective))} has spent {{value}} % of its error budget over the rolling ${days} days. The ` +
        `warning is at ${warningPct} % spent, the alert at ${criticalPct} % (the SLO is missed for this window).`,
      warning:
        `${warningPct} % of the budget is gone. Slow down risky changes to ${f.feature.name} (prompts, models, provider mix) until ` +
        `the budget recovers, and agree with its product owner whether the target still fits.`,
      dashboard: { label: `${capitalize(objective)}: ${f.feature.name}`, url: f.dashboardUrl() },
      firstSteps: [
        "Open the SLO from the dashboard's SLO group: was the budget spent in one incident or in a slow leak?",
        "One incident: link its postmortem and check its action items. A slow leak: find the change it started with.",
        `Decide with the product owner: freeze risky changes to ${f.feature.name} until the budget recovers, or change the ` +
          "target in features.ts.",
      ],
      recovery:
        `less than ${warningPct} % of ${f.feature.name}'s ${objective} budget is spent over the rolling ${days} days. ` +
        `Lift any change freeze agreed for it.`,
    },
  });
}

const FIRST_STEPS: Record<SloObjective, string[]> = {
  availability: [
    "On the overview, check the feature's error rate; on the Latency dashboard, which provider's error rate rose.",
    "One provider failing: fail over to the fallback provider (runbook provider-outage.md). Errors of our own: check the " +
      "feature in Sentry.",
  ],
  latency: [
    "On the Latency dashboard, is TTFT or total response time over its p95 threshold, and for which provider?",
    "One provider slow: shift traffic to the fallback. All slow: look at our side (queueing, rate limits, retrieval) and at a deploy.",
  ],
  quality: [
    "On the Quality dashboard, find when the judge score stepped down and whether all tenants moved or only some.",
    "Revert the latest prompt or model change of the feature if it lines up; check that the judge model itself did not change.",
  ],
};

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// ---------------------------------------------------------------------------------------------
// What reviewers read: each objective's target and the window, from the SLO each budget monitor
// watches (registered as the slo-budget kind's review in kinds.ts).

const TARGET_KEY: Record<SloObjective, string> = { availability: "availabilitySlo", latency: "latencySlo", quality: "qualitySlo" };
const WINDOW_KEY = "sloWindow";

/** `3 h 36 min`: (100 % - target) of a window of `days`. */
function budget(target: number, days: number): string {
  return formatDuration(((100 - target) / 100) * days * 24 * 60);
}

/**
 * The SLO review: one column per objective (its target) and one for the window, read from the SLO
 * of each slo-budget monitor; sentences such as "availability SLO of Clause extraction moves from
 * 99.5 % to 99.9 %: error budget from 3 h 36 min to 43 min per 30 days".
 */
export function sloReview(): KindReview {
  const pct = (n: number | undefined) => formatValue("percent", n);
  return {
    columns: [
      {
        key: WINDOW_KEY,
        header: "SLO window",
        unit: "days",
        read: (_t, m) => {
          const days = /^(\d+)d$/.exec(m?.slo?.timeframe ?? "")?.[1];
          return days === undefined ? undefined : Number(days);
        },
      },
      ...SLO_OBJECTIVES.map((objective) => ({
        key: TARGET_KEY[objective],
        header: `${objective} SLO`,
        unit: "percent" as const,
        read: (_t: unknown, m?: { tags: readonly string[]; slo?: { target?: number } }) =>
          m && tagValue(m.tags, RESOURCE_TAG.objective) === objective ? m.slo?.target : undefined,
      })),
    ],
    added: (v) => {
      const days = v[WINDOW_KEY];
      const parts = SLO_OBJECTIVES.flatMap((o) => {
        const t = v[TARGET_KEY[o]];
        return t === undefined ? [] : [`${o} ${pct(t)}${days === undefined ? "" : ` (error budget ${budget(t, days)})`}`];
      });
      if (!parts.length) return undefined;
      return `SLO${parts.length === 1 ? "" : "s"}${days === undefined ? "" : ` over ${days} days`}: ${parts.join(", ")}`;
    },
    changed: (b, a, feature) => sloChanges(b, a, feature?.name ?? feature?.id ?? "the feature"),
  };
}

function sloChanges(b: ReviewValues, a: ReviewValues, name: string): string[] {
  const bd = b[WINDOW_KEY];
  const ad = a[WINDOW_KEY];
  const pct = (n: number | undefined) => formatValue("percent", n);
  return SLO_OBJECTIVES.flatMap((o) => {
    const bt = b[TARGET_KEY[o]];
    const at = a[TARGET_KEY[o]];
    const subject = `${o} SLO of ${name}`;
    if (bt === undefined && at === undefined) return [];
    if (bt === undefined) return [`${subject} is new: ${pct(at)} over ${ad} days (error budget ${budget(at!, ad ?? 0)})`];
    if (at === undefined) return [`${subject} is removed (was ${pct(bt)} over ${bd} days)`];
    if (bd === undefined || ad === undefined || (bt === at && bd === ad)) return [];
    if (bd === ad)
      return [`${subject} moves from ${pct(bt)} to ${pct(at)}: error budget from ${budget(bt, bd)} to ${budget(at, ad)} per ${ad} days`];
    const from = bt === at ? `a ${bd}-day to a ${ad}-day window` : `${pct(bt)} over ${bd} days to ${pct(at)} over ${ad} days`;
    return [`${subject} moves from ${from}: error budget from ${budget(bt, bd)} per ${bd} days to ${budget(at, ad)} per ${ad} days`];
  });
}
