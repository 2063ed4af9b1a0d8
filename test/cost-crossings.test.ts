// The lines a stack's custom-metric estimate can cross (cardinality/crossings.ts), on hand-made
// cost records: the numbers are the test's own, so each case says exactly which line it crosses.
import { describe, expect, it } from "vitest";
import { costCrossings, type CostSituation, costViolation, expectedOrgUsage } from "../cardinality/crossings";
import type { CostRecord, OrgCost } from "../cardinality/record";

function record(indexed: number, budget: number, org?: OrgCost): CostRecord {
  return {
    scale: { tenants: 10, models: 2, flagVariants: 2, statuses: 2, tokenTypes: 3 },
    budget,
    indexed: { customMetrics: indexed, pricePer100: 5, monthlyUsd: indexed / 20 },
    ingested: { customMetrics: 2 * indexed, pricePer100: 0.1, monthlyUsd: indexed / 500 },
    monthlyUsd: indexed / 20 + indexed / 500,
    features: [{ id: "a", indexed, ingested: 2 * indexed }],
    metrics: [{ name: "llm.requests", indexed, ingested: 2 * indexed }],
    ...(org ? { org } : {}),
  };
}

/** An org stack of 1,000 indexed, planning 200 for the other stacks: warning at 1,320, alert above `budget`. */
function orgStack(budget = 2_000, indexed = 1_000, otherStacks = 200): CostSituation {
  const planned = indexed + otherStacks;
  const warning = Math.ceil(planned * 1.1);
  const org = { budget, otherStacks, planned, ...(warning < budget ? { warning } : {}) };
  return { stack: "prod", cost: record(indexed, 5_000, org), owner: { stack: "prod", indexed, org } };
}

describe("costCrossings", () => {
  it.each<[string, CostSituation, string[]]>([
    ["a stack within its budget, with no org monitor in sight", { stack: "staging", cost: record(900, 1_000) }, []],
    ["a stack exactly at its budget", { stack: "staging", cost: record(1_000, 1_000) }, []],
    ["a stack one over its budget", { stack: "staging", cost: record(1_001, 1_000) }, ["stack-budget"]],
    ["the org stack as planned, its monitor warning 10 % above the plan", orgStack(), []],
    ["the org stack whose budget leaves no room for a warning", orgStack(1_300), ["no-warning"]],
    [
      "the org stack with another stack that outgrew what the org plan counts for it, past the warning",
      { ...orgStack(), others: [{ stack: "staging", indexed: 400 }] },
      ["warning"],
    ],
    [
      "the org stack with another stack that outgrew the plan, but within the warning's margin",
      { ...orgStack(), others: [{ stack: "staging", indexed: 300 }] },
      [],
    ],
    [
      "the org stack with the other stacks past the org budget",
      { ...orgStack(), others: [{ stack: "staging", indexed: 1_500 }] },
      ["org-budget"],
    ],
    ["the org stack grown past the warning the monitor has before the change", { ...orgStack(), warningBefore: 1_100 }, ["warning-before"]],
    ["the org stack grown, but within the warning the monitor had", { ...orgStack(), warningBefore: 1_300 }, []],
    ["the org stack whose monitor had no warning before the change", { ...orgStack(), warningBefore: null }, []],
    [
      "the org stack whose growth removes the warning: said once, as no warning",
      { ...orgStack(1_300), warningBefore: 1_100 },
      ["no-warning"],
    ],
  ])("%s", (_, situation, kinds) => {
    expect(costCrossings(situation).map((c) => c.kind)).toEqual(kinds);
  });

  it("names the stacks the org's expected usage is made of, once the others outgrow the declared figure", () => {
    const { owner } = orgStack();
    expect(expectedOrgUsage(owner!, [{ stack: "staging", indexed: 150 }])).toEqual({
      total: 1_200,
      others: 200,
      breakdown: "prod 1,000 + other stacks 200",
    });
    expect(
      expectedOrgUsage(owner!, [
        { stack: "staging", indexed: 150 },
        { stack: "dev", indexed: 100 },
      ]),
    ).toEqual({
      total: 1_250,
      others: 250,
      breakdown: "prod 1,000 + staging 150 + dev 100",
    });
  });

  it("the policy's message names the estimate, the budget and the warning, then what is crossed; nothing when nothing is", () => {
    expect(costViolation(orgStack())).toBeUndefined();
    expect(costViolation({ stack: "staging", cost: record(1_200, 1_000) })).toBe(
      "stack staging: estimated 1,200 indexed custom metrics ≈ $60/month (largest: llm.requests 1,200; plus 2,400 ingested ≈ " +
        "$2.40/month); budget 1,000 (monitoring.customMetricBudget); the observability-cost monitor's warning is not judged here " +
        "(it lives in the stack with ownsOrgResources). 1,200 indexed custom metrics exceed stack staging's budget of 1,000 " +
        "(`monitoring.customMetricBudget`) by 200.",
    );
    expect(costViolation(orgStack(1_300))).toContain("the observability-cost monitor (stack prod) has no warning and alerts above 1,300.");
  });
});
