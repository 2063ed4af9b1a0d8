// Runs a scenario against a stack's monitors: generate the traffic, evaluate every monitor,
// check the expectations, and explain each failure with the timeline that contradicts it.
import type { ScenarioCatalog } from "./catalog";
import { ESTIMATED_USAGE_METRIC } from "../monitors/cross-feature";
import { HANDLE_PREFIX } from "../config/names";
import {
  compositeConstituents,
  evaluateComposite,
  evaluateMonitor,
  type MonitorRun,
  type MonitorUnderTest,
  monitorPlan,
  type Notification,
  notificationText,
  STATES,
} from "./monitor";
import { UnmodelledError } from "./query";
import { evaluateSloAlert, type SloAlertPlan, sloAlertPlan, type SloUnderTest } from "./slo";
import {
  appliesTo,
  isNotifyExpectation,
  loadScenario,
  monitorGroupKeys,
  monitorPick,
  monitorsNamed,
  type NotifyExpectation,
  type Scenario,
  type StateExpectation,
} from "./scenario";
import { MetricStore } from "./store";
import { formatOffset, parseDuration } from "./time";
import { generateTraffic, type TrafficShape, trafficShape } from "./traffic";
import { TAG } from "../config/contract";

export interface StackUnderTest {
  /** Stack name (`prod`). */
  name: string;
  catalog: ScenarioCatalog;
  monitors: MonitorUnderTest[];
  /** Distribution metrics whose percentiles a tag configuration enables (none enabled: no pNN data). */
  percentiles: ReadonlySet<string>;
  /** Resource name of the monitor a composite query references by this id. */
  monitorById: ReadonlyMap<string, string>;
  /** Per metric with a tag configuration, the tag keys it leaves queryable (Metrics without Limits). */
  queryableTags?: ReadonlyMap<string, ReadonlySet<string>>;
  /** Monitors (resource names) muted by a downtime for the whole run: they change state but notify no one. */
  muted?: ReadonlySet<string>;
  /** Constituents of the stack's composite monitors (resource names). */
  constituents?: ReadonlySet<string>;
  /** The stack's SLOs, by the id `slo alert` queries name them by (`burn_rate("<id>")`). */
  slos?: ReadonlyMap<string, SloUnderTest>;
}

/** Whether a query term can read data under the org's tag configurations. */
export function termReadable(stack: Pick<StackUnderTest, "queryableTags">, metric: string, tags: readonly string[]): boolean {
  const allowed = stack.queryableTags?.get(metric);
  return !allowed || tags.every((t) => allowed.has(t));
}

export type ScenarioStatus = "passed" | "failed" | "invalid";

export interface ScenarioResult {
  file: string;
  name: string;
  status: ScenarioStatus;
  failures: string[];
  /** Some expectation reads a monitor whose result depends on the anomalies() approximation. */
  approximate: boolean;
  runs: MonitorRun[];
  /** What the reader should know besides pass or fail (e.g. no expectation applies to this stack). */
  notes: string[];
}

/** Loads, validates and runs one scenario file. Unreadable files and unmodelled query forms are `invalid`. */
export function runScenarioFile(file: string, stack: StackUnderTest): ScenarioResult {
  const { scenario, problems } = loadScenario(file, {
    catalog: stack.catalog,
    monitors: stack.monitors,
    constituents: stack.constituents,
    monitorById: stack.monitorById,
  });
  if (!scenario) return { file, name: "", status: "invalid", failures: problems, approximate: false, runs: [], notes: [] };
  try {
    return runScenario(scenario, stack);
  } catch (e) {
    if (e instanceof UnmodelledError)
      return { file, name: scenario.name, status: "invalid", failures: [e.message], approximate: false, runs: [], notes: [] };
    throw e;
  }
}

