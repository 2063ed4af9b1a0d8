// The evaluator's `slo alert` semantics (evaluator/slo.ts), one documented rule per case (docs
// service_management/service_level_objectives/burn_rate and .../error_budget). Good and total
// events are written minute by minute into the real metric store, as exact numbers: no random
// traffic, so detection times are exact.
import { describe, expect, it } from "vitest";
import type { MonitorRun, MonitorUnderTest } from "../evaluator/monitor";
import { type MetricTerm, parseSloAlertQuery, parseSloQuery, UnmodelledError } from "../evaluator/query";
import { errorShare, validateScenario } from "../evaluator/scenario";
import { generateTraffic } from "../evaluator/traffic";
import { fixtureCatalog, fixtureFeatures } from "./fixtures/catalog";
import { evaluateSloAlert, sloAlertPlan, type SloUnderTest } from "../evaluator/slo";
import { MetricStore } from "../evaluator/store";

const T0 = Date.parse("2026-03-02T00:00:00Z") / 1000;
const MIN = 60;
const HOUR = 3600;

const MESSAGE = [
  "{{#is_alert}} @pagerduty-svc @slack-team {{/is_alert}}",
  "{{#is_warning}} @slack-team {{/is_warning}}",
  "{{#is_recovery}} @slack-team {{/is_recovery}}",
].join("\n");

/** A metric SLO on `events{verdict:good}` over `events{*}` with a 99.5 % target over 30 days, id "slo-1". */
function slo(target = 99.5, timeframe = "30d"): SloUnderTest {
  return {
    id: "slo-feature-availability",
    body: {
      type: "metric",
      name: "availability",
      thresholds: [{ timeframe, target }],
      query: { numerator: "sum:events{verdict:good}.as_count()", denominator: "sum:events{*}.as_count()" },
    },
  };
}

function alert(query: string, options: Record<string, unknown> = {}): MonitorUnderTest {
  const critical = Number(/([\d.]+)\s*$/.exec(query)![1]);
  const thresholds = { critical, ...((options.thresholds as object) ?? {}) };
  return {
    id: "a",
    body: { type: "slo alert", name: "a", query, message: MESSAGE, tags: [], priority: 2, options: { ...options, thresholds } },
  };
}

const FAST = 'burn_rate("slo-1").over("30d").long_window("1h").short_window("5m") > 14.4';
const BUDGET = 'error_budget("slo-1").over("30d") > 100';

/** `perMinute(t)` gives [good, bad] events of the minute starting at offset t (seconds). */
function run(
  m: MonitorUnderTest,
  until: number,
  perMinute: (t: number) => [number, number],
  o: { slo?: SloUnderTest; readable?: boolean } = {},
): MonitorRun {
  const store = new MetricStore(new Set());
  store.declare("events", "count");
  const slos = new Map([["slo-1", o.slo ?? slo()]]);
  const plan = sloAlertPlan(m, slos, store);
  for (const t of [plan.good, plan.total]) store.watch(t.term, t.shape, t.step);
  const good = store.series("events", { verdict: "good" });
  const bad = store.series("events", { verdict: "bad" });
  const w = store.writer("events");
  for (let t = 0; t < until; t += MIN) {
    const [g, b] = perMinute(t);
    if (g) w.addNumber(good, T0 + t, g);
    if (b) w.addNumber(bad, T0 + t, b);
  }
  store.finish();
  return evaluateSloAlert(m, plan, {
    source: store,
    percentilesEnabled: () => false,
    readable: () => o.readable ?? true,
    from: T0,
    to: T0 + until,
  });
}

function stateAt(r: MonitorRun, offset: number): string | undefined {
  const i = r.times.indexOf(T0 + offset);
  if (i < 0) throw new Error(`no evaluation at +${offset}s`);
  const s = r.groups[0]?.states[i];
  return s === undefined || s < 0 ? undefined : ["ok", "warn", "alert", "no data"][s];
}

function valueAt(r: MonitorRun, offset: number): number | undefined {
  const v = r.groups[0]?.values[r.times.indexOf(T0 + offset)];
  return v === undefined || Number.isNaN(v) ? undefined : v;
}

