// Features as the reviewer knows them: the thresholds in force, the owner, who gets paged,
// read back from the monitors and Sentry rules of a plan (so a plan from any commit reads right).
import { isPagerdutyHandle, isSlackHandle } from "../config/names";
import { PER_FEATURE_KINDS, type PerFeatureKind } from "../monitors/kinds";
import { monitorViews } from "./monitors";
import { sentryRuleViews } from "./oncall";
import type { Plan } from "./plan";
import { arr, num, obj, str } from "./read";

export interface FeatureView {
  id: string;
  /** Owner team, from the `team:` tag of its monitors. */
  team?: string;
  /** Daily budget (cost monitor warning, 1x). */
  budget?: number;
  /** Cost monitor alert (2x budget). */
  costAlert?: number;
  ttftMs?: number;
  totalMs?: number;
  /** Week-over-week judge-score drop that alerts, in points (positive). */
  qualityDrop?: number;
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
}

export function featureViews(plan: Plan): FeatureView[] {
  const monitors = monitorViews(plan);
  const byId = new Map<string, FeatureView>();
  const get = (id: string): FeatureView => {
    let f = byId.get(id);
    if (!f) {
      f = { id, pages: [], notifies: [], sentryErrors: {}, sentryOwners: [], monitors: [], sentryRules: [] };
      byId.set(id, f);
    }
    return f;
  };
  for (const m of monitors) {
    if (!m.feature) continue;
    const f = get(m.feature);
    f.monitors.push(m.name);
    if (m.team) f.team ??= m.team;
    for (const { handle: h } of m.handles) {
      if (isPagerdutyHandle(h)) f.pages.push(h.raw);
      else if (isSlackHandle(h)) f.notifies.push(h.raw);
    }
    const critical = num(m.thresholds.critical);
    const warning = num(m.thresholds.warning);
    // The effective thresholds are the monitors' own numbers, so a plan from any commit reads right.
    const kind = (PER_FEATURE_KINDS as readonly string[]).includes(m.kind ?? "") ? (m.kind as PerFeatureKind) : undefined;
    switch (kind) {
      case "cost-budget":
        f.costAlert = critical;
        f.budget = warning ?? (critical === undefined ? undefined : critical / 2);
        break;
      case "ttft-p95":
        f.ttftMs = critical;
        break;
      case "total-latency-p95":
        f.totalMs = critical;
        break;
      case "quality-drop":
        f.qualityDrop = critical === undefined ? undefined : Math.abs(critical);
        break;
    }
  }
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
  }
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** Sentry names a PagerDuty service by its own id (stack config `sentryPagerdutyServices`). */
function sentryPagerduty(id: unknown): string {
  return `Sentry → PagerDuty service ${str(id)}`;
}
