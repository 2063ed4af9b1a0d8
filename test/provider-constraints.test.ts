// The provider-constraint table: every constraint catches a breach (one breaking example each,
// and a test that no constraint lacks one), the legal fixture's stacks pass, synth refuses a breach and
// writes nothing, and the generated page is current.
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { RESOURCE_CONSTRAINTS } from "../providers/constraints";
import { checkAgainstOrg, checkPlan, checkResources, formatBreach } from "../providers/check";
import { renderConstraintsPage } from "../providers/doc";
import { ORG_CONSTRAINTS, type PlanResources } from "../providers/org";
import type { CheckedResource } from "../providers/rules";
import { type Plan } from "../plan/plan";
import { TYPE } from "../config/names";
import { verifyPlan } from "../tools/verify";
import { ROOT } from "./helpers";
import { legalCatalog, synthLegal } from "./fixtures/legal";

/** Inputs every constraint of the type accepts: shaped like what the builders produce. */
const GOOD: Record<string, Record<string, unknown>> = {
  [TYPE.sentryIssueAlert]: {
    name: "[llm prod] extract-clause · runbook sentry-errors",
    organization: "acme-legal",
    project: "contracts-api",
    environment: "prod",
    actionMatch: "any",
    filterMatch: "all",
    frequency: 1440,
    conditions: [{ id: "sentry.rules.conditions.first_seen_event.FirstSeenEventCondition" }],
    filters: [{ id: "sentry.rules.filters.tagged_event.TaggedEventFilter", key: "feature", match: "eq", value: "extract-clause" }],
    actions: [{ id: "sentry.mail.actions.NotifyEmailAction", targetType: "Team", targetIdentifier: "42" }],
  },
  [TYPE.sentryMetricAlert]: {
    name: "[llm prod] extract-clause: errors over 10 min · runbook sentry-errors",
    dataset: "events",
    eventTypes: ["error"],
    query: "feature:extract-clause",
    aggregate: "count()",
    timeWindow: 10,
    thresholdType: 0,
    resolveThreshold: 10,
    triggers: [
      { label: "critical", alertThreshold: 50, thresholdType: 0, actions: [{ type: "email", targetType: "team", targetIdentifier: "42" }] },
      { label: "warning", alertThreshold: 20, thresholdType: 0, actions: [{ type: "email", targetType: "team", targetIdentifier: "42" }] },
    ],
  },
  [TYPE.service]: {
    name: "llm-prod-contracts-ai",
    acknowledgementTimeout: "3600",
    autoResolveTimeout: "14400",
    alertCreation: "create_alerts_and_incidents",
    incidentUrgencyRule: { type: "constant", urgency: "severity_based" },
    escalationPolicy: "P123",
  },
  [TYPE.schedule]: {
    name: "Contracts AI on-call",
    timeZone: "Europe/Berlin",
    layers: [
      {
        name: "Weekly",
        start: "2026-01-05T09:00:00+01:00",
        rotationVirtualStart: "2026-01-05T09:00:00+01:00",
        rotationTurnLengthSeconds: 604800,
        users: ["PU1"],
      },
    ],
  },
  [TYPE.escalationPolicy]: {
    name: "Contracts AI escalation",
    numLoops: 2,
    rules: [{ escalationDelayInMinutes: 15, targets: [{ type: "schedule_reference", id: "S1" }] }],
  },
  [TYPE.serviceIntegration]: { name: "Datadog", service: "P123", vendor: "PDDOG" },
  [TYPE.monitor]: {
    type: "query alert",
    name: "[llm] Clause extraction: p95 time to first token too high",
    query: "percentile(last_10m):p95:llm.ttft{env:prod,feature:extract-clause} > 800",
    message: "…",
    tags: ["team:contracts-ai", "feature:extract-clause", "env:prod", "monitor:ttft-p95"],
    priority: "2",
    monitorThresholds: { critical: "800", criticalRecovery: "720" },
  },
  [TYPE.metricTagConfiguration]: { metricName: "llm.ttft", metricType: "distribution", tags: ["env", "feature"], includePercentiles: true },
  [TYPE.monitorConfigPolicy]: {
    policyType: "tag",
    tagPolicy: { tagKey: "team", tagKeyRequired: true, validTagValues: ["contracts-ai", "platform"] },
  },
  [TYPE.serviceLevelObjective]: {
    name: "[llm prod] Clause extraction: availability SLO",
    type: "metric",
    description: "99.5 % of Clause extraction's LLM calls succeed",
    tags: ["team:contracts-ai", "feature:extract-clause", "env:prod", "objective:availability"],
    thresholds: [{ timeframe: "30d", target: 99.5, warning: 99.8 }],
    query: {
      numerator: "sum:llm.requests{feature:extract-clause,env:prod,status:ok}.as_count()",
      denominator: "sum:llm.requests{feature:extract-clause,env:prod}.as_count()",
    },
  },
};

