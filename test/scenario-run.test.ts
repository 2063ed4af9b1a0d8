// Which monitors a scenario evaluates (evaluator/run.ts monitorsToEvaluate): only those that can
// decide it, without weakening the two rules that hold in every scenario: an unmodelled query
// form fails it, and a paging: false stack never notifies PagerDuty. Fixture catalog, short runs.
import { beforeAll, describe, expect, it } from "vitest";
import { runScenario, type StackUnderTest } from "../evaluator/run";
import { UnmodelledError } from "../evaluator/query";
import { type Scenario, validateScenario } from "../evaluator/scenario";
import { stackFromPlan } from "../tools/scenario-stack";
import { fixtureCatalog, synthFixture } from "./fixtures/catalog";

const stacks = new Map<string, StackUnderTest>();
beforeAll(async () => {
  for (const name of ["prod", "staging"] as const) stacks.set(name, stackFromPlan(name, await synthFixture(name), fixtureCatalog(name)));
});

/** An hour of errors on every provider; the expectations are the caller's. */
function outage(stack: StackUnderTest, expect: unknown[]): Scenario {
  const doc = {
    name: "an hour of provider errors",
    start: "2026-03-02T08:00:00Z",
    duration: "3h",
    traffic: [{ feature: "*", tenants: 5, requestsPerMinute: 30 }],
    events: [{ at: "1h", until: "2h", provider: "*", set: { errorRate: 0.5 } }],
    expect,
  };
  const { scenario, problems } = validateScenario(doc, "run.yaml", { catalog: stack.catalog, monitors: stack.monitors });
  if (!scenario) throw new Error(problems.join("\n"));
  return scenario;
}

/** The stack with one monitor's message or query edited. */
function withMonitor(stack: StackUnderTest, id: string, edit: { message?: (m: string) => string; query?: (q: string) => string }) {
  const monitors = stack.monitors.map((m) =>
    m.id === id
      ? {
          ...m,
          body: { ...m.body, message: edit.message?.(m.body.message) ?? m.body.message, query: edit.query?.(m.body.query) ?? m.body.query },
        }
      : m,
  );
  return { ...stack, monitors };
}

describe("a scenario evaluates the monitors that can decide it", () => {
  it("evaluates the monitors its expectations name, and says of every other one that it was not evaluated.", () => {
    const stack = stacks.get("prod")!;
    const r = runScenario(outage(stack, [{ monitor: "provider-outage", state: "alert", within: ["1h", "2h"] }]), stack);
    expect(r.status).toBe("passed");
    for (const run of r.runs) {
      if (run.id === "monitor-provider-outage") expect(run.times.length).toBeGreaterThan(0);
      else expect(run.notes).toContain("not evaluated: no expectation of the scenario reads it");
    }
  });

  it("evaluates every monitor for a notification count that names no monitor.", () => {
    const stack = stacks.get("prod")!;
    const r = runScenario(outage(stack, [{ notifies: "@pagerduty-*", atLeast: 1 }]), stack);
    expect(r.status).toBe("passed");
    expect(r.runs.every((run) => !run.notes.some((n) => n.startsWith("not evaluated")))).toBe(true);
  });

  it("on a paging: false stack, still evaluates a monitor whose message holds a PagerDuty handle, so the stack cannot page unseen.", () => {
    const staging = stacks.get("staging")!;
    const stack = withMonitor(staging, "monitor-provider-outage", {
      message: (m) => m.replace("{{#is_alert}}\nNotify: ", "{{#is_alert}}\nNotify: @pagerduty-llm-staging-platform "),
    });
    // The only expectation is about another monitor, and holds.
    const r = runScenario(outage(stack, [{ monitor: "cost-budget", state: "alert", never: true }]), stack);
    expect(r.status).toBe("failed");
    expect(r.failures.join("\n")).toContain("has paging: false, yet");
    expect(r.failures.join("\n")).toContain("@pagerduty-llm-staging-platform");
  });

  it("fails on an unmodelled query form even in a monitor no expectation names.", () => {
    const stack = withMonitor(stacks.get("prod")!, "monitor-answer-cost-budget", {
      query: (q) => q.replace("sum:llm.cost.usd", "ewma_3(sum:llm.cost.usd").replace(".as_count() >", ".as_count()) >"),
    });
    const scenario = outage(stacks.get("prod")!, [{ monitor: "provider-outage", state: "alert", within: ["1h", "2h"] }]);
    expect(() => runScenario(scenario, stack)).toThrow(UnmodelledError);
  });
});
