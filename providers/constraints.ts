// The constraints the pinned providers and the services' APIs enforce on the inputs we set,
// one entry per constraint, each with its source. synth checks every resource of the plan
// against this table before anything is written (tools/verify.ts); docs/provider-constraints.md
// is generated from it (`npm run docs:constraints`).
//
// Pinned versions, and what they bridge:
// - @pulumiverse/sentry 0.0.9 -> jianyuan/terraform-provider-sentry v0.11.2 (pulumiverse/pulumi-sentry provider/go.mod at v0.0.9).
// - @pulumi/pagerduty 3.4.0 -> PagerDuty/terraform-provider-pagerduty v2.4.0 (pulumi/pulumi-pagerduty provider/go.mod at
//   v3.4.0 replaces it with pulumi/terraform-provider-pagerduty 6a97d42, "Merge tag 'v2.4.0'"; the files cited are identical).
// - @pulumi/datadog 5.11.0 -> DataDog/terraform-provider-datadog: 5.11.0 was published 2026-09-16 and ships resources
//   (statusPage, tagRule) that v4.19.0 lacks, so it bridges a later release that is not in the stored snapshot. The files
//   cited here are read at v4.19.0, the newest stored tag; none of them changed between v4.15.0 (bridged by 5.8.0) and
//   the snapshot's head, and the SDK's own docs in node_modules/@pulumi/datadog agree with them.
// Adding a resource kind: add its entries here with their source (the SLOs and `slo alert` monitors
// of issue 14 are in the Datadog section); tests/provider-constraints.test.ts requires one breaking
// example per entry.
import { TYPE } from "../config/names";
import { custom, integerBetween, lengthBetween, matches, oneOf, type ResourceConstraint, type Source, shown, valuesAt } from "./rules";

// ---------------------------------------------------------------------------------------------
// Sources
// ---------------------------------------------------------------------------------------------

const gh = (repo: string, tag: string, file: string, lines: string): Source => ({
  ref: `${repo} ${tag} ${file}:${lines}`,
  url: `https://github.com/${repo}/blob/${tag}/${file}#L${lines.replace("-", "-L")}`,
});
const sentryProvider = (file: string, lines: string) => gh("jianyuan/terraform-provider-sentry", "v0.11.2", `sentry/${file}`, lines);
const pagerdutyProvider = (file: string, lines: string) =>
  gh("PagerDuty/terraform-provider-pagerduty", "v2.4.0", `pagerduty/${file}`, lines);
const datadogProvider = (file: string, lines: string) => gh("DataDog/terraform-provider-datadog", "v4.19.0", `datadog/${file}`, lines);

/** Where resource_pagerduty_schedule.go validates each RFC 3339 field. */
const SCHEDULE_LINES = { "layers[].start": "87-92", "layers[].rotationVirtualStart": "101-106" } as const;

const SENTRY_RULES_API: Source = {
  ref: "getsentry/sentry src/sentry/api/endpoints/project_rules.py, ProjectRulesPostSerializer (issue alert rules API)",
  url: "https://docs.sentry.io/api/alerts/create-an-issue-alert-rule-for-a-project/",
};
const SENTRY_ALERT_RULE_API: Source = {
  ref: "getsentry/sentry src/sentry/incidents/serializers/alert_rule.py, AlertRuleSerializer (metric alert rules API)",
  url: "https://docs.sentry.io/api/alerts/create-a-metric-alert-rule-for-an-organization/",
};
const PAGERDUTY_SERVICES_API: Source = {
  ref: "PagerDuty REST API v2, Create a Service (incident_urgency_rule, acknowledgement_timeout, auto_resolve_timeout)",
  url: "https://developer.pagerduty.com/api-reference/b3A6Mjc0ODE5Nw-create-a-service",
};
const PAGERDUTY_ALERT_GROUPING_FIX: Source = {
  ref:
    "PagerDuty/terraform-provider-pagerduty#887 and commit 9298321e 'Remove invalid alert_grouping_parameters fields after " +
    "strict check in API' " +
    "(time: timeout only; intelligent: time_window only; content_based: aggregate, fields, time_window)",
  url: "https://github.com/PagerDuty/terraform-provider-pagerduty/commit/9298321ed928e2707d33c4dc7f7f016f6784a6d3",
};
const DATADOG_TAGS_DOCS: Source = {
  ref:
    "Datadog docs getting_started/tagging 'Define tags' (start with a letter, lowercase, alphanumerics _ - : . /, up to 200 characters) " +
    "and terraform-provider-datadog v4.19.0 datadog/internal/utils/tags.go:11-104 (NormalizeTag, the same rules)",
  url: "https://docs.datadoghq.com/getting_started/tagging/#define-tags",
};
const DATADOG_SLO_QUERY_API: Source = {
  ref:
    "Datadog API v1 ServiceLevelObjectiveQuery: 'Datadog only allows the sum by aggregator to be used because this will sum up all " +
    "request counts' (vendor/datadog/openapi-v1.yaml, components.schemas.ServiceLevelObjectiveQuery)",
  url: "https://docs.datadoghq.com/api/latest/service-level-objectives/#create-an-slo-object",
};
const DATADOG_SLO_TARGET_DOCS: Source = {
  ref: "Datadog docs service_management/service_level_objectives/metric, 'Set your SLO targets': up to three decimal places",
  url: "https://docs.datadoghq.com/service_management/service_level_objectives/metric/#set-your-slo-targets",
};
const DATADOG_SLO_ALERT_DOCS: Source = {
  ref:
    "Datadog docs service_management/service_level_objectives/burn_rate ('Monitor creation': 1 hour <= long window <= 48 hours, " +
    "short window below it; 'API and Terraform': the query) and .../error_budget ('API and Terraform')",
  url: "https://docs.datadoghq.com/service_management/service_level_objectives/burn_rate/#monitor-creation",
};
const DATADOG_MONITOR_API: Source = {
  ref: "Datadog API v1 Monitor.priority 'Integer from 1 (high) to 5 (low)' (vendor/datadog/openapi-v1.yaml, components.schemas.Monitor)",
  url: "https://docs.datadoghq.com/api/latest/monitors/#create-a-monitor",
};