export function runScenario(s: Scenario, stack: StackUnderTest): ScenarioResult {
  const runs = simulate(s, stack);
  const failures: string[] = [];
  let approximate = false;
  const byId = new Map(runs.map((r) => [r.id, r]));
  const shape = trafficShape(s, stack.catalog);
  let applied = 0;
  for (const [i, x] of s.expect.entries()) {
    if (!appliesTo(x, stack.catalog)) continue;
    applied++;
    const named = x.monitor === undefined ? runs : monitorsNamed(stack.monitors, x.monitor, stack.constituents).map((m) => byId.get(m.id)!);
    // An expectation's result depends on the anomalies() approximation when an approximate monitor
    // could change it: a state expectation about one, or a notification count one contributes to.
    const relevant = isNotifyExpectation(x)
      ? named.filter((r) => r.notifications.some((n) => n.handles.some((h) => matchesHandle(x.notifies, h))))
      : select(x, named, stack).map((one) => one.run);
    if (relevant.some((r) => r.approximate)) approximate = true;
    const failure = isNotifyExpectation(x) ? checkNotifications(s, x, named, stack, shape) : checkState(s, x, named, stack, shape);
    if (failure) failures.push(`expect[${i}]: ${failure}`);
  }
  if (!stack.catalog.stack.paging) {
    // The issue's rule for staging: a stack with `paging: false` never notifies a PagerDuty handle, in any scenario.
    const paged = runs
      .flatMap((r) => r.notifications)
      .filter((n) => n.handles.some((h) => h.toLowerCase().startsWith(HANDLE_PREFIX.pagerduty)));
    if (paged.length)
      failures.push(
        `stack ${stack.name} has paging: false, yet ${paged.length} notification(s) reach PagerDuty:\n${listNotifications(s, paged)}`,
      );
  }
  const notes = applied === 0 ? [`no expectation applies to stack ${stack.name}`] : [];
  return { file: s.file, name: s.name, status: failures.length ? "failed" : "passed", failures, approximate, runs, notes };
}

/**
 * The monitors whose runs can decide the scenario: those its expectations name (all of them for
 * a notification count over every monitor), the constituents of those that are composites, and,
 * on a stack with `paging: false`, every monitor whose message holds a PagerDuty handle at all
 * (the rule that such a stack never pages holds in every scenario). A message without one can
 * never notify PagerDuty, whatever its data. The others need no traffic and no evaluation.
 */
export function monitorsToEvaluate(s: Scenario, stack: StackUnderTest): Set<string> {
  const ids = new Set<string>();
  for (const x of s.expect) {
    if (!appliesTo(x, stack.catalog)) continue;
    const named = x.monitor === undefined ? stack.monitors : monitorsNamed(stack.monitors, x.monitor, stack.constituents);
    for (const m of named) ids.add(m.id);
  }
  if (!stack.catalog.stack.paging)
    for (const m of stack.monitors) if (m.body.message.toLowerCase().includes(HANDLE_PREFIX.pagerduty)) ids.add(m.id);
  for (const m of stack.monitors) {
    if (!ids.has(m.id)) continue;
    for (const ref of compositeConstituents(m)) {
      const id = stack.monitorById.get(ref);
      if (id) ids.add(id);
    }
  }
  return ids;
}

/**
 * Generates the traffic and evaluates the monitors that can decide the scenario (monitorsToEvaluate).
 * Every monitor's query and options are still read, so an unmodelled form fails every scenario.
 */
export function simulate(s: Scenario, stack: StackUnderTest): MonitorRun[] {
  const store = new MetricStore(stack.percentiles);
  for (const m of Object.values(stack.catalog.contract.metrics)) store.declare(m.name, m.type);
  store.declare(ESTIMATED_USAGE_METRIC, "gauge");
  const evaluated = monitorsToEvaluate(s, stack);
  for (const m of stack.monitors) if (!evaluated.has(m.id)) compositeConstituents(m);
  const slos = stack.slos ?? new Map<string, SloUnderTest>();
  const all = stack.monitors.map((m) =>
    m.body.type === "slo alert" ? { m, slo: sloAlertPlan(m, slos, store) } : { m, plan: monitorPlan(m, store) },
  );
  const plans: { m: MonitorUnderTest; plan?: ReturnType<typeof monitorPlan>; slo?: SloAlertPlan }[] = all.filter(({ m }) =>
    evaluated.has(m.id),
  );
  // A percentile term of a metric without percentiles reads nothing (compute.ts): no need to keep its values.
  for (const { plan, slo } of plans) {
    for (const t of plan?.terms ?? [])
      if (t.shape !== "sketch" || stack.percentiles.has(t.term.metric)) store.watch(t.term, t.shape, t.step);
    if (slo) for (const t of [slo.good, slo.total]) store.watch(t.term, t.shape, t.step);
  }
  const readable = (metric: string, tags: readonly string[]) => termReadable(stack, metric, tags);
  generateTraffic(s, { catalog: stack.catalog, store, percentiles: stack.percentiles });
  const from = s.start;
  const to = s.start + s.duration;
  const runs = new Map<string, MonitorRun>();
  const options = { source: store, percentilesEnabled: (metric: string) => stack.percentiles.has(metric), readable, from, to };
  for (const { m, plan, slo } of plans) {
    if (plan) runs.set(m.id, evaluateMonitor(m, options));
    else if (slo) runs.set(m.id, evaluateSloAlert(m, slo, options));
  }
  for (const { m, plan, slo } of plans) {
    if (plan || slo) continue;
    const constituents = new Map<string, MonitorRun>();
    for (const ref of compositeConstituents(m)) {
      const id = stack.monitorById.get(ref);
      const run = id ? runs.get(id) : undefined;
      if (run) constituents.set(ref, run);
    }
    runs.set(m.id, evaluateComposite(m, constituents));
  }
  for (const id of stack.muted ?? []) {
    const run = runs.get(id);
    if (!run) continue;
    // docs monitors/downtimes: a monitor in a downtime evaluates but sends no notification; a downtime
    // on a composite's constituent does not mute the composite (docs monitors/types/composite).
    run.notifications = [];
    run.notes.push("muted by a downtime: it notifies no one");
  }
  return stack.monitors.map((m) => runs.get(m.id) ?? notEvaluated(m));
}

