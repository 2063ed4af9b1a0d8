// The monitor-kind registry: one entry per kind, and the only place a kind is declared. An entry
// says who the monitor wakes (priority), what it watches (signal), what it is called, which
// dashboard and runbook it links, how it is built, and what the diff and the preview say about
// it. Everything else reads this list: the builders' driver (index.ts), synth's lint, the policy
// pack's feature-has-all-monitors, the diff, the preview page and the runbook test.
//
// Adding a kind: write its builder (per-feature.ts or cross-feature.ts), its runbook
// (runbooks/<kind>.md, six sections, listed in runbooks/README.md), and one entry below.
//
// Kind slugs are pinned: they are the `monitor:<kind>` tag, the runbook file name and part of
// every resource name; renaming one replaces its monitors (and loses their history).
import type { Catalog } from "../config/validate";
import {
  judgeStalledMonitor,
  observabilityCostMonitor,
  providerOutageMonitor,
  retrievalSlowMonitor,
  tenantSpendAnomalyMonitor,
  ESTIMATED_USAGE_METRIC,
  ESTIMATED_USAGE_TAG,
  type OrgMetricBudget,
} from "./cross-feature";
import type { MonitorDefinition } from "./definition";
import type { FeatureFrame, Frame, KindIdentity } from "./frame";
import { costBudgetMonitor, latencyMonitor, qualityDropMonitor } from "./per-feature";
import { SLO_RUNBOOK } from "../config/slo";
import { OBJECTIVE_SIGNALS, sloAlertMonitors, sloReview } from "./slo";
import { formatValue, type KindReview, thresholdReview } from "./review";

interface KindEntry extends KindIdentity {
  /** Metrics outside the metric contract this kind may query, with the tags it may use (synth's lint allows them here only). */
  extraMetrics?: Record<string, string[]>;
  /** What the diff and the preview show for it; without one, only its generic monitor row. */
  review?: KindReview;
  /**
   * A `slo alert` kind (per feature): one monitor per SLO objective of every feature with SLOs.
   * The policy pack's feature-has-slos requires each of them of every such feature on paging stacks.
   */
  sloAlert?: true;
}

/** One monitor per feature of the catalog (or one per SLO objective of it), owned by the feature's owner. */
export interface FeatureKind extends KindEntry {
  scope: "feature";
  /**
   * Every feature must have it: the policy pack's feature-has-all-monitors checks it on every stack.
   * The SLO kinds are not: a feature may opt out of SLOs, and feature-has-slos checks them instead.
   */
  required: boolean;
  build(f: FeatureFrame, catalog: Catalog): MonitorDefinition | MonitorDefinition[];
}

/** One monitor per stack, across features (multi-alert where grouped), owned by the platform team. */
export interface StackKind extends KindEntry {
  scope: "stack";
  build(f: Frame, catalog: Catalog): MonitorDefinition | MonitorDefinition[];
}

/** What an org-wide kind is built from: the org's budget, derived by org/build.ts from every stack's estimate. */
export interface OrgContext {
  budget: OrgMetricBudget;
}

/**
 * One monitor for the whole Datadog org, watching every stack at once: only the stack with
 * `ownsOrgResources` creates it (org/build.ts builds these kinds; buildMonitors does not).
 */
export interface OrgKind extends KindEntry {
  scope: "org";
  build(f: Frame, catalog: Catalog, org: OrgContext): MonitorDefinition | MonitorDefinition[];
}

export type MonitorKindSpec = FeatureKind | StackKind | OrgKind;

