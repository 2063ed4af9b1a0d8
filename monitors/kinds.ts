// The monitor kinds: one table that fixes, per kind, its signal, its priority (and so who
// gets woken up), its runbook and the dashboard its message links to. Kind slugs are
// pinned: they are the `monitor:<kind>` tag, the runbook file name and part of every
// resource name, and the policy pack and on-call wiring rely on them.
import { TAG } from "../config/contract";
import { PROJECT } from "../config/validate";
import type { Priority } from "./severity";

export const PER_FEATURE_KINDS = ["quality-drop", "cost-budget", "ttft-p95", "total-latency-p95"] as const;
export const CROSS_FEATURE_KINDS = ["tenant-spend-anomaly", "provider-outage", "judge-stalled", "retrieval-slow"] as const;
/** Kinds whose monitor watches the whole Datadog org: only the stack with `ownsOrgResources` creates them (org/build.ts). */
export const ORG_KINDS = ["observability-cost"] as const;
export const MONITOR_KINDS = [...PER_FEATURE_KINDS, ...CROSS_FEATURE_KINDS, ...ORG_KINDS] as const;

export type PerFeatureKind = (typeof PER_FEATURE_KINDS)[number];
export type CrossFeatureKind = (typeof CROSS_FEATURE_KINDS)[number];
export type OrgKind = (typeof ORG_KINDS)[number];
export type MonitorKind = (typeof MONITOR_KINDS)[number];

export type Signal = "quality" | "cost" | "latency" | "availability" | "pipeline";

/** Dashboard ids pinned by the dashboards builder. */
export type DashboardId = "quality" | "cost" | "latency" | "tenant" | "overview";

export interface KindSpec {
  signal: Signal;
  priority: Priority;
  /** The `<signal>` part of the monitor name: `[llm <env>] <feature name>: <title>` or `[llm <env>] <title>`. */
  title: string;
  dashboard: DashboardId;
}

// Priorities (see the severity map in severity.ts; P1/P2 page on paging stacks):
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
export const KINDS: Record<MonitorKind, KindSpec> = {
  "quality-drop": { signal: "quality", priority: 3, title: "judge score dropped week over week", dashboard: "quality" },
  "cost-budget": { signal: "cost", priority: 2, title: "daily spend over budget", dashboard: "cost" },
  "ttft-p95": { signal: "latency", priority: 2, title: "p95 time to first token too high", dashboard: "latency" },
  "total-latency-p95": { signal: "latency", priority: 2, title: "p95 total response time too high", dashboard: "latency" },
  "tenant-spend-anomaly": { signal: "cost", priority: 3, title: "Tenant spend anomaly", dashboard: "tenant" },
  "provider-outage": { signal: "availability", priority: 1, title: "LLM provider error rate high", dashboard: "overview" },
  "judge-stalled": { signal: "pipeline", priority: 3, title: "Judge pipeline stalled", dashboard: "quality" },
  "retrieval-slow": { signal: "latency", priority: 3, title: "Vector index retrieval slow", dashboard: "latency" },
  "observability-cost": {
    signal: "cost",
    priority: 4,
    title: "Observability custom-metric usage over the org budget",
    dashboard: "overview",
  },
};

export function isPerFeatureKind(kind: string): kind is PerFeatureKind {
  return (PER_FEATURE_KINDS as readonly string[]).includes(kind);
}

/** `monitor-<featureId>-<kind>` per feature, `monitor-<kind>` across features. */
export function monitorId(kind: MonitorKind, featureId?: string): string {
  return featureId ? `monitor-${featureId}-${kind}` : `monitor-${kind}`;
}

/**
 * `[llm prod]`, `[llm staging]`: the start of every monitor name. Every stack, prod included,
 * names its env, so stacks sharing one Datadog org never look alike in the monitor list, in
 * Slack or in a PagerDuty incident title, there is no special env name to agree on, and the
 * prefix matches the Sentry rule names (errors/build.ts).
 */
export function monitorNamePrefix(env: string): string {
  return `[llm ${env}]`;
}

/** Runbook file under runbooks/, linked as `<runbookBaseUrl>/<file>`. */
export function runbookFile(kind: MonitorKind): string {
  return `${kind}.md`;
}

export const POSTMORTEM_TEMPLATE = "postmortem-template.md";

/**
 * Keys of the monitors' own tags (resource tags, not metric tags). `team` is Datadog's
 * ownership key and the one the tag policy enforces; feature and env reuse the metric
 * contract's keys so a monitor tag and a metric tag never disagree.
 */
export const MONITOR_TAG = {
  team: "team",
  feature: TAG.feature,
  env: TAG.env,
  signal: "signal",
  service: "service",
  monitor: "monitor",
} as const;

/** Value of `service:` on every monitor this package creates. */
export const MONITOR_SERVICE = PROJECT;

export function monitorTags(t: { team: string; featureId?: string; env: string; signal: Signal; kind: MonitorKind }): string[] {
  return [
    `${MONITOR_TAG.team}:${t.team}`,
    ...(t.featureId ? [`${MONITOR_TAG.feature}:${t.featureId}`] : []),
    `${MONITOR_TAG.env}:${t.env}`,
    `${MONITOR_TAG.signal}:${t.signal}`,
    `${MONITOR_TAG.service}:${MONITOR_SERVICE}`,
    `${MONITOR_TAG.monitor}:${t.kind}`,
  ];
}

/** The value of `<key>:<value>` in a tag list, if present. */
export function tagValue(tags: readonly string[], key: string): string | undefined {
  const tag = tags.find((t) => t.startsWith(`${key}:`));
  return tag?.slice(key.length + 1);
}