/** The run of a monitor no expectation of the scenario reads: no evaluation, said in its notes. */
function notEvaluated(m: MonitorUnderTest): MonitorRun {
  return {
    id: m.id,
    name: m.body.name,
    tags: m.body.tags,
    times: [],
    groups: [],
    transitions: [],
    notifications: [],
    approximate: false,
    notes: ["not evaluated: no expectation of the scenario reads it"],
  };
}

function rangeOf(s: Scenario, within: [string, string] | undefined): [number, number] {
  if (!within) return [s.start, s.start + s.duration];
  return [s.start + parseDuration(within[0])!, s.start + parseDuration(within[1])!];
}

function rangeText(within: [string, string] | undefined): string {
  return within ? `within [${within[0]}, ${within[1]}]` : "during the whole run";
}

interface Selection {
  run: MonitorRun;
  groups: MonitorRun["groups"];
}

/** The runs and groups a state expectation is about: `group.feature` also picks per-feature monitors. */
function select(x: StateExpectation, runs: MonitorRun[], stack: StackUnderTest): Selection[] {
  const out: Selection[] = [];
  for (const run of runs) {
    const filters = groupFilters(x.group, run, stack);
    if (!filters) continue;
    out.push({ run, groups: run.groups.filter((g) => filters.every(([k, v]) => g.tags[k] === v)) });
  }
  return out;
}

/** The expectation's group filters that apply to a run's groups, or undefined when the run is not selected at all. */
function groupFilters(group: Record<string, string> | undefined, run: MonitorRun, stack: StackUnderTest): [string, string][] | undefined {
  const m = stack.monitors.find((y) => y.id === run.id)!;
  const { by } = monitorGroupKeys(m, stack);
  const filters: [string, string][] = [];
  for (const [k, v] of Object.entries(group ?? {})) {
    if (v === "*") continue;
    if (by.includes(k)) filters.push([k, v]);
    // `feature` picks a per-feature monitor, `objective` an SLO alert, by the monitor's own tag.
    else if (monitorPick(m, k) !== v) return undefined;
  }
  return filters;
}

/**
 * `each`: every group the scenario's traffic should produce. A per-feature monitor of a feature
 * with traffic is one; a monitor grouped by feature, provider, tenant or index has one per value
 * the traffic uses. A catalog without, say, retrieval indexes makes "every index" an empty list.
 */
function expectedGroups(
  run: MonitorRun,
  stack: StackUnderTest,
  shape: TrafficShape,
  group: Record<string, string> | undefined,
): Record<string, string>[] {
  const m = stack.monitors.find((y) => y.id === run.id)!;
  const { by, feature } = monitorGroupKeys(m, stack);
  if (feature !== undefined && !shape.features.has(feature)) return [];
  const values: Record<string, Set<string>> = {
    [TAG.feature]: shape.features,
    [TAG.provider]: shape.providers,
    [TAG.tenant]: shape.tenants,
    [TAG.index]: shape.indexes,
  };
  let out: Record<string, string>[] = [{}];
  for (const k of by) {
    const vs = values[k];
    if (!vs) return run.groups.map((g) => g.tags);
    out = out.flatMap((tags) => [...vs].map((v) => ({ ...tags, [k]: v })));
  }
  const filters = groupFilters(group, run, stack) ?? [];
  return out.filter((tags) => filters.every(([k, v]) => tags[k] === v));
}

