// Constraints between a stack's queries and the Datadog org's shared resources, which only one
// stack (`ownsOrgResources`) creates. Datadog accepts a query on a tag its metric's tag
// configuration does not keep, or a p95 of a distribution without percentiles, and returns no
// data, silently; and it rejects a monitor whose `team:` the org's tag policy does not list.
// synth holds the org stack to its own resources; `npm run check -- --org-plan` holds any
// other stack to the org stack's.
import { dashboardReads, type MetricRead, monitorReads, sloReads } from "../org/usage";
import { TYPE } from "../config/names";
import type { Breach, CheckedResource, Source } from "./rules";

export interface PlanResources {
  stack: string;
  resources: readonly CheckedResource[];
}

export interface OrgConstraint {
  id: string;
  rule: string;
  source: Source;
  note?: string;
  /** Breaches of `stack`'s resources against the org's resources in `org` (the same plan on the org stack). */
  check(stack: PlanResources, org: PlanResources): Breach[];
}

const DISTRIBUTIONS_DOCS: Source = {
  ref:
    "Datadog docs metrics/distributions, 'Enabling advanced query functionality' (percentiles are enabled per metric) and " +
    "@pulumi/datadog MetricTagConfiguration.includePercentiles 'Defaults to false'",
  url: "https://docs.datadoghq.com/metrics/distributions/#enabling-advanced-query-functionality",
};
const MWL_DOCS: Source = {
  ref: "Datadog docs metrics/metrics-without-limits (the configured tags are the allowlist of tags that remain queryable)",
  url: "https://docs.datadoghq.com/metrics/metrics-without-limits/",
};
const TAG_POLICY_SOURCE: Source = {
  ref:
    "Datadog API v2 monitor configuration policies (POST /api/v2/monitor/policy): monitors missing the required tag or with a value " +
    "outside valid_tag_values are rejected on create/update (DataDog/terraform-provider-datadog#3539)",
  url: "https://docs.datadoghq.com/monitors/settings/#tag-policies",
};
const ORG_RESOURCES_SOURCE: Source = {
  ref: "one MetricTagConfiguration per metric name and one tag policy per key exist per Datadog org; docs/org-resources.md",
  url: "https://docs.datadoghq.com/api/latest/metrics/#create-a-tag-configuration",
};

/** Resource types only the stack with `ownsOrgResources` creates. */
export const ORG_RESOURCE_TYPES: readonly string[] = [TYPE.metricTagConfiguration, TYPE.monitorConfigPolicy];

interface Located extends MetricRead {
  type: string;
  resource: string;
  field: string;
}

/** Every metric read of the plan's dashboards, monitors and SLOs, with the resource and input it is in. */
export function planReads(plan: PlanResources): Located[] {
  const out: Located[] = [];
  for (const r of plan.resources) {
    if (r.type === TYPE.dashboard) {
      let body: unknown;
      try {
        body = JSON.parse(String(r.inputs.dashboard));
      } catch {
        continue; // an unparsable dashboard is the spec check's problem
      }
      for (const read of dashboardReads(r.name, body)) {
        out.push({ ...read, type: r.type, resource: r.name, field: `dashboard ${read.where}` });
      }
    } else if (r.type === TYPE.monitor && typeof r.inputs.query === "string") {
      for (const read of monitorReads(r.name, r.inputs.query)) out.push({ ...read, type: r.type, resource: r.name, field: "query" });
    } else if (r.type === TYPE.serviceLevelObjective && r.inputs.query !== null && typeof r.inputs.query === "object") {
      for (const read of sloReads(r.name, r.inputs.query)) out.push({ ...read, type: r.type, resource: r.name, field: read.where });
    }
  }
  return out;
}

interface TagConfiguration {
  metricType?: unknown;
  tags: string[];
  includePercentiles: boolean;
  excludeTagsMode: boolean;
}

function tagConfigurationsOf(org: PlanResources): Map<string, TagConfiguration> {
  return new Map(
    org.resources
      .filter((r) => r.type === TYPE.metricTagConfiguration)
      .map((r) => [
        String(r.inputs.metricName),
        {
          metricType: r.inputs.metricType,
          tags: Array.isArray(r.inputs.tags) ? r.inputs.tags.map(String) : [],
          includePercentiles: r.inputs.includePercentiles === true,
          excludeTagsMode: r.inputs.excludeTagsMode === true,
        },
      ]),
  );
}

const breach = (
  c: Pick<OrgConstraint, "id" | "rule" | "source">,
  r: Pick<Located, "type" | "resource" | "field">,
  problem: string,
): Breach => ({
  constraint: c.id,
  rule: c.rule,
  enforcedBy: "api",
  source: c.source,
  type: r.type,
  resource: r.resource,
  field: r.field,
  problem,
});