/** 100 events a minute; from `start` on, `share` of them bad (0.1 at 99.5 % is a 20x burn). */
const steady =
  (share: number, start = 0, end = Infinity) =>
  (t: number): [number, number] => {
    const bad = t >= start && t < end ? Math.round(100 * share) : 0;
    return [100 - bad, bad];
  };

describe("burn-rate alerts (docs service_level_objectives/burn_rate, How Burn Rate Alerts work)", () => {
  it("the burn rate is the error rate over (1 - target): 10 % bad events at 99.5 % read 20x on both windows.", () => {
    const r = run(alert(FAST), 30 * MIN, steady(0.1));
    expect(valueAt(r, 30 * MIN)).toBeCloseTo(20, 5);
    expect(stateAt(r, 30 * MIN)).toBe("alert");
  });

  it("a burn that starts after a clean hour alerts once the long window's average passes the threshold: 60 x 14.4 / 20 = 43.2 min.", () => {
    const start = 2 * HOUR;
    const r = run(alert(FAST), 4 * HOUR, steady(0.1, start));
    // At +43 min the hour holds 43 bad minutes of 60: 0.1 x 43/60 / 0.005 = 14.33x, under 14.4.
    expect(valueAt(r, start + 43 * MIN)).toBeCloseTo(14.333, 2);
    expect(stateAt(r, start + 43 * MIN)).toBe("ok");
    expect(stateAt(r, start + 44 * MIN)).toBe("alert");
    expect(r.transitions.map((t) => (t.at - T0 - start) / MIN)).toEqual([44]);
  });

  it("both windows must be above: the short window alone (5 min at 100 % bad after a clean hour) does not alert.", () => {
    const start = 2 * HOUR;
    const r = run(alert(FAST), start + 5 * MIN, steady(1, start));
    // Short window 200x; long window 5/60 x 200 = 16.7x > 14.4 at +5 min, but at +4 min 4/60 x 200 = 13.3x.
    expect(stateAt(r, start + 4 * MIN)).toBe("ok");
    expect(valueAt(r, start + 4 * MIN)).toBeCloseTo(13.333, 2);
    expect(stateAt(r, start + 5 * MIN)).toBe("alert");
  });

  it("the short window resets it: two minutes after the errors stop, the alert recovers although the hour still burns.", () => {
    const r = run(alert(FAST), 3 * HOUR, steady(0.1, HOUR, 2 * HOUR));
    // The 5 minutes hold 4 bad minutes (16x) at +1 min and 3 (12x) at +2 min; the hour still reads about 19x.
    expect(stateAt(r, 2 * HOUR + MIN)).toBe("alert");
    expect(stateAt(r, 2 * HOUR + 2 * MIN)).toBe("ok");
    expect(valueAt(r, 2 * HOUR + 2 * MIN)).toBeCloseTo(12, 5);
  });

  it("a window without events has no burn rate: the evaluation is skipped and the status stays.", () => {
    const r = run(alert(FAST), 3 * HOUR, (t) => (t < HOUR ? steady(0.1)(t) : [0, 0]));
    expect(stateAt(r, HOUR)).toBe("alert");
    expect(valueAt(r, HOUR + 10 * MIN)).toBeUndefined();
    expect(stateAt(r, HOUR + 10 * MIN)).toBe("alert");
  });

  it("a minute with events but no good one counts zero good events, not a missing numerator.", () => {
    const r = run(alert(FAST), 10 * MIN, () => [0, 5]);
    expect(valueAt(r, 10 * MIN)).toBeCloseTo(200, 5);
  });

  it("a tag configuration that hides the SLO query's tags leaves the alert without data (docs metrics/metrics-without-limits).", () => {
    const r = run(alert(FAST), 30 * MIN, steady(0.1), { readable: false });
    expect(r.groups).toEqual([]);
  });
});

