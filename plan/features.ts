// Features as the reviewer knows them: the thresholds in force, the owner, who gets paged,
// read back from the monitors and Sentry rules of a plan (so a plan from any commit reads right).
import { isPagerdutyHandle, isSlackHandle, RESOURCE_TAG, tagValue, withoutNamePrefix } from "../config/names";
import { kindSpec, MONITOR_KINDS, type MonitorKindSpec } from "../monitors/kinds";
import type { ReviewedMonitor, ReviewValues, Thresholds } from "../monitors/review";
import { type MonitorView, monitorViews } from "./monitors";
import { sentryRuleViews } from "./oncall";
import type { Plan } from "./plan";
import { arr, num, obj, str } from "./read";
import { type PlannedSlo, sloOfMonitor, slosOf } from "./slos";

export interface FeatureView {
  id: string;
  /** Its display name, read from its monitors' names (`[llm <env>] <name>: <kind title>`). */
  name?: string;
  /** Owner team, from the `team:` tag of its monitors. */
  team?: string;
  /** The numbers its monitors' kinds declare for review (monitors/kinds.ts), by column key: `costAlert`, `ttftMs`, ... */
  values: ReviewValues;
  /** `@pagerduty-...` handles any of its monitors or Sentry rules page. */
  pages: string[];
  /** `@slack-...` handles its monitors notify. */
  notifies: string[];
  /** Sentry metric alert thresholds: errors in its window, per trigger label. */
  sentryErrors: Record<string, number>;
  /** Owner named on its Sentry rules (`team:<id>`). */
  sentryOwners: string[];
  monitors: string[];
  sentryRules: string[];
  /** Its SLOs (`slo-<feature>-<objective>`). */
  slos: string[];
}

/**
 * The numbers a monitor's kind declares for review, read from the monitor's own thresholds and,
 * for a `slo alert` monitor, the SLO it watches in the same plan (so a plan from any commit reads
 * right); empty for a kind the registry does not review. Values a column cannot read are left out.
 */
export function monitorValues(
  m: MonitorView,
  kinds: readonly MonitorKindSpec[] = MONITOR_KINDS,
  slos: readonly PlannedSlo[] = [],
): ReviewValues {
  const t = m.thresholds;
  const thresholds: Thresholds = {
    critical: num(t.critical),
    warning: num(t.warning),
    criticalRecovery: num(t.criticalRecovery),
    warningRecovery: num(t.warningRecovery),
  };
  const slo = sloOfMonitor(slos, m.tags);
  const reviewed: ReviewedMonitor = { tags: m.tags, ...(slo ? { slo: { target: slo.target, timeframe: slo.timeframe } } : {}) };
  return Object.fromEntries(
    (kindSpec(kinds, m.kind)?.review?.columns ?? []).flatMap((c) => {
      const value = c.read(thresholds, reviewed);
      return value === undefined ? [] : [[c.key, value]];
    }),
  );
}

/** The kind's sentence for this monitor (`TTFT p95 alert at 800 ms`), when its kind has a review. */
export function monitorSentence(
  m: MonitorView,
  kinds: readonly MonitorKindSpec[] = MONITOR_KINDS,
  slos: readonly PlannedSlo[] = [],
): string | undefined {
  return kindSpec(kinds, m.kind)?.review?.added(monitorValues(m, kinds, slos), m.feature ? { id: m.feature } : undefined);
}

/**
 * The feature's display name in a monitor's name: `[llm prod] Clause extraction: <title>`, where
 * the title is its kind's (or `<objective> <title>` for a kind that builds one monitor per objective).
 */
function featureNameOf(m: MonitorView, kinds: readonly MonitorKindSpec[]): string | undefined {
  const title = kindSpec(kinds, m.kind)?.title;
  if (!title) return undefined;
  const name = withoutNamePrefix(m.title);
  const objective = tagValue(m.tags, RESOURCE_TAG.objective);
  for (const suffix of [`: ${title}`, ...(objective ? [`: ${objective} ${title}`] : [])]) {
    if (name.endsWith(suffix) && name.length > suffix.length) return name.slice(0, -suffix.length);
  }
  return undefined;
}

/** `kinds` (default: the registry) says which numbers each monitor kind contributes. */
export function featureViews(plan: Plan, kinds: readonly MonitorKindSpec[] = MONITOR_KINDS): FeatureView[] {
  const monitors = monitorViews(plan);
  const slos = slosOf(plan);
  const byId = new Map<string, FeatureView>();
  const get = (id: string): FeatureView => {
    let f = byId.get(id);
    if (!f) {
      f = { id, values: {}, pages: [], notifies: [], sentryErrors: {}, sentryOwners: [], monitors: [], sentryRules: [], slos: [] };
      byId.set(id, f);
    }
    return f;
  };
  for (const m of monitors) {
    if (!m.feature) continue;
    const f = get(m.feature);
    f.monitors.push(m.name);
    if (m.team) f.team ??= m.team;
    // The catalog's record in the plan when it has one (synth writes it), else the monitors' names.
    f.name ??= plan.features?.find((x) => x.id === m.feature)?.name ?? featureNameOf(m, kinds);
    for (const { handle: h } of m.handles) {
      if (isPagerdutyHandle(h)) f.pages.push(h.raw);
      else if (isSlackHandle(h)) f.notifies.push(h.raw);
    }
    Object.assign(f.values, monitorValues(m, kinds, slos));
  }
  for (const slo of slos) if (slo.featureId) get(slo.featureId).slos.push(slo.id);
  for (const { featureId, resource: r } of sentryRuleViews(plan)) {
    const f = get(featureId);
    f.sentryRules.push(r.name);
    const owner = str(r.inputs.owner);
    if (owner) f.sentryOwners.push(owner);
    for (const t of arr(r.inputs.triggers)) {
      const trigger = obj(t);
      const value = num(trigger.alertThreshold);
      if (trigger.label && value !== undefined) f.sentryErrors[str(trigger.label)] = value;
      for (const a of arr(trigger.actions)) {
        const action = obj(a);
        if (action.type === "pagerduty" && action.targetIdentifier !== undefined) f.pages.push(sentryPagerduty(action.targetIdentifier));
      }
    }
    // An issue rule pages through Sentry's PagerDuty action, naming Sentry's id of the service.
    for (const a of arr(r.inputs.actions)) {
      const action = obj(a);
      if (/pagerduty/i.test(str(action.id)) && action.service !== undefined) f.pages.push(sentryPagerduty(action.service));
    }
  }
  for (const f of byId.values()) {
    f.pages = [...new Set(f.pages)].sort();
    f.notifies = [...new Set(f.notifies)].sort();
    f.sentryOwners = [...new Set(f.sentryOwners)].sort();
    f.monitors.sort();
    f.sentryRules.sort();
    f.slos.sort();
  }
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** Sentry names a PagerDuty service by its own id (stack config `sentryPagerdutyServices`). */
function sentryPagerduty(id: unknown): string {
  return `Sentry → PagerDuty service ${str(id)}`;
}
