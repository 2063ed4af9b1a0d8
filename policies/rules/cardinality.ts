// Advisory: the observability's own custom-metric bill must fit its budget, and the org's
// expected usage must stay below the observability-cost monitor's warning (cardinality/crossings.ts).
// Under `pulumi preview` the estimate comes from the same catalog the program builds from, so a
// new feature, flag or a bigger `scale` shows up at preview time, before Datadog's usage page
// shows it a month later; `npm run check` judges the estimate recorded in the plan itself.
import type { StackValidationPolicy } from "@pulumi/policy";
import { type CostSituation, costViolation } from "../../cardinality";
import { BUCKET_VALUE } from "../../config/contract";
import { stackCostRecord } from "../../org/build";
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

/**
 * What the policy judges for a stack: the cost estimate and, where known, the org-wide monitor's
 * numbers; or why it cannot (the policy is then not applicable).
 */
export type CostSource = (stack: string, config: CardinalityPolicyConfig) => CostSituation | { notApplicable: string };

/** Under `pulumi preview`: the estimate of this repository's catalog for the stack, at the scale policy config may override. */
export const costFromCatalog: CostSource = (stack, config) => {
  const catalog = repoCatalog(stack);
  if (!catalog) return { notApplicable: `Pulumi.${stack}.yaml is missing or invalid in this repository` };
  const cost = stackCostRecord(withOverrides(catalog, config));
  return { stack, cost, owner: cost.org ? { stack, indexed: cost.indexed.customMetrics, org: cost.org } : undefined };
};

/** The policy, judging the estimate `source` gives: the catalog's under CrossGuard, the plan's own under `npm run check`. */
export function customMetricBudgetPolicy(source: CostSource): StackValidationPolicy {
  return {
    name: CUSTOM_METRIC_BUDGET_POLICY,
    description:
      "The estimated indexed Datadog custom metrics of the metric contract (under the org's tag configurations), at the stack's " +
      "declared scale, stay within the stack's custom-metric budget, and the org's expected usage stays below the " +
      "observability-cost monitor's warning.",
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
      "If the scale is real, raise llm-observability:monitoring.customMetricBudget with the owner of the Datadog bill (and " +
        "orgBudget on the stack with ownsOrgResources, whose otherStacksCustomMetrics must count the other stacks' estimates).",
      `Otherwise cut combinations: fewer models or flag variants per feature, retire finished feature flags, or cap tenants (the ` +
        `emitter's tenants.allow / maxDistinct) so long-tail tenants report as \`${BUCKET_VALUE}\`.`,
      "Never add a tag to a metric in config/contract.ts without re-running the estimate; tenant belongs only on counters and the " +
        "judge score.",
    ].join("\n"),
    validateStack: (args, reportViolation) => {
      const config = args.getConfig<CardinalityPolicyConfig>();
      const stack = config.stack ?? args.resources.map((r) => stackFromUrn(r.urn)).find((s) => s !== undefined);
      if (!stack) return args.notApplicable("no resource URN names the stack; set the policy config `stack`");
      const situation = source(stack, config);
      if ("notApplicable" in situation) return args.notApplicable(situation.notApplicable);
      const message = costViolation(situation);
      if (message) reportViolation(message);
    },
  };
}

export const customMetricBudget: StackValidationPolicy = customMetricBudgetPolicy(costFromCatalog);

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
