// A monitor over time: its evaluation schedule, each group's state at each evaluation, the
// transitions, and the notifications they send (with the handles the message leaves in).
import { handlesFor, type MonitorState, parseMessage, renderMessage } from "../config/names";
import { planQuery, QueryEvaluator } from "./compute";
import {
  type BoolExpr,
  compositeIds,
  type Comparator,
  metricTerms,
  parseCompositeQuery,
  parseMetricMonitorQuery,
  UnmodelledError,
} from "./query";
import type { MetricSource } from "./store";
import { DAY, evaluationFrequency, evaluationTimes, MINUTE, parseTimeframe } from "./time";

/** A monitor as Datadog receives it (the API body; out/<stack>/monitors/<name>.json). */
export interface MonitorBody {
  type: string;
  name: string;
  query: string;
  message: string;
  tags: string[];
  priority?: number | null;
  options: object;
}

export interface MonitorUnderTest {
  /** Resource name, e.g. `monitor-extract-clause-ttft-p95`. */
  id: string;
  body: MonitorBody;
}

export type State = Exclude<MonitorState, "unknown">;
export type NotificationState = "alert" | "warn" | "no data" | "recovery";

export interface Notification {
  at: number;
  monitor: string;
  /** The notification's group: the monitor group, or the `notify_by` aggregate ({} for one notification per monitor). */
  group: Record<string, string>;
  state: NotificationState;
  from: State;
  to: State;
  renotify: boolean;
  handles: string[];
}

export interface Transition {
  at: number;
  group: Record<string, string>;
  from: State;
  to: State;
}

export interface GroupTimeline {
  tags: Record<string, string>;
  /** State per evaluation (index into `MonitorRun.times`); -1 before the group exists or after it is dropped. */
  states: Int8Array;
  values: Float32Array;
}

export interface MonitorRun {
  id: string;
  name: string;
  tags: string[];
  /** Evaluation instants (epoch seconds). */
  times: number[];
  groups: GroupTimeline[];
  transitions: Transition[];
  notifications: Notification[];
  /** Results depend on the anomalies() approximation. */
  approximate: boolean;
  /** What the evaluator could not do for this monitor, in words (e.g. export intervals coarser than evaluations). */
  notes: string[];
}

export const STATES: readonly State[] = ["ok", "warn", "alert", "no data"];
export const OK = 0;
export const WARN = 1;
export const ALERT = 2;
export const NO_DATA = 3;
/** A group's state before it is evaluated, or after it is dropped. */
export const ABSENT = -1;
/** Severity order of composite statuses (docs monitors/types/composite, "Computing trigger conditions"). */
const SEVERITY = [1, 3, 4, 2];

const MODELLED_OPTIONS = new Set([
  "thresholds",
  "threshold_windows",
  "on_missing_data",
  "require_full_window",
  "evaluation_delay",
  "new_group_delay",
  "renotify_interval",
  "renotify_statuses",
  "renotify_occurrences",
  "notify_by",
  "notify_no_data",
  // Presentation only: they change what a notification shows, never when it is sent.
  "include_tags",
  "notification_preset_name",
]);

export interface Options {
  critical: number;
  warning?: number;
  criticalRecovery?: number;
  warningRecovery?: number;
  onMissingData: "default" | "show_no_data" | "show_and_notify_no_data" | "resolve";
  requireFullWindow: boolean;
  delay: number;
  newGroupDelay: number;
  renotifyInterval?: number;
  renotifyStatuses: State[];
  renotifyOccurrences?: number;
  notifyBy?: string[];
  recoveryWindow?: number;
  triggerWindow?: number;
}

