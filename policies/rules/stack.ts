// Rules over the whole stack: things no single resource can show. The stack the plan is for
// must have its settings (a valid Pulumi.<stack>.yaml in this repository), and every feature must
// have every required per-feature monitor kind of the registry (monitors/kinds.ts). Paging across
// the stack (handles that resolve, the paging budget) lives in paging.ts.
import * as datadog from "@pulumi/datadog";
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { TAG } from "../../config/contract";
import { monitorName, RESOURCE_TAG, tagValues } from "../../config/names";
import { requiredFeatureKinds } from "../../monitors/kinds";
import { repoStack, runningFromRepo, stackFromUrn } from "../context";
import { STACK_CONFIG_POLICY, STACK_SETTINGS, stackSetting } from "../settings";
import { asStringArray } from "./common";

/** The monitors every feature must have: the required per-feature kinds of the registry (monitors/kinds.ts). */
export const PER_FEATURE_MONITOR_KINDS: readonly string[] = requiredFeatureKinds();

function monitorsOf(resources: PolicyResource[]): PolicyResource[] {
  return resources.filter((r) => r.isType(datadog.Monitor));
}

function anyUrn(resources: PolicyResource[]): string | undefined {
  return resources[0]?.urn;
}

/** `runbookBaseUrl (monitor-has-runbook), paging (monitor-has-escalation-path, ...)`. */
function settingsAndReaders(): string {
  return Object.entries(STACK_SETTINGS)
    .map(([name, s]) => `${name} (${s.policies.join(", ")})`)
    .join(", ");
}

export const stackHasConfig: StackValidationPolicy = {
  name: STACK_CONFIG_POLICY,
  description:
    "Run from this repository, the stack named by the plan's URNs has a Pulumi.<stack>.yaml here that validates with features.ts and " +
    "teams.ts: the rules read the stack's settings from it (runbook base URL, paging, env, features, budgets), so without it they " +
    "cannot judge the plan and the plan is rejected, never passed unjudged.",
  remediationSteps:
    "Check the plan of a stack this repository defines (`npm run synth -- --stack <stack>` writes out/<stack>/plan.json), or add " +
    "Pulumi.<stack>.yaml (copy an existing stack file and set llm-observability:env and the rest) and fix every problem it reports. A " +
    "published copy of the pack has no stack files: give each rule its settings as policy config (policies/bundle.ts writes " +
    "config/<stack>.json).",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    if (args.resources.length === 0) return args.notApplicable("the plan has no resources");
    // Outside the repository there are no stack files; each rule rejects what it lacks itself (policies/settings.ts).
    if (!runningFromRepo())
      return args.notApplicable("no repository around this copy of the pack; each rule reports the policy config it lacks");
    const stacks = new Map<string, string>();
    for (const r of args.resources) {
      const stack = stackFromUrn(r.urn);
      if (stack === undefined) {
        report(
          `resource URN ${r.urn} names no stack, so the rules cannot tell which Pulumi.<stack>.yaml to read. Check a plan written by ` +
            `npm run synth.`,
          r.urn,
        );
      } else if (!stacks.has(stack)) stacks.set(stack, r.urn);
    }
    for (const stack of stacks.keys()) {
      const found = repoStack(stack);
      if (found.ok) continue;
      report(
        `stack "${stack}": ${found.reason}, so the rules that read the stack's settings cannot judge this plan: ` +
          `${settingsAndReaders()}. Check a plan of a stack this repository defines, or add Pulumi.${stack}.yaml and fix what it ` +
          `reports.`,
      );
    }
  },
};

interface FeatureMonitorsConfig {
  features?: string[];
  kinds?: string[];
}

const FEATURES = "feature-has-all-monitors";

export const featureHasAllMonitors: StackValidationPolicy = {
  name: FEATURES,
  description:
    `Every feature in the catalog has all its per-feature monitors (${PER_FEATURE_MONITOR_KINDS.join(", ")}), found by their ` +
    `${TAG.feature}:<id> and ${RESOURCE_TAG.monitor}:<kind> tags.`,
  remediationSteps:
    "Per-feature monitors come from the monitors builder for each entry of features.ts; restore the missing kind there (or its tags), " +
    "rather than creating or deleting monitors by hand. A feature that is no longer served should leave features.ts.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      features: {
        type: "array",
        items: { type: "string" },
        description: "Feature ids that must be monitored. Default: features.ts, with the stack's Pulumi.<stack>.yaml.",
      },
      kinds: {
        type: "array",
        items: { type: "string" },
        description: `Monitor kinds each feature needs. Default: ${PER_FEATURE_MONITOR_KINDS.join(", ")}.`,
      },
    },
  },
  validateStack: (args, report) => {
    const config = args.getConfig<FeatureMonitorsConfig>();
    const features = stackSetting(args, anyUrn(args.resources), "features", FEATURES, (m) => report(m));
    if (features === undefined) return;
    const kinds = config.kinds ?? [...PER_FEATURE_MONITOR_KINDS];
    const present = new Set<string>();
    for (const monitor of monitorsOf(args.resources)) {
      const tags = asStringArray(monitor.props.tags);
      for (const feature of tagValues(tags, TAG.feature))
        for (const kind of tagValues(tags, RESOURCE_TAG.monitor)) present.add(`${feature}\u0000${kind}`);
    }
    for (const feature of features) {
      const missing = kinds.filter((k) => !present.has(`${feature}\u0000${k}`));
      if (missing.length === 0) continue;
      report(
        `feature "${feature}" has no ${missing.join(", ")} monitor${missing.length === 1 ? "" : "s"}: no datadog.Monitor is tagged ` +
          `${TAG.feature}:${feature} with ${missing.map((k) => `${RESOURCE_TAG.monitor}:${k}`).join(" / ")} ` +
          `(expected ${missing.map((k) => `"${monitorName(k, feature)}"`).join(", ")}), so ` +
          `${missing.length === 1 ? "that signal goes" : "those signals go"} unwatched. ` +
          `Restore ${missing.length === 1 ? "it" : "them"} in the monitors builder for this feature.`,
      );
    }
  },
};

export const stackRules = [stackHasConfig, featureHasAllMonitors];