describe("error-budget alerts (docs service_level_objectives/error_budget)", () => {
  it("the budget spent is bad events over (1 - target) x total events, in percent, with a warning below the alert.", () => {
    const m = alert(BUDGET, { thresholds: { warning: 75 } });
    const r = run(m, 2 * HOUR, (t) => (t < HOUR ? [996, 4] : [994, 6]));
    // First hour: 0.4 % bad = 80 % of a 0.5 % budget (warn); both hours: 0.5 % = 100 %, not above 100.
    expect(valueAt(r, HOUR)).toBeCloseTo(80, 5);
    expect(stateAt(r, HOUR)).toBe("warn");
    expect(valueAt(r, 2 * HOUR)).toBeCloseTo(100, 5);
    expect(stateAt(r, 2 * HOUR)).toBe("warn");
    const spent = run(m, 2 * HOUR, () => [990, 10]);
    expect(stateAt(spent, 2 * HOUR)).toBe("alert");
  });

  it("it is evaluated like a monitor over its window: the SLO's 30 days give one evaluation every 30 minutes.", () => {
    const r = run(alert(BUDGET), 2 * HOUR, steady(0));
    expect(r.times.slice(0, 3).map((t) => t - T0)).toEqual([0, 30 * MIN, 60 * MIN]);
  });
});

describe("the SLO and the alert's form", () => {
  it("parses both documented forms.", () => {
    expect(parseSloAlertQuery(FAST)).toMatchObject({
      form: "burn_rate",
      sloId: "slo-1",
      timeframe: 30 * 86400,
      longWindow: HOUR,
      shortWindow: 5 * MIN,
      comparator: ">",
      threshold: 14.4,
    });
    expect(parseSloAlertQuery(BUDGET)).toMatchObject({ form: "error_budget", sloId: "slo-1", threshold: 100 });
  });

  it.each([
    ["another function", 'burn("slo-1").over("30d") > 1', "the SLO alert function burn()"],
    ["a window the SLO cannot have", 'error_budget("slo-1").over("14d") > 75', 'the SLO time window "14d"'],
    ["windows out of order", 'burn_rate("slo-1").over("30d").short_window("5m").long_window("1h") > 14.4', ".short_window()"],
    ["a window in days", 'burn_rate("slo-1").over("30d").long_window("2d").short_window("5m") > 2', 'the burn-rate window "2d"'],
    ["an extra modifier", 'error_budget("slo-1").over("30d").last("1h") > 75', ".last()"],
    ["a falling comparator", 'error_budget("slo-1").over("30d") < 75', "the comparator <"],
  ])("an unmodelled form is an error that names it: %s.", (_, query, named) => {
    expect(() => parseSloAlertQuery(query)).toThrow(UnmodelledError);
    expect(() => parseSloAlertQuery(query)).toThrow(named);
  });

  it.each([
    ["arithmetic", "sum:a{*}.as_count() + sum:b{*}.as_count()"],
    ["a group-by", "sum:a{*} by {feature}.as_count()"],
    ["no .as_count()", "sum:a{*}"],
    ["another space aggregator", "avg:a{*}.as_count()"],
  ])("an SLO query other than one sum:<count>.as_count() term is unmodelled: %s.", (_, query) => {
    expect(() => parseSloQuery(query)).toThrow(UnmodelledError);
  });

  it("the alert must name an SLO of the stack, on a target window it has, with options the evaluator models.", () => {
    const store = new MetricStore(new Set());
    store.declare("events", "count");
    const slos = new Map([["slo-1", slo()]]);
    expect(() => sloAlertPlan(alert(FAST.replace("slo-1", "slo-2")), slos, store)).toThrow('names SLO "slo-2"');
    expect(() => sloAlertPlan(alert(FAST.replace('"30d"', '"7d"')), slos, store)).toThrow("has no target for the time window");
    expect(() => sloAlertPlan(alert(FAST, { on_missing_data: "default" }), slos, store)).toThrow("the option on_missing_data");
    expect(() => sloAlertPlan(alert(FAST, { thresholds: { critical_recovery: 10 } }), slos, store)).toThrow("critical_recovery");
    store.declare("latency", "distribution");
    const onDistribution = slo();
    onDistribution.body.query = { numerator: "sum:latency{*}.as_count()", denominator: "sum:latency{*}.as_count()" };
    expect(() => sloAlertPlan(alert(FAST), new Map([["slo-1", onDistribution]]), store)).toThrow("an SLO query on the distribution");
  });
});