// ---------------------------------------------------------------------------------------------
// Sentry (@pulumiverse/sentry 0.0.9 = terraform-provider-sentry v0.11.2)
// ---------------------------------------------------------------------------------------------

const SENTRY_ISSUE = TYPE.sentryIssueAlert;
const SENTRY_METRIC = TYPE.sentryMetricAlert;
const ISSUE_NODE_LISTS = ["conditions", "filters", "actions"] as const;

const sentryIssueAlert: ResourceConstraint[] = [
  lengthBetween(
    {
      id: "sentry.issue-alert.name.length",
      type: SENTRY_ISSUE,
      field: "name",
      enforcedBy: "provider",
      source: sentryProvider("resource_sentry_issue_alert.go", "57-62"),
      note: "validation.StringLenBetween(1, 64): rejected at `pulumi preview`, before Sentry's own 256-character limit is reached.",
    },
    1,
    64,
  ),
  oneOf(
    {
      id: "sentry.issue-alert.action-match.enum",
      type: SENTRY_ISSUE,
      field: "actionMatch",
      enforcedBy: "provider",
      source: sentryProvider("resource_sentry_issue_alert.go", "87-92"),
      note: 'Sentry also accepts "none"; the provider does not.',
    },
    ["all", "any"],
  ),
  oneOf(
    {
      id: "sentry.issue-alert.filter-match.enum",
      type: SENTRY_ISSUE,
      field: "filterMatch",
      enforcedBy: "provider",
      source: sentryProvider("resource_sentry_issue_alert.go", "93-98"),
    },
    ["all", "any", "none"],
  ),
  integerBetween(
    {
      id: "sentry.issue-alert.frequency.range",
      type: SENTRY_ISSUE,
      field: "frequency",
      enforcedBy: "api",
      source: SENTRY_RULES_API,
      note: "Minutes between two notifications for the same issue: serializers.IntegerField(min_value=5, max_value=60 * 24 * 30).",
    },
    5,
    43_200,
  ),
  custom(
    {
      id: "sentry.issue-alert.actions.required",
      type: SENTRY_ISSUE,
      field: "actions",
      rule: "at least one action",
      enforcedBy: "api",
      source: SENTRY_RULES_API,
      note: '"You must add an action for this alert to fire." (the provider only requires the list to be present).',
    },
    (inputs) =>
      Array.isArray(inputs.actions) && inputs.actions.length > 0 ? [] : [{ field: "actions", problem: `is ${shown(inputs.actions)}` }],
  ),
  custom(
    {
      id: "sentry.issue-alert.nodes.id-and-no-name",
      type: SENTRY_ISSUE,
      field: "conditions[], filters[], actions[]",
      rule: 'each entry is a map of strings with an "id" and without "name"',
      enforcedBy: "provider",
      source: sentryProvider("resource_sentry_issue_alert.go", "18-22"),
      note:
        "Entries are TypeMap of strings; since v0.11.2 the provider says to omit each node's name (Sentry derives it, and a stale one " +
        "shows as a perpetual diff). Sentry rejects a node without id: \"Missing attribute 'id'\" (RuleNodeField).",
    },
    (inputs) =>
      ISSUE_NODE_LISTS.flatMap((list) =>
        valuesAt(inputs, `${list}[]`).flatMap(({ field, value }) => {
          if (value === null || typeof value !== "object" || Array.isArray(value))
            return [{ field, problem: `is ${shown(value)}, not a map` }];
          const node = value as Record<string, unknown>;
          const problems: string[] = [];
          if (typeof node.id !== "string" || node.id === "") problems.push('has no "id"');
          if ("name" in node) problems.push('has a "name"');
          const nonString = Object.entries(node).filter(([, v]) => typeof v !== "string");
          if (nonString.length) problems.push(`has non-string values (${nonString.map(([k]) => k).join(", ")})`);
          return problems.map((problem) => ({ field, problem }));
        }),
      ),
  ),
];

