// The advisory custom-metric budget policy, run on fake CrossGuard stack arguments the way
// the policy server calls it (`stackTags` and a throwing `notApplicable` are required).
import type { PolicyResource, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import Ajv from "ajv";
import { describe, expect, it, vi } from "vitest";
import {
  type CardinalityPolicyConfig,
  cardinalityRules,
  CUSTOM_METRIC_BUDGET_POLICY,
  customMetricBudget,
} from "../policies/rules/cardinality";

// The policy pack reads the legal fixture as its repository's catalog, never the user's (test/fixtures/legal-context.ts).
vi.mock("../policies/context", async (importOriginal) =>
  (await import("./fixtures/legal-context")).legalRepoContext(await importOriginal()),
);

class NotApplicable extends Error {}

function resource(stack: string): PolicyResource {
  const urn = `urn:pulumi:${stack}::llm-observability::datadog:index/dashboardJson:DashboardJson::dashboard-overview`;
  return {
    type: "datadog:index/dashboardJson:DashboardJson",
    props: {},
    urn,
    name: "dashboard-overview",
    opts: {} as PolicyResource["opts"],
    dependencies: [],
    propertyDependencies: {},
    isType: () => false,
    asType: () => undefined,
  } as unknown as PolicyResource;
}

async function run(opts: { stack?: string; config?: CardinalityPolicyConfig; resources?: PolicyResource[] }) {
  const violations: string[] = [];
  const args: StackValidationArgs = {
    resources: opts.resources ?? [resource(opts.stack ?? "prod")],
    stackTags: new Map(),
    getConfig: <T extends object>() => (opts.config ?? {}) as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
  await (customMetricBudget as StackValidationPolicy).validateStack(args, (message) => violations.push(message));
  return violations;
}

describe("the custom-metric budget policy", () => {
  it("is one advisory stack policy with a description and remediation steps", () => {
    expect(cardinalityRules).toEqual([customMetricBudget]);
    expect(customMetricBudget.name).toBe(CUSTOM_METRIC_BUDGET_POLICY);
    expect(customMetricBudget.name).toMatch(/^[a-zA-Z0-9-_.]{1,100}$/);
    expect(customMetricBudget.enforcementLevel).toBe("advisory");
    expect(customMetricBudget.description.length).toBeGreaterThan(20);
    expect(customMetricBudget.remediationSteps).toContain("cardinality.md");
    expect(Object.keys(customMetricBudget.configSchema?.properties ?? {})).not.toContain("enforcementLevel");
  });

  it("flags prod when its budget is below the estimate, naming both numbers", async () => {
    const violations = await run({ stack: "prod", config: { customMetricBudget: 20_000 } });
    expect(violations).toHaveLength(1);
    expect(violations[0]).toContain("stack prod: estimated 23,844 indexed custom metrics");
    expect(violations[0]).toContain("23,844 indexed custom metrics exceed stack prod's budget of 20,000");
    expect(violations[0]).toContain("llm.requests 10,400");
  });

  it.each<[string, string, CardinalityPolicyConfig]>([
    ["prod within its configured budget (23,844 of 30,000)", "prod", {}],
    ["staging's 40 tenants (2,604 of 8,000)", "staging", {}],
    ["a budget raised by policy config", "prod", { customMetricBudget: 50_000 }],
    ["a tenant scale lowered by policy config (6,144)", "prod", { tenants: 100, customMetricBudget: 20_000 }],
    ["the stack named in policy config rather than in the URNs", "prod", { stack: "staging" }],
  ])("stays quiet for %s", async (_, stack, config) => {
    expect(await run({ stack, config })).toEqual([]);
  });

  it("fires when an override pushes a stack over its budget", async () => {
    const violations = await run({ stack: "staging", config: { customMetricBudget: 2_000 } });
    expect(violations).toEqual([expect.stringContaining("2,604 indexed custom metrics exceed stack staging's budget of 2,000")]);
  });

  it.each<[string, Parameters<typeof run>[0], string]>([
    ["a stack without a Pulumi.<stack>.yaml here", { stack: "dev" }, "Pulumi.dev.yaml is missing or invalid"],
    ["a stack with no resources to read its name from", { resources: [] }, "no resource URN names the stack"],
  ])("is not applicable to %s", async (_, opts, reason) => {
    await expect(run(opts)).rejects.toThrow(reason);
  });

  it.each<[CardinalityPolicyConfig | Record<string, unknown>, boolean]>([
    [{ customMetricBudget: 50_000, tenants: 120, models: 3, flagVariants: 3, stack: "prod" }, true],
    [{ customMetricBudget: 0 }, false],
    [{ tenants: 2.5 }, false],
    [{ flagVariants: 1 }, false],
    [{ models: "four" }, false],
  ])("has a config schema that accepts %j: %s", (config, valid) => {
    const validate = new Ajv({ strict: false }).compile({ type: "object", ...customMetricBudget.configSchema });
    expect(validate(config)).toBe(valid);
  });
});