describe("scenario traffic for SLOs (evaluator/traffic.ts, as the emitter sends it)", () => {
  // The fixture catalog with summarize opted out of SLOs; answer keeps the default targets (99.5 % availability).
  const features = fixtureFeatures().map((f) => (f.id === "summarize" ? { ...f, slo: false as const, sloOptOutReason: "batch only" } : f));
  const catalog = fixtureCatalog("prod", { features });
  const answer = catalog.features.find((f) => f.id === "answer")!;
  const summarize = catalog.features.find((f) => f.id === "summarize")!;

  it('"<N>x" error rates are N times the share of failed calls the availability target allows; without SLOs, the stack\'s.', () => {
    expect(errorShare("20x", answer, catalog)).toBeCloseTo(0.1, 10);
    expect(errorShare(0.25, answer, catalog)).toBe(0.25);
    const stackTarget = fixtureCatalog("prod", { features }).stack.monitoring.slo?.availability ?? 99.5;
    expect(errorShare("2x", summarize, catalog)).toBeCloseTo((2 * (100 - stackTarget)) / 100, 10);
  });

  it("counts a latency verdict per answered call and a quality verdict per judged call, for features with SLOs only.", () => {
    const { scenario, problems } = validateScenario(
      {
        name: "slow answers, good judgments",
        start: "2026-03-02T08:00:00Z",
        duration: "2h",
        traffic: [
          {
            feature: "*",
            tenants: 3,
            requestsPerMinute: 50,
            errorRate: 0.2,
            totalMs: { p50: "3x", p95: "4x" },
            judgeScore: { mean: 99, sd: 0.1 },
          },
        ],
        expect: [{ notifies: "@pagerduty-*", atLeast: 0 }],
      },
      "t.yaml",
      { catalog, monitors: [] },
    );
    expect(problems).toEqual([]);
    const store = new MetricStore(new Set());
    for (const m of Object.values(catalog.contract.metrics)) store.declare(m.name, m.type);
    const term = (metric: string, scope: string) => parseSloQuery(`sum:${metric}{${scope}}.as_count()`);
    const { requests, sloEvents } = catalog.contract.metrics;
    const terms = {
      answered: term(requests.name, "feature:answer,status:ok"),
      latencyBad: term(sloEvents.name, "feature:answer,objective:latency,verdict:bad"),
      latencyAll: term(sloEvents.name, "feature:answer,objective:latency"),
      qualityGood: term(sloEvents.name, "feature:answer,objective:quality,verdict:good"),
      qualityAll: term(sloEvents.name, "feature:answer,objective:quality"),
      optedOut: term(sloEvents.name, "feature:summarize"),
    };
    for (const t of Object.values(terms)) store.watch(t, "numeric", MIN);
    generateTraffic(scenario!, { catalog, store, percentiles: new Set() });
    const total = (t: MetricTerm) => {
      const s = store.read(t, "numeric", MIN).get("")?.series;
      return s && s.kind === "numeric" ? s.cum[s.cum.length - 1] : 0;
    };
    expect(total(terms.answered)).toBeGreaterThan(4000);
    // Every answered call has a latency verdict, and at 3x the threshold almost every one is bad.
    expect(total(terms.latencyAll)).toBe(total(terms.answered));
    expect(total(terms.latencyBad) / total(terms.latencyAll)).toBeGreaterThan(0.99);
    // Judged at the feature's sample rate (2 %), every judgment above the default pass score.
    expect(total(terms.qualityAll)).toBeGreaterThan(0);
    expect(total(terms.qualityAll)).toBeLessThan(total(terms.answered) * 0.05);
    expect(total(terms.qualityGood)).toBe(total(terms.qualityAll));
    expect(total(terms.optedOut)).toBe(0);
  });
});
