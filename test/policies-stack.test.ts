// Stack rules over fake whole-stack resource lists: the shapes the monitors and on-call
// builders are pinned to produce.
import { describe, expect, it, vi } from "vitest";
import { pagerdutyHandle, slackHandle } from "../config/names";
import { monitorPagesItsOwner, pagerdutyHandlesResolve, pagingBudget } from "../policies/rules/paging";
import { featureHasAllMonitors, PER_FEATURE_MONITOR_KINDS } from "../policies/rules/stack";
import type { CheckedResource } from "../policies/offline";
import { monitor, runStackPolicy, serviceObject } from "./fixtures/policy-args";
import { legalFeatures, legalTeams } from "./fixtures/legal";

const features = legalFeatures();
const teams = legalTeams();

// The policy pack reads the legal fixture as its repository's catalog, never the user's (test/fixtures/legal-context.ts).
vi.mock("../policies/context", async (importOriginal) =>
  (await import("./fixtures/legal-context")).legalRepoContext(await importOriginal()),
);

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

function legalStack(): CheckedResource[] {
  return [...features.flatMap((f) => featureMonitors(f.id)), ...teams.map((t) => serviceObject(t.id))];
}

describe("pagerduty-handles-resolve", () => {
  it("passes when every @pagerduty- handle has a service object of that name", async () => {
    expect(await runStackPolicy(pagerdutyHandlesResolve, legalStack())).toEqual({ violations: [], notApplicable: false });
  });

  it("rejects a dangling handle on the monitor that carries it", async () => {
    const dangling = monitor("monitor-legal-chat-ttft-p95", {
      message: `Runbook: x {{#is_alert}}${pagerdutyHandle("prod", "legal")}{{/is_alert}}`,
    });
    const { violations } = await runStackPolicy(pagerdutyHandlesResolve, [...legalStack(), dangling]);
    expect(violations).toEqual([
      {
        urn: dangling.urn,
        message: expect.stringMatching(
          new RegExp(
            /^monitor "monitor-legal-chat-ttft-p95" notifies @pagerduty-llm-prod-legal, but no datadog.pagerduty.ServiceObject /.source +
              /in this stack has serviceName "llm-prod-legal" \(service objects: llm-prod-contracts-ai, /.source +
              /llm-prod-research-assistant, llm-prod-platform\)/.source,
          ),
        ),
      },
    ]);
  });

  it("also reads the escalation message, which pages on renotify", async () => {
    const escalating = monitor("monitor-x", { escalationMessage: `Still firing ${pagerdutyHandle("prod", "nobody")}` });
    const { violations } = await runStackPolicy(pagerdutyHandlesResolve, [...legalStack(), escalating]);
    expect(violations.map((v) => v.message)).toEqual([
      expect.stringMatching(/^monitor "monitor-x" notifies @pagerduty-llm-prod-nobody, but no/),
    ]);
  });

  it.each([
    [
      "a handle that differs only in case",
      "@pagerduty-LLM-prod-platform",
      new RegExp(
        /notifies @pagerduty-LLM-prod-platform, whose service name differs only in case from the ServiceObject's serviceName /.source +
          /"llm-prod-platform"/.source,
      ),
    ],
    [
      "a templated handle",
      "@pagerduty-llm-prod-{{team.name}}",
      /notifies @pagerduty-llm-prod-\{\{team\.name\}\}, a templated PagerDuty handle/,
    ],
    [
      "a handle reached only on recovery",
      "{{#is_recovery}} @pagerduty-llm-prod-nobody {{/is_recovery}}",
      /notifies @pagerduty-llm-prod-nobody, but no/,
    ],
  ])("rejects %s", async (_case, handle, expected) => {
    const m = monitor("monitor-x", {
      message: `Runbook: x {{#is_alert}} ${handle} {{/is_alert}}`.replace(/\{\{#is_alert\}\} (\{\{#is_recovery)/, "$1"),
    });
    const { violations } = await runStackPolicy(pagerdutyHandlesResolve, [...legalStack(), m]);
    expect(violations.map((v) => v.message)).toEqual([expect.stringMatching(expected)]);
  });

  it("ignores a handle in a block no notification renders", async () => {
    const m = monitor("monitor-x", {
      message: `{{#is_alert}}{{#is_warning}} @pagerduty-llm-prod-nobody {{/is_warning}}{{/is_alert}} @slack-x`,
    });
    expect((await runStackPolicy(pagerdutyHandlesResolve, [...legalStack(), m])).violations).toEqual([]);
  });

  it("steps aside on a stack that may not page, where monitor-has-escalation-path rejects every PagerDuty handle", async () => {
    expect(await runStackPolicy(pagerdutyHandlesResolve, featureMonitors("legal-chat", "staging"))).toEqual({
      violations: [],
      notApplicable: true,
    });
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

describe("monitor-pages-its-owner", () => {
  const paging = (owner: string, handle: string) =>
    monitor(`monitor-${owner}`, {
      tags: [`team:${owner}`, "monitor:provider-outage"],
      message: `{{#is_alert}} ${handle} @slack-x {{/is_alert}}`,
    });

  it("passes a stack where every monitor pages its own team", async () => {
    expect(await runStackPolicy(monitorPagesItsOwner, legalStack())).toEqual({ violations: [], notApplicable: false });
  });

  it("rejects a monitor owned by one team that pages another team's service, naming both", async () => {
    const m = paging("platform", pagerdutyHandle("prod", "contracts-ai"));
    const { violations } = await runStackPolicy(monitorPagesItsOwner, [...legalStack(), m]);
    expect(violations).toEqual([
      {
        urn: m.urn,
        message: expect.stringMatching(
          new RegExp(
            /^monitor "monitor-platform" is owned by team:platform but may page @pagerduty-llm-prod-contracts-ai, the service /.source +
              /of team contracts-ai \(alert, alert renotify\), so someone who does not own the alert is woken up\. Page /.source +
              /@pagerduty-llm-prod-platform/.source,
          ),
        ),
      },
    ]);
  });

  it("matches service names whatever their case", async () => {
    const m = paging("platform", "@PagerDuty-LLM-PROD-CONTRACTS-AI");
    const services = legalStack();
    const { violations } = await runStackPolicy(monitorPagesItsOwner, [...services, m]);
    expect(violations.map((v) => v.message)).toEqual([expect.stringMatching(/the service of team contracts-ai/)]);
  });

  it("rejects another team's service hidden in the escalation message or a tag-matched block", async () => {
    const escalating = monitor("monitor-a", {
      tags: ["team:platform"],
      message: `{{#is_alert}} ${pagerdutyHandle("prod", "platform")} {{/is_alert}}`,
      escalationMessage: `Still firing ${pagerdutyHandle("prod", "research-assistant")}`,
    });
    const matched = paging("platform", `{{#is_match "tenant.name" "acme"}} ${pagerdutyHandle("prod", "contracts-ai")} {{/is_match}}`);
    const { violations } = await runStackPolicy(monitorPagesItsOwner, [...legalStack(), escalating, matched]);
    expect(violations.map((v) => v.message)).toEqual([
      expect.stringMatching(
        new RegExp(
          /^monitor "monitor-a" .* may page @pagerduty-llm-prod-research-assistant, the service of team research-assistant /.source +
            /\(alert renotify, warning renotify, no data renotify\)/.source,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          /^monitor "monitor-platform" .* may page @pagerduty-llm-prod-contracts-ai, the service of team contracts-ai \(alert, /.source +
            /alert renotify\)/.source,
        ),
      ),
    ]);
  });

  it("leaves a dangling handle to pagerduty-handles-resolve, and a monitor with no known owner to monitor-has-owner", async () => {
    const dangling = paging("platform", pagerdutyHandle("prod", "nobody"));
    const unowned = monitor("monitor-u", {
      tags: ["team:growth"],
      message: `{{#is_alert}} ${pagerdutyHandle("prod", "platform")} {{/is_alert}}`,
    });
    expect((await runStackPolicy(monitorPagesItsOwner, [...legalStack(), dangling, unowned])).violations).toEqual([]);
  });

  it("takes the env that names the services from policy config when set", async () => {
    const eu = [serviceObject("platform"), serviceObject("contracts-ai"), paging("platform", pagerdutyHandle("prod", "platform"))];
    expect((await runStackPolicy(monitorPagesItsOwner, eu)).violations).toEqual([]);
    const { violations } = await runStackPolicy(monitorPagesItsOwner, eu, { env: "eu" });
    expect(violations.map((v) => v.message)).toEqual([
      expect.stringMatching(
        /may page @pagerduty-llm-prod-platform, a service of no team \(alert, alert renotify\).* Page @pagerduty-llm-eu-platform/,
      ),
    ]);
  });
});

describe("feature-has-all-monitors", () => {
  it("passes when every feature of the catalog has its four monitors", async () => {
    expect(await runStackPolicy(featureHasAllMonitors, legalStack())).toEqual({ violations: [], notApplicable: false });
  });

  it("rejects a feature missing its TTFT monitor, naming the feature and the monitor it expected", async () => {
    const resources = legalStack().filter((r) => r.name !== "monitor-legal-chat-ttft-p95");
    const { violations } = await runStackPolicy(featureHasAllMonitors, resources);
    expect(violations).toEqual([
      {
        urn: undefined,
        message: expect.stringMatching(
          new RegExp(
            /^feature "legal-chat" has no ttft-p95 monitor: .*tagged feature:legal-chat with monitor:ttft-p95 \(expected /.source +
              /"monitor-legal-chat-ttft-p95"\)/.source,
          ),
        ),
      },
    ]);
  });

  it("finds monitors by their tags, not their resource names", async () => {
    const renamed = legalStack().map((r, i) => ({ ...r, name: `renamed-${i}` }));
    expect((await runStackPolicy(featureHasAllMonitors, renamed)).violations).toEqual([]);
  });

  it("takes the feature list from policy config when set", async () => {
    const { violations } = await runStackPolicy(featureHasAllMonitors, legalStack(), { features: ["extract-clause", "brand-new"] });
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
    expect((await runStackPolicy(pagingBudget, legalStack())).violations).toEqual([]);
  });

  it("flags a team over the budget from policy config, listing its paging monitors", async () => {
    const { violations } = await runStackPolicy(pagingBudget, legalStack(), { maxPagingMonitorsPerTeam: 4 });
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
