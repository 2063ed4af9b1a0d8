// Stack rules over fake whole-stack resource lists: the shapes the monitors and on-call
// builders are pinned to produce.
import { describe, expect, it } from "vitest";
import { features } from "../features";
import { pagerdutyHandle, slackHandle } from "../config/names";
import { featureHasAllMonitors, pagerdutyHandlesResolve, pagingBudget, PER_FEATURE_MONITOR_KINDS } from "../policies/rules/stack";
import { teams } from "../teams";
import type { CheckedResource } from "../policies/offline";
import { monitor, runStackPolicy, serviceObject } from "./fixtures/policy-args";

const ownerOf = (featureId: string) => features.find((f) => f.id === featureId)!.owner;

function featureMonitors(featureId: string, stack = "prod", kinds: readonly string[] = PER_FEATURE_MONITOR_KINDS): CheckedResource[] {
  const team = ownerOf(featureId);
  return kinds.map((kind) =>
    monitor(
      `monitor-${featureId}-${kind}`,
      {
        tags: [`team:${team}`, `feature:${featureId}`, `env:${stack}`, `monitor:${kind}`],
        message: `Runbook: https://example.com/runbooks/${kind}.md {{#is_alert}}${pagerdutyHandle(stack, team)}{{/is_alert}}`,
      },
      stack,
    ),
  );
}

function exampleStack(): CheckedResource[] {
  return [...features.flatMap((f) => featureMonitors(f.id)), ...teams.map((t) => serviceObject(t.id))];
}

describe("pagerduty-handles-resolve", () => {
  it("passes when every @pagerduty- handle has a service object of that name", async () => {
    expect(await runStackPolicy(pagerdutyHandlesResolve, exampleStack())).toEqual({ violations: [], notApplicable: false });
  });

  it("rejects a dangling handle on the monitor that carries it", async () => {
    const dangling = monitor("monitor-legal-chat-ttft-p95", {
      message: `Runbook: x {{#is_alert}}${pagerdutyHandle("prod", "legal")}{{/is_alert}}`,
    });
    const { violations } = await runStackPolicy(pagerdutyHandlesResolve, [...exampleStack(), dangling]);
    expect(violations).toEqual([
      {
        urn: dangling.urn,
        message: expect.stringMatching(
          /^monitor "monitor-legal-chat-ttft-p95" notifies @pagerduty-llm-prod-legal, but no datadog.pagerduty.ServiceObject in this stack has serviceName "llm-prod-legal" \(service objects: llm-prod-contracts-ai, llm-prod-research-assistant, llm-prod-platform\)/,
        ),
      },
    ]);
  });

  it("also reads the escalation message, which pages on renotify", async () => {
    const escalating = monitor("monitor-x", { escalationMessage: `Still firing ${pagerdutyHandle("prod", "nobody")}` });
    const { violations } = await runStackPolicy(pagerdutyHandlesResolve, [...exampleStack(), escalating]);
    expect(violations.map((v) => v.message)).toEqual([
      expect.stringMatching(/^monitor "monitor-x" notifies @pagerduty-llm-prod-nobody, but no/),
    ]);
  });

  it("rejects a PagerDuty handle on a stack that creates no service objects", async () => {
    const { violations } = await runStackPolicy(pagerdutyHandlesResolve, featureMonitors("intake-classify"));
    expect(violations).toHaveLength(4);
    expect(violations[0].message).toContain("(service objects: (none))");
  });

  it("does not apply to a stack without monitors", async () => {
    expect((await runStackPolicy(pagerdutyHandlesResolve, [serviceObject("platform")])).notApplicable).toBe(true);
  });
});

describe("feature-has-all-monitors", () => {
  it("passes when every feature of features.ts has its four monitors", async () => {
    expect(await runStackPolicy(featureHasAllMonitors, exampleStack())).toEqual({ violations: [], notApplicable: false });
  });

  it("rejects a feature missing its TTFT monitor, naming the feature and the monitor it expected", async () => {
    const resources = exampleStack().filter((r) => r.name !== "monitor-legal-chat-ttft-p95");
    const { violations } = await runStackPolicy(featureHasAllMonitors, resources);
    expect(violations).toEqual([
      {
        urn: undefined,
        message: expect.stringMatching(
          /^feature "legal-chat" has no ttft-p95 monitor: .*tagged feature:legal-chat with monitor:ttft-p95 \(expected "monitor-legal-chat-ttft-p95"\)/,
        ),
      },
    ]);
  });

  it("finds monitors by their tags, not their resource names", async () => {
    const renamed = exampleStack().map((r, i) => ({ ...r, name: `renamed-${i}` }));
    expect((await runStackPolicy(featureHasAllMonitors, renamed)).violations).toEqual([]);
  });

  it("takes the feature list from policy config when set", async () => {
    const { violations } = await runStackPolicy(featureHasAllMonitors, exampleStack(), { features: ["extract-clause", "brand-new"] });
    expect(violations.map((v) => v.message)).toEqual([
      expect.stringMatching(/^feature "brand-new" has no quality-drop, cost-budget, ttft-p95, total-latency-p95 monitors/),
    ]);
  });

  it("is not applicable on a stack this repo has no catalog for and no config names features", async () => {
    const sandbox = featureMonitors("legal-chat", "sandbox");
    expect((await runStackPolicy(featureHasAllMonitors, sandbox)).notApplicable).toBe(true);
  });
});

describe("paging-budget", () => {
  it("is advisory", () => {
    expect(pagingBudget.enforcementLevel).toBe("advisory");
  });

  it("passes a team within its budget", async () => {
    expect((await runStackPolicy(pagingBudget, exampleStack())).violations).toEqual([]);
  });

  it("flags a team over the budget from policy config, listing its paging monitors", async () => {
    const { violations } = await runStackPolicy(pagingBudget, exampleStack(), { maxPagingMonitorsPerTeam: 4 });
    expect(violations.map((v) => v.message)).toEqual([
      expect.stringMatching(
        /^team "contracts-ai" owns 8 paging monitors, over the paging budget of 4 \(monitor-extract-clause-quality-drop, /,
      ),
      expect.stringMatching(/^team "research-assistant" owns 8 paging monitors, over the paging budget of 4/),
    ]);
  });

  it("does not count monitors that only notify Slack", async () => {
    const slack = features
      .filter((f) => f.owner === "contracts-ai")
      .flatMap((f) => featureMonitors(f.id))
      .map((m) => ({ ...m, props: { ...m.props, message: `{{#is_alert}}${slackHandle("#contracts-ai-alerts")}{{/is_alert}}` } }));
    expect((await runStackPolicy(pagingBudget, slack, { maxPagingMonitorsPerTeam: 1 })).violations).toEqual([]);
  });

  it("defaults to the stack's monitoring.pagingBudgetPerTeam", async () => {
    const many = Array.from({ length: 13 }, (_, i) => monitor(`monitor-${i}`, { tags: ["team:platform"] }));
    const { violations } = await runStackPolicy(pagingBudget, many);
    expect(violations.map((v) => v.message)).toEqual([expect.stringMatching(/owns 13 paging monitors, over the paging budget of 12/)]);
  });
});
