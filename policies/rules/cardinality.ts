// Advisory: the observability's own custom-metric bill must fit its budget. The estimate
// comes from the same catalog the program builds from, so a new feature, flag or a bigger
// `scale` shows up at preview time, before Datadog's usage page shows it a month later.
import type { StackValidationPolicy } from "@pulumi/policy";
import { cardinalitySummary } from "../../cardinality";
import { BUCKET_VALUE } from "../../config/contract";
import { stackCardinality } from "../../org/build";
import type { Catalog } from "../../config/validate";
import { repoCatalog, stackFromUrn } from "../context";
import type { Rule } from "./types";

export const CUSTOM_METRIC_BUDGET_POLICY = "llm-custom-metric-budget";

/** Policy config (`--policy-pack-config`); every key overrides what the repo's files say. */
export interface CardinalityPolicyConfig {
  /** Stack whose Pulumi.<stack>.yaml to read; default: the stack in the resources' URNs. */
  stack?: string;
  customMetricBudget?: number;
  tenants?: number;
  models?: number;
  flagVariants?: number;
}

const positiveInteger = { type: "integer", minimum: 1 } as const;

export const customMetricBudget: StackValidationPolicy = {
  name: CUSTOM_METRIC_BUDGET_POLICY,
  description:
    "The estimated indexed Datadog custom metrics of the metric contract (under the org's tag configurations), at the stack's " +
    "declared scale, stay within the stack's custom-metric budget.",
  enforcementLevel: "advisory",
  configSchema: {
    properties: {
      stack: { type: "string", description: "Stack whose Pulumi.<stack>.yaml is read (default: from the resource URNs)." },
      customMetricBudget: { ...positiveInteger, description: "Overrides monitoring.customMetricBudget." },
      tenants: { ...positiveInteger, description: "Overrides scale.tenants." },
      models: { ...positiveInteger, description: "Overrides scale.models." },
      flagVariants: { type: "integer", minimum: 2, description: "Overrides scale.flagVariants." },
    },
  },
  remediationSteps: [
    "Read out/<stack>/cardinality.md (npm run synth): it lists custom metrics per metric and per feature.",
    "If the scale is real, raise llm-observability:monitoring.customMetricBudget with the owner of the Datadog bill.",
    `Otherwise cut combinations: fewer models or flag variants per feature, retire finished feature flags, or cap tenants (the ` +
      `emitter's tenants.allow / maxDistinct) so long-tail tenants report as \`${BUCKET_VALUE}\`.`,
    "Never add a tag to a metric in config/contract.ts without re-running the estimate; tenant belongs only on counters and the " +
      "judge score.",
  ].join("\n"),
  validateStack: (args, reportViolation) => {
    const config = args.getConfig<CardinalityPolicyConfig>();
    const stack = config.stack ?? args.resources.map((r) => stackFromUrn(r.urn)).find((s) => s !== undefined);
    if (!stack) return args.notApplicable("no resource URN names the stack; set the policy config `stack`");
    const catalog = repoCatalog(stack);
    if (!catalog) return args.notApplicable(`Pulumi.${stack}.yaml is missing or invalid in this repository`);

    const estimate = stackCardinality(withOverrides(catalog, config));
    const budget = estimate.budget;
    if (estimate.indexed.total <= budget) return;
    const top = [...estimate.indexed.metrics]
      .sort((a, b) => b.customMetrics - a.customMetrics)
      .slice(0, 3)
      .map((m) => `${m.name} ${m.customMetrics.toLocaleString("en-US")}`)
      .join(", ");
    reportViolation(
      `estimated ${estimate.indexed.total.toLocaleString("en-US")} custom metrics exceed the budget of ${budget.toLocaleString("en-US")} ` +
        `for stack ${stack} (largest: ${top}). ${cardinalitySummary(estimate)[0]}.`,
    );
  },
};

function withOverrides(catalog: Catalog, c: CardinalityPolicyConfig): Catalog {
  const { stack } = catalog;
  return {
    ...catalog,
    stack: {
      ...stack,
      scale: {
        tenants: c.tenants ?? stack.scale.tenants,
        models: c.models ?? stack.scale.models,
        flagVariants: c.flagVariants ?? stack.scale.flagVariants,
      },
      monitoring: { ...stack.monitoring, customMetricBudget: c.customMetricBudget ?? stack.monitoring.customMetricBudget },
    },
  };
}

export const cardinalityRules: Rule[] = [customMetricBudget];