type Mutation = (inputs: Record<string, unknown>) => void;
const set =
  (key: string, value: unknown): Mutation =>
  (i) => {
    i[key] = value;
  };

/**
 * One breaking example per constraint id: [id, the mutation, the field the breach must name,
 * other constraints the same value necessarily breaks too].
 */
const BREACHES: [string, Mutation, string, string[]?][] = [
  ["sentry.issue-alert.name.length", set("name", `[llm prod] ${"x".repeat(60)}`), "name"],
  ["sentry.issue-alert.action-match.enum", set("actionMatch", "none"), "actionMatch"],
  ["sentry.issue-alert.filter-match.enum", set("filterMatch", "some"), "filterMatch"],
  ["sentry.issue-alert.frequency.range", set("frequency", 2), "frequency"],
  ["sentry.issue-alert.actions.required", set("actions", []), "actions"],
  ["sentry.issue-alert.nodes.id-and-no-name", (i) => ((i.conditions as object[])[0] = { id: "x", name: "First seen" }), "conditions[0]"],
  ["sentry.metric-alert.name.length", set("name", "x".repeat(257)), "name"],
  ["sentry.metric-alert.time-window.range", set("timeWindow", 2880), "timeWindow"],
  ["sentry.metric-alert.threshold-type.enum", set("thresholdType", 2), "thresholdType"],
  ["sentry.metric-alert.event-types.errors", set("eventTypes", ["transaction"]), "eventTypes[0]"],
  ["sentry.metric-alert.triggers.labels", (i) => ((i.triggers as Record<string, unknown>[])[0].label = "warning"), "triggers[0].label"],
  ["sentry.metric-alert.thresholds.order", set("resolveThreshold", 60), "triggers[0].alertThreshold"],
  ["pagerduty.service.name.characters", set("name", "llm/prod"), "name"],
  ["pagerduty.service.alert-creation.enum", set("alertCreation", "create_alerts"), "alertCreation"],
  ["pagerduty.service.acknowledgement-timeout.seconds", set("acknowledgementTimeout", "1h"), "acknowledgementTimeout"],
  ["pagerduty.service.auto-resolve-timeout.seconds", set("autoResolveTimeout", "-1"), "autoResolveTimeout"],
  [
    "pagerduty.service.incident-urgency-rule.values",
    set("incidentUrgencyRule", { type: "constant", urgency: "urgent" }),
    "incidentUrgencyRule.urgency",
  ],
  [
    "pagerduty.service.alert-grouping.type.enum",
    set("alertGroupingParameters", { type: "rules" }),
    "alertGroupingParameters.type",
    ["pagerduty.service.alert-grouping.accepted-shape"],
  ],
  // Defect 4 of issue 10: what the service sent before.
  [
    "pagerduty.service.alert-grouping.accepted-shape",
    set("alertGroupingParameters", { type: "time", config: { timeout: 10 } }),
    "alertGroupingParameters.config",
  ],
  ["pagerduty.schedule.time-zone.iana", set("timeZone", "europe/berlin"), "timeZone"],
  ["pagerduty.schedule.layer-start.rfc3339", (i) => ((i.layers as Record<string, unknown>[])[0].start = "2026-01-05"), "layers[0].start"],
  [
    "pagerduty.schedule.layer-rotation-virtual-start.rfc3339",
    (i) => ((i.layers as Record<string, unknown>[])[0].rotationVirtualStart = "2026-01-05 09:00"),
    "layers[0].rotationVirtualStart",
  ],
  [
    "pagerduty.schedule.layer-turn-length.range",
    (i) => ((i.layers as Record<string, unknown>[])[0].rotationTurnLengthSeconds = 600),
    "layers[0].rotationTurnLengthSeconds",
  ],
  ["pagerduty.schedule.layer-users.min", (i) => ((i.layers as Record<string, unknown>[])[0].users = []), "layers[0].users"],
  ["pagerduty.escalation-policy.num-loops.range", set("numLoops", 10), "numLoops"],
  [
    "pagerduty.escalation-policy.rule-delay.min",
    (i) => ((i.rules as Record<string, unknown>[])[0].escalationDelayInMinutes = 0),
    "rules[0].escalationDelayInMinutes",
  ],
  [
    "pagerduty.escalation-policy.target-type.enum",
    (i) => (((i.rules as Record<string, unknown>[])[0].targets as Record<string, unknown>[])[0].type = "team_reference"),
    "rules[0].targets[0].type",
  ],
  ["pagerduty.service-integration.type-xor-vendor", set("type", "events_api_v2_inbound_integration"), "type, vendor"],
  ["datadog.monitor.priority.range", set("priority", "P2"), "priority"],
  ["datadog.monitor.thresholds.numbers", set("monitorThresholds", { critical: "1,000" }), "monitorThresholds.critical"],
  ["datadog.monitor.tags.normalized", set("tags", ["Team:Contracts AI"]), "tags[0]"],
  ["datadog.metric-tag-configuration.metric-name.format", set("metricName", "llm ttft"), "metricName"],
  [
    "datadog.metric-tag-configuration.metric-type.enum",
    (i) => Object.assign(i, { metricType: "histogram", includePercentiles: undefined }),
    "metricType",
  ],
  ["datadog.metric-tag-configuration.tags.format", set("tags", ["env", "9lives"]), "tags[1]"],
  // Percentiles only on distributions, even false is rejected on a rate.
  [
    "datadog.metric-tag-configuration.percentiles.distribution-only",
    (i) => Object.assign(i, { metricType: "rate", includePercentiles: false }),
    "includePercentiles",
  ],
  [
    "datadog.metric-tag-configuration.exclude-tags-mode.needs-tags",
    (i) => Object.assign(i, { tags: [], excludeTagsMode: true }),
    "excludeTagsMode",
    ["datadog.metric-tag-configuration.tags.format"],
  ],
  ["datadog.monitor-config-policy.policy-type.enum", set("policyType", "team"), "policyType"],
  [
    "datadog.monitor-config-policy.tag-policy.normalized",
    set("tagPolicy", { tagKey: "team", tagKeyRequired: true, validTagValues: ["Contracts AI"] }),
    "tagPolicy.validTagValues[0]",
  ],
  ["datadog.slo.type.enum", set("type", "latency"), "type"],
  [
    "datadog.slo.threshold-timeframe.enum",
    (i) => ((i.thresholds as Record<string, unknown>[])[0].timeframe = "28d"),
    "thresholds[0].timeframe",
  ],
  ["datadog.slo.threshold-target.range", (i) => ((i.thresholds as Record<string, unknown>[])[0].warning = 99), "thresholds[0].warning"],
  [
    "datadog.slo.time-slice-interval.enum",
    (i) =>
      Object.assign(i, {
        type: "time_slice",
        sliSpecification: { timeSlice: { comparator: "<", threshold: 800, queryIntervalSeconds: 120 } },
      }),
    "sliSpecification.timeSlice.queryIntervalSeconds",
  ],
  [
    "datadog.slo.threshold-target.decimals",
    (i) => ((i.thresholds as Record<string, unknown>[])[0].target = 99.1234),
    "thresholds[0].target",
  ],
  ["datadog.slo.name.required", set("name", " "), "name"],
  ["datadog.slo.metric.query-required", set("query", { numerator: "sum:llm.requests{status:ok}.as_count()" }), "query.denominator"],
  [
    "datadog.slo.query.sum",
    (i) => ((i.query as Record<string, string>).numerator = "avg:llm.requests{feature:extract-clause,status:ok}"),
    "query.numerator",
  ],
  ["datadog.slo.tags.normalized", set("tags", ["team:Contracts AI"]), "tags[0]"],
  [
    "datadog.monitor.slo-alert.no-missing-data-option",
    (i) =>
      Object.assign(i, {
        type: "slo alert",
        query: 'burn_rate("abc").over("30d").long_window("1h").short_window("5m") > 14.4',
        onMissingData: "default",
      }),
    "onMissingData",
  ],
  [
    "datadog.monitor.slo-alert.query",
    (i) => Object.assign(i, { type: "slo alert", query: 'burn_rate("abc").over("30d").long_window("72h").short_window("6h") > 6' }),
    "query",
  ],
];