export function readOptions(body: MonitorBody, grouped: boolean): Options {
  const o = (body.options ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!MODELLED_OPTIONS.has(key) && o[key] !== undefined && o[key] !== null)
      throw new UnmodelledError(`the monitor option ${key}`, body.query);
  }
  const t = (o.thresholds ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(t)) {
    if (!["critical", "warning", "critical_recovery", "warning_recovery"].includes(key))
      throw new UnmodelledError(`the threshold ${key}`, body.query);
  }
  const num = (v: unknown) => (v === undefined || v === null ? undefined : Number(v));
  const onMissing =
    (o.on_missing_data as Options["onMissingData"] | undefined) ?? (o.notify_no_data ? "show_and_notify_no_data" : "default");
  if (!["default", "show_no_data", "show_and_notify_no_data", "resolve"].includes(onMissing))
    throw new UnmodelledError(`on_missing_data: ${onMissing}`, body.query);
  const interval = num(o.renotify_interval);
  const windows = o.threshold_windows as { trigger_window?: string; recovery_window?: string } | undefined;
  return {
    critical: num(t.critical)!,
    warning: num(t.warning),
    criticalRecovery: num(t.critical_recovery),
    warningRecovery: num(t.warning_recovery),
    onMissingData: onMissing,
    requireFullWindow: o.require_full_window === true,
    delay: num(o.evaluation_delay) ?? 0,
    // docs monitors/configuration, "New group delay": applied to every new group, "defaults to 60
    // seconds", multi alert only.
    newGroupDelay: grouped ? (num(o.new_group_delay) ?? 60) : 0,
    renotifyInterval: interval && interval > 0 ? interval : undefined,
    // API spec MonitorOptions.renotify_statuses: "If renotify_interval is set, defaults to renotify on Alert and No Data."
    renotifyStatuses: (o.renotify_statuses as State[] | undefined) ?? ["alert", "no data"],
    renotifyOccurrences: num(o.renotify_occurrences),
    notifyBy: o.notify_by as string[] | undefined,
    triggerWindow: windows?.trigger_window ? parseTimeframe(windows.trigger_window) : undefined,
    recoveryWindow: windows?.recovery_window ? parseTimeframe(windows.recovery_window) : undefined,
  };
}

/** docs monitors/guide/recovery-thresholds: the recovery condition for each alert condition. */
export function recovered(cmp: Comparator, value: number, threshold: number): boolean {
  switch (cmp) {
    case ">":
      return value <= threshold;
    case ">=":
      return value < threshold;
    case "<":
      return value >= threshold;
    case "<=":
      return value > threshold;
  }
}

export function breaches(cmp: Comparator, value: number, threshold: number): boolean {
  switch (cmp) {
    case ">":
      return value > threshold;
    case ">=":
      return value >= threshold;
    case "<":
      return value < threshold;
    case "<=":
      return value <= threshold;
  }
}

export interface EvaluateOptions {
  source: MetricSource;
  percentilesEnabled: (metric: string) => boolean;
  /** Whether a term filtering or grouping by these tag keys can be queried (default: always). */
  readable?: (metric: string, tags: readonly string[]) => boolean;
  /** Evaluations run in [from, to] (epoch seconds). */
  from: number;
  to: number;
}

/** The metric terms a monitor reads, with the storage they need (register them before generating traffic). */
export function monitorPlan(m: MonitorUnderTest, source: Pick<MetricSource, "kind">) {
  if (m.body.type === "composite") return undefined;
  if (m.body.type === "slo alert") throw new Error(`${m.id} is an slo alert; use sloAlertPlan (evaluator/slo.ts)`);
  if (m.body.type !== "query alert" && m.body.type !== "metric alert")
    throw new UnmodelledError(`the monitor type "${m.body.type}"`, m.body.query);
  const query = parseMetricMonitorQuery(m.body.query);
  const grouped = metricTerms(query.expr).some((t) => t.by.length > 0);
  const opts = readOptions(m.body, grouped);
  return planQuery(query, opts.delay, source);
}