// Priorities (see the severity map in config/names.ts; P1/P2 page on paging stacks):
// - quality-drop P3: the rule compares 7-day averages, so it fires about a day after a bad
//   prompt change lands. Waking someone at 3 a.m. gains nothing over acting at 9 a.m.; the
//   owner's channel gets it and the runbook's first step (revert) happens the same day.
// - cost-budget P2: a feature at 2x its daily budget is burning money now, and the kill
//   switch is a minute's work. Its 1x warning goes to Slack only.
// - ttft-p95 / total-latency-p95 P2: every user of the feature waits; thresholds are tuned
//   per feature in features.ts precisely so that these pages are real.
// - tenant-spend-anomaly P3: one tenant above its own normal is a conversation (CSM,
//   pricing), not an outage; runaway spend that matters is paged by cost-budget.
// - provider-outage P1: customers across features are affected at once.
// - judge-stalled P3: no customer sees it; the quality dashboard goes blank, so fix it the
//   same day, not the same night.
// - retrieval-slow P3: the user-facing symptom (slow answers) pages through the latency
//   monitors; this one names the cause for the platform team (index maintenance).
// - observability-cost P4: cardinality drift costs money over a month, not a minute. It
//   watches the whole Datadog org (every stack under the metric prefix), so only the stack
//   that owns the org's resources creates it.
// - slo-fast-burn P2: 2 % of a 30-day budget gone in an hour, still burning in the last 5
//   minutes: at that pace the month's budget lasts two days. Users feel it now (SRE workbook,
//   "Alerting on SLOs": this pair pages).
// - slo-slow-burn P3: 5 % in 6 hours, still burning in the last 30 minutes: the budget lasts
//   five days, so the owner's channel gets it and it is fixed in working hours.
// - slo-budget P3: 75 % of the window's budget spent warns, 100 % (the SLO is missed) alerts;
//   what follows is a decision (freeze risky changes, or change the target), not a fix at 3 a.m.
// The three SLO kinds build one monitor per objective (availability, latency, quality) of each
// feature with SLOs, and none for a feature with `slo: false` (monitors/slo.ts).
export const MONITOR_KINDS: readonly MonitorKindSpec[] = [
  {
    kind: "quality-drop",
    scope: "feature",
    required: true,
    signal: "quality",
    priority: 3,
    title: "judge score dropped week over week",
    dashboard: "quality",
    runbook: "quality-drop.md",
    build: qualityDropMonitor,
    review: {
      // The critical threshold is the negative allowed drop (`change(...) < -5`).
      columns: [
        {
          key: "qualityDrop",
          header: "quality drop (week over week)",
          unit: "points",
          read: (t) => (t.critical === undefined ? undefined : Math.abs(t.critical)),
        },
      ],
      added: (v) => (v.qualityDrop === undefined ? undefined : `quality alert on a ${formatValue("points", v.qualityDrop)} weekly drop`),
      changed: (b, a) =>
        b.qualityDrop === a.qualityDrop
          ? []
          : [
              `quality alert moves from a ${formatValue("points", b.qualityDrop)} to a ${formatValue("points", a.qualityDrop)} ` +
                "week-over-week drop",
            ],
    },
  },
  {
    kind: "cost-budget",
    scope: "feature",
    required: true,
    signal: "cost",
    priority: 2,
    title: "daily spend over budget",
    dashboard: "cost",
    runbook: "cost-budget.md",
    build: costBudgetMonitor,
    review: costBudgetReview(),
  },
  {
    kind: "ttft-p95",
    scope: "feature",
    required: true,
    signal: "latency",
    priority: 2,
    title: "p95 time to first token too high",
    dashboard: "latency",
    runbook: "ttft-p95.md",
    build: (f, catalog) => latencyMonitor(f, catalog, "ttft"),
    review: thresholdReview({ key: "ttftMs", header: "TTFT p95", unit: "ms", noun: "TTFT p95 alert" }),
  },
  {
    kind: "total-latency-p95",
    scope: "feature",
    required: true,
    signal: "latency",
    priority: 2,
    title: "p95 total response time too high",
    dashboard: "latency",
    runbook: "total-latency-p95.md",
    build: (f, catalog) => latencyMonitor(f, catalog, "total"),
    review: thresholdReview({
      key: "totalMs",
      header: "total p95",
      unit: "ms",
      noun: "total p95 alert",
      changedNoun: "total response p95 alert",
    }),
  },
  {
    kind: "slo-fast-burn",
    scope: "feature",
    required: false,
    signal: Object.values(OBJECTIVE_SIGNALS),
    priority: 2,
    title: "SLO error budget burning fast",
    dashboard: "overview",
    runbook: SLO_RUNBOOK,
    sloAlert: true,
    build: (f, catalog) => sloAlertMonitors(f, catalog, "fast"),
  },
  {
    kind: "slo-slow-burn",
    scope: "feature",
    required: false,
    signal: Object.values(OBJECTIVE_SIGNALS),
    priority: 3,
    title: "SLO error budget burning",
    dashboard: "overview",
    runbook: SLO_RUNBOOK,
    sloAlert: true,
    build: (f, catalog) => sloAlertMonitors(f, catalog, "slow"),
  },
  {
    kind: "slo-budget",
    scope: "feature",
    required: false,
    signal: Object.values(OBJECTIVE_SIGNALS),
    priority: 3,
    title: "SLO error budget spent",
    dashboard: "overview",
    runbook: SLO_RUNBOOK,
    sloAlert: true,
    build: (f, catalog) => sloAlertMonitors(f, catalog, "budget"),
    // Each budget monitor's SLO: its target and window, the numbers reviewers need per feature.
    review: sloReview(),
  },
  {
    kind: "tenant-spend-anomaly",
    scope: "stack",
    signal: "cost",
    priority: 3,
    title: "Tenant spend anomaly",
    dashboard: "tenant",
    runbook: "tenant-spend-anomaly.md",
    build: tenantSpendAnomalyMonitor,
  },
  {
    kind: "provider-outage",
    scope: "stack",
    signal: "availability",
    priority: 1,
    title: "LLM provider error rate high",
    dashboard: "overview",
    runbook: "provider-outage.md",
    build: providerOutageMonitor,
  },
  {
    kind: "judge-stalled",
    scope: "stack",
    signal: "pipeline",
    priority: 3,
    title: "Judge pipeline stalled",
    dashboard: "quality",
    runbook: "judge-stalled.md",
    build: judgeStalledMonitor,
  },
  {
    kind: "retrieval-slow",
    scope: "stack",
    signal: "latency",
    priority: 3,
    title: "Vector index retrieval slow",
    dashboard: "latency",
    runbook: "retrieval-slow.md",
    build: retrievalSlowMonitor,
  },
  {
    kind: "observability-cost",
    scope: "org",
    signal: "cost",
    priority: 4,
    title: "Observability custom-metric usage over the org budget",
    dashboard: "overview",
    runbook: "observability-cost.md",
    // Datadog's own estimate of indexed custom metrics; the emitter never writes it.
    extraMetrics: { [ESTIMATED_USAGE_METRIC]: [ESTIMATED_USAGE_TAG] },
    build: (f, catalog, org) => observabilityCostMonitor(f, catalog, org.budget),
  },
];