const byId = new Map(RESOURCE_CONSTRAINTS.map((c) => [c.id, c]));

describe("the constraint table", () => {
  it("has a unique id, a rule and a source for every constraint", () => {
    expect(new Set(RESOURCE_CONSTRAINTS.map((c) => c.id)).size).toBe(RESOURCE_CONSTRAINTS.length);
    for (const c of RESOURCE_CONSTRAINTS) {
      expect(c.rule, c.id).not.toBe("");
      expect(c.source.ref, c.id).toMatch(/\S/);
      expect(GOOD[c.type], `no valid ${c.type} fixture for ${c.id}`).toBeDefined();
    }
  });

  it("has a breaking example in this test for every constraint, so none can be added untested", () => {
    expect(BREACHES.map(([id]) => id).sort()).toEqual([...byId.keys()].sort());
  });

  it.each(Object.keys(GOOD))("accepts a %s shaped like what the builders produce", (type) => {
    expect(checkResources([{ type, name: "good", inputs: structuredClone(GOOD[type]) }])).toEqual([]);
  });

  it.each(BREACHES)("reports a breach of %s with the resource name and the field", (id, mutate, field, also = []) => {
    const type = byId.get(id)!.type;
    const inputs = structuredClone(GOOD[type]);
    mutate(inputs);
    const breaches = checkResources([{ type, name: "bad-resource", inputs }]);
    expect(breaches.map((b) => [b.constraint, b.resource, b.field])).toContainEqual([id, "bad-resource", field]);
    // Only the broken constraint fires: the example breaks what it says it breaks.
    expect(new Set(breaches.map((b) => b.constraint))).toEqual(new Set([id, ...also]));
  });

  it("is the generated page docs/provider-constraints.md (run `npm run docs:constraints` after editing the table)", () => {
    expect(fs.readFileSync(path.join(ROOT, "docs", "provider-constraints.md"), "utf8")).toBe(renderConstraintsPage());
  });
});

