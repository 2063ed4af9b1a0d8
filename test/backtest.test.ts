// npm run backtest on the committed example export (examples/backtest/provider-outage), against
// the fixture stack: its provider-outage monitor reads the same two queries as the example's.
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { backtest, neededQueries, readExports } from "../evaluator/backtest";
import type { StackUnderTest } from "../evaluator/run";
import { backtestJson } from "../tools/backtest";
import { stackFromPlan } from "../tools/scenario-stack";
import { fixtureCatalog, synthFixture } from "./fixtures/catalog";
import { ROOT } from "./helpers";

const EXPORT = path.join(ROOT, "examples", "backtest", "provider-outage");
let stack: StackUnderTest;
beforeAll(async () => {
  stack = stackFromPlan("prod", await synthFixture("prod"), fixtureCatalog("prod"));
});
const outage = () => stack.monitors.find((m) => m.id === "monitor-provider-outage")!;

describe("backtest: replaying exported history through a monitor", () => {
  it("lists exactly the queries the example export answers.", () => {
    const needed = neededQueries(outage(), stack.monitors, stack.monitorById).map((n) => n.query);
    const exported = [...new Set(readExports(EXPORT).map((e) => e.query))];
    expect(needed.sort()).toEqual(exported.sort());
  });

  it("finds the example's one openai incident: an alert, its half-hourly reminder and its recovery, each to PagerDuty and Slack.", () => {
    const r = backtest(outage(), stack.monitors, stack.monitorById, readExports(EXPORT), stack.catalog.contract);
    expect(r.missing).toEqual([]);
    const json = JSON.parse(backtestJson(r));
    expect(json.from).toBe("2026-03-02T00:00:00Z");
    expect(json.transitions.map((t: { group: object; from: string; to: string }) => [t.group, t.from, t.to])).toEqual([
      [{ provider: "openai" }, "ok", "alert"],
      [{ provider: "openai" }, "alert", "ok"],
    ]);
    const handles = ["@pagerduty-llm-prod-platform", "@slack-platform-alerts"];
    // The outage lasts 32 minutes; provider-outage renotifies every 30 (monitors/routing.ts).
    type Sent = { at: string; state: string; renotify?: boolean; handles: string[] };
    expect(json.notifications.map((n: Sent) => [n.at, n.state, n.renotify ?? false, [...n.handles].sort()])).toEqual([
      ["2026-03-03T13:34:00Z", "alert", false, handles],
      ["2026-03-03T14:04:00Z", "alert", true, handles],
      ["2026-03-03T14:06:00Z", "recovery", false, handles],
    ]);
  });

  it("names the queries it has no export for.", () => {
    const r = backtest(
      outage(),
      stack.monitors,
      stack.monitorById,
      readExports(EXPORT).filter((e) => !e.query.includes("status:error")),
      stack.catalog.contract,
    );
    expect(r.missing).toEqual(["sum:llm.requests{env:prod,status:error} by {provider}.as_count()"]);
  });
});

describe("what a backtest cannot replay", () => {
  it("an slo alert monitor (and a composite built on one) is an unmodelled form that says so, not a silent empty replay.", () => {
    for (const id of ["monitor-answer-slo-slow-burn-availability", "monitor-answer-slo-fast-burn-availability"]) {
      const m = stack.monitors.find((x) => x.id === id)!;
      expect(() => neededQueries(m, stack.monitors, stack.monitorById)).toThrow("backtesting an slo alert monitor");
    }
  });
});