const sentryMetricAlert: ResourceConstraint[] = [
  lengthBetween(
    {
      id: "sentry.metric-alert.name.length",
      type: SENTRY_METRIC,
      field: "name",
      enforcedBy: "api",
      source: SENTRY_ALERT_RULE_API,
      note: 'extra_kwargs "name": {"min_length": 1, "max_length": 256}; the provider itself does not check it.',
    },
    1,
    256,
  ),
  integerBetween(
    {
      id: "sentry.metric-alert.time-window.range",
      type: SENTRY_METRIC,
      field: "timeWindow",
      enforcedBy: "api",
      source: SENTRY_ALERT_RULE_API,
      note: "Minutes: serializers.IntegerField(min_value=1, max_value=1 day in minutes).",
    },
    1,
    1440,
  ),
  oneOf(
    {
      id: "sentry.metric-alert.threshold-type.enum",
      type: SENTRY_METRIC,
      field: "thresholdType",
      enforcedBy: "api",
      source: SENTRY_ALERT_RULE_API,
      note: "AlertRuleThresholdType: 0 above, 1 below.",
    },
    [0, 1],
  ),
  custom(
    {
      id: "sentry.metric-alert.event-types.errors",
      type: SENTRY_METRIC,
      field: "eventTypes[]",
      rule: 'for dataset "events": "error" or "default"',
      enforcedBy: "api",
      source: SENTRY_ALERT_RULE_API,
      note: "QUERY_TYPE_VALID_EVENT_TYPES of the error query type.",
    },
    (inputs) =>
      inputs.dataset !== undefined && inputs.dataset !== "events"
        ? []
        : valuesAt(inputs, "eventTypes[]")
            .filter(({ value }) => value !== "error" && value !== "default")
            .map(({ field, value }) => ({ field, problem: `is ${shown(value)}` })),
  ),
  custom(
    {
      id: "sentry.metric-alert.triggers.labels",
      type: SENTRY_METRIC,
      field: "triggers",
      rule: '1 or 2 triggers, labelled "critical" then "warning", each with at least one action',
      enforcedBy: "api",
      source: SENTRY_ALERT_RULE_API,
      note:
        "AlertRuleSerializer.validate: 'Must send 1 or 2 triggers', 'Trigger N must be labeled ...', 'Each trigger must have an " +
        "associated action'.",
    },
    (inputs) => {
      const triggers = Array.isArray(inputs.triggers) ? (inputs.triggers as Record<string, unknown>[]) : [];
      if (triggers.length < 1 || triggers.length > 2) return [{ field: "triggers", problem: `has ${triggers.length} triggers` }];
      return triggers.flatMap((t, i) => {
        const expected = i === 0 ? "critical" : "warning";
        const out = [];
        if (t.label !== expected) out.push({ field: `triggers[${i}].label`, problem: `is ${shown(t.label)}, expected "${expected}"` });
        if (!Array.isArray(t.actions) || t.actions.length === 0) out.push({ field: `triggers[${i}].actions`, problem: "has no action" });
        return out;
      });
    },
  ),
  custom(
    {
      id: "sentry.metric-alert.thresholds.order",
      type: SENTRY_METRIC,
      field: "triggers[].alertThreshold, resolveThreshold",
      rule: "above: critical >= warning, and each alert threshold above the resolve threshold (below: the reverse)",
      enforcedBy: "api",
      source: SENTRY_ALERT_RULE_API,
      note: "_validate_trigger_thresholds (integers compare as alert + 1 > resolve - 1) and _validate_critical_warning_triggers.",
    },
    (inputs) => {
      const triggers = Array.isArray(inputs.triggers) ? (inputs.triggers as Record<string, unknown>[]) : [];
      const below = inputs.thresholdType === 1;
      const resolve = typeof inputs.resolveThreshold === "number" ? inputs.resolveThreshold : undefined;
      const out = [];
      triggers.forEach((t, i) => {
        const alert = t.alertThreshold;
        if (typeof alert !== "number") return void out.push({ field: `triggers[${i}].alertThreshold`, problem: `is ${shown(alert)}` });
        if (resolve === undefined) return;
        const integers = Number.isInteger(alert) && Number.isInteger(resolve);
        const [a, r] = below
          ? [alert - (integers ? 1 : 0), resolve + (integers ? 1 : 0)]
          : [alert + (integers ? 1 : 0), resolve - (integers ? 1 : 0)];
        if (below ? a >= r : a <= r) {
          out.push({
            field: `triggers[${i}].alertThreshold`,
            problem: `${alert} is not ${below ? "below" : "above"} resolveThreshold ${resolve}`,
          });
        }
      });
      const [critical, warning] = triggers.map((t) => t.alertThreshold);
      if (typeof critical === "number" && typeof warning === "number" && (below ? critical > warning : critical < warning)) {
        out.push({
          field: "triggers[0].alertThreshold",
          problem: `critical ${critical} is not ${below ? "below" : "above"} warning ${warning}`,
        });
      }
      return out;
    },
  ),
];

// ---------------------------------------------------------------------------------------------
// PagerDuty (@pulumi/pagerduty 3.4.0 = terraform-provider-pagerduty v2.4.0)
// ---------------------------------------------------------------------------------------------

const PD_SERVICE = TYPE.service;
const PD_SCHEDULE = TYPE.schedule;
const PD_ESCALATION = TYPE.escalationPolicy;
const PD_INTEGRATION = TYPE.serviceIntegration;