// ---------------------------------------------------------------------------------------------
// Org constraints: a stack's queries and monitors against the org stack's shared resources.
// ---------------------------------------------------------------------------------------------

const dashboard = (query: string): CheckedResource => ({
  type: TYPE.dashboard,
  name: "dashboard-latency",
  inputs: {
    dashboard: JSON.stringify({
      template_variables: [{ name: "feature", prefix: "feature" }],
      widgets: [
        { definition: { type: "timeseries", title: "TTFT", requests: [{ queries: [{ data_source: "metrics", name: "a", query }] }] } },
      ],
    }),
  },
});
const monitor = (query: string, tags = ["team:platform"]): CheckedResource => ({
  type: TYPE.monitor,
  name: "monitor-x",
  inputs: { query, tags },
});
const tagConfig = (inputs: Record<string, unknown>): CheckedResource => ({
  type: TYPE.metricTagConfiguration,
  name: "metric-tags-llm-ttft",
  inputs: { metricName: "llm.ttft", metricType: "distribution", tags: ["env", "feature"], includePercentiles: true, ...inputs },
});
const policy: CheckedResource = {
  type: TYPE.monitorConfigPolicy,
  name: "monitor-config-policy-team",
  inputs: { policyType: "tag", tagPolicy: { tagKey: "team", tagKeyRequired: true, validTagValues: ["platform"] } },
};
const org = (...resources: CheckedResource[]): PlanResources => ({ stack: "prod", resources: [tagConfig({}), policy, ...resources] });
const stack = (...resources: CheckedResource[]): PlanResources => ({ stack: "staging", resources });

