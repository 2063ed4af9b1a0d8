// The proof: the example stacks pass `npm run check`, and plans broken in exactly one
// way are rejected by exactly the right rule. Each broken plan is the synthesized prod plan
// with one mutation, so the fixtures stay as realistic as the program's own output.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Violation } from "../policies/offline";
import { main } from "../tools/check";
import { type Plan, type PlanResource, planJson } from "../plan/plan";
import { TYPE } from "../config/names";
import { recordedPlan, STACKS, synthExample } from "./helpers";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fixture-plans-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const plans: Partial<Record<(typeof STACKS)[number], Plan>> = {};
beforeAll(async () => {
  for (const stack of STACKS) plans[stack] = await synthExample(stack);
});

async function check(plan: Plan, name: string): Promise<{ code: number; violations: Violation[] }> {
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, planJson(recordedPlan(plan)));
  let out = "";
  const code = await main(["--plan", file, "--json"], { out: (t) => (out += t), err: (t) => expect.fail(t) });
  return { code, violations: JSON.parse(out) };
}

const TARGET = "monitor-legal-chat-ttft-p95";
const PAGER = "@pagerduty-llm-prod-research-assistant";

/** The prod plan with one change to the target monitor's inputs (or to the resource list). */
function broken(change: (monitor: PlanResource, plan: Plan) => void): Plan {
  const plan = structuredClone(plans.prod!);
  const monitor = plan.resources.find((r) => r.name === TARGET);
  if (!monitor) throw new Error(`the example prod plan has no ${TARGET}`);
  change(monitor, plan);
  return plan;
}

const input = (m: PlanResource) => m.inputs as { tags: string[]; message: string; query: string; monitorThresholds: { critical: string } };

describe("the example stacks", () => {
  it.each(STACKS)("%s passes every policy with no violation at all", async (stack) => {
    const { code, violations } = await check(plans[stack]!, `example-${stack}`);
    expect(violations).toEqual([]);
    expect(code).toBe(0);
  });

  it("are what the mutations below start from: the target monitor pages its team", () => {
    const m = input(plans.prod!.resources.find((r) => r.name === TARGET)!);
    expect(m.message).toContain(PAGER);
    expect(m.tags).toContain("team:research-assistant");
  });
});

describe("a plan broken in exactly one way is rejected by exactly the right rule", () => {
  // prod owns the org's resources, so `npm run check` also holds it to its own tag policy and tag
  // configurations: the last element names the org constraint (providers/org.ts) the same break trips.
  const cases: [string, (m: PlanResource, plan: Plan) => void, string, RegExp, string[]?][] = [
    [
      "a monitor with no team tag",
      (m) => (input(m).tags = input(m).tags.filter((t) => !t.startsWith("team:"))),
      "monitor-has-owner",
      /^monitor "monitor-legal-chat-ttft-p95" has no team: tag, so nobody owns its alerts\. Add exactly one tag "team:<id>" with a known team \(contracts-ai, research-assistant, platform\)/,
      ["datadog.monitor-config-policy.monitor-tags"],
    ],
    [
      "a team tag naming an unknown team",
      (m) => (input(m).tags = input(m).tags.map((t) => (t.startsWith("team:") ? "team:legal-research" : t))),
      "monitor-has-owner",
      /^monitor "monitor-legal-chat-ttft-p95" is tagged team:legal-research, but "legal-research" is not a known team/,
      ["datadog.monitor-config-policy.monitor-tags"],
    ],
    [
      "a runbook link to a missing file",
      (m) => (input(m).message = input(m).message.replace("/runbooks/ttft-p95.md", "/runbooks/ttft.md")),
      "monitor-has-runbook",
      /^monitor "monitor-legal-chat-ttft-p95" links runbook https:\/\/github\.com\/acme-legal\/llm-observability\/blob\/main\/runbooks\/ttft\.md, but runbooks\/ttft\.md does not exist in this repository/,
    ],
    [
      "no handle",
      (m) => (input(m).message = input(m).message.replace(/(?<=^|\s)@[\w.-]+/g, "")),
      "monitor-has-escalation-path",
      /^monitor "monitor-legal-chat-ttft-p95" notifies nobody: its message has no @-handle/,
    ],
    [
      "a paging priority without PagerDuty",
      (m) => (input(m).message = input(m).message.replaceAll(`${PAGER} `, "")),
      "monitor-has-escalation-path",
      /^monitor "monitor-legal-chat-ttft-p95" has paging priority P2 but never notifies PagerDuty \(handles: @slack-research-assistant-alerts\)/,
    ],
    [
      "a threshold mismatch",
      (m) => (input(m).monitorThresholds.critical = "650"),
      "monitor-threshold-matches-query",
      /^monitor "monitor-legal-chat-ttft-p95" has monitorThresholds.critical "650", but its query compares against 600 \("> 600"\)/,
    ],
    [
      "a by {user_id} group-by",
      (m) => (input(m).query = input(m).query.replace("} > 600", "} by {user_id} > 600")),
      "no-unbounded-group-by",
      /^monitor "monitor-legal-chat-ttft-p95" groups by user_id in "percentile\(last_10m\):p95:llm\.ttft\{feature:legal-chat,env:prod\} by \{user_id\} > 600"/,
      ["datadog.metric-tag-configuration.tags-for-queries"],
    ],
    [
      "a feature missing its TTFT monitor",
      (m, plan) => plan.resources.splice(plan.resources.indexOf(m), 1),
      "feature-has-all-monitors",
      /^feature "legal-chat" has no ttft-p95 monitor: no datadog\.Monitor is tagged feature:legal-chat with monitor:ttft-p95 \(expected "monitor-legal-chat-ttft-p95"\)/,
    ],
    [
      "a dangling @pagerduty- handle",
      (m) => (input(m).message = input(m).message.replaceAll(PAGER, "@pagerduty-llm-prod-research")),
      "pagerduty-handles-resolve",
      /^monitor "monitor-legal-chat-ttft-p95" notifies @pagerduty-llm-prod-research, but no datadog\.pagerduty\.ServiceObject in this stack has serviceName "llm-prod-research" \(service objects: llm-prod-contracts-ai, llm-prod-platform, llm-prod-research-assistant\)/,
    ],
  ];

  it.each(cases)("%s", async (name, change, policy, message, org = []) => {
    const { code, violations } = await check(broken(change), name.replace(/\W+/g, "-"));
    expect(violations.map((v) => v.policyName)).toEqual([policy, ...org]);
    expect(violations[0].enforcementLevel).toBe("mandatory");
    expect(violations[0].message).toMatch(message);
    expect(code).toBe(1);
  });

  it("names the broken monitor's URN where the violation is about a resource", async () => {
    const { violations } = await check(
      broken((m) => (input(m).monitorThresholds.critical = "650")),
      "urn",
    );
    const monitor = plans.prod!.resources.find((r) => r.name === TARGET)!;
    expect([violations[0].urn, violations[0].resourceName, violations[0].resourceType]).toEqual([monitor.urn, TARGET, TYPE.monitor]);
  });
});