const pagerdutyService: ResourceConstraint[] = [
  matches(
    {
      id: "pagerduty.service.name.characters",
      type: PD_SERVICE,
      field: "name",
      enforcedBy: "provider",
      source: pagerdutyProvider("resource_pagerduty_service.go", "37-41"),
    },
    /^(?!\s*$)[^/\\<>&]*$/,
    "not blank, no / \\ < > &",
  ),
  oneOf(
    {
      id: "pagerduty.service.alert-creation.enum",
      type: PD_SERVICE,
      field: "alertCreation",
      enforcedBy: "provider",
      source: pagerdutyProvider("resource_pagerduty_service.go", "51-59"),
    },
    ["create_alerts_and_incidents", "create_incidents"],
  ),
  ...(["acknowledgementTimeout", "autoResolveTimeout"] as const).map((field) =>
    integerBetween(
      {
        id: `pagerduty.service.${field === "acknowledgementTimeout" ? "acknowledgement" : "auto-resolve"}-timeout.seconds`,
        type: PD_SERVICE,
        field,
        enforcedBy: "provider",
        source: pagerdutyProvider("resource_pagerduty_service.go", field === "acknowledgementTimeout" ? "306-314" : "296-304"),
        note: 'Seconds; the provider strconv.Atoi()s the string (or takes "null" to disable) and the API rejects negative values.',
      },
      0,
      Number.MAX_SAFE_INTEGER,
      { asString: true },
    ),
  ),
  custom(
    {
      id: "pagerduty.service.incident-urgency-rule.values",
      type: PD_SERVICE,
      field: "incidentUrgencyRule",
      rule: 'type "constant" with urgency high | low | severity_based, or type "use_support_hours" without urgency',
      enforcedBy: "api",
      source: PAGERDUTY_SERVICES_API,
      note:
        "The provider passes type and urgency through unchecked, except use_support_hours with an urgency " +
        "(resource_pagerduty_service.go:23-31).",
    },
    (inputs) => {
      const rule = inputs.incidentUrgencyRule as Record<string, unknown> | undefined;
      if (rule === undefined) return [];
      if (rule.type === "constant") {
        return ["high", "low", "severity_based"].includes(rule.urgency as string)
          ? []
          : [{ field: "incidentUrgencyRule.urgency", problem: `is ${shown(rule.urgency)}` }];
      }
      if (rule.type === "use_support_hours") {
        return rule.urgency === undefined ? [] : [{ field: "incidentUrgencyRule.urgency", problem: "is set with use_support_hours" }];
      }
      return [{ field: "incidentUrgencyRule.type", problem: `is ${shown(rule.type)}` }];
    },
  ),
  oneOf(
    {
      id: "pagerduty.service.alert-grouping.type.enum",
      type: PD_SERVICE,
      field: "alertGroupingParameters.type",
      enforcedBy: "provider",
      source: pagerdutyProvider("resource_pagerduty_service.go", "86-94"),
    },
    ["time", "intelligent", "content_based"],
  ),
  custom(
    {
      id: "pagerduty.service.alert-grouping.accepted-shape",
      type: PD_SERVICE,
      field: "alertGroupingParameters",
      rule: 'absent, or {type: "intelligent"} without config',
      enforcedBy: "api",
      source: PAGERDUTY_ALERT_GROUPING_FIX,
      note:
        "The pinned provider builds config from every key of the block whatever the type (resource_pagerduty_service.go:528-549): " +
        'any config sends aggregate "" and timeout 0 next to what was set, and PagerDuty\'s strict check now rejects fields that ' +
        "do not belong to the type. Only intelligent grouping without config reaches the API in an accepted shape.",
    },
    (inputs) => {
      const p = inputs.alertGroupingParameters as Record<string, unknown> | undefined;
      if (p === undefined) return [];
      const out = [];
      if (p.type !== "intelligent")
        out.push({ field: "alertGroupingParameters.type", problem: `is ${shown(p.type)}, which the pinned provider cannot send cleanly` });
      if (p.config !== undefined)
        out.push({
          field: "alertGroupingParameters.config",
          problem: `is ${shown(p.config)}: sent with aggregate "" and timeout, for any type`,
        });
      return out;
    },
  ),
];

const pagerdutySchedule: ResourceConstraint[] = [
  custom(
    {
      id: "pagerduty.schedule.time-zone.iana",
      type: PD_SCHEDULE,
      field: "timeZone",
      rule: "an IANA time zone name, spelled exactly (Go's time.LoadLocation is case-sensitive)",
      enforcedBy: "provider",
      source: pagerdutyProvider("resource_pagerduty_schedule.go", "48-58"),
      note: "Node's Intl accepts `europe/berlin`; Go's time.LoadLocation, which the provider calls, does not.",
    },
    (inputs) => {
      const tz = inputs.timeZone;
      if (tz === undefined) return [];
      const canonical = canonicalTimeZone(tz);
      if (canonical === undefined) return [{ field: "timeZone", problem: `is ${shown(tz)}, not an IANA time zone` }];
      return canonical.toLowerCase() === String(tz).toLowerCase() && canonical !== tz
        ? [{ field: "timeZone", problem: `is ${shown(tz)}; spell it ${JSON.stringify(canonical)}` }]
        : [];
    },
  ),
  ...(Object.keys(SCHEDULE_LINES) as (keyof typeof SCHEDULE_LINES)[]).map((field) =>
    matches(
      {
        id: `pagerduty.schedule.${field === "layers[].start" ? "layer-start" : "layer-rotation-virtual-start"}.rfc3339`,
        type: PD_SCHEDULE,
        field,
        enforcedBy: "provider",
        source: pagerdutyProvider("util.go", "23-30"),
        note: `validateRFC3339 (time.Parse(time.RFC3339)) on ${field} (resource_pagerduty_schedule.go:${SCHEDULE_LINES[field]}).`,
      },
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
      "an RFC 3339 date-time with offset, e.g. 2026-01-05T09:00:00+01:00",
    ),
  ),
  integerBetween(
    {
      id: "pagerduty.schedule.layer-turn-length.range",
      type: PD_SCHEDULE,
      field: "layers[].rotationTurnLengthSeconds",
      enforcedBy: "provider",
      source: pagerdutyProvider("resource_pagerduty_schedule.go", "108-112"),
      note: "validation.IntBetween(3600, 365*24*3600): one hour to one year.",
    },
    3600,
    365 * 24 * 3600,
  ),
  custom(
    {
      id: "pagerduty.schedule.layer-users.min",
      type: PD_SCHEDULE,
      field: "layers[].users",
      rule: "at least one user per layer",
      enforcedBy: "provider",
      source: pagerdutyProvider("resource_pagerduty_schedule.go", "114-121"),
    },
    (inputs) =>
      valuesAt(inputs, "layers[]").flatMap(({ field, value }) => {
        const users = (value as Record<string, unknown>)?.users;
        return Array.isArray(users) && users.length > 0 ? [] : [{ field: `${field}.users`, problem: `is ${shown(users)}` }];
      }),
  ),
];