const percentilesForQueries: OrgConstraint = {
  id: "datadog.metric-tag-configuration.percentiles-for-queries",
  rule: "every p50/p75/p90/p95/p99 query of a distribution has percentiles enabled in the org's tag configuration of that metric",
  source: DISTRIBUTIONS_DOCS,
  note: "Without them the query returns no data: the monitor sits OK (or NO DATA) forever and the widget stays empty.",
  check(stack, org) {
    const configs = tagConfigurationsOf(org);
    return planReads(stack)
      .filter((r) => r.percentile !== undefined)
      .flatMap((r) => {
        const c = configs.get(r.metric);
        if (c?.includePercentiles && c.metricType === "distribution") return [];
        const why = c
          ? `its tag configuration in stack ${org.stack} has includePercentiles off`
          : `stack ${org.stack} creates no tag configuration for it`;
        return [breach(this, r, `${r.percentile}:${r.metric} needs percentiles, but ${why}`)];
      });
  },
};

const tagsForQueries: OrgConstraint = {
  id: "datadog.metric-tag-configuration.tags-for-queries",
  rule: "every tag a query filters on (template variables included) or groups by is kept by the org's tag configuration of its metric",
  source: MWL_DOCS,
  note: "A tag left out of the allow list is still ingested but not queryable: the filter or group-by matches nothing.",
  check(stack, org) {
    const configs = tagConfigurationsOf(org);
    const out: Breach[] = [];
    for (const r of planReads(stack)) {
      const c = configs.get(r.metric);
      if (!c) continue; // no configuration: every tag stays queryable
      const missing = r.tags.filter((t) => (c.excludeTagsMode ? c.tags.includes(t) : !c.tags.includes(t)));
      if (missing.length) {
        out.push(
          breach(
            this,
            r,
            `${r.aggregation}:${r.metric} reads ${missing.map((t) => `"${t}"`).join(", ")}, which its tag configuration in stack ` +
              `${org.stack} does not keep (${c.excludeTagsMode ? "excludes" : "keeps"}: ${c.tags.join(", ") || "nothing"})`,
          ),
        );
      }
    }
    return out;
  },
};

const teamTagPolicy: OrgConstraint = {
  id: "datadog.monitor-config-policy.monitor-tags",
  rule: "every monitor carries the tag the org's monitor tag policy requires, with one of its valid values",
  source: TAG_POLICY_SOURCE,
  check(stack, org) {
    const policies = org.resources.filter((r) => r.type === TYPE.monitorConfigPolicy && r.inputs.policyType === "tag");
    const out: Breach[] = [];
    for (const policy of policies) {
      const p = (policy.inputs.tagPolicy ?? {}) as Record<string, unknown>;
      const key = String(p.tagKey);
      const valid = Array.isArray(p.validTagValues) ? p.validTagValues.map(String) : [];
      for (const m of stack.resources.filter((r) => r.type === TYPE.monitor)) {
        const tags = Array.isArray(m.inputs.tags) ? m.inputs.tags.map(String) : [];
        const values = tags.filter((t) => t.startsWith(`${key}:`)).map((t) => t.slice(key.length + 1));
        const where = { type: m.type, resource: m.name, field: "tags" };
        if (values.length === 0 && p.tagKeyRequired === true) {
          out.push(breach(this, where, `has no "${key}:" tag, which the tag policy in stack ${org.stack} requires`));
        }
        for (const v of values.filter((x) => !valid.includes(x))) {
          out.push(breach(this, where, `has "${key}:${v}"; the tag policy in stack ${org.stack} allows ${valid.join(", ") || "no value"}`));
        }
      }
    }
    return out;
  },
};

const singleOwner: OrgConstraint = {
  id: "org.resources.single-owner",
  rule: "only the stack with ownsOrgResources creates tag configurations and the monitor tag policy",
  source: ORG_RESOURCES_SOURCE,
  note: "Two stacks that both create them overwrite each other's configuration on every deploy, and destroying either deletes the org's.",
  check(stack, org) {
    if (stack.stack === org.stack) return [];
    return stack.resources
      .filter((r) => ORG_RESOURCE_TYPES.includes(r.type))
      .map((r) =>
        breach(
          this,
          { type: r.type, resource: r.name, field: "(resource)" },
          `is org-wide, and stack ${org.stack} already owns the org's resources`,
        ),
      );
  },
};

export const ORG_CONSTRAINTS: readonly OrgConstraint[] = [percentilesForQueries, tagsForQueries, teamTagPolicy, singleOwner];

/** Whether a plan creates the org's resources (its stack has `ownsOrgResources`). */
export function ownsOrgResources(plan: PlanResources): boolean {
  return plan.resources.some((r) => ORG_RESOURCE_TYPES.includes(r.type));
}
