// The semantic diff of two plans of one stack. Widgets are matched by the id the builders
// derive from a stable key, monitors and every other resource by their stable logical name,
// so inserting one widget is one addition, never a cascade of index-shifted changes.
// Pure: two plans in, a structured diff out (markdown.ts puts it into words).
import { TYPE } from "../../config/names";
import { MONITOR_KINDS, type MonitorKindSpec } from "../../monitors/kinds";
import { type DashboardView, dashboardViews, flattenWidgets, type WidgetView } from "../../plan/dashboards";
import { type FeatureView, featureViews } from "../../plan/features";
import { type MonitorView, monitorViews } from "../../plan/monitors";
import { holdsSecrets, type Plan, type PlanResource, typeLabel } from "../../plan/plan";
import { stableJson } from "../../plan/read";
import { compareCost, type CostDiff } from "./cost";
import { pairByKey } from "./pair";
import { detectRenames, type FeatureRename } from "./renames";

// ---------------------------------------------------------------------------------------------
// Shapes

export interface ResourceCounts {
  type: string;
  label: string;
  added: number;
  changed: number;
  removed: number;
  replaced: number;
}

export interface Replacement {
  type: string;
  name: string;
  reason: string;
}

/** One field of one thing, before and after. `undefined` = absent on that side. */
export interface FieldChange {
  field: string;
  before?: string;
  after?: string;
}

export interface WidgetRef {
  key: string;
  title: string;
  type: string;
  group?: string;
}

export interface WidgetChange extends WidgetRef {
  changes: FieldChange[];
}

export interface WidgetMove extends WidgetRef {
  /** e.g. `from group "Spend" to group "Budget"` or `now after "Spend per feature"`. */
  how: string;
}

export interface DashboardDiff {
  id: string;
  name: string;
  title: string;
  status: "added" | "removed" | "changed";
  /** Widget count on the side that exists (added/removed dashboards). */
  widgetCount: number;
  settings: FieldChange[];
  added: (WidgetRef & { where: string })[];
  removed: WidgetRef[];
  moved: WidgetMove[];
  changed: WidgetChange[];
  /** Widgets whose grid position shifted only because others were added, removed or resized. */
  shifted: number;
}

export interface MonitorDiff {
  name: string;
  title: string;
  status: "added" | "removed" | "changed";
  /** The side that exists (after, or before when removed). */
  monitor: MonitorView;
  changes: FieldChange[];
  replaced?: string;
}

export interface FeatureDiff {
  id: string;
  status: "added" | "removed" | "changed";
  before?: FeatureView;
  after?: FeatureView;
}

export interface ResourceDiff {
  type: string;
  name: string;
  status: "added" | "removed" | "changed";
  /** Leaf input paths that differ (`layers[0].users[3]`). */
  changes: FieldChange[];
  replaced?: string;
}

export interface PlanDiff {
  stack: string;
  counts: ResourceCounts[];
  replacements: Replacement[];
  dashboards: DashboardDiff[];
  monitors: MonitorDiff[];
  features: FeatureDiff[];
  /** PagerDuty, Sentry and anything else that is neither a dashboard nor a monitor. */
  others: ResourceDiff[];
  /** True when a changed resource holds secrets: their values cannot be compared offline. */
  secretsHidden: boolean;
  /** The custom-metric estimates of both sides; absent when neither plan records one. */
  cost?: CostDiff;
  /** Removed features that look renamed to added ones. */
  renames: FeatureRename[];
}

/** Any resource changes, or the cost estimate does (a new `scale` changes the bill, not one resource). */
export function hasChanges(diff: PlanDiff): boolean {
  return diff.counts.some((c) => c.added + c.changed + c.removed + c.replaced > 0) || !!diff.cost?.changed;
}

// ---------------------------------------------------------------------------------------------
// Resources

/**
 * Inputs whose change makes the provider delete and recreate the resource (ForceNew in the
 * bridged Terraform providers). A replaced monitor loses its history, mutes and downtimes.
 */