const pagerdutyEscalation: ResourceConstraint[] = [
  integerBetween(
    {
      id: "pagerduty.escalation-policy.num-loops.range",
      type: PD_ESCALATION,
      field: "numLoops",
      enforcedBy: "provider",
      source: pagerdutyProvider("resource_pagerduty_escalation_policy.go", "33-37"),
    },
    0,
    9,
  ),
  integerBetween(
    {
      id: "pagerduty.escalation-policy.rule-delay.min",
      type: PD_ESCALATION,
      field: "rules[].escalationDelayInMinutes",
      enforcedBy: "provider",
      source: pagerdutyProvider("resource_pagerduty_escalation_policy.go", "55-59"),
    },
    1,
    Infinity,
  ),
  oneOf(
    {
      id: "pagerduty.escalation-policy.target-type.enum",
      type: PD_ESCALATION,
      field: "rules[].targets[].type",
      enforcedBy: "provider",
      source: pagerdutyProvider("resource_pagerduty_escalation_policy.go", "65-73"),
    },
    ["user_reference", "schedule_reference"],
  ),
];

const pagerdutyIntegration: ResourceConstraint[] = [
  custom(
    {
      id: "pagerduty.service-integration.type-xor-vendor",
      type: PD_INTEGRATION,
      field: "type, vendor",
      rule: "exactly one of type and vendor",
      enforcedBy: "provider",
      source: pagerdutyProvider("resource_pagerduty_service_integration.go", "46-71"),
      note: "ConflictsWith each other; without either PagerDuty cannot tell what sends the events.",
    },
    (inputs) =>
      (inputs.type === undefined) === (inputs.vendor === undefined)
        ? [{ field: "type, vendor", problem: inputs.type === undefined ? "neither is set" : "both are set" }]
        : [],
  ),
];

// ---------------------------------------------------------------------------------------------
// Datadog (@pulumi/datadog 5.11.0; terraform-provider-datadog read at v4.19.0, see the header)
// ---------------------------------------------------------------------------------------------

const DD_MONITOR = TYPE.monitor;
const DD_TAG_CONFIG = TYPE.metricTagConfiguration;
const DD_POLICY = TYPE.monitorConfigPolicy;
const DD_SLO = TYPE.serviceLevelObjective;

const datadogMonitor: ResourceConstraint[] = [
  matches(
    {
      id: "datadog.monitor.priority.range",
      type: DD_MONITOR,
      field: "priority",
      enforcedBy: "api",
      source: DATADOG_MONITOR_API,
      note:
        "The provider takes a string and strconv.ParseInt()s it ignoring the error (resource_datadog_monitor.go:1566-1567), so " +
        '"P2" or "2.0" silently becomes priority 0; the spec has no minimum or maximum, so schema validation cannot catch it.',
    },
    /^[1-5]$/,
    'an integer 1 (high) to 5 (low), written "1".."5"',
  ),
  custom(
    {
      id: "datadog.monitor.thresholds.numbers",
      type: DD_MONITOR,
      field: "monitorThresholds.*",
      rule: "each threshold a decimal number string",
      enforcedBy: "provider",
      source: datadogProvider("resource_datadog_monitor.go", "1249-1271"),
      note: 'json.Number(s).Float64() with the error ignored: "1,000" or "80%" is silently sent as 0.',
    },
    (inputs) =>
      Object.entries((inputs.monitorThresholds as Record<string, unknown> | undefined) ?? {})
        .filter(([k]) => !k.endsWith("Query"))
        .filter(([, v]) => typeof v !== "string" || !/^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v))
        .map(([k, v]) => ({ field: `monitorThresholds.${k}`, problem: `is ${shown(v)}` })),
  ),
  custom(
    {
      id: "datadog.monitor.tags.normalized",
      type: DD_MONITOR,
      field: "tags[]",
      rule:
        "already in Datadog's normal form: lowercase, starts with a letter, only a-z 0-9 _ - : . /, no trailing or doubled _, at " +
        "most 200 characters",
      enforcedBy: "api",
      source: DATADOG_TAGS_DOCS,
      note:
        "Datadog stores the normalized tag, so any other spelling reappears as a diff on every preview and never matches a tag " +
        "policy or a search.",
    },
    (inputs) => valuesAt(inputs, "tags[]").flatMap(({ field, value }) => tagProblem(field, value)),
  ),
];