/** Evaluates one metric monitor from `from` to `to`. */
export function evaluateMonitor(m: MonitorUnderTest, o: EvaluateOptions): MonitorRun {
  const plan = monitorPlan(m, o.source);
  if (!plan) throw new Error(`${m.id} is a composite; use evaluateComposite`);
  const query = plan.query;
  const opts = readOptions(m.body, plan.by.length > 0);
  if (opts.critical !== query.threshold)
    throw new Error(`${m.id}: thresholds.critical ${opts.critical} differs from the query's ${query.threshold}; Datadog rejects it`);
  const anomaly = query.expr.kind === "anomalies" ? query.expr.spec : undefined;
  if (anomaly && opts.triggerWindow !== undefined && opts.triggerWindow !== anomaly.alertWindow)
    throw new Error(`${m.id}: threshold_windows.trigger_window must equal alert_window (docs monitors/types/anomaly)`);
  const evaluator = new QueryEvaluator(plan, o.source, o.percentilesEnabled, opts.recoveryWindow, o.readable);
  const frequency = evaluationFrequency(anomaly ? anomaly.alertWindow : query.window);
  const times = evaluationTimes(o.from, o.to, frequency);
  // docs monitors/configuration, "No data": "Evaluate as zero" exists for Count queries without
  // default_zero(); every other query shows its last known status.
  const countQuery =
    metricTerms(query.expr).every((t) => o.source.kind(t.metric) === "count") && !JSON.stringify(query.expr).includes('"default_zero"');
  const gaps = new Map<string, number>();
  const minGap = (key: string) => {
    let g = gaps.get(key);
    if (g === undefined) {
      g = Infinity;
      for (const t of plan.terms) {
        const s = evaluator.seriesOf(t.term, key);
        if (!s) continue;
        let gap = Infinity;
        for (let i = 1; i < s.times.length; i++) gap = Math.min(gap, s.times[i] - s.times[i - 1]);
        g = Math.min(g, Number.isFinite(gap) ? gap : s.step);
      }
      gaps.set(key, g);
    }
    return g;
  };
  const fullWindow = (key: string, at: number) => {
    // API spec MonitorOptions.require_full_window: "needs a full window of data before it's evaluated
    // ... otherwise some evaluations are skipped" for sparse metrics. Modelled: the group has a point
    // within its reporting interval of the window's start.
    const from = at - opts.delay - query.window;
    const gap = minGap(key);
    return plan.terms.every((t) => {
      const s = evaluator.seriesOf(t.term, key);
      if (!s) return false;
      let lo = 0;
      let hi = s.times.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (s.times[mid] < from) lo = mid + 1;
        else hi = mid;
      }
      return lo < s.times.length && s.times[lo] < from + Math.max(gap, s.step);
    });
  };

  const decide = (state: number, given: number | undefined, recoveryValue: number | undefined, key: string, at: number): number => {
    let value = given;
    if (value === undefined) {
      switch (opts.onMissingData) {
        case "default":
          if (!countQuery) return state;
          value = 0;
          break;
        case "show_no_data":
        case "show_and_notify_no_data":
          return NO_DATA;
        case "resolve":
          return OK;
      }
    } else if (opts.requireFullWindow && !fullWindow(key, at)) return state;
    if (anomaly) {
      // docs monitors/types/anomaly, options.thresholds: the fraction of the trigger window that is
      // anomalous triggers; a recovery threshold of 0 recovers "only when 0% of the points in the
      // recovery_window are anomalous".
      const trigger = breaches(query.comparator, value, opts.critical);
      if (trigger) return ALERT;
      if (state === ALERT && opts.criticalRecovery !== undefined) {
        const rv = recoveryValue ?? value;
        return rv <= opts.criticalRecovery ? OK : ALERT;
      }
      return OK;
    }
    const cmp = query.comparator;
    let next = breaches(cmp, value, opts.critical) ? ALERT : opts.warning !== undefined && breaches(cmp, value, opts.warning) ? WARN : OK;
    // docs monitors/guide/recovery-thresholds: with a recovery threshold the monitor "only enters
    // recovered state once it has passed the recovery threshold".
    if (state === ALERT && next !== ALERT && opts.criticalRecovery !== undefined && !recovered(cmp, value, opts.criticalRecovery))
      next = ALERT;
    if (state === WARN && next === OK && opts.warningRecovery !== undefined && !recovered(cmp, value, opts.warningRecovery)) next = WARN;
    return next;
  };

  const groups = new Map<string, GroupTimeline>();
  const transitions: Transition[] = [];
  const keys = evaluator.groupKeys;
  const n = keys.length;
  // Per group: its state (ABSENT until evaluated), when it was first and last seen (NaN: not live).
  const state = new Int8Array(n).fill(ABSENT);
  const firstSeen = new Float64Array(n).fill(NaN);
  const lastSeen = new Float64Array(n).fill(NaN);
  // Groups in order of their first point: those not reporting yet are never visited.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => evaluator.firstPoint(a) - evaluator.firstPoint(b));
  const firstPoints = order.map((i) => evaluator.firstPoint(i));
  let reporting = 0;
  times.forEach((at, idx) => {
    const windowEnd = at - opts.delay;
    // A group with no point before the window's end is not in the query result yet.
    while (reporting < n && firstPoints[reporting] < windowEnd) reporting++;
    for (let o = 0; o < reporting; o++) {
      const gi = order[o];
      // Inside its new-group delay a group is not evaluated at all.
      if (at < firstSeen[gi] + opts.newGroupDelay) continue;
      const value = evaluator.evaluateGroup(gi, at);
      const live = !Number.isNaN(firstSeen[gi]);
      if (value !== undefined) {
        // docs monitors/configuration, "New group delay": a group "which has not been seen in the last 24 hours" is new.
        if (!live || at - lastSeen[gi] > DAY) {
          state[gi] = ABSENT;
          firstSeen[gi] = at;
        }
        lastSeen[gi] = at;
        if (at < firstSeen[gi] + opts.newGroupDelay) continue;
      } else {
        if (!live) continue;
        // docs monitors/configuration, "Group retention time": by default a group keeps its status for 24
        // hours of missing data, then it is dropped.
        if (at - lastSeen[gi] > DAY) {
          firstSeen[gi] = NaN;
          state[gi] = ABSENT;
          continue;
        }
      }
      const key = keys[gi];
      let tl = groups.get(key);
      if (!tl) {
        tl = {
          tags: evaluator.groupTags.get(key)!,
          states: new Int8Array(times.length).fill(ABSENT),
          values: new Float32Array(times.length).fill(NaN),
        };
        groups.set(key, tl);
      }
      const before = state[gi] === ABSENT ? OK : state[gi];
      const next = decide(before, value, evaluator.lastRecovery, key, at);
      if (next !== before) transitions.push({ at, group: tl.tags, from: STATES[before], to: STATES[next] });
      state[gi] = next;
      tl.states[idx] = next;
      if (value !== undefined) tl.values[idx] = value;
    }
  });
  const run: MonitorRun = {
    id: m.id,
    name: m.body.name,
    tags: m.body.tags,
    times,
    groups: [...groups.values()],
    transitions,
    notifications: [],
    approximate: anomaly !== undefined,
    notes: o.source.exact ? [] : exportNotes(plan, frequency),
  };
  run.notifications = notificationsOf(m, run, opts);
  return run;
}

