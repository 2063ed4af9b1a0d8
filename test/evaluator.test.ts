// The evaluator's semantics, one documented Datadog rule per case (docs.datadoghq.com pages
// named in each case). Data is written point by point into the real metric store, so these
// cases also pin how the store aggregates what DogStatsD sends.
import { describe, expect, it } from "vitest";
import {
  evaluateComposite,
  evaluateMonitor,
  type MonitorRun,
  type MonitorUnderTest,
  monitorPlan,
  type Notification,
  notificationText,
} from "../evaluator/monitor";
import { parseMetricMonitorQuery, UnmodelledError } from "../evaluator/query";
import { sketchBin } from "../evaluator/series";
import { type MetricKind, MetricStore } from "../evaluator/store";
import { evaluationFrequency } from "../evaluator/time";
import { QueryEvaluator } from "../evaluator/compute";

const T0 = Date.parse("2026-03-02T00:00:00Z") / 1000;
const MIN = 60;

type Point = [offsetSeconds: number, value: number];
interface SeriesSpec {
  tags?: Record<string, string>;
  points: Point[];
}
type Data = Record<string, { kind: MetricKind; series: SeriesSpec[] }>;

const MESSAGE = [
  "{{#is_alert}} @pagerduty-svc @slack-team {{/is_alert}}",
  "{{#is_warning}} @slack-team {{/is_warning}}",
  "{{#is_no_data}} @slack-nodata {{/is_no_data}}",
  "{{#is_recovery}} @pagerduty-svc @slack-team {{/is_recovery}}",
  "{{#is_alert_recovery}} @pagerduty-svc {{/is_alert_recovery}}",
].join("\n");

function monitor(query: string, options: Record<string, unknown> = {}, id = "m"): MonitorUnderTest {
  const threshold = Number(/(-?\d+(?:\.\d+)?)\s*$/.exec(query)![1]);
  const thresholds = { critical: threshold, ...((options.thresholds as object) ?? {}) };
  return {
    id,
    body: { type: "query alert", name: id, query, message: MESSAGE, tags: [], priority: 2, options: { ...options, thresholds } },
  };
}

function storeFor(monitors: MonitorUnderTest[], data: Data, percentiles: string[] = []): MetricStore {
  const store = new MetricStore(new Set(percentiles));
  for (const [name, d] of Object.entries(data)) store.declare(name, d.kind);
  for (const m of monitors) for (const t of monitorPlan(m, store)?.terms ?? []) store.watch(t.term, t.shape, t.step);
  // Emit in time order across all series, as generation does.
  const events: { at: number; name: string; id: number; value: number; kind: MetricKind }[] = [];
  for (const [name, d] of Object.entries(data)) {
    for (const s of d.series) {
      const id = store.series(name, s.tags ?? {});
      for (const [off, value] of s.points) events.push({ at: T0 + off, name, id, value, kind: d.kind });
    }
  }
  events.sort((a, b) => a.at - b.at);
  for (const e of events) {
    const w = store.writer(e.name);
    if (e.kind === "distribution") w.addValue(e.id, e.at, e.value, sketchBin(e.value));
    else w.addNumber(e.id, e.at, e.value);
  }
  store.finish();
  return store;
}

function run(m: MonitorUnderTest, data: Data, to: number, o: { from?: number; percentiles?: string[] } = {}): MonitorRun {
  const store = storeFor([m], data, o.percentiles);
  return evaluateMonitor(m, {
    source: store,
    percentilesEnabled: (x) => (o.percentiles ?? []).includes(x),
    from: T0 + (o.from ?? 0),
    to: T0 + to,
  });
}

/** The group's state at the evaluation at `offset` seconds (undefined when not evaluated). */
function stateAt(r: MonitorRun, offset: number, group = 0): string | undefined {
  const i = r.times.indexOf(T0 + offset);
  if (i < 0) throw new Error(`no evaluation at +${offset}s`);
  const s = r.groups[group]?.states[i];
  return s === undefined || s < 0 ? undefined : ["ok", "warn", "alert", "no data"][s];
}