const REPLACE_ON_CHANGE: Record<string, string[]> = {
  [TYPE.monitor]: ["type"],
  // ForceNew in terraform-provider-datadog datadog/resource_datadog_metric_tag_configuration.go:71-84.
  [TYPE.metricTagConfiguration]: ["metricName", "metricType"],
  // ForceNew in terraform-provider-datadog v4.19.0 datadog/resource_datadog_service_level_objective.go:205-211.
  [TYPE.serviceLevelObjective]: ["type"],
};

function identity(r: PlanResource): string {
  return `${r.type}::${r.name}`;
}

/** `kinds` (default: the registry) says which numbers each monitor kind contributes to a feature. */
export function comparePlans(base: Plan, head: Plan, kinds: readonly MonitorKindSpec[] = MONITOR_KINDS): PlanDiff {
  const custom = (plan: Plan) => plan.resources.filter((r) => r.custom);
  const counts = new Map<string, ResourceCounts>();
  const count = (type: string) => {
    let c = counts.get(type);
    if (!c) {
      c = { type, label: typeLabel(type), added: 0, changed: 0, removed: 0, replaced: 0 };
      counts.set(type, c);
    }
    return c;
  };
  const replacements: Replacement[] = [];
  const others: ResourceDiff[] = [];
  let secretsHidden = false;

  for (const { before, after } of pairByKey(custom(base), custom(head), identity)) {
    const r = (after ?? before)!;
    const reason = before && after ? replacementReason(before, after) : undefined;
    const status: ResourceDiff["status"] | undefined = !before
      ? "added"
      : !after
        ? "removed"
        : reason || stableJson(before.inputs) !== stableJson(after.inputs)
          ? "changed"
          : undefined;
    if (!status) continue;
    count(r.type)[reason ? "replaced" : status]++;
    if (reason) replacements.push({ type: r.type, name: r.name, reason });
    if (status === "changed" && holdsSecrets(after!)) secretsHidden = true;
    if (r.type === TYPE.dashboard || r.type === TYPE.monitor) continue;
    others.push({
      type: r.type,
      name: r.name,
      status,
      changes: status === "changed" ? leafChanges(before!.inputs, after!.inputs) : [],
      replaced: reason,
    });
  }
  others.sort((x, y) => typeLabel(x.type).localeCompare(typeLabel(y.type)) || x.name.localeCompare(y.name));

  const features = compareFeatures(featureViews(base, kinds), featureViews(head, kinds));
  const removed = features.filter((f) => f.status === "removed").map((f) => f.before!);
  const added = features.filter((f) => f.status === "added").map((f) => f.after!);
  return {
    stack: head.stack,
    counts: [...counts.values()].sort((x, y) => x.label.localeCompare(y.label)),
    replacements: replacements.sort((x, y) => x.name.localeCompare(y.name)),
    dashboards: compareDashboards(dashboardViews(base), dashboardViews(head)),
    monitors: compareMonitors(monitorViews(base), monitorViews(head), replacements),
    features,
    others,
    secretsHidden,
    cost: compareCost(base, head),
    renames: detectRenames(base, head, removed, added),
  };
}

export { pairByKey };

function replacementReason(before: PlanResource, after: PlanResource): string | undefined {
  if (before.urn !== after.urn) {
    // Same type and name under a different parent: without an alias the engine deletes and recreates it.
    return `its URN changes (${before.parent ?? "no parent"} → ${after.parent ?? "no parent"}); add an alias to keep it`;
  }
  for (const key of REPLACE_ON_CHANGE[after.type] ?? []) {
    if (stableJson(before.inputs[key]) !== stableJson(after.inputs[key])) {
      return `\`${key}\` changes (${show(before.inputs[key])} → ${show(after.inputs[key])}), which forces a new resource`;
    }
  }
  return undefined;
}

function show(v: unknown): string {
  return v === undefined ? "unset" : typeof v === "string" ? v : stableJson(v);
}

/** Differences between two input trees, one entry per changed leaf path. */
export function leafChanges(before: unknown, after: unknown): FieldChange[] {
  const a = flatten(before);
  const b = flatten(after);
  const out: FieldChange[] = [];
  for (const path of [...new Set([...a.keys(), ...b.keys()])].sort(comparePaths)) {
    const x = a.get(path);
    const y = b.get(path);
    if (x !== y) out.push({ field: path, before: x, after: y });
  }
  return out;
}

function comparePaths(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}