function checkState(s: Scenario, x: StateExpectation, runs: MonitorRun[], stack: StackUnderTest, shape: TrafficShape): string | undefined {
  const [from, to] = rangeOf(s, x.within);
  const target = STATES.indexOf(x.state);
  const sel = select(x, runs, stack);
  const hitsOf = ({ run, groups }: Selection): string[] => {
    const hits: string[] = [];
    for (const g of groups) {
      for (let i = 0; i < run.times.length; i++) {
        const t = run.times[i];
        if (t < from || t > to || g.states[i] !== target) continue;
        hits.push(`${run.id} ${groupText(g.tags)} at ${formatOffset(t - s.start)}`);
        break;
      }
    }
    return hits;
  };
  const what = `${x.monitor}${x.group ? ` ${groupText(x.group)}` : ""}`;
  const hits = sel.flatMap(hitsOf);
  if (x.never) {
    if (hits.length === 0) return undefined;
    return `expected ${what} never to be ${x.state} ${rangeText(x.within)}; it was: ${listed(hits, 5, "; ")}.\n${timelines(s, sel)}`;
  }
  if (x.each) {
    const missing: string[] = [];
    const missingSel: Selection[] = [];
    for (const run of runs) {
      if (!sel.some((one) => one.run === run)) continue;
      const bad = expectedGroups(run, stack, shape, x.group).filter((tags) => {
        const g = run.groups.find((y) => JSON.stringify(y.tags) === JSON.stringify(tags));
        return !g || hitsOf({ run, groups: [g] }).length === 0;
      });
      if (bad.length) {
        missing.push(...bad.map((tags) => `${run.id}${Object.keys(tags).length ? ` ${groupText(tags)}` : ""}`));
        missingSel.push({ run, groups: run.groups.filter((g) => bad.some((b) => JSON.stringify(b) === JSON.stringify(g.tags))) });
      }
    }
    if (missing.length === 0) return undefined;
    const never = `these never were: ${listed(missing, 8, ", ")}`;
    return `expected every ${what} to be ${x.state} at some evaluation ${rangeText(x.within)}; ${never}.\n${timelines(s, missingSel)}`;
  }
  if (hits.length) return undefined;
  return `expected ${what} to be ${x.state} at some evaluation ${rangeText(x.within)}; it never was.\n${timelines(s, sel)}`;
}

/** `a; b; c (and 4 more)`. */
function listed(items: string[], max: number, sep: string): string {
  return `${items.slice(0, max).join(sep)}${items.length > max ? ` (and ${items.length - max} more)` : ""}`;
}

function matchesHandle(pattern: string, handle: string): boolean {
  const p = pattern.toLowerCase();
  const h = handle.toLowerCase();
  return p.endsWith("*") ? h.startsWith(p.slice(0, -1)) : h === p;
}

function checkNotifications(
  s: Scenario,
  x: NotifyExpectation,
  runs: MonitorRun[],
  stack: StackUnderTest,
  shape: TrafficShape,
): string | undefined {
  const [from, to] = rangeOf(s, x.within);
  // `group` picks monitors (feature, objective) as in state expectations, and notification groups by their tags.
  const picked = new Map<MonitorRun, [string, string][]>();
  for (const r of runs) {
    const filters = groupFilters(x.group, r, stack);
    if (filters) picked.set(r, filters);
  }
  runs = runs.filter((r) => picked.has(r));
  const bodies = new Map(stack.monitors.map((m) => [m.id, m.body]));
  const mentions = (n: Notification) => x.mentions === undefined || notificationText(bodies.get(n.monitor)!, n).includes(x.mentions);
  const matching = (r: MonitorRun) =>
    r.notifications.filter(
      (n) =>
        n.at >= from &&
        n.at <= to &&
        (x.state === undefined || n.state === x.state) &&
        picked.get(r)!.every(([k, v]) => n.group[k] === v) &&
        n.handles.some((h) => matchesHandle(x.notifies, h)) &&
        mentions(n),
    );
  const bound = (n: number) => (x.count !== undefined ? n === x.count : x.atLeast !== undefined ? n >= x.atLeast : n <= x.atMost!);
  const boundText =
    x.count !== undefined ? `exactly ${x.count}` : x.atLeast !== undefined ? `at least ${x.atLeast}` : `at most ${x.atMost}`;
  const filters = [
    x.monitor ? `monitor ${x.monitor}` : "",
    x.group ? `group ${groupText(x.group)}` : "",
    x.state ? `state ${x.state}` : "",
    x.mentions !== undefined ? `mentioning ${JSON.stringify(x.mentions)}` : "",
    rangeText(x.within),
  ]
    .filter(Boolean)
    .join(", ");
  if (x.each) {
    // Every monitor separately, and every notification group of a multi-alert monitor; a
    // per-feature monitor counts when its feature has traffic.
    const detail: string[] = [];
    for (const r of runs) {
      const feature = monitorGroupKeys(
        stack.monitors.find((m) => m.id === r.id)!,
        stack,
      ).feature;
      if (feature !== undefined && !shape.features.has(feature)) continue;
      const list = matching(r);
      const byGroup = new Map<string, Notification[]>();
      for (const n of list) byGroup.set(groupText(n.group), [...(byGroup.get(groupText(n.group)) ?? []), n]);
      if (byGroup.size === 0) byGroup.set("", []);
      for (const [g, ns] of byGroup) {
        if (!bound(ns.length))
          detail.push(`  ${r.id}${g && g !== "{}" ? ` ${g}` : ""}: ${ns.length}${ns.length ? `\n${listNotifications(s, ns, 6)}` : ""}`);
      }
    }
    if (detail.length === 0) return undefined;
    const head = `expected ${boundText} notification(s) to ${x.notifies} from each monitor and group (${filters})`;
    return `${head}; ${detail.length} did not:\n${detail.slice(0, 8).join("\n")}`;
  }
  const matched = runs.flatMap(matching).sort((a, b) => a.at - b.at);
  if (bound(matched.length)) return undefined;
  const got = matched.length ? `${matched.length}:\n${listNotifications(s, matched)}` : "0.";
  return `expected ${boundText} notification(s) to ${x.notifies} (${filters}); got ${got}`;
}

