// The proof: the legal fixture's stacks pass `npm run check`, and each of the 39 broken-plan kinds
// (test/fixtures/broken-plans.ts: the synthesized legal fixture plan broken in exactly one way, in
// memory) is rejected by `npm run check`, by exactly the pack rule that names its cause (plus,
// where listed, the org constraint the same break trips on the stack that owns the org).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Violation } from "../policies/offline";
import { packArgs } from "../policies/rules";
import { main } from "../tools/check";
import { TYPE } from "../config/names";
import { type Plan, planJson } from "../plan/plan";
import { BROKEN_PLANS, named, PAGER, TARGET } from "./fixtures/broken-plans";
import { recordedPlan, LEGAL_STACKS, synthLegal } from "./fixtures/legal";

// The policy pack reads the legal fixture as its repository's catalog, never the user's (test/fixtures/legal-context.ts).
vi.mock("../policies/context", async (importOriginal) =>
  (await import("./fixtures/legal-context")).legalRepoContext(await importOriginal()),
);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fixture-plans-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const plans: Partial<Record<(typeof LEGAL_STACKS)[number], Plan>> = {};
beforeAll(async () => {
  for (const stack of LEGAL_STACKS) plans[stack] = await synthLegal(stack);
});

async function check(plan: Plan, name: string): Promise<{ code: number; violations: Violation[] }> {
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, planJson(recordedPlan(plan)));
  let out = "";
  const code = await main(["--plan", file, "--json"], { out: (t) => (out += t), err: (t) => expect.fail(t) });
  return { code, violations: JSON.parse(out) };
}

describe("the legal fixture's stacks", () => {
  it.each(LEGAL_STACKS)("%s passes every policy with no violation at all", async (stack) => {
    const { code, violations } = await check(plans[stack]!, `legal-${stack}`);
    expect(violations).toEqual([]);
    expect(code).toBe(0);
  });

  it("are what the mutations below start from: the target monitor pages its team", () => {
    const m = named(plans.prod!, TARGET).inputs as { message: string; tags: string[] };
    expect(m.message).toContain(PAGER);
    expect(m.tags).toContain("team:research-assistant");
  });
});

describe("a plan broken in exactly one way is rejected by exactly the rule that names its cause", () => {
  it("covers the 39 kinds of issue 11: the 27 the pack already rejected and the 12 it did not", () => {
    expect(BROKEN_PLANS).toHaveLength(39);
    expect(new Set(BROKEN_PLANS.map((c) => c.kind)).size).toBe(39);
    expect(BROKEN_PLANS.filter((c) => c.before === "rejected")).toHaveLength(27);
  });

  const packRules = new Set(packArgs.policies.map((p) => p.name));
  const numbered = BROKEN_PLANS.map((c, i) => [`${i + 1}. ${c.kind}: rejected by ${c.policy}`, c, i + 1] as const);
  it.each(numbered)("%s", async (_name, { from, breakIt, policy, message, org }, n) => {
    const plan = structuredClone(plans[from]!);
    breakIt(plan);
    const { code, violations } = await check(plan, `broken-${n}`);
    const [pack, others] = [violations.filter((v) => packRules.has(v.policyName)), violations.filter((v) => !packRules.has(v.policyName))];
    expect([...new Set(pack.map((v) => v.policyName))]).toEqual([policy]);
    expect([...new Set(others.map((v) => v.policyName))]).toEqual(org ?? []);
    expect(violations.every((v) => v.enforcementLevel === "mandatory")).toBe(true);
    expect(pack[0].message).toMatch(message);
    expect(code).toBe(1);
  });

  it("names the broken monitor's URN where the violation is about a resource", async () => {
    const plan = structuredClone(plans.prod!);
    (named(plan, TARGET).inputs.monitorThresholds as { critical: string }).critical = "650";
    const { violations } = await check(plan, "urn");
    const monitor = named(plans.prod!, TARGET);
    expect([violations[0].urn, violations[0].resourceName, violations[0].resourceType]).toEqual([monitor.urn, TARGET, TYPE.monitor]);
  });
});