function valueAt(r: MonitorRun, offset: number, group = 0): number | undefined {
  const v = r.groups[group]?.values[r.times.indexOf(T0 + offset)];
  return v === undefined || Number.isNaN(v) ? undefined : v;
}

const every = (from: number, to: number, step: number, value: number): Point[] => {
  const out: Point[] = [];
  for (let t = from; t < to; t += step) out.push([t, value]);
  return out;
};

describe("query values (time and space aggregation, arithmetic)", () => {
  // docs monitors/guide/as-count-in-monitor-evaluations
  it("an .as_count() error ratio is the ratio of the window's totals, not the sum of per-interval ratios.", () => {
    // The guide's own example: errors 1..5, totals 5 each: as_count path 15/25 = 0.6 (classic path would give 3).
    const m = monitor("sum(last_5m):sum:req{status:error}.as_count() / sum:req{*}.as_count() > 0.5");
    const errors = [1, 2, 3, 4, 5].map((v, i): Point => [i * MIN + 30, v]);
    const oks = [4, 3, 2, 1, 0].map((v, i): Point => [i * MIN + 30, v]);
    const r = run(
      m,
      {
        req: {
          kind: "count",
          series: [
            { tags: { status: "error" }, points: errors },
            { tags: { status: "ok" }, points: oks },
          ],
        },
      },
      5 * MIN,
    );
    expect(valueAt(r, 5 * MIN)).toBeCloseTo(0.6, 6);
  });

  // docs monitors/guide/monitor-arithmetic-and-sparse-metrics
  it("a sparse denominator skips the bucket instead of counting as zero: (10,10,10)/(0,1,-) is 10.", () => {
    const m = monitor("sum(last_1m):sum:a{*} / sum:b{*} > 100");
    const r = run(
      m,
      {
        a: {
          kind: "distribution",
          series: [
            {
              points: [
                [0, 10],
                [10, 10],
                [20, 10],
              ],
            },
          ],
        },
        b: {
          kind: "distribution",
          series: [
            {
              points: [
                [0, 0],
                [10, 1],
              ],
            },
          ],
        },
      },
      MIN,
    );
    expect(valueAt(r, MIN)).toBe(10);
  });

  // docs monitors/guide/monitor-arithmetic-and-sparse-metrics
  it("a missing operand skips the evaluation instead of counting as zero: requests minus scores never alerts.", () => {
    const m = monitor("sum(last_10m):is_greater(sum:req{*} by {feature}.as_count(), 5) - count:score{*} by {feature} >= 1", {
      on_missing_data: "show_and_notify_no_data",
    });
    const data: Data = {
      req: { kind: "count", series: [{ tags: { feature: "f" }, points: every(0, 30 * MIN, 10, 1) }] },
      score: { kind: "distribution", series: [{ tags: { feature: "f" }, points: [[30, 90]] }] },
    };
    const r = run(m, data, 30 * MIN);
    expect(stateAt(r, 5 * MIN)).toBe("ok");
    // Scores stopped at +30 s; requests keep flowing. Ten minutes later the score term has no series.
    expect(valueAt(r, 20 * MIN)).toBeUndefined();
    expect(stateAt(r, 20 * MIN)).toBe("no data");
    expect(r.groups[0].states.includes(2)).toBe(false);
  });

  // docs monitors/guide/add-a-minimum-request-threshold-for-error-rate-alerts
  it("is_greater() is 1 above its threshold and 0 otherwise, so a guarded error rate is 0 until traffic passes the minimum.", () => {
    const m = monitor(
      "sum(last_5m):sum:req{status:error}.as_count() / sum:req{*}.as_count() * 100 * is_greater(sum:req{*}.as_count(), 50) > 10",
    );
    const few: Data = {
      req: {
        kind: "count",
        series: [
          { tags: { status: "error" }, points: [[30, 1]] },
          { tags: { status: "ok" }, points: [[40, 1]] },
        ],
      },
    };
    expect(valueAt(run(m, few, 5 * MIN), 5 * MIN)).toBe(0);
    const many: Data = {
      req: {
        kind: "count",
        series: [
          { tags: { status: "error" }, points: [[30, 30]] },
          { tags: { status: "ok" }, points: [[40, 30]] },
        ],
      },
    };
    expect(valueAt(run(m, many, 5 * MIN), 5 * MIN)).toBe(50);
  });

  // docs dashboards/functions/interpolation
  it("default_zero() fills the empty intervals of a series that reported, and has no effect on a window without data.", () => {
    const m = monitor("min(last_5m):default_zero(count:lat{*}.rollup(60)) > 0");
    // One value a minute for minutes 0-9, except minutes 6 and 7.
    const points = every(30, 10 * MIN, MIN, 5).filter(([t]) => t < 6 * MIN || t > 8 * MIN);
    const r = run(m, { lat: { kind: "distribution", series: [{ points }] } }, 20 * MIN);
    expect(valueAt(r, 6 * MIN)).toBe(1);
    expect(valueAt(r, 9 * MIN)).toBe(0);
    expect(valueAt(r, 20 * MIN)).toBeUndefined();
  });

  // docs monitors/types/change-alert
  it("change() averages point-by-point differences with the series one shift earlier; points without a partner count for nothing.", () => {
    const m = monitor("change(avg(last_10m),last_10m):avg:score{*} < -5");
    // Before: 80 at +0 and +60 s. Now (ten minutes later): 70 at +600 s (partner +0), 60 at +630 s (no partner).
    const r = run(
      m,
      {
        score: {
          kind: "distribution",
          series: [
            {
              points: [
                [0, 80],
                [60, 80],
                [600, 70],
                [630, 60],
              ],
            },
          ],
        },
      },
      20 * MIN,
    );
    expect(valueAt(r, 20 * MIN - 9 * MIN)).toBe(-10);
  });

  // docs monitors/types/metric, percentile
  it("percentile() pools every value of the window, so with two requests its p95 is close to the slower one.", () => {
    const m = monitor("percentile(last_10m):p95:lat{*} > 800");
    const r = run(
      m,
      {
        lat: {
          kind: "distribution",
          series: [
            {
              points: [
                [60, 100],
                [300, 2000],
              ],
            },
          ],
        },
      },
      10 * MIN,
      { percentiles: ["lat"] },
    );
    // Rank 0.95 of two values: 100 + 0.95 * (2000 - 100), within the sketch's 1 % accuracy.
    expect(valueAt(r, 10 * MIN)! / 1905).toBeCloseTo(1, 1);
    expect(stateAt(r, 10 * MIN)).toBe("alert");
  });

  it("a pNN query returns no data until a tag configuration enables percentiles for the metric (docs metrics/distributions).", () => {
    const m = monitor("percentile(last_10m):p95:lat{*} > 800", { on_missing_data: "resolve" });
    const r = run(m, { lat: { kind: "distribution", series: [{ points: every(0, 10 * MIN, 10, 5000) }] } }, 10 * MIN);
    expect(r.groups).toEqual([]);
  });

  it("only sum() time aggregation goes with .as_count() (docs monitors/guide/as-count-in-monitor-evaluations).", () => {
    const m = monitor("max(last_2h):sum:c{*}.as_count() > 1", {});
    expect(() => monitorPlan(m, { kind: () => "count" })).toThrow("max() time aggregation with .as_count()");
  });

  // docs dashboards/functions/rollup, Rollups in monitors
  it("rollup intervals are aligned to UNIX time and the last one holds only the data up to the end of the window.", () => {
    const avg = monitor("avg(last_2h):avg:d{*}.rollup(avg, 3600) > 1000");
    // 10 values of 10 in the first hour; at +90 min the second hour holds one value of 100 so far.
    const r = run(avg, { d: { kind: "distribution", series: [{ points: [...every(0, 100, 10, 10), [65 * MIN, 100]] }] } }, 150 * MIN);
    expect(valueAt(r, 90 * MIN)).toBe((10 + 100) / 2);
  });
});