/** The `slo alert` query forms Datadog documents: a burn rate over two windows, or the share of the error budget spent. */
const SLO_ALERT_QUERY =
  /^(?:burn_rate\("[^"]+"\)\.over\("(7d|30d|90d)"\)\.long_window\("(\d+)([mh])"\)\.short_window\("(\d+)([mh])"\)|error_budget\("[^"]+"\)\.over\("(7d|30d|90d)"\))\s*>\s*(\d+(?:\.\d+)?)$/;

const datadogSloAlert: ResourceConstraint[] = [
  custom(
    {
      id: "datadog.monitor.slo-alert.no-missing-data-option",
      type: DD_MONITOR,
      field: "onMissingData",
      rule: 'not set on a "slo alert" monitor',
      enforcedBy: "api",
      source: datadogProvider("resource_datadog_monitor.go", "186-191"),
      note: 'The schema\'s own description: on_missing_data "is not available for Service Check, Composite, or SLO monitors".',
    },
    (inputs) =>
      inputs.type === "slo alert" && inputs.onMissingData !== undefined
        ? [{ field: "onMissingData", problem: `is ${shown(inputs.onMissingData)} on a slo alert monitor` }]
        : [],
  ),
  custom(
    {
      id: "datadog.monitor.slo-alert.query",
      type: DD_MONITOR,
      field: "query",
      rule:
        'for type "slo alert": burn_rate("<slo id>").over("<7d|30d|90d>").long_window("<1h..48h>").short_window("<below it>") > ' +
        '<rate above 0>, or error_budget("<slo id>").over("<7d|30d|90d>") > <percent>',
      enforcedBy: "api",
      source: DATADOG_SLO_ALERT_DOCS,
      note: "The burn rate must also be at most 1 / (1 - the SLO's target); synth's lint checks it against the SLO of the plan.",
    },
    (inputs) => {
      if (inputs.type !== "slo alert") return [];
      const query = typeof inputs.query === "string" ? inputs.query.trim() : "";
      const m = SLO_ALERT_QUERY.exec(query);
      if (!m) return [{ field: "query", problem: `is ${shown(inputs.query)}` }];
      const [, burnWindow, longN, longUnit, shortN, shortUnit, , threshold] = m;
      if (burnWindow === undefined) return [];
      const minutes = (n: string, unit: string) => Number(n) * (unit === "h" ? 60 : 1);
      const long = minutes(longN, longUnit);
      const short = minutes(shortN, shortUnit);
      const problems = [];
      if (long < 60 || long > 48 * 60) problems.push(`long_window ${longN}${longUnit} is outside 1h-48h`);
      if (short >= long) problems.push(`short_window ${shortN}${shortUnit} is not below long_window ${longN}${longUnit}`);
      if (!(Number(threshold) > 0)) problems.push(`burn rate ${threshold} is not above 0`);
      return problems.map((problem) => ({ field: "query", problem }));
    },
  ),
];

const datadogTagConfiguration: ResourceConstraint[] = [
  custom(
    {
      id: "datadog.metric-tag-configuration.metric-name.format",
      type: DD_TAG_CONFIG,
      field: "metricName",
      rule: "^[A-Za-z][A-Za-z0-9._]*$, 1-200 characters",
      enforcedBy: "provider",
      source: datadogProvider("resource_datadog_metric_tag_configuration.go", "71-77"),
    },
    (inputs) => {
      const v = inputs.metricName;
      return typeof v === "string" && /^[A-Za-z][A-Za-z0-9._]*$/.test(v) && v.length <= 200
        ? []
        : [{ field: "metricName", problem: `is ${shown(v)}` }];
    },
  ),
  oneOf(
    {
      id: "datadog.metric-tag-configuration.metric-type.enum",
      type: DD_TAG_CONFIG,
      field: "metricType",
      enforcedBy: "provider",
      source: datadogProvider("resource_datadog_metric_tag_configuration.go", "78-84"),
      note:
        "datadogV2.MetricTagConfigurationMetricTypes. DogStatsD counts are stored as rate " +
        "(docs metrics/custom_metrics/dogstatsd_metrics_submission).",
    },
    ["gauge", "count", "rate", "distribution"],
  ),
  custom(
    {
      id: "datadog.metric-tag-configuration.tags.format",
      type: DD_TAG_CONFIG,
      field: "tags[]",
      rule: "at least one tag key; each ^[A-Za-z][A-Za-z0-9.\\-_:/]*$, 1-200 characters",
      enforcedBy: "provider",
      source: datadogProvider("resource_datadog_metric_tag_configuration.go", "85-93"),
    },
    (inputs) => {
      const tags = inputs.tags;
      if (!Array.isArray(tags) || tags.length === 0) return [{ field: "tags", problem: `is ${shown(tags)}` }];
      return tags.flatMap((t, i) =>
        typeof t === "string" && /^[A-Za-z][A-Za-z0-9.\-_:/]*$/.test(t) && t.length <= 200
          ? []
          : [{ field: `tags[${i}]`, problem: `is ${shown(t)}` }],
      );
    },
  ),
  custom(
    {
      id: "datadog.metric-tag-configuration.percentiles.distribution-only",
      type: DD_TAG_CONFIG,
      field: "includePercentiles",
      rule: 'set (even to false) only when metricType is "distribution"',
      enforcedBy: "provider",
      source: datadogProvider("resource_datadog_metric_tag_configuration.go", "27-48"),
      note:
        "CustomizeDiff: GetOkExists(include_percentiles) with any other type fails the plan; buildDatadogMetricTagConfiguration " +
        "repeats it (lines 172-174).",
    },
    (inputs) =>
      inputs.includePercentiles !== undefined && inputs.metricType !== "distribution"
        ? [{ field: "includePercentiles", problem: `is ${shown(inputs.includePercentiles)} on a ${shown(inputs.metricType)} metric` }]
        : [],
  ),
  custom(
    {
      id: "datadog.metric-tag-configuration.exclude-tags-mode.needs-tags",
      type: DD_TAG_CONFIG,
      field: "excludeTagsMode",
      rule: "only with at least one tag",
      enforcedBy: "provider",
      source: datadogProvider("resource_datadog_metric_tag_configuration.go", "34-36"),
    },
    (inputs) =>
      inputs.excludeTagsMode === true && (!Array.isArray(inputs.tags) || inputs.tags.length === 0)
        ? [{ field: "excludeTagsMode", problem: "is true without tags" }]
        : [],
  ),
];

