// Rules over the whole stack: things no single resource can show. A PagerDuty handle must
// resolve to a service object the stack creates, every feature must have every required
// per-feature monitor kind of the registry, and no team may be paged by so many monitors that
// the pager gets muted.
import * as datadog from "@pulumi/datadog";
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { TAG } from "../../config/contract";
import { HANDLE_PREFIX, monitorName, pagerdutyHandleOf, pagerdutyServicesIn, RESOURCE_TAG, tagValues } from "../../config/names";
import { requiredFeatureKinds } from "../../monitors/kinds";
import { asString, asStringArray, catalogForUrn, quoteList } from "./common";

/** The monitors every feature must have: the required per-feature kinds of the registry (monitors/kinds.ts). */
export const PER_FEATURE_MONITOR_KINDS: readonly string[] = requiredFeatureKinds();

/** Used when neither policy config nor the stack config names a paging budget. */
export const DEFAULT_PAGING_BUDGET = 12;

function monitorsOf(resources: PolicyResource[]): PolicyResource[] {
  return resources.filter((r) => r.isType(datadog.Monitor));
}

function anyUrn(resources: PolicyResource[]): string | undefined {
  return resources[0]?.urn;
}

export const pagerdutyHandlesResolve: StackValidationPolicy = {
  name: "pagerduty-handles-resolve",
  description:
    `Every ${HANDLE_PREFIX.pagerduty}<service> handle in a monitor message resolves to a datadog.pagerduty.ServiceObject with that ` +
    `serviceName in the same stack; otherwise Datadog drops the page.`,
  remediationSteps:
    "Build handles with `pagerdutyHandle(env, team)` from config/names.ts for a team that has on-call in teams.ts, so the handle and the " +
    "ServiceObject's serviceName come from the same function; never type a PagerDuty service name by hand.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const monitors = monitorsOf(args.resources);
    if (monitors.length === 0) return args.notApplicable("the stack has no Datadog monitors");
    const services = args.resources
      .filter((r) => r.isType(datadog.pagerduty.ServiceObject))
      .map((r) => asString(r.props.serviceName))
      .filter((s): s is string => s !== undefined);
    for (const monitor of monitors) {
      const texts = [monitor.props.message, monitor.props.escalationMessage].map(asString).filter((t): t is string => t !== undefined);
      for (const service of new Set(texts.flatMap(pagerdutyServicesIn))) {
        if (services.includes(service)) continue;
        report(
          `monitor "${monitor.name}" notifies ${pagerdutyHandleOf(service)}, but no datadog.pagerduty.ServiceObject in this ` +
            `stack has serviceName "${service}" ` +
            `(service objects: ${quoteList(services)}), so Datadog drops the page. Use pagerdutyHandle(env, team) from ` +
            `config/names.ts for a team with on-call.`,
          monitor.urn,
        );
      }
    }
  },
};

interface FeatureMonitorsConfig {
  features?: string[];
  kinds?: string[];
}

export const featureHasAllMonitors: StackValidationPolicy = {
  name: "feature-has-all-monitors",
  description:
    `Every feature in the catalog has all its per-feature monitors (${PER_FEATURE_MONITOR_KINDS.join(", ")}), found by their ` +
    `${TAG.feature}:<id> and ${RESOURCE_TAG.monitor}:<kind> tags.`,
  remediationSteps:
    "Per-feature monitors come from the monitors builder for each entry of features.ts; restore the missing kind there (or its tags), " +
    "rather than creating or deleting monitors by hand. A feature that is no longer served should leave features.ts.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      features: { type: "array", items: { type: "string" }, description: "Feature ids that must be monitored. Default: features.ts." },
      kinds: {
        type: "array",
        items: { type: "string" },
        description: `Monitor kinds each feature needs. Default: ${PER_FEATURE_MONITOR_KINDS.join(", ")}.`,
      },
    },
  },
  validateStack: (args, report) => {
    const config = args.getConfig<FeatureMonitorsConfig>();
    const features = config.features ?? catalogForUrn(anyUrn(args.resources))?.features.map((f) => f.id);
    if (!features)
      return args.notApplicable("no feature catalog for this stack (run from the repo, or set this policy's `features` config)");
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

export const pagingBudget: StackValidationPolicy = {
  name: "paging-budget",
  description:
    `Advisory: no team owns more paging monitors (those that notify ${HANDLE_PREFIX.pagerduty}) than the paging budget. ` +
    'The chapter\'s "alerting on every metric" mistake: a pager that fires all day gets muted.',
  remediationSteps:
    "Demote monitors that need no action at night to P3-P5 (Slack), merge overlapping ones into a multi-alert, " +
    "or raise `monitoring.pagingBudgetPerTeam` in Pulumi.<stack>.yaml deliberately.",
  enforcementLevel: "advisory",
  configSchema: {
    properties: {
      maxPagingMonitorsPerTeam: {
        type: "integer",
        minimum: 1,
        description:
          "Paging monitors allowed per team. " +
          `Default: monitoring.pagingBudgetPerTeam in Pulumi.<stack>.yaml, else ${DEFAULT_PAGING_BUDGET}.`,
      },
    },
  },
  validateStack: (args, report) => {
    const monitors = monitorsOf(args.resources);
    if (monitors.length === 0) return args.notApplicable("the stack has no Datadog monitors");
    const budget =
      args.getConfig<{ maxPagingMonitorsPerTeam?: number }>().maxPagingMonitorsPerTeam ??
      catalogForUrn(anyUrn(args.resources))?.stack.monitoring.pagingBudgetPerTeam ??
      DEFAULT_PAGING_BUDGET;
    const byTeam = new Map<string, string[]>();
    for (const monitor of monitors) {
      if (pagerdutyServicesIn(asString(monitor.props.message) ?? "").length === 0) continue;
      const team = tagValues(asStringArray(monitor.props.tags), RESOURCE_TAG.team)[0] ?? "(no team)";
      byTeam.set(team, [...(byTeam.get(team) ?? []), monitor.name]);
    }
    for (const [team, names] of [...byTeam].sort(([a], [b]) => a.localeCompare(b))) {
      if (names.length <= budget) continue;
      report(
        `team "${team}" owns ${names.length} paging monitors, over the paging budget of ${budget} (${names.join(", ")}). ` +
          `Demote the ones that need no action at night to P3-P5 (Slack), merge overlapping ones, or raise ` +
          `monitoring.pagingBudgetPerTeam deliberately.`,
      );
    }
  },
};

export const stackRules = [pagerdutyHandlesResolve, featureHasAllMonitors, pagingBudget];