describe("the per-interval shortcut", () => {
  // compute.ts evaluates a query whose terms share one rollup interval once per complete interval;
  // it must agree with the point-by-point reading of the docs, window by window.
  it.each([
    "min(last_10m):default_zero(p95:lat{*}.rollup(60)) * is_greater(default_zero(count:lat{*}.rollup(sum, 60)), 4) > 800",
    "avg(last_30m):count:lat{*}.rollup(sum, 60) / count:ok{*}.rollup(sum, 60) > 1",
    "max(last_1h):default_zero(avg:lat{*}.rollup(avg, 300)) - 100 > 1",
  ])("%s gives the point-by-point value at every evaluation over six hours of gappy traffic.", (query) => {
    // A deterministic gappy series: bursts of slow and fast values, silent stretches.
    const lat: Point[] = [];
    const ok: Point[] = [];
    for (let t = 0; t < 6 * 3600; t += 7) {
      const minute = Math.floor(t / MIN);
      if (minute % 17 < 5 || minute % 29 === 3) continue;
      lat.push([t, (minute % 11) * 150 + ((t * 37) % 400)]);
      if (minute % 3 !== 0) ok.push([t, 1]);
    }
    const data: Data = { lat: { kind: "distribution", series: [{ points: lat }] }, ok: { kind: "distribution", series: [{ points: ok }] } };
    const m = monitor(query, { on_missing_data: "resolve" });
    const store = storeFor([m], data, ["lat", "ok"]);
    const plan = monitorPlan(m, store)!;
    const evaluators = [true, false].map(
      (perInterval) =>
        new QueryEvaluator(
          plan,
          store,
          () => true,
          undefined,
          () => true,
          perInterval,
        ),
    );
    let compared = 0;
    for (let at = T0 + 10 * MIN; at <= T0 + 6 * 3600; at += MIN) {
      const [fast, slow] = evaluators.map((e) => e.evaluate(at)[0]?.value);
      expect(fast, `at +${(at - T0) / MIN} min`).toBe(slow);
      if (slow !== undefined) compared++;
    }
    expect(compared).toBeGreaterThan(100);
  });
});

