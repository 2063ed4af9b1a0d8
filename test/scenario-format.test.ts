// The scenario file format (docs/scenarios.md): every problem with its path, all at once, like
// the catalog. Runs against the fixture catalog and its synthesized monitors.
import { beforeAll, describe, expect, it } from "vitest";
import { validateScenario } from "../evaluator/scenario";
import type { StackUnderTest } from "../evaluator/run";
import { stackFromPlan } from "../tools/scenario-stack";
import { fixtureCatalog, synthFixture } from "./fixtures/catalog";

let stack: StackUnderTest;
beforeAll(async () => {
  stack = stackFromPlan("prod", await synthFixture("prod"), fixtureCatalog("prod"));
});

const valid = () => ({
  name: "a valid scenario",
  start: "2026-03-02T00:00:00Z",
  duration: "2d",
  traffic: [{ feature: "*", tenants: 5, requestsPerMinute: { day: 10, night: 2 } }],
  events: [{ at: "1d", until: "30h", feature: "answer", set: { errorRate: 0.5 } }],
  expect: [
    { monitor: "provider-outage", state: "alert", within: ["1d", "30h"] },
    { notifies: "@pagerduty-*", atMost: 0, monitor: "cost-budget" },
  ],
});

const problems = (mutate: (doc: ReturnType<typeof valid>) => unknown) => {
  const doc = valid();
  const out = mutate(doc) ?? doc;
  return validateScenario(out, "x.yaml", { catalog: stack.catalog, monitors: stack.monitors }).problems;
};

describe("scenario files are validated with a path for every problem", () => {
  it("accepts the format of the issue as written.", () => {
    expect(problems(() => undefined)).toEqual([]);
  });

  it.each([
    [
      "a duration that is not <int><unit>",
      (d: ReturnType<typeof valid>) => void (d.duration = "2 days"),
      ['duration: must be a duration such as 14d (<int><s|m|h|d|w>) (got "2 days")'],
    ],
    [
      "a start that is not a UTC date-time",
      (d: ReturnType<typeof valid>) => void (d.start = "March 2nd"),
      ['start: must be an ISO 8601 UTC date-time such as 2026-03-02T00:00:00Z (got "March 2nd")'],
    ],
    [
      "a feature the catalog does not have",
      (d: ReturnType<typeof valid>) => void (d.traffic[0].feature = "nope"),
      ['traffic[0].feature: unknown feature "nope" (known: answer, summarize, or "*")'],
    ],
    [
      "traffic without a rate",
      (d: ReturnType<typeof valid>) => void delete (d.traffic[0] as { requestsPerMinute?: unknown }).requestsPerMinute,
      ["traffic[0].requestsPerMinute: required (or judgedPerMinute)"],
    ],
    ["an unknown key", (d: ReturnType<typeof valid>) => void Object.assign(d.traffic[0], { rpm: 3 }), ["traffic[0].rpm: unknown field"]],
    [
      "an event that ends before it starts",
      (d: ReturnType<typeof valid>) => void (d.events[0].until = "20h"),
      ["events[0].until: must be after at (1d)"],
    ],
    [
      "an event after the end of the scenario",
      (d: ReturnType<typeof valid>) => void (d.events[0].at = "3d"),
      ["events[0].at: 3d is after the end of the scenario (duration 2d)", "events[0].until: must be after at (3d)"],
    ],
    [
      "a tenant the traffic does not have",
      (d: ReturnType<typeof valid>) => void Object.assign(d.events[0], { tenant: "t-009" }),
      ["events[0].tenant: no such tenant: the traffic has 5 (t-001 ... t-005)"],
    ],
    [
      "a monitor the stack does not have",
      (d: ReturnType<typeof valid>) => void (d.expect[0].monitor = "latency"),
      [expect.stringContaining('expect[0].monitor: no monitor "latency" in this stack (a kind: cost-budget, judge-stalled')],
    ],
    [
      "a group key the monitor neither has nor is per",
      (d: ReturnType<typeof valid>) => void Object.assign(d.expect[0], { group: { tenant: "t-001" } }),
      ['expect[0].group.tenant: monitor "provider-outage" is neither per tenant nor grouped by tenant'],
    ],
    [
      "a notification count given twice",
      (d: ReturnType<typeof valid>) => void Object.assign(d.expect[1], { count: 1 }),
      ["expect[1]: give exactly one of count, atLeast, atMost"],
    ],
    [
      "an error rate above every call (300 x the 0.5 % the default 99.5 % availability target allows)",
      (d: ReturnType<typeof valid>) => void Object.assign(d.traffic[0], { errorRate: "300x" }),
      ["traffic[0].errorRate: 300x is 150 % of the calls of answer, more than all of them (1x is 0.5 %)"],
    ],
    [
      "an error rate that is neither a share nor <N>x",
      (d: ReturnType<typeof valid>) => void (d.events[0].set.errorRate = "5%" as unknown as number),
      [
        "events[0].set.errorRate: must be a share of calls from 0 to 1, or " +
          '"<N>x" (N times the share the availability SLO allows) (got "5%")',
      ],
    ],
    [
      "an objective the SLOs do not have",
      (d: ReturnType<typeof valid>) =>
        void d.expect.push({ monitor: "slo-fast-burn", state: "alert", group: { objective: "speed" } } as never),
      ['expect[2].group.objective: unknown objective "speed" (known: availability, latency, quality, or "*")'],
    ],
    [
      "an objective on a monitor that watches no SLO",
      (d: ReturnType<typeof valid>) => void Object.assign(d.expect[0], { group: { objective: "availability" } }),
      ['expect[0].group.objective: monitor "provider-outage" is neither per objective nor grouped by objective'],
    ],
    [
      "a state the format does not have",
      (d: ReturnType<typeof valid>) => void (d.expect[0].state = "critical"),
      ['expect[0].state: must be one of alert, warn, ok, no data (got "critical")'],
    ],
  ])("%s is reported with its path.", (_, mutate, expected) => {
    expect(problems(mutate)).toEqual(expected);
  });

  it("accepts the SLO keys: an error rate relative to the availability target, and objectives picked in both kinds of expectation.", () => {
    const found = problems((d) => {
      d.events[0].set.errorRate = "20x" as unknown as number;
      d.expect.push(
        { monitor: "slo-fast-burn", state: "alert", group: { objective: "availability", feature: "answer" } } as never,
        { notifies: "@pagerduty-*", monitor: "slo-fast-burn", group: { objective: "latency" }, atMost: 0 } as never,
      );
    });
    expect(found).toEqual([]);
  });

  it("reports every problem of a file at once.", () => {
    const found = problems((d) => {
      d.traffic[0].feature = "nope";
      d.events[0].until = "20h";
      d.expect[0].monitor = "latency";
    });
    expect(found).toHaveLength(3);
  });
});