function flatten(value: unknown, prefix = "", out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value)) {
    if (value.length === 0) out.set(prefix, "[]");
    value.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
  } else if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0 && prefix) out.set(prefix, "{}");
    for (const [k, v] of entries) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (value !== undefined) {
    // A JSON document held in a string input is compared by structure, not as one long line.
    if (typeof value === "string" && /^\s*[[{]/.test(value)) {
      try {
        const parsed = JSON.parse(value);
        if (parsed !== null && typeof parsed === "object") return flatten(parsed, prefix, out);
      } catch {
        // not JSON after all
      }
    }
    out.set(prefix, typeof value === "string" ? value : JSON.stringify(value));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Dashboards

export function compareDashboards(base: DashboardView[], head: DashboardView[]): DashboardDiff[] {
  return pairByKey(base, head, (d) => d.id).flatMap(({ key: id, before, after }) => {
    if (before && after) return compareDashboard(before, after) ?? [];
    const d = (after ?? before)!;
    const status = after ? "added" : "removed";
    const widgetCount = flattenWidgets(d.widgets).length;
    return [
      { id, name: d.name, title: d.title, status, widgetCount, settings: [], added: [], removed: [], moved: [], changed: [], shifted: 0 },
    ];
  });
}

/** A dashboard on both sides: its settings, then its widgets matched by stable key (added, removed, moved, changed, shifted). */
function compareDashboard(before: DashboardView, after: DashboardView): DashboardDiff | undefined {
  const settings = dashboardSettingChanges(before, after);
  const widgets = new WidgetPairs(before, after);
  const added = widgets.onlyAfter().map((x) => ({ ...widgetRef(x), where: placement(x) }));
  // A removed group's children are removed with it; list them all, a reviewer wants to see what goes.
  const removed = widgets.onlyBefore().map(widgetRef);
  const moved = movedWidgets(widgets, before, after);
  const movedKeys = new Set(moved.map((m) => m.key));
  const changed: WidgetChange[] = [];
  let shifted = 0;
  for (const { before: prev, after: x } of widgets.onBoth()) {
    const changes = compareWidget(prev.widget, x.widget);
    if (changes.length) changed.push({ ...widgetRef(x), changes });
    const p = prev.widget.layout;
    const n = x.widget.layout;
    if (p && n && (p.x !== n.x || p.y !== n.y) && !movedKeys.has(x.widget.key)) shifted++;
  }
  const nothingReviewable = !settings.length && !added.length && !removed.length && !moved.length && !changed.length && !shifted;
  // Byte-level differences with no reviewable meaning (key order, resolved links) still count.
  if (nothingReviewable && stableJson(before) === stableJson(after)) return undefined;
  const widgetCount = widgets.after.length;
  return {
    id: after.id,
    name: after.name,
    title: after.title,
    status: "changed",
    widgetCount,
    settings,
    added,
    removed,
    moved,
    changed,
    shifted,
  };
}

/** Title, description, tags, template variables (each, and their order) and every other dashboard-level setting. */
function dashboardSettingChanges(before: DashboardView, after: DashboardView): FieldChange[] {
  const settings: FieldChange[] = [];
  field(settings, "title", before.title, after.title);
  field(settings, "description", before.description, after.description);
  field(settings, "tags", before.tags.join(", "), after.tags.join(", "));
  const variables = pairByKey(before.templateVariables, after.templateVariables, (v) => v.name, { sorted: false });
  for (const { key: name, before: x, after: y } of variables) {
    if (!x || !y) {
      field(settings, `template variable $${name}`, x && describeVariable(x), y && describeVariable(y));
      continue;
    }
    field(settings, `template variable $${name} tag`, x.prefix, y.prefix);
    field(settings, `template variable $${name} default`, x.defaults.join(" or "), y.defaults.join(" or "));
    const gone = x.availableValues.filter((v) => !y.availableValues.includes(v));
    const came = y.availableValues.filter((v) => !x.availableValues.includes(v));
    if (gone.length) settings.push({ field: `template variable $${name} values`, before: gone.join(", ") });
    if (came.length) settings.push({ field: `template variable $${name} values`, after: came.join(", ") });
  }
  // Reordering alone is a change; adding or removing one is already reported above.
  const names = (d: DashboardView) => d.templateVariables.map((v) => v.name);
  if (variables.every((v) => v.before && v.after))
    field(settings, "template variable order", names(before).join(", "), names(after).join(", "));
  if (before.settings !== after.settings) {
    const changed = leafChanges(JSON.parse(before.settings), JSON.parse(after.settings)).map((c) => c.field);
    settings.push({ field: "other dashboard settings", before: changed.join(", "), after: changed.join(", ") });
  }
  return settings;
}

type Placed = { widget: WidgetView; group?: WidgetView };

/** Both sides' widgets, groups' children included, matched by their stable key. */
class WidgetPairs {
  readonly before: Placed[];
  readonly after: Placed[];
  readonly beforeByKey: Map<string, Placed>;
  readonly afterByKey: Map<string, Placed>;

  constructor(before: DashboardView, after: DashboardView) {
    this.before = flattenWidgets(before.widgets);
    this.after = flattenWidgets(after.widgets);
    this.beforeByKey = new Map(this.before.map((x) => [x.widget.key, x]));
    this.afterByKey = new Map(this.after.map((x) => [x.widget.key, x]));
  }

  onlyAfter(): Placed[] {
    return this.after.filter((x) => !this.beforeByKey.has(x.widget.key));
  }

  onlyBefore(): Placed[] {
    return this.before.filter((x) => !this.afterByKey.has(x.widget.key));
  }

  /** Widgets on both sides, in the head's reading order. */
  onBoth(): { before: Placed; after: Placed }[] {
    return this.after.flatMap((x) => {
      const prev = this.beforeByKey.get(x.widget.key);
      return prev ? [{ before: prev, after: x }] : [];
    });
  }
}

function widgetRef(x: Placed): WidgetRef {
  return { key: x.widget.key, title: x.widget.title, type: x.widget.type, group: x.group ? x.group.title : undefined };
}

/** Widgets in a different parent group, then widgets out of order relative to those both sides share (longest common subsequence). */
function movedWidgets(widgets: WidgetPairs, before: DashboardView, after: DashboardView): WidgetMove[] {
  const moved: WidgetMove[] = [];
  const movedKeys = new Set<string>();
  for (const { before: prev, after: x } of widgets.onBoth()) {
    if ((prev.group?.key ?? "") === (x.group?.key ?? "")) continue;
    moved.push({ ...widgetRef(x), how: `from ${groupName(prev.group)} to ${groupName(x.group)}` });
    movedKeys.add(x.widget.key);
  }
  const containers = (d: DashboardView) => {
    const map = new Map<string, WidgetView[]>([["", d.widgets]]);
    for (const { widget } of flattenWidgets(d.widgets)) if (widget.children.length) map.set(widget.key, widget.children);
    return map;
  };
  const beforeContainers = containers(before);
  for (const [key, children] of containers(after)) {
    const prevChildren = beforeContainers.get(key);
    if (!prevChildren) continue;
    const prevOrder = prevChildren.map((w) => w.key).filter((k) => children.some((c) => c.key === k));
    const order = children.map((w) => w.key).filter((k) => prevOrder.includes(k));
    const keep = new Set(lcs(prevOrder, order));
    for (const k of order) {
      if (keep.has(k) || movedKeys.has(k)) continue;
      const pos = order.indexOf(k);
      const prevNeighbour = [...order.slice(0, pos)].reverse().find((o) => keep.has(o));
      const x = widgets.afterByKey.get(k)!;
      const neighbour = prevNeighbour ? widgets.afterByKey.get(prevNeighbour)!.widget : undefined;
      moved.push({
        ...widgetRef(x),
        how: neighbour ? `now after "${neighbour.title || neighbour.type}"` : `now first in ${groupName(x.group)}`,
      });
      movedKeys.add(k);
    }
  }
  return moved;
}

function describeVariable(v: DashboardView["templateVariables"][number]): string {
  const defaults = v.defaults.length ? v.defaults.join(" or ") : "*";
  return `tag ${v.prefix || "(none)"}, default ${defaults}${v.availableValues.length ? `, values ${v.availableValues.join(", ")}` : ""}`;
}

function groupName(group?: WidgetView): string {
  return group ? `group "${group.title || group.key}"` : "the top level";
}

function placement(x: Placed): string {
  const where = x.group ? `in group "${x.group.title}"` : "at the top level";
  const l = x.widget.layout;
  return l ? `${where}, column ${l.x + 1}, row ${l.y + 1}, ${l.width}×${l.height}` : where;
}

function field(out: FieldChange[], name: string, before: string | undefined, after: string | undefined, same?: () => boolean): void {
  if ((before ?? "") === (after ?? "")) return;
  if (same && !same()) return;
  out.push({ field: name, before: before || undefined, after: after || undefined });
}

export function compareWidget(before: WidgetView, after: WidgetView): FieldChange[] {
  const out: FieldChange[] = [];
  field(out, "type", before.type, after.type);
  field(out, "title", before.title, after.title);
  out.push(...listChanges("query", before.queries, after.queries, queryName));
  out.push(...listChanges("formula", before.formulas, after.formulas));
  out.push(...listChanges("marker", before.markers, after.markers));
  out.push(...listChanges("link", before.links, after.links, (l) => l.split(" → ")[0]));
  field(out, "text", before.text, after.text);
  // A group's height follows its children, so only its width is the author's choice.
  const size = (w: WidgetView) =>
    w.layout ? (w.type === "group" ? `${w.layout.width} columns` : `${w.layout.width}×${w.layout.height}`) : undefined;
  field(out, "size", size(before), size(after));
  if (before.settings !== after.settings) {
    for (const c of leafChanges(JSON.parse(before.settings), JSON.parse(after.settings))) out.push({ ...c, field: `setting ${c.field}` });
  }
  return out;
}

function queryName(q: string): string {
  return q.split(":")[0];
}

/**
 * Items only on one side. Items that share a key (query name, link label) are paired as
 * `old → new`; so are the leftovers when exactly one went and one came.
 */
function listChanges(name: string, before: string[], after: string[], keyOf?: (s: string) => string): FieldChange[] {
  const gone = before.filter((x) => !after.includes(x));
  const came = after.filter((x) => !before.includes(x));
  const out: FieldChange[] = [];
  if (keyOf) {
    for (const g of [...gone]) {
      const match = came.find((c) => keyOf(c) === keyOf(g));
      if (match) {
        out.push({ field: `${name} ${keyOf(g)}`, before: g, after: match });
        gone.splice(gone.indexOf(g), 1);
        came.splice(came.indexOf(match), 1);
      }
    }
  }
  if (gone.length === 1 && came.length === 1) return [...out, { field: name, before: gone[0], after: came[0] }];
  for (const g of gone) out.push({ field: name, before: g });
  for (const c of came) out.push({ field: name, after: c });
  return out;
}

/** Longest common subsequence of two key sequences. */
function lcs(a: string[], b: string[]): string[] {
  const dp: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      dp[i][j] = a[i] === b[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push(a[i]);
      i++;
      j++;
    } else if (dp[i + 1][j] >= dp[i][j + 1]) i++;
    else j++;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Monitors

const THRESHOLD_NAMES: Record<string, string> = {
  critical: "critical threshold",
  warning: "warning threshold",
  criticalRecovery: "critical recovery",
  warningRecovery: "warning recovery",
  ok: "ok threshold",
  unknown: "unknown threshold",
};

export function compareMonitors(base: MonitorView[], head: MonitorView[], replacements: Replacement[] = []): MonitorDiff[] {
  return pairByKey(base, head, (m) => m.name).flatMap(({ key: name, before, after }): MonitorDiff[] => {
    if (!before || !after) {
      const m = (after ?? before)!;
      return [{ name, title: m.title, status: after ? "added" : "removed", monitor: m, changes: [] }];
    }
    const changes = compareMonitor(before, after);
    if (!changes.length) return [];
    const replaced = replacements.find((r) => r.type === TYPE.monitor && r.name === name)?.reason;
    return [{ name, title: after.title, status: "changed", monitor: after, changes, replaced }];
  });
}

export function compareMonitor(before: MonitorView, after: MonitorView): FieldChange[] {
  const out: FieldChange[] = [];
  field(out, "name", before.title, after.title);
  field(out, "type", before.type, after.type);
  field(out, "query", before.query, after.query);
  for (const key of orderedKeys(THRESHOLD_NAMES, before.thresholds, after.thresholds)) {
    field(out, THRESHOLD_NAMES[key] ?? `threshold ${key}`, before.thresholds[key], after.thresholds[key]);
  }
  for (const key of orderedKeys({}, before.thresholdWindows, after.thresholdWindows)) {
    field(out, `threshold window ${key}`, before.thresholdWindows[key], after.thresholdWindows[key]);
  }
  field(out, "priority", before.priority && `P${before.priority}`, after.priority && `P${after.priority}`);
  const routing = (m: MonitorView) => m.handles.map((h) => h.text).join(", ");
  field(out, "routing handles", routing(before), routing(after));
  const goneTags = before.tags.filter((t) => !after.tags.includes(t));
  const newTags = after.tags.filter((t) => !before.tags.includes(t));
  if (goneTags.length || newTags.length)
    out.push({ field: "tags", before: goneTags.join(", ") || undefined, after: newTags.join(", ") || undefined });
  field(out, "runbook", before.runbooks.join(", "), after.runbooks.join(", "));
  // The message's own words (what fired, links, recovery), beyond handles, runbook and thresholds.
  const message = messageLineChanges(before, after);
  if (message) out.push({ field: "message", ...message });
  for (const key of [...new Set([...Object.keys(before.options), ...Object.keys(after.options)])].sort()) {
    field(out, `option ${key}`, before.options[key], after.options[key]);
  }
  return out;
}

function orderedKeys(order: Record<string, string>, a: Record<string, string>, b: Record<string, string>): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  const known = Object.keys(order);
  return keys.sort(
    (x, y) => (known.includes(x) ? known.indexOf(x) : 99) - (known.includes(y) ? known.indexOf(y) : 99) || x.localeCompare(y),
  );
}

/** A message line without what other rows report: handles, runbook links and threshold numbers. */
function normalizeLine(m: MonitorView, line: string): string {
  let text = line;
  for (const { handle } of m.handles) text = text.split(handle.raw).join("");
  for (const r of m.runbooks) text = text.split(r).join("");
  for (const t of Object.values(m.thresholds)) {
    const n = t.replace(/^-/, "").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    if (n) text = text.replace(new RegExp(`(?<![\\w.])-?${n}(?!\\d)`, "g"), "#");
  }
  return text.replace(/\s+/g, " ").trim();
}

/** The message lines only one side has (as written), once handles, runbook and thresholds are set aside. */
function messageLineChanges(before: MonitorView, after: MonitorView): { before?: string; after?: string } | undefined {
  const a = before.message.split("\n").map((l) => ({ raw: l.trim(), key: normalizeLine(before, l) }));
  const b = after.message.split("\n").map((l) => ({ raw: l.trim(), key: normalizeLine(after, l) }));
  const aKeys = new Set(a.map((x) => x.key));
  const bKeys = new Set(b.map((x) => x.key));
  const gone = a.filter((x) => x.key && !bKeys.has(x.key)).map((x) => x.raw);
  const came = b.filter((x) => x.key && !aKeys.has(x.key)).map((x) => x.raw);
  if (gone.length || came.length) return { before: gone.join("\n") || undefined, after: came.join("\n") || undefined };
  const order = (xs: { key: string }[]) =>
    xs
      .map((x) => x.key)
      .filter(Boolean)
      .join("\n");
  return order(a) === order(b) ? undefined : { before: "(same lines)", after: "(reordered)" };
}

// ---------------------------------------------------------------------------------------------
// Features

export function compareFeatures(base: FeatureView[], head: FeatureView[]): FeatureDiff[] {
  return pairByKey(base, head, (f) => f.id).flatMap(({ key: id, before, after }): FeatureDiff[] => {
    if (!before) return [{ id, status: "added", after }];
    if (!after) return [{ id, status: "removed", before }];
    return featureSignature(before) === featureSignature(after) ? [] : [{ id, status: "changed", before, after }];
  });
}

function featureSignature(f: FeatureView): string {
  const { monitors: _m, sentryRules: _s, slos: _o, ...rest } = f;
  return stableJson(rest);
}