describe("the monitor clock (evaluation frequency and delay, full windows, new groups)", () => {
  it.each([
    [10 * MIN, MIN],
    [23 * 3600, MIN],
    [24 * 3600, 10 * MIN],
    [47 * 3600, 10 * MIN],
    [48 * 3600, 30 * MIN],
    [7 * 86400, 30 * MIN],
  ])("a %i-second window is evaluated every %i seconds (docs monitors/configuration, Evaluation frequency).", (window, frequency) => {
    expect(evaluationFrequency(window)).toBe(frequency);
  });

  // API spec MonitorOptions.evaluation_delay
  it("evaluation_delay shifts the window back: at 7:00 a 5-minute window with a 300 s delay reads 6:50 to 6:55.", () => {
    const m = monitor("sum(last_5m):sum:c{*}.as_count() > 100", { evaluation_delay: 300 });
    // 7 at 6:50-6:55 (offsets 0-4 min), 1000 at 6:55-7:00: the 7:00 evaluation must see only the 7.
    const r = run(
      m,
      { c: { kind: "count", series: [{ points: [...every(30, 5 * MIN, MIN, 1.4), ...every(5 * MIN + 30, 10 * MIN, MIN, 200)] }] } },
      10 * MIN,
    );
    expect(valueAt(r, 10 * MIN)).toBeCloseTo(7, 6);
  });

  // API spec MonitorOptions.require_full_window
  it("require_full_window skips evaluations while the window starts a reporting interval or more before the series' first point.", () => {
    const m = monitor("avg(last_4h):sum:g{*} > 10", { require_full_window: true, on_missing_data: "resolve" });
    // An hourly gauge from 2:00: the 5:00 window starts at 1:00, a full hour before the first point.
    const r = run(m, { g: { kind: "gauge", series: [{ points: every(2 * 3600, 12 * 3600, 3600, 50) }] } }, 12 * 3600);
    expect(stateAt(r, 3 * 3600)).toBe("ok");
    expect(stateAt(r, 5 * 3600)).toBe("ok");
    expect(stateAt(r, 5 * 3600 + MIN)).toBe("alert");
    const lax = monitor("avg(last_4h):sum:g{*} > 10", { require_full_window: false, on_missing_data: "resolve" });
    expect(
      stateAt(run(lax, { g: { kind: "gauge", series: [{ points: every(2 * 3600, 12 * 3600, 3600, 50) }] } }, 12 * 3600), 3 * 3600),
    ).toBe("alert");
  });

  // docs monitors/configuration, New group delay
  it("a new group is not evaluated before new_group_delay has passed since it first reported.", () => {
    const m = monitor("sum(last_5m):sum:c{*} by {tenant}.as_count() > 1", { new_group_delay: 600 });
    const r = run(m, { c: { kind: "count", series: [{ tags: { tenant: "a" }, points: every(0, 30 * MIN, 10, 1) }] } }, 30 * MIN);
    expect(stateAt(r, 5 * MIN)).toBeUndefined();
    expect(stateAt(r, 11 * MIN)).toBe("alert");
  });
});

