// Issue 10 §4: environments that don't look alike. Monitor names carry the env, and a stack
// with `notifications.slack` posts every Slack notification to that one channel; prod routing
// stays per team. Exact names and handles are pinned on the fixture catalogs; the user's own
// stacks are held to the invariant in test/catalog/stacks.test.ts.
import { beforeAll, describe, expect, it } from "vitest";
import { stackConfigFromPulumi } from "../config/validate";
import { buildMonitors } from "../monitors";
import { monitorsOf, type PlannedMonitor } from "../plan/monitors";
import { lintMonitor } from "../monitors/lint";
import { routesFor } from "../monitors/routing";
import { pagerdutyHandle, slackHandle } from "../config/names";
import { fixtureCatalog, synthFixture } from "./fixtures/catalog";
import { legalCatalog, LEGAL_STACKS, legalStackConfig } from "./fixtures/legal";

const handlesOf = (message: string) => [...message.matchAll(/(?<!@)@(?!@)\S+/g)].map((m) => m[0]);
const ownerOf = (m: PlannedMonitor) => m.body.tags.find((t) => t.startsWith("team:"))!.slice("team:".length);

let prod: PlannedMonitor[];
let staging: PlannedMonitor[];
beforeAll(async () => {
  prod = monitorsOf(await synthFixture("prod"));
  staging = monitorsOf(await synthFixture("staging"));
});

describe("monitor names per environment", () => {
  it("Every prod monitor name starts with [llm prod] and every staging one with [llm staging].", () => {
    expect(prod.map((m) => m.body.name.slice(0, "[llm prod] ".length))).toEqual(prod.map(() => "[llm prod] "));
    expect(staging.map((m) => m.body.name.slice(0, "[llm staging] ".length))).toEqual(staging.map(() => "[llm staging] "));
  });

  it("No staging monitor has the name of a prod monitor, although both stacks build the same monitors.", () => {
    expect(staging.map((m) => m.id).sort()).toEqual(prod.map((m) => m.id).sort());
    const prodNames = new Set(prod.map((m) => m.body.name));
    expect(staging.filter((m) => prodNames.has(m.body.name)).map((m) => m.id)).toEqual([]);
  });

  it("The names read `[llm <env>] <feature name>: <signal>` and `[llm <env>] <signal>`.", () => {
    const name = (ms: PlannedMonitor[], id: string) => ms.find((m) => m.id === id)!.body.name;
    expect(name(prod, "monitor-answer-ttft-p95")).toBe("[llm prod] Answer questions: p95 time to first token too high");
    expect(name(staging, "monitor-answer-ttft-p95")).toBe("[llm staging] Answer questions: p95 time to first token too high");
    expect(name(staging, "monitor-provider-outage")).toBe("[llm staging] LLM provider error rate high");
  });

  it("The monitor lint rejects a name that does not carry its stack's env.", () => {
    const catalog = fixtureCatalog("staging");
    const body = prod.find((m) => m.id === "monitor-answer-quality-drop")!.body;
    expect(lintMonitor(body, { contract: catalog.contract, stack: catalog.stack })).toContain(
      `name must start with "[llm staging] " (got "[llm prod] Answer questions: judge score dropped week over week")`,
    );
  });
});

describe("where notifications go", () => {
  it("Staging, with notifications.slack set, notifies only its one channel, in every state of every monitor.", () => {
    for (const m of staging) expect(new Set(handlesOf(m.body.message)), m.id).toEqual(new Set(["@slack-llm-staging"]));
  });

  it("Prod is unchanged: each monitor notifies its owner's channel, and pages its owner's service when it pages.", () => {
    const channel: Record<string, string> = { search: "#search-alerts", platform: "#platform-alerts" };
    for (const m of prod) {
      const expected = [slackHandle(channel[ownerOf(m)]), ...(m.body.priority <= 2 ? [pagerdutyHandle("prod", ownerOf(m))] : [])];
      expect(new Set(handlesOf(m.body.message)), m.id).toEqual(new Set(expected));
    }
  });

  it("On a paging stack, notifications.slack replaces the team channels and keeps the pages.", () => {
    const stack = { env: "prod", paging: true, notifications: { slack: "#llm-prod-all" } };
    expect(routesFor(stack, { id: "search", slack: "#search-alerts" }, 1)).toEqual({
      pages: true,
      alert: ["@pagerduty-llm-prod-search", "@slack-llm-prod-all"],
      warning: ["@slack-llm-prod-all"],
      recovery: ["@slack-llm-prod-all"],
      alertRecovery: ["@pagerduty-llm-prod-search"],
      noData: ["@slack-llm-prod-all"],
    });
    expect(routesFor({ ...stack, notifications: {} }, { id: "search", slack: "#search-alerts" }, 3).alert).toEqual([
      "@slack-search-alerts",
    ]);
  });
});

describe("the legal fixture's stacks", () => {
  it("The legal fixture's staging stack sends its notifications to one channel of its own.", () => {
    const staging = stackConfigFromPulumi(legalStackConfig("staging"));
    expect(staging.notifications).toMatchObject({ slack: expect.stringMatching(/^#/) });
  });

  it.each(LEGAL_STACKS)("In %s, a stack-wide channel, when set, is the only Slack handle of every monitor.", (stack) => {
    const config = stackConfigFromPulumi(legalStackConfig(stack));
    const channel = (config.notifications as { slack?: string } | undefined)?.slack;
    const monitors = buildMonitors(legalCatalog(stack));
    for (const m of monitors) {
      expect(m.body.name.startsWith(`[llm ${String(config.env)}] `), m.id).toBe(true);
      const slack = handlesOf(m.body.message).filter((h) => h.startsWith("@slack-"));
      if (channel) expect(new Set(slack), m.id).toEqual(new Set([slackHandle(channel)]));
    }
  });
});