function exportNotes(plan: ReturnType<typeof planQuery>, frequency: number): string[] {
  if (plan.query.time === "percentile")
    return [
      `percentile() is evaluated only where an export interval equals the ${plan.query.window / MINUTE}-minute window, ` +
        `not every ${frequency / MINUTE} min`,
    ];
  return [];
}

/**
 * The notifications a run sends. A notification goes out on each transition into alert or warn,
 * into no data when the monitor notifies on missing data, on recovery, and on each renotify
 * (API spec MonitorOptions: renotify_interval is "the number of minutes after the last
 * notification before a monitor re-notifies on the current status. It only re-notifies if it's
 * not resolved"). With `notify_by`, groups share one notification per value of those tags, in
 * the most severe state among them (`["*"]`: one for the whole monitor, "as a simple-alert").
 */
export function notificationsOf(
  m: MonitorUnderTest,
  run: MonitorRun,
  opts: Pick<Options, "onMissingData" | "renotifyInterval" | "renotifyStatuses" | "renotifyOccurrences" | "notifyBy">,
): Notification[] {
  const notifyNoData = opts.onMissingData === "show_and_notify_no_data";
  const byKey = new Map<string, { tags: Record<string, string>; members: GroupTimeline[] }>();
  for (const g of run.groups) {
    const tags = opts.notifyBy ? (opts.notifyBy.includes("*") ? {} : Object.fromEntries(opts.notifyBy.map((k) => [k, g.tags[k]]))) : g.tags;
    const key = JSON.stringify(tags);
    if (!byKey.has(key)) byKey.set(key, { tags, members: [] });
    byKey.get(key)!.members.push(g);
  }
  const out: Notification[] = [];
  const priority = typeof m.body.priority === "number" ? m.body.priority : undefined;
  for (const { tags, members } of byKey.values()) {
    let state = ABSENT;
    let lastNotified = OK;
    let lastAt = -Infinity;
    let renotified = 0;
    const send = (at: number, from: number, to: number, renotify: boolean) => {
      const label: NotificationState = to === OK ? "recovery" : (STATES[to] as NotificationState);
      const handles = handlesFor(m.body.message, { from: STATES[from], to: STATES[to], renotify, priority }).map((h) => h.raw);
      out.push({ at, monitor: m.id, group: tags, state: label, from: STATES[from], to: STATES[to], renotify, handles });
      lastAt = at;
    };
    run.times.forEach((at, idx) => {
      let next = ABSENT;
      for (const g of members) {
        const s = g.states[idx];
        if (s !== ABSENT && (next === ABSENT || SEVERITY[s] > SEVERITY[next])) next = s;
      }
      if (next === ABSENT) {
        state = ABSENT;
        return;
      }
      const before = state === ABSENT ? OK : state;
      state = next;
      if (next !== before) {
        renotified = 0;
        if (next === ALERT || next === WARN || (next === NO_DATA && notifyNoData)) {
          send(at, before, next, false);
          lastNotified = next;
        } else if (next === OK && lastNotified !== OK) {
          send(at, before, next, false);
          lastNotified = OK;
        }
        return;
      }
      if (
        opts.renotifyInterval !== undefined &&
        next !== OK &&
        lastNotified !== OK &&
        opts.renotifyStatuses.includes(STATES[next]) &&
        at - lastAt >= opts.renotifyInterval * MINUTE &&
        (opts.renotifyOccurrences === undefined || renotified < opts.renotifyOccurrences)
      ) {
        renotified++;
        send(at, next, next, true);
      }
    });
  }
  return out.sort((a, b) => a.at - b.at);
}