describe("states: thresholds, recovery thresholds, missing data", () => {
  const hover = (values: number[]): Data => ({
    c: { kind: "count", series: [{ points: values.map((v, i): Point => [i * MIN + 30, v]) }] },
  });
  const states = (r: MonitorRun, n: number) => Array.from({ length: n }, (_, i) => stateAt(r, (i + 1) * MIN));

  it("a value above critical is ALERT, between warning and critical WARN (docs monitors/configuration, Thresholds).", () => {
    const m = monitor("sum(last_1m):sum:c{*}.as_count() > 10", { thresholds: { warning: 5 } });
    expect(states(run(m, hover([1, 7, 12, 7, 1]), 5 * MIN), 5)).toEqual(["ok", "warn", "alert", "warn", "ok"]);
  });

  // docs monitors/guide/recovery-thresholds
  it("without a recovery threshold a value hovering at the threshold flaps ALERT/OK on every crossing.", () => {
    const m = monitor("sum(last_1m):sum:c{*}.as_count() > 10");
    const r = run(m, hover([11, 9, 11, 9, 11, 9]), 6 * MIN);
    expect(states(r, 6)).toEqual(["alert", "ok", "alert", "ok", "alert", "ok"]);
    expect(r.notifications.filter((n) => n.state === "alert")).toHaveLength(3);
  });

  // docs monitors/guide/recovery-thresholds
  it("with critical_recovery the monitor recovers only at or below the recovery threshold, so it does not flap.", () => {
    const m = monitor("sum(last_1m):sum:c{*}.as_count() > 10", { thresholds: { critical_recovery: 8 } });
    expect(states(run(m, hover([11, 9, 11, 9, 8, 9]), 6 * MIN), 6)).toEqual(["alert", "alert", "alert", "alert", "ok", "ok"]);
  });

  // docs monitors/configuration, No data: Evaluate as zero
  it("a COUNT query with no data evaluates as zero under on_missing_data default.", () => {
    const m = monitor("sum(last_1m):sum:c{*}.as_count() < 1", { on_missing_data: "default" });
    expect(states(run(m, hover([5, 5]), 4 * MIN), 4)).toEqual(["ok", "ok", "alert", "alert"]);
  });

  // docs monitors/configuration, No data: Show last known status
  it("any other query keeps its last known status under on_missing_data default.", () => {
    const m = monitor("avg(last_1m):avg:d{*} > 10", { on_missing_data: "default" });
    const r = run(m, { d: { kind: "distribution", series: [{ points: [[30, 50]] }] } }, 4 * MIN);
    expect(states(r, 4)).toEqual(["alert", "alert", "alert", "alert"]);
  });

  it.each([
    ["show_no_data", "no data", 0],
    ["show_and_notify_no_data", "no data", 1],
    ["resolve", "ok", 1],
  ])("on_missing_data %s sets %s and sends %i notification for it (docs monitors/configuration, No data).", (option, state, sent) => {
    const m = monitor("avg(last_1m):avg:d{*} > 10", { on_missing_data: option });
    const r = run(m, { d: { kind: "distribution", series: [{ points: [[30, 50]] }] } }, 3 * MIN);
    expect(stateAt(r, 2 * MIN)).toBe(state);
    expect(r.notifications.filter((n) => n.at > T0 + MIN)).toHaveLength(sent);
  });
});

