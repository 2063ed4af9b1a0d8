// The real program under Pulumi mocks: identity, uniqueness and the validation edge.
import { describe, expect, it } from "vitest";
import { ConfigError } from "../config/errors";
import { planJson } from "../plan/plan";
import { registeredResourceCount } from "../tools/mocks";
import { legalFeatures, legalTeams, LEGAL_STACKS, synthLegal } from "./fixtures/legal";

describe("the program under mocks", () => {
  it.each(LEGAL_STACKS)("registers unique names and URNs, every resource under a component, on %s.", async (stack) => {
    const plan = await synthLegal(stack);
    const custom = plan.resources.filter((r) => r.custom);
    expect(custom.length).toBeGreaterThan(0);
    expect(new Set(plan.resources.map((r) => r.urn)).size).toBe(plan.resources.length);
    // The engine rejects two resources of one type with one name; mocks do not, so check it here.
    expect(new Set(plan.resources.map((r) => `${r.type}::${r.name}`)).size).toBe(plan.resources.length);
    const components = new Set(plan.resources.filter((r) => !r.custom).map((r) => r.urn));
    for (const r of custom) expect(components.has(r.parent ?? ""), `${r.urn} has a component parent`).toBe(true);
  });

  it("keeps every URN when a feature's or a team's display name changes.", async () => {
    const before = await synthLegal("prod");
    const features = legalFeatures();
    const teams = legalTeams();
    features[0].name = "Clause extraction (v2, renamed)";
    teams[0].name = "Contract Intelligence";
    const after = await synthLegal("prod", { features, teams });
    expect(after.resources.map((r) => r.urn)).toEqual(before.resources.map((r) => r.urn));
    // ...while the rename does reach what people read.
    expect(planJson(after)).toContain("Clause extraction (v2, renamed)");
  });

  it("writes byte-identical plans on two runs.", async () => {
    const a = planJson(await synthLegal("prod"));
    const b = planJson(await synthLegal("prod"));
    expect(a).toBe(b);
  });

  it("creates nothing and names every problem when the catalog is invalid.", async () => {
    const features = legalFeatures();
    features[2].budgetUsdPerDay = -5;
    features[1].owner = "growht";
    const error = await synthLegal("prod", { features }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(registeredResourceCount()).toBe(0);
    expect((error as ConfigError).problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'features[1].owner: unknown team "growht" (known: contracts-ai, research-assistant, platform)',
      "features[2].budgetUsdPerDay: must be between 0.01 and 1000000 USD per day (got -5)",
    ]);
  });
});