/** The 1x budget is the warning, the alert is at 2x; a plan without a warning implies the budget from the alert. */
function costBudgetReview(): KindReview {
  const money = (n: number | undefined) => formatValue("usd", n);
  return {
    columns: [
      {
        key: "budget",
        header: "daily budget",
        unit: "usd per day",
        read: (t) => t.warning ?? (t.critical === undefined ? undefined : t.critical / 2),
      },
      { key: "costAlert", header: "cost alert (2× budget)", unit: "usd per day", read: (t) => t.critical },
    ],
    added: (v) => (v.costAlert === undefined ? undefined : `cost alert at ${money(v.costAlert)} a day (2× its ${money(v.budget)} budget)`),
    changed: (b, a) => {
      if (b.costAlert !== a.costAlert) {
        const budget =
          b.budget !== a.budget
            ? ` (2× its daily budget, which moves from ${money(b.budget)} to ${money(a.budget)})`
            : " (2× its daily budget)";
        return [`cost alert moves from ${money(b.costAlert)} to ${money(a.costAlert)} a day${budget}`];
      }
      return b.budget === a.budget ? [] : [`cost warning (its daily budget) moves from ${money(b.budget)} to ${money(a.budget)}`];
    },
  };
}

/** The entry of a kind, if the registry has it. */
export function kindSpec(kinds: readonly MonitorKindSpec[], kind: string | undefined): MonitorKindSpec | undefined {
  return kinds.find((k) => k.kind === kind);
}

export function featureKinds(kinds: readonly MonitorKindSpec[] = MONITOR_KINDS): FeatureKind[] {
  return kinds.filter((k): k is FeatureKind => k.scope === "feature");
}

export function stackKinds(kinds: readonly MonitorKindSpec[] = MONITOR_KINDS): StackKind[] {
  return kinds.filter((k): k is StackKind => k.scope === "stack");
}

export function orgKinds(kinds: readonly MonitorKindSpec[] = MONITOR_KINDS): OrgKind[] {
  return kinds.filter((k): k is OrgKind => k.scope === "org");
}

/** The kinds that watch SLOs: every feature with SLOs has one monitor of each per objective (policy feature-has-slos). */
export function sloKinds(kinds: readonly MonitorKindSpec[] = MONITOR_KINDS): FeatureKind[] {
  return featureKinds(kinds).filter((k) => k.sloAlert);
}

/** Kinds every feature must have (the policy pack's feature-has-all-monitors). */
export function requiredFeatureKinds(kinds: readonly MonitorKindSpec[] = MONITOR_KINDS): string[] {
  return featureKinds(kinds)
    .filter((k) => k.required)
    .map((k) => k.kind);
}

/** Columns of the per-feature thresholds table, in registry order. */
export function reviewColumns(kinds: readonly MonitorKindSpec[] = MONITOR_KINDS) {
  return featureKinds(kinds).flatMap((k) => k.review?.columns ?? []);
}