describe("notifications: transitions, renotify, multi-alert groups", () => {
  const flat = (v: number, minutes: number): Data => ({ c: { kind: "count", series: [{ points: every(30, minutes * MIN, MIN, v) }] } });

  // API spec MonitorOptions.renotify_interval
  it("renotify_interval re-sends the alert every interval after the last notification while it lasts, as a renotification.", () => {
    const m = monitor("sum(last_1m):sum:c{*}.as_count() > 10", { renotify_interval: 60, renotify_statuses: ["alert"] });
    const r = run(m, flat(20, 200), 200 * MIN);
    expect(r.notifications.map((n) => [(n.at - T0) / MIN, n.state, n.renotify])).toEqual([
      [1, "alert", false],
      [61, "alert", true],
      [121, "alert", true],
      [181, "alert", true],
    ]);
  });

  // docs monitors/notify/variables
  it("a notification carries the handles its state block leaves in, and alert to warning reaches the is_alert_recovery handles.", () => {
    const m = monitor("sum(last_1m):sum:c{*}.as_count() > 10", { thresholds: { warning: 5 } });
    const r = run(
      m,
      {
        c: {
          kind: "count",
          series: [
            {
              points: [
                [30, 20],
                [90, 7],
              ],
            },
          ],
        },
      },
      2 * MIN,
    );
    expect(r.notifications.map((n) => [n.state, n.handles])).toEqual([
      ["alert", ["@pagerduty-svc", "@slack-team"]],
      ["warn", ["@slack-team", "@pagerduty-svc"]],
    ]);
  });

  // API spec MonitorOptions.notify_by
  it("a multi-alert monitor notifies once per group; notify_by ['*'] notifies once for the whole monitor.", () => {
    const tenants = (n: number): Data => ({
      c: {
        kind: "count",
        series: Array.from({ length: n }, (_, i) => ({ tags: { tenant: `t${i}` }, points: every(30, 5 * MIN, MIN, 20) })),
      },
    });
    const per = monitor("sum(last_1m):sum:c{*} by {tenant}.as_count() > 10", { new_group_delay: 0 });
    expect(run(per, tenants(40), 5 * MIN).notifications.filter((n) => n.state === "alert")).toHaveLength(40);
    const once = monitor("sum(last_1m):sum:c{*} by {tenant}.as_count() > 10", { new_group_delay: 0, notify_by: ["*"] });
    const r = run(once, tenants(40), 5 * MIN);
    expect(r.notifications.filter((n) => n.state === "alert")).toHaveLength(1);
    expect(r.groups.filter((g) => g.states.includes(2))).toHaveLength(40);
  });
});

// docs monitors/notify/variables, "Multi alert variables" and conditional variables
describe("a notification's text", () => {
  const message = "Spend of {{tenant.name}} ({{ [tenant].name }}) is {{value}}.\n{{#is_alert}}Alert for {{tenant.name}}{{/is_alert}}";
  const body = { message, priority: 3 };
  const note = (group: Record<string, string>, to: "alert" | "ok"): Notification => ({
    at: T0,
    monitor: "m",
    group,
    state: to === "ok" ? "recovery" : "alert",
    from: to === "ok" ? "alert" : "ok",
    to,
    renotify: false,
    handles: [],
  });

  it("fills each group-by tag variable with the notification group's value, and resolves the state blocks.", () => {
    expect(notificationText(body, note({ tenant: "t-007" }, "alert"))).toBe("Spend of t-007 (t-007) is {{value}}.\nAlert for t-007");
    expect(notificationText(body, note({ tenant: "t-007" }, "ok"))).toBe("Spend of t-007 (t-007) is {{value}}.\n");
  });

  it("keeps a tag's variable as written in a notification for several groups at once (notify_by), which names no tenant.", () => {
    expect(notificationText(body, note({}, "alert"))).not.toContain("t-0");
  });
});