/**
 * The text of a notification's message as Datadog sends it: the conditional blocks resolved for
 * its transition (config/names.ts `renderMessage`), and each group-by tag variable filled with the
 * notification group's value (docs monitors/notify/variables, "Multi alert variables": `{{ key.name }}`
 * "renders the value associated with the key in each alert notification"; composites "support tag
 * variables in the same way as their underlying monitors", same page, "Composite monitor variables").
 * A notification for several groups at once (`notify_by`) has no value for a tag it does not keep:
 * that variable stays as written. Other variables (`{{value}}`) stay as written too.
 */
export function notificationText(body: Pick<MonitorBody, "message" | "priority">, n: Notification): string {
  const priority = typeof body.priority === "number" ? body.priority : undefined;
  const text = renderMessage(parseMessage(body.message), { from: n.from, to: n.to, renotify: n.renotify, priority });
  return text.replace(
    /\{\{\s*(?:\[([^\]]+)\]|([\w.-]+?))\.name\s*\}\}/g,
    (all, bracketed: string | undefined, plain: string | undefined) => {
      const value = n.group[(bracketed ?? plain)!];
      return value === undefined ? all : value;
    },
  );
}

// ---- Composite monitors (docs monitors/types/composite) ----

/**
 * A composite's status per common group from its constituents' statuses. `&&` of alert-worthy
 * statuses is the least severe, `||` the most severe; `!` of No Data is No Data, of an
 * alert-worthy status OK, of OK Alert. A No Data result shows the last known status unless the
 * composite notifies on no data.
 */