const datadogMonitorConfigPolicy: ResourceConstraint[] = [
  oneOf(
    {
      id: "datadog.monitor-config-policy.policy-type.enum",
      type: DD_POLICY,
      field: "policyType",
      enforcedBy: "provider",
      source: datadogProvider("resource_datadog_monitor_config_policy.go", "27-32"),
      note: "datadogV2.MonitorConfigPolicyType has one value.",
    },
    ["tag"],
  ),
  custom(
    {
      id: "datadog.monitor-config-policy.tag-policy.normalized",
      type: DD_POLICY,
      field: "tagPolicy.tagKey, tagPolicy.validTagValues[]",
      rule: "tag key and values in Datadog's normal tag form",
      enforcedBy: "api",
      source: DATADOG_TAGS_DOCS,
      note: "Monitor tags are normalized before the policy compares them, so a value in any other spelling can never match.",
    },
    (inputs) => [
      ...valuesAt(inputs, "tagPolicy.tagKey").flatMap(({ field, value }) => tagProblem(field, value)),
      ...valuesAt(inputs, "tagPolicy.validTagValues[]").flatMap(({ field, value }) => tagProblem(field, value)),
    ],
  ),
];

const datadogSlo: ResourceConstraint[] = [
  oneOf(
    {
      id: "datadog.slo.type.enum",
      type: DD_SLO,
      field: "type",
      enforcedBy: "provider",
      source: datadogProvider("resource_datadog_service_level_objective.go", "205-211"),
    },
    ["metric", "monitor", "time_slice"],
  ),
  oneOf(
    {
      id: "datadog.slo.threshold-timeframe.enum",
      type: DD_SLO,
      field: "thresholds[].timeframe",
      enforcedBy: "provider",
      source: datadogProvider("resource_datadog_service_level_objective.go", "153-158"),
      note: "datadogV1.SLOTimeframe.",
    },
    ["7d", "30d", "90d", "custom"],
  ),
  custom(
    {
      id: "datadog.slo.threshold-target.range",
      type: DD_SLO,
      field: "thresholds[].target, thresholds[].warning",
      rule: "target in (0, 100); warning, when set, in (0, 100) and greater than target",
      enforcedBy: "api",
      source: datadogProvider("resource_datadog_service_level_objective.go", "159-175"),
    },
    (inputs) =>
      valuesAt(inputs, "thresholds[]").flatMap(({ field, value }) => {
        const t = value as Record<string, unknown>;
        const out = [];
        const inRange = (x: unknown) => typeof x === "number" && x > 0 && x < 100;
        if (!inRange(t.target)) out.push({ field: `${field}.target`, problem: `is ${shown(t.target)}` });
        if (t.warning !== undefined && (!inRange(t.warning) || (typeof t.target === "number" && (t.warning as number) <= t.target))) {
          out.push({ field: `${field}.warning`, problem: `is ${shown(t.warning)} (target ${shown(t.target)})` });
        }
        return out;
      }),
  ),
  custom(
    {
      id: "datadog.slo.threshold-target.decimals",
      type: DD_SLO,
      field: "thresholds[].target",
      rule: "at most three decimals",
      enforcedBy: "api",
      source: DATADOG_SLO_TARGET_DOCS,
    },
    (inputs) =>
      valuesAt(inputs, "thresholds[].target")
        .filter(({ value }) => typeof value === "number" && Math.round(value * 1000) / 1000 !== value)
        .map(({ field, value }) => ({ field, problem: `is ${shown(value)}` })),
  ),
  custom(
    {
      id: "datadog.slo.name.required",
      type: DD_SLO,
      field: "name",
      rule: "a non-empty name",
      enforcedBy: "provider",
      source: datadogProvider("resource_datadog_service_level_objective.go", "103-107"),
    },
    (inputs) => (typeof inputs.name === "string" && inputs.name.trim() ? [] : [{ field: "name", problem: `is ${shown(inputs.name)}` }]),
  ),
  custom(
    {
      id: "datadog.slo.metric.query-required",
      type: DD_SLO,
      field: "query",
      rule: 'for type "metric": a query with numerator and denominator (or sliSpecification.count)',
      enforcedBy: "provider",
      source: datadogProvider("resource_datadog_service_level_objective.go", "571-606"),
      note: '"query or sli_specification is required for metric SLOs", raised when the provider builds the request.',
    },
    (inputs) => {
      if (inputs.type !== "metric") return [];
      const spec = inputs.sliSpecification as { count?: unknown } | undefined;
      if (spec?.count !== undefined) return [];
      const query = inputs.query as Record<string, unknown> | undefined;
      const missing = ["numerator", "denominator"].filter((k) => typeof query?.[k] !== "string" || !(query[k] as string).trim());
      return missing.map((k) => ({ field: `query.${k}`, problem: `is ${shown(query?.[k])}` }));
    },
  ),
  custom(
    {
      id: "datadog.slo.query.sum",
      type: DD_SLO,
      field: "query.numerator, query.denominator",
      rule: "sums of counts only: every term `sum:<metric>{...}` (with .as_count() on a count)",
      enforcedBy: "api",
      source: DATADOG_SLO_QUERY_API,
    },
    (inputs) => {
      const query = (inputs.query ?? {}) as Record<string, unknown>;
      return (["numerator", "denominator"] as const).flatMap((side) => {
        const text = query[side];
        if (typeof text !== "string") return [];
        const aggregations = [...text.matchAll(/(?<![\w.])([a-z]\w*):[A-Za-z][\w.]*\{/g)].map((m) => m[1]);
        const other = aggregations.filter((a) => a !== "sum");
        return other.length ? [{ field: `query.${side}`, problem: `aggregates with ${other.join(", ")}: ${shown(text)}` }] : [];
      });
    },
  ),
  custom(
    {
      id: "datadog.slo.tags.normalized",
      type: DD_SLO,
      field: "tags[]",
      rule: "already in Datadog's normal form, as for monitor tags",
      enforcedBy: "provider",
      source: datadogProvider("resource_datadog_service_level_objective.go", "115-135"),
      note: "The provider stores each tag normalized (utils.NormalizeTag), so any other spelling shows as a diff on every preview.",
    },
    (inputs) => valuesAt(inputs, "tags[]").flatMap(({ field, value }) => tagProblem(field, value)),
  ),
  oneOf(
    {
      id: "datadog.slo.time-slice-interval.enum",
      type: DD_SLO,
      field: "sliSpecification.timeSlice.queryIntervalSeconds",
      enforcedBy: "provider",
      source: datadogProvider("resource_datadog_service_level_objective.go", "285-291"),
      note: "datadogV1.SLOTimeSliceInterval: one- or five-minute slices.",
    },
    [60, 300],
  ),
];

/** Every resource constraint, grouped by provider. */
export const RESOURCE_CONSTRAINTS: readonly ResourceConstraint[] = [
  ...sentryIssueAlert,
  ...sentryMetricAlert,
  ...pagerdutyService,
  ...pagerdutySchedule,
  ...pagerdutyEscalation,
  ...pagerdutyIntegration,
  ...datadogMonitor,
  ...datadogSloAlert,
  ...datadogTagConfiguration,
  ...datadogMonitorConfigPolicy,
  ...datadogSlo,
];

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** Datadog's NormalizeTag (terraform-provider-datadog datadog/internal/utils/tags.go:11-68), for the message. */
export function normalizeTag(tag: string): string {
  let out = "";
  let lastWasUnderscore = false;
  for (const c of tag) {
    if ([...out].length >= 200) break;
    if (/[a-z:]/.test(c) || (/\p{L}/u.test(c) && c.toLowerCase() === c && c.toUpperCase() !== c)) {
      out += c;
      lastWasUnderscore = false;
    } else if (/\p{L}/u.test(c)) {
      out += c.toLowerCase();
      lastWasUnderscore = false;
    } else if (out === "") {
      continue;
    } else if (c === "." || c === "/" || c === "-" || /\p{Nd}/u.test(c)) {
      out += c;
      lastWasUnderscore = false;
    } else if (!lastWasUnderscore) {
      out += "_";
      lastWasUnderscore = true;
    }
  }
  return lastWasUnderscore ? out.slice(0, -1) : out;
}

function tagProblem(field: string, value: unknown) {
  if (typeof value !== "string") return [{ field, problem: `is ${shown(value)}, not a string` }];
  const normal = normalizeTag(value);
  return normal === value && /^[a-z]/.test(value)
    ? []
    : [{ field, problem: `is ${shown(value)}; Datadog stores ${JSON.stringify(normal)}` }];
}

/** The IANA spelling of a time zone Node knows, or undefined. */
function canonicalTimeZone(tz: unknown): string | undefined {
  if (typeof tz !== "string") return undefined;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/**
 * Limits looked for and not found: nothing to enforce, listed so nobody invents a number. Each
 * names where it was looked for.
 */
export const NO_DOCUMENTED_LIMIT: readonly { field: string; where: string }[] = [
  {
    field: "Datadog Monitor `name`, `message`",
    where:
      "terraform-provider-datadog v4.19.0 datadog/resource_datadog_monitor.go:42-54 (no validation; the message is only trimmed), " +
      "the v1 OpenAPI spec (no maxLength); none found in Datadog's docs either",
  },
  {
    field: "PagerDuty Schedule `name`, EscalationPolicy `name`, Service `description`",
    where:
      "terraform-provider-pagerduty v2.4.0 (no validation on these fields); the API's own limits, if any, were not found in the " +
      "docs available here",
  },
  {
    field: "Sentry issue alert `frequency` in the provider",
    where: "terraform-provider-sentry v0.11.2 resource_sentry_issue_alert.go:99-103 (no validation; Sentry's API range is in the table)",
  },
];