describe("anomalies() (documented approximation, results marked approximate)", () => {
  const spec =
    "avg(last_5h):anomalies(sum:c{*} by {tenant}.as_count(), 'agile', 3, direction='above', alert_window='last_1h', interval=300, " +
    "count_default_zero='true', seasonality='weekly') >= 1";
  const options = {
    thresholds: { critical_recovery: 0 },
    threshold_windows: { trigger_window: "last_1h", recovery_window: "last_1h" },
    new_group_delay: 0,
  };
  const weeks = (n: number, spike?: [number, number, number]): Data => ({
    c: {
      kind: "count",
      series: [
        {
          tags: { tenant: "a" },
          points: every(0, n * 7 * 86400, 300, 1).map(([t, v]): Point => [
            t,
            spike && t >= spike[0] && t < spike[1] ? v * spike[2] : v + (t % 900 === 0 ? 0.2 : 0),
          ]),
        },
      ],
    },
  });

  it("a series younger than three seasons has no band and is never anomalous (docs monitors/types/anomaly, Required data history).", () => {
    const m = monitor(spec, options);
    const r = run(m, weeks(3, [14 * 86400, 15 * 86400, 6]), 3 * 7 * 86400, { from: 13 * 86400 });
    expect(r.approximate).toBe(true);
    expect(r.transitions).toEqual([]);
  });

  // docs monitors/types/anomaly, thresholds and threshold_windows
  it("after three weeks a x6 hour alerts on the trigger window, recovers once the recovery window is clean.", () => {
    const m = monitor(spec, options);
    const start = 22 * 86400;
    const r = run(m, weeks(4, [start, start + 3 * 3600, 6]), 4 * 7 * 86400, { from: 21 * 86400 });
    const alertAt = r.transitions.find((t) => t.to === "alert")!.at - T0;
    const okAt = r.transitions.find((t) => t.from === "alert" && t.to === "ok")!.at - T0;
    // The trigger window holds the complete 5-minute intervals of the last hour: all of them anomalous
    // after 55 to 60 minutes of the spike.
    expect(alertAt).toBeGreaterThanOrEqual(start + 3600 - 5 * MIN);
    expect(alertAt).toBeLessThanOrEqual(start + 3600);
    expect(okAt).toBeGreaterThanOrEqual(start + 4 * 3600 - 5 * MIN);
  });
});