function listNotifications(s: Scenario, list: Notification[], limit = 12): string {
  const lines = list
    .slice(0, limit)
    .map(
      (n) =>
        `    ${formatOffset(n.at - s.start)}  ${n.monitor} ${groupText(n.group)}  ${n.state}${n.renotify ? " (renotify)" : ""}` +
        `  -> ${n.handles.join(" ") || "(no handle)"}`,
    );
  if (list.length > limit) lines.push(`    ... and ${list.length - limit} more`);
  return lines.join("\n");
}

function groupText(tags: Record<string, string>): string {
  const entries = Object.entries(tags);
  return entries.length ? `{${entries.map(([k, v]) => `${k}:${v}`).join(",")}}` : "{}";
}

/** The state changes of the selected monitors and groups, as an on-call engineer would read the history. */
export function timelines(s: Scenario, sel: Selection[], maxGroups = 6, maxChanges = 10): string {
  const lines: string[] = [];
  const groups = sel.flatMap(({ run, groups }) => groups.map((g) => ({ run, g })));
  if (groups.length === 0) {
    const ids = sel.map((x) => x.run.id);
    if (ids.length === 0) return "  timeline: no monitor matched";
    return `  timeline: ${ids.join(", ")}: no group was ever evaluated (no data reached the monitor)`;
  }
  for (const { run, g } of groups.slice(0, maxGroups)) {
    const changes = run.transitions.filter((t) => JSON.stringify(t.group) === JSON.stringify(g.tags));
    const first = g.states.findIndex((x) => x >= 0);
    const approx = run.approximate ? " (approximate: anomalies() agile)" : "";
    const head = `  timeline ${run.id} ${groupText(g.tags)}${approx}: first evaluated ${formatOffset(run.times[first] - s.start)}`;
    const body = changes.slice(0, maxChanges).map((t) => {
      const i = run.times.indexOf(t.at);
      const v = i >= 0 ? g.values[i] : NaN;
      return `    ${formatOffset(t.at - s.start)}  ${t.from} -> ${t.to}${Number.isNaN(v) ? " (no value)" : ` (value ${round(v)})`}`;
    });
    if (changes.length > maxChanges) body.push(`    ... and ${changes.length - maxChanges} more changes`);
    if (changes.length === 0) body.push(`    stays ${STATES[g.states[first]]}${valueRange(g)}`);
    lines.push(head, ...body);
  }
  if (groups.length > maxGroups) lines.push(`  ... and ${groups.length - maxGroups} more groups`);
  return lines.join("\n");
}

function valueRange(g: MonitorRun["groups"][number]): string {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of g.values) {
    if (Number.isNaN(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return Number.isFinite(lo) ? ` (values ${round(lo)} .. ${round(hi)})` : " (no value)";
}

function round(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3);
}