export function evaluateComposite(m: MonitorUnderTest, constituents: ReadonlyMap<string, MonitorRun>): MonitorRun {
  const q = parseCompositeQuery(m.body.query);
  const o = (m.body.options ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (
      ![
        "notify_no_data",
        "renotify_interval",
        "renotify_statuses",
        "renotify_occurrences",
        "include_tags",
        "new_group_delay",
        "notify_by",
      ].includes(key)
    )
      throw new UnmodelledError(`the composite option ${key}`, m.body.query);
  }
  const notifyNoData = o.notify_no_data === true;
  const runs = compositeIds(q.expr).map((id) => {
    const r = constituents.get(id);
    if (!r) throw new Error(`${m.id}: composite references monitor ${id}, which is not in the stack`);
    return [id, r] as const;
  });
  const times = [...new Set(runs.flatMap(([, r]) => r.times))].sort((a, b) => a - b);
  const multi = runs.filter(([, r]) => r.groups.some((g) => Object.keys(g.tags).length > 0));
  // docs: "Composite monitors only look at tag values, not tag keys"; only common reporting sources count.
  const valueKey = (tags: Record<string, string>) => Object.values(tags).sort().join(",");
  const keys = multi.length ? [...new Set(multi[0][1].groups.map((g) => valueKey(g.tags)))] : [""];
  // Per composite group, each constituent's matching group (found once) and a cursor into its
  // timeline: the composite's times are walked in order, so each cursor only moves forward.
  type Reading = { times: readonly number[]; states?: Int8Array; i: number };
  const readings = (groupValues: string) =>
    new Map(
      runs.map(([id, r]): [string, Reading] => {
        const g = r.groups.find((x) => Object.keys(x.tags).length === 0 || valueKey(x.tags) === groupValues);
        return [id, { times: r.times, states: g?.states, i: 0 }];
      }),
    );
  const statusAt = (reading: Reading, at: number): number => {
    if (!reading.states) return ABSENT;
    const { times } = reading;
    while (reading.i + 1 < times.length && times[reading.i + 1] <= at) reading.i++;
    return times[reading.i] <= at ? reading.states[reading.i] : ABSENT;
  };
  const worthy = (s: number) => s === ALERT || s === WARN || s === NO_DATA;
  const evalExpr = (e: BoolExpr, group: Map<string, Reading>, at: number): number => {
    switch (e.kind) {
      case "monitor":
        return statusAt(group.get(e.id)!, at);
      case "not": {
        const s = evalExpr(e.arg, group, at);
        if (s === ABSENT) return ABSENT;
        return s === NO_DATA ? NO_DATA : worthy(s) ? OK : ALERT;
      }
      case "and":
      case "or": {
        const a = evalExpr(e.left, group, at);
        const b = evalExpr(e.right, group, at);
        if (a === ABSENT || b === ABSENT) return ABSENT;
        if (e.kind === "and") {
          if (!(worthy(a) && worthy(b))) return OK;
          return SEVERITY[a] <= SEVERITY[b] ? a : b;
        }
        if (!worthy(a) && !worthy(b)) return OK;
        const cands = [a, b].filter(worthy);
        return cands.reduce((x, y) => (SEVERITY[y] > SEVERITY[x] ? y : x));
      }
    }
  };
  const groups: GroupTimeline[] = [];
  const transitions: Transition[] = [];
  for (const k of keys) {
    const tags = multi.length ? multi[0][1].groups.find((g) => valueKey(g.tags) === k)!.tags : {};
    const tl: GroupTimeline = { tags, states: new Int8Array(times.length).fill(ABSENT), values: new Float32Array(times.length).fill(NaN) };
    let state = ABSENT;
    const group = readings(k);
    times.forEach((at, idx) => {
      let s = evalExpr(q.expr, group, at);
      if (s === ABSENT) return;
      if (s === NO_DATA && !notifyNoData) s = state === ABSENT ? OK : state;
      const before = state === ABSENT ? OK : state;
      if (s !== before) transitions.push({ at, group: tags, from: STATES[before], to: STATES[s] });
      state = s;
      tl.states[idx] = s;
    });
    if (tl.states.some((s) => s !== ABSENT)) groups.push(tl);
  }
  const run: MonitorRun = {
    id: m.id,
    name: m.body.name,
    tags: m.body.tags,
    times,
    groups,
    transitions,
    notifications: [],
    approximate: runs.some(([, r]) => r.approximate),
    notes: runs.flatMap(([, r]) => r.notes),
  };
  const interval = o.renotify_interval === undefined || o.renotify_interval === null ? undefined : Number(o.renotify_interval);
  run.notifications = notificationsOf(m, run, {
    onMissingData: notifyNoData ? "show_and_notify_no_data" : "show_no_data",
    renotifyInterval: interval && interval > 0 ? interval : undefined,
    renotifyStatuses: (o.renotify_statuses as State[] | undefined) ?? ["alert", "no data"],
    renotifyOccurrences: o.renotify_occurrences === undefined ? undefined : Number(o.renotify_occurrences),
    notifyBy: o.notify_by as string[] | undefined,
  });
  return run;
}

/** Ids (as composites reference them) of a composite's constituents. */
export function compositeConstituents(m: MonitorUnderTest): string[] {
  return m.body.type === "composite" ? compositeIds(parseCompositeQuery(m.body.query).expr) : [];
}