describe("composite monitors (docs monitors/types/composite, Computing trigger conditions)", () => {
  const child = (id: string, states: number[]): MonitorRun => ({
    id,
    name: id,
    tags: [],
    times: states.map((_, i) => T0 + i * MIN),
    groups: [{ tags: {}, states: Int8Array.from(states), values: new Float32Array(states.length) }],
    transitions: [],
    notifications: [],
    approximate: false,
    notes: [],
  });
  const composite = (query: string, notifyNoData: boolean): MonitorUnderTest => ({
    id: "c",
    body: { type: "composite", name: "c", query, message: MESSAGE, tags: [], options: { notify_no_data: notifyNoData } },
  });
  const OK = 0;
  const WARN = 1;
  const ALERT = 2;
  const NODATA = 3;
  it.each([
    ["Alert && Warn is Warn", "a && b", ALERT, WARN, true, "warn"],
    ["Alert || Warn is Alert", "a || b", ALERT, WARN, true, "alert"],
    ["Alert && OK is OK", "a && b", ALERT, OK, true, "ok"],
    ["No Data && Warn with notify-no-data is No Data", "a && b", NODATA, WARN, true, "no data"],
    ["No Data || OK with notify-no-data is No Data", "a || b", NODATA, OK, true, "no data"],
    ["Alert && !OK is Alert", "a && !b", ALERT, OK, true, "alert"],
    ["Alert && !Alert is OK", "a && !b", ALERT, ALERT, true, "ok"],
    ["!No Data is No Data", "!b", ALERT, NODATA, true, "no data"],
  ])("%s.", (_, query, a, b, notify, expected) => {
    const runs = new Map([
      ["a", child("a", [a, a])],
      ["b", child("b", [b, b])],
    ]);
    const r = evaluateComposite(composite(query, notify), runs);
    expect(["ok", "warn", "alert", "no data"][r.groups[0].states[1]]).toBe(expected);
  });

  // "If even one individual monitor is multi alert, then the composite monitor is also multi alert."
  it("a multi-alert and a simple-alert constituent make a multi-alert composite; the simple one's status applies to every group.", () => {
    const perTenant: MonitorRun = {
      ...child("a", [ALERT, ALERT, ALERT]),
      groups: [
        { tags: { tenant: "t-001" }, states: Int8Array.from([ALERT, ALERT, ALERT]), values: new Float32Array(3) },
        { tags: { tenant: "t-002" }, states: Int8Array.from([OK, ALERT, ALERT]), values: new Float32Array(3) },
      ],
    };
    const runs = new Map([
      ["a", perTenant],
      ["b", child("b", [OK, OK, ALERT])],
    ]);
    const r = evaluateComposite(composite("a && !b", false), runs);
    expect(r.groups.map((g) => [g.tags, Array.from(g.states)])).toEqual([
      [{ tenant: "t-001" }, [ALERT, ALERT, OK]],
      [{ tenant: "t-002" }, [OK, ALERT, OK]],
    ]);
    // One notification per group, as for any multi-alert monitor.
    expect(r.notifications.map((n) => [n.at - T0, n.group, n.state])).toEqual([
      [0, { tenant: "t-001" }, "alert"],
      [MIN, { tenant: "t-002" }, "alert"],
      [2 * MIN, { tenant: "t-001" }, "recovery"],
      [2 * MIN, { tenant: "t-002" }, "recovery"],
    ]);
  });

  it("a No Data result keeps the last known status when the composite does not notify on no data.", () => {
    const runs = new Map([
      ["a", child("a", [ALERT, NODATA])],
      ["b", child("b", [ALERT, WARN])],
    ]);
    const r = evaluateComposite(composite("a && b", false), runs);
    expect(Array.from(r.groups[0].states)).toEqual([ALERT, ALERT]);
  });
});

describe("forms the evaluator does not model are errors that name them", () => {
  it.each([
    ["a function", "avg(last_5m):ewma_3(avg:x{*}) > 1", "the function ewma_3()"],
    ["a modifier", "sum(last_5m):sum:x{*}.as_rate() > 1", "the modifier .as_rate()"],
    ["a cumulative window", "sum(current_1d):sum:x{*}.as_count() > 1", "the cumulative time window current_1d"],
    [
      "an anomaly algorithm other than agile",
      "avg(last_1h):anomalies(sum:x{*}.as_count(), 'robust', 2, alert_window='last_15m', interval=60) >= 1",
      "'robust'",
    ],
    ["a template variable", "avg(last_5m):avg:x{$env} > 1", "the template variable $env"],
  ])("%s: %s.", (_, query, named) => {
    expect(() => parseMetricMonitorQuery(query)).toThrow(UnmodelledError);
    expect(() => parseMetricMonitorQuery(query)).toThrow(named);
  });

  it("a monitor option it does not model is an error naming the option.", () => {
    const m = monitor("sum(last_5m):sum:c{*}.as_count() > 1", { timeout_h: 2 });
    expect(() => run(m, { c: { kind: "count", series: [] } }, 5 * MIN)).toThrow("the monitor option timeout_h");
  });
});