const ORG_BREACHES: [string, PlanResources, PlanResources, string, string][] = [
  // Defect 2 of issue 10: p95 queries with percentiles never enabled.
  [
    "datadog.metric-tag-configuration.percentiles-for-queries",
    stack(monitor("percentile(last_10m):p95:llm.ttft{env:staging} > 800")),
    { stack: "prod", resources: [tagConfig({ includePercentiles: false })] },
    "monitor-x",
    "query",
  ],
  [
    "datadog.metric-tag-configuration.tags-for-queries",
    stack(dashboard("avg:llm.ttft{$feature} by {model}")),
    org(),
    "dashboard-latency",
    'dashboard widgets[0] "TTFT"',
  ],
  [
    "datadog.monitor-config-policy.monitor-tags",
    stack(monitor("avg(last_5m):sum:llm.requests{*} > 1", ["team:growth"])),
    org(),
    "monitor-x",
    "tags",
  ],
  // Defect 3 of issue 10: a second stack creating the org's resources.
  ["org.resources.single-owner", stack(tagConfig({})), org(), "metric-tags-llm-ttft", "(resource)"],
];

describe("the org constraints", () => {
  it("has a breaking example for every org constraint", () => {
    expect(ORG_BREACHES.map(([id]) => id).sort()).toEqual(ORG_CONSTRAINTS.map((c) => c.id).sort());
  });

  it.each(ORG_BREACHES)("report a breach of %s with the resource name and the field", (id, s, o, resource, field) => {
    const breaches = checkAgainstOrg(s, o);
    expect(breaches.map((b) => [b.constraint, b.resource, b.field])).toContainEqual([id, resource, field]);
  });

  it("accept a query whose tags and percentiles the org keeps, and a monitor the tag policy allows", () => {
    const ok = stack(dashboard("p95:llm.ttft{$feature,env:staging} by {feature}"), monitor("percentile(last_10m):p95:llm.ttft{*} > 1"));
    expect(checkAgainstOrg(ok, org())).toEqual([]);
  });

  it("leave every tag of a metric queryable when the org configures nothing for it", () => {
    expect(checkAgainstOrg(stack(monitor("avg(last_5m):sum:llm.requests{env:staging} by {model} > 1")), org())).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// What we generate passes, and synth refuses a breach.
// ---------------------------------------------------------------------------------------------

let prod: Plan;
let staging: Plan;
beforeAll(async () => {
  prod = await synthLegal("prod");
  staging = await synthLegal("staging");
});

describe("the legal fixture's stacks", () => {
  it("meet every resource constraint, and prod's queries and monitors meet its own org resources", () => {
    expect(checkPlan(prod, { ownsOrgResources: true }).map(formatBreach)).toEqual([]);
    expect(checkPlan(staging, { ownsOrgResources: false }).map(formatBreach)).toEqual([]);
  });

  it("staging's queries and monitors meet prod's org resources (npm run check -- --org-plan)", () => {
    expect(checkAgainstOrg(staging, prod).map(formatBreach)).toEqual([]);
  });

  it("fail synth's checks with the resource, the field and the source once a provider constraint breaks", () => {
    const broken = structuredClone(prod);
    const alert = broken.resources.find((r) => r.type === TYPE.sentryIssueAlert)!;
    alert.inputs.name = "x".repeat(65);
    const problems = verifyPlan(broken, legalCatalog("prod"));
    expect(problems).toEqual([
      expect.stringMatching(
        new RegExp(
          `^SentryIssueAlert ${alert.name} name: has 65 bytes: .*terraform-provider-sentry v0\\.11\\.2 ` +
            ".*\\[sentry\\.issue-alert\\.name\\.length\\]$",
        ),
      ),
    ]);
  });
});
