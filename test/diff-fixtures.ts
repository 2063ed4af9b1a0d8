// Crafted plans in the pinned formats (plan/plan.ts; resource names, monitor inputs, widget
// ids): dashboards with groups, monitors with routing blocks, PagerDuty per team and Sentry
// rules per feature. They let the diff and preview tests pin exact behaviour independently
// of how the builders evolve; test/diff-proof.test.ts runs the same proofs on the real program.
import { createHash } from "node:crypto";
import { stableWidgetId } from "../dashboards/layout";
import { renderMarkdown } from "../tools/diff/markdown";
import { comparePlans } from "../tools/diff/compare";
import { monitorTags, type Signal } from "../monitors/frame";
import { pagerdutyHandle, pagerdutyServiceName, slackHandle, TYPE } from "../config/names";
import type { Catalog } from "../config/validate";
import { type Plan, type PlanResource } from "../plan/plan";

const PROJECT = "llm-observability";
export const COMPONENT = {
  dashboards: "llm-observability:dashboards:Dashboards",
  monitors: "llm-observability:monitors:Monitors",
  oncall: "llm-observability:oncall:OnCall",
  errors: "llm-observability:errors:ErrorAlerts",
} as const;

/** The builders' own widget id, so crafted dashboards match the real ones. */
export const widgetId = stableWidgetId;

export function urnOf(stack: string, component: string, type: string, name: string): string {
  return `urn:pulumi:${stack}::${PROJECT}::${component}$${type}::${name}`;
}

function componentResource(stack: string, type: string, name: string): PlanResource {
  return { urn: `urn:pulumi:${stack}::${PROJECT}::${type}::${name}`, type, name, parent: null, custom: false, inputs: {} };
}

function child(stack: string, component: string, type: string, name: string, inputs: Record<string, unknown>): PlanResource {
  const parentName = component.split(":").pop()!.toLowerCase();
  return {
    urn: urnOf(stack, component, type, name),
    type,
    name,
    parent: `urn:pulumi:${stack}::${PROJECT}::${component}::${parentName}`,
    custom: true,
    inputs,
  };
}

export interface WidgetSpec {
  key: string;
  width: number;
  height: number;
  definition: Record<string, unknown>;
  children?: WidgetSpec[];
}

/** The builders' flow layout: left to right, wrap when full; a group holds its own grid under a header row. */
export function layout(dashboardId: string, specs: WidgetSpec[]): Record<string, unknown>[] {
  const place = (list: WidgetSpec[]): { widgets: Record<string, unknown>[]; height: number } => {
    const widgets: Record<string, unknown>[] = [];
    let x = 0;
    let y = 0;
    let row = 0;
    for (const s of list) {
      let definition = s.definition;
      let height = s.height;
      if (s.children) {
        const inner = place(s.children);
        definition = { ...definition, widgets: inner.widgets };
        height = inner.height + 1;
      }
      if (x + s.width > 12) {
        y += row;
        x = 0;
        row = 0;
      }
      widgets.push({ id: widgetId(dashboardId, s.key), definition, layout: { x, y, width: s.width, height } });
      x += s.width;
      row = Math.max(row, height);
    }
    return { widgets, height: y + row };
  };
  return place(specs).widgets;
}

export function metricQuery(name: string, query: string): Record<string, unknown> {
  return { data_source: "metrics", name, query, aggregator: "sum" };
}

/** The cost dashboard's widget specs; tests splice them to insert, move and change widgets. */
export function costWidgets(catalog: Catalog): WidgetSpec[] {
  const scope = "{$feature,$tenant,$env}";
  return [
    {
      key: "spend",
      width: 12,
      height: 0,
      definition: { type: "group", layout_type: "ordered", title: "Spend" },
      children: [
        {
          key: "spend/total",
          width: 4,
          height: 2,
          definition: {
            type: "query_value",
            title: "Spend today",
            requests: [
              {
                response_format: "scalar",
                queries: [metricQuery("spend", `sum:llm.cost.usd${scope}.as_count()`)],
                formulas: [{ formula: "spend" }],
                conditional_formats: [{ comparator: ">", value: 500, palette: "white_on_red" }],
              },
            ],
          },
        },
        {
          key: "spend/per-feature",
          width: 8,
          height: 3,
          definition: {
            type: "timeseries",
            title: "$/day per feature",
            requests: [
              {
                response_format: "timeseries",
                display_type: "bars",
                queries: [metricQuery("spend", `sum:llm.cost.usd${scope} by {feature}.as_count()`)],
                formulas: [{ formula: "spend", alias: "$/day" }],
              },
            ],
            markers: [{ value: "y = 100", display_type: "warning dashed", label: "budget" }],
          },
        },
        {
          key: "spend/top-tenants",
          width: 6,
          height: 3,
          definition: {
            type: "toplist",
            title: "Top 10 tenants <by spend> & {{tenant.value}}",
            requests: [
              {
                response_format: "scalar",
                queries: [metricQuery("spend", `sum:llm.cost.usd${scope} by {tenant}.as_count()`)],
                formulas: [{ formula: "spend", limit: { count: 10, order: "desc" } }],
              },
            ],
            custom_links: [
              {
                label: "Tenant view for {{tenant.value}}",
                link: "https://app.datadoghq.com/dashboard/abc?tpl_var_tenant={{tenant.value}}&from=1",
              },
            ],
          },
        },
        {
          key: "spend/tokens",
          width: 6,
          height: 3,
          definition: {
            type: "timeseries",
            title: "Tokens by type",
            requests: [
              {
                response_format: "timeseries",
                queries: [metricQuery("tokens", `sum:llm.tokens{$feature,$env} by {token_type}.as_count()`)],
                formulas: [{ formula: "tokens" }],
              },
            ],
          },
        },
      ],
    },
    {
      key: "budgets",
      width: 12,
      height: 0,
      definition: { type: "group", layout_type: "ordered", title: "Budgets" },
      children: [
        {
          key: "budgets/use",
          width: 12,
          height: 3,
          definition: {
            type: "timeseries",
            title: "Budget use per feature, %",
            requests: [
              {
                response_format: "timeseries",
                queries: catalog.features.map((f) =>
                  metricQuery(`f_${f.id.replace(/-/g, "_")}`, `sum:llm.cost.usd{$env,feature:${f.id}}.as_count()`),
                ),
                formulas: catalog.features.map((f) => ({
                  formula: `100 * f_${f.id.replace(/-/g, "_")} / ${f.budgetUsdPerDay}`,
                  alias: `${f.name} ($${f.budgetUsdPerDay}/day)`,
                })),
              },
            ],
            markers: [
              { value: "y = 100", display_type: "warning dashed", label: "budget" },
              { value: "y = 200", display_type: "error dashed", label: "2x budget (alert)" },
            ],
          },
        },
        {
          key: "budgets/note",
          width: 12,
          height: 2,
          definition: { type: "note", content: "## How budgets work\nWarn at 1x, alert at 2x. <script>alert(1)</script> & `code`" },
        },
      ],
    },
  ];
}

/** Sentry's own id of a team's PagerDuty service (stack config `sentryPagerdutyServices` in the real program). */
function sentryServiceId(teamId: string): string {
  return String(100 + ["contracts-ai", "research-assistant", "platform"].indexOf(teamId));
}

export interface CraftOptions {
  /** Replace the cost dashboard's widget specs (after costWidgets). */
  costWidgets?: (specs: WidgetSpec[]) => WidgetSpec[];
}

/** A plan in the pinned formats, derived from a catalog the way the real builders are specified. */
export function craftPlan(catalog: Catalog, stackName = catalog.stack.env, opts: CraftOptions = {}): Plan {
  const stack = stackName;
  const env = catalog.stack.env;
  const resources: PlanResource[] = [];
  resources.push(componentResource(stack, COMPONENT.dashboards, "dashboards"), componentResource(stack, COMPONENT.monitors, "monitors"));

  const specs = (opts.costWidgets ?? ((s) => s))(costWidgets(catalog));
  const dashboards: [string, Record<string, unknown>][] = [
    [
      "cost",
      {
        title: `LLM Cost (${env})`,
        description: "Spend per feature and tenant.",
        layout_type: "ordered",
        reflow_type: "fixed",
        tags: [`team:${catalog.stack.platformTeam}`],
        template_variables: [
          { name: "feature", prefix: "feature", available_values: catalog.features.map((f) => f.id), defaults: ["*"] },
          { name: "tenant", prefix: "tenant", available_values: [], defaults: ["*"] },
          { name: "env", prefix: "env", available_values: [], defaults: [env] },
        ],
        widgets: layout("cost", specs),
      },
    ],
    [
      "overview",
      {
        title: `LLM Overview (${env})`,
        layout_type: "ordered",
        reflow_type: "fixed",
        tags: [`team:${catalog.stack.platformTeam}`],
        widgets: layout("overview", [
          { key: "intro", width: 12, height: 2, definition: { type: "note", content: "Quality, cost and latency of every LLM feature." } },
        ]),
      },
    ],
  ];
  for (const [id, body] of dashboards) {
    resources.push(child(stack, COMPONENT.dashboards, TYPE.dashboard, `dashboard-${id}`, { dashboard: JSON.stringify(body) }));
  }

  const teamOf = (id: string) => catalog.teams.find((t) => t.id === id)!;
  const routing = (teamId: string, priority: number) => {
    const team = teamOf(teamId);
    const slack = slackHandle(team.slack);
    const pages = catalog.stack.paging && priority <= 2;
    return [
      `{{#is_alert}}${pages ? pagerdutyHandle(env, teamId) : slack}{{/is_alert}}`,
      `{{#is_warning}}${slack}{{/is_warning}}`,
      `{{#is_recovery}}${slack}{{/is_recovery}}`,
      // As monitors/message.ts writes it: the page resolves when the monitor leaves ALERT.
      ...(pages ? [`{{#is_alert_recovery}} ${pagerdutyHandle(env, teamId)}{{/is_alert_recovery}}`] : []),
    ].join("\n");
  };
  const monitor = (
    name: string,
    o: {
      title: string;
      query: string;
      critical: number;
      warning?: number;
      priority: number;
      team: string;
      feature?: string;
      kind: string;
      signal: Signal;
    },
  ) =>
    child(stack, COMPONENT.monitors, TYPE.monitor, name, {
      name: o.title,
      type: "query alert",
      query: o.query,
      message: [
        `${o.title}: {{value}} vs {{threshold}}.`,
        `Runbook: ${catalog.stack.runbookBaseUrl}/${o.kind}.md`,
        routing(o.team, o.priority),
      ].join("\n"),
      tags: monitorTags({ team: o.team, featureId: o.feature, env, signal: o.signal, kind: o.kind }),
      priority: String(o.priority),
      monitorThresholds: { critical: String(o.critical), ...(o.warning !== undefined ? { warning: String(o.warning) } : {}) },
      onMissingData: "default",
      requireFullWindow: false,
    });
  for (const f of catalog.features) {
    const base = { team: f.owner, feature: f.id };
    resources.push(
      monitor(`monitor-${f.id}-cost-budget`, {
        ...base,
        kind: "cost-budget",
        signal: "cost",
        priority: 2,
        title: `[llm] ${f.name}: daily spend over budget`,
        query: `sum(last_1d):sum:llm.cost.usd{feature:${f.id},env:${env}}.as_count() > ${2 * f.budgetUsdPerDay}`,
        critical: 2 * f.budgetUsdPerDay,
        warning: f.budgetUsdPerDay,
      }),
      monitor(`monitor-${f.id}-ttft-p95`, {
        ...base,
        kind: "ttft-p95",
        signal: "latency",
        priority: 2,
        title: `[llm] ${f.name}: p95 TTFT too high`,
        query: `percentile(last_10m):p95:llm.ttft{feature:${f.id},env:${env}} > ${f.latency.ttftP95Ms}`,
        critical: f.latency.ttftP95Ms,
      }),
      monitor(`monitor-${f.id}-total-latency-p95`, {
        ...base,
        kind: "total-latency-p95",
        signal: "latency",
        priority: 2,
        title: `[llm] ${f.name}: p95 total too high`,
        query: `percentile(last_10m):p95:llm.duration{feature:${f.id},env:${env}} > ${f.latency.totalP95Ms}`,
        critical: f.latency.totalP95Ms,
      }),
      monitor(`monitor-${f.id}-quality-drop`, {
        ...base,
        kind: "quality-drop",
        signal: "quality",
        priority: 3,
        title: `[llm] ${f.name}: judge score dropped`,
        query: `change(avg(last_1w),last_1w):avg:llm.judge.score{feature:${f.id},env:${env}} < -${f.quality.maxWeeklyDropPoints}`,
        critical: -f.quality.maxWeeklyDropPoints,
      }),
    );
  }
  const platform = catalog.stack.platformTeam;
  for (const [kind, priority] of [
    ["tenant-spend-anomaly", 3],
    ["provider-outage", 1],
    ["judge-stalled", 3],
    ["retrieval-slow", 3],
    ["observability-cost", 4],
  ] as const) {
    resources.push(
      monitor(`monitor-${kind}`, {
        team: platform,
        kind,
        signal: "pipeline",
        priority,
        title: `[llm] ${kind}`,
        query: `avg(last_5m):sum:llm.requests{env:${env}} > 1`,
        critical: 1,
      }),
    );
  }

  if (catalog.stack.paging) {
    resources.push(componentResource(stack, COMPONENT.oncall, "oncall"));
    for (const t of catalog.teams) {
      const o = (type: string, name: string, inputs: Record<string, unknown>) =>
        resources.push(child(stack, COMPONENT.oncall, type, name, inputs));
      o(TYPE.schedule, `schedule-${t.id}`, {
        name: `${t.name} on-call`,
        timeZone: t.onCall.handoff.timeZone,
        layers: [
          {
            name: "weekly",
            start: t.onCall.rotationStart,
            rotationVirtualStart: t.onCall.rotationStart,
            rotationTurnLengthSeconds: 604800,
            users: t.onCall.members.map((m) => `PU${createHash("sha256").update(m).digest("hex").slice(0, 6).toUpperCase()}`),
          },
        ],
      });
      o(TYPE.escalationPolicy, `escalation-${t.id}`, {
        name: `${t.name} escalation`,
        numLoops: 2,
        rules: [
          {
            escalationDelayInMinutes: t.onCall.escalationDelayMinutes,
            targets: [{ type: "schedule_reference", id: `schedule-${t.id}-id` }],
          },
          {
            escalationDelayInMinutes: t.onCall.escalationDelayMinutes,
            targets: [{ type: "schedule_reference", id: `schedule-${platform}-id` }],
          },
        ],
      });
      o(TYPE.service, `service-${t.id}`, {
        name: pagerdutyServiceName(env, t.id),
        escalationPolicy: `escalation-${t.id}-id`,
        acknowledgementTimeout: "1800",
        autoResolveTimeout: "14400",
        incidentUrgencyRule: { type: "constant", urgency: "high" },
      });
      o(TYPE.serviceIntegration, `integration-datadog-${t.id}`, { name: "Datadog", service: `service-${t.id}-id`, vendor: "PSYNTHDD" });
      o(TYPE.pagerdutyServiceObject, `pagerduty-service-${t.id}`, { serviceName: pagerdutyServiceName(env, t.id), serviceKey: "[secret]" });
    }
  }

  resources.push(componentResource(stack, COMPONENT.errors, "errors"));
  for (const f of catalog.features) {
    const team = teamOf(f.owner);
    const e = (type: string, name: string, inputs: Record<string, unknown>) =>
      resources.push(
        child(stack, COMPONENT.errors, type, name, { organization: catalog.stack.sentryOrganization, project: f.sentryProject, ...inputs }),
      );
    e(TYPE.sentryIssueAlert, `sentry-issue-alert-${f.id}`, {
      name: `[llm] ${f.name}: new or regressed issue`,
      actionMatch: "any",
      filterMatch: "all",
      frequency: 30,
      conditions: [
        { id: "sentry.rules.conditions.first_seen_event.FirstSeenEventCondition" },
        { id: "sentry.rules.conditions.regression_event.RegressionEventCondition" },
      ],
      filters: [{ id: "sentry.rules.filters.tagged_event.TaggedEventFilter", key: "feature", match: "eq", value: f.id }],
      actions: [{ id: "sentry.mail.actions.NotifyEmailAction", targetType: "Team", targetIdentifier: team.sentryTeam }],
    });
    e(TYPE.sentryMetricAlert, `sentry-metric-alert-${f.id}`, {
      name: `[llm] ${f.name}: error count`,
      aggregate: "count()",
      query: `feature:${f.id}`,
      timeWindow: 10,
      thresholdType: 0,
      owner: `team:${team.sentryTeam}`,
      triggers: [
        {
          label: "critical",
          alertThreshold: f.errors?.criticalCount10m ?? catalog.stack.sentry.criticalCount10m,
          thresholdType: 0,
          actions: [
            { type: "email", targetType: "team", targetIdentifier: team.sentryTeam },
            ...(catalog.stack.paging && catalog.stack.sentryPagerdutyIntegration
              ? [{ type: "pagerduty", targetType: "specific", targetIdentifier: sentryServiceId(f.owner), integrationId: 12345 }]
              : []),
          ],
        },
        {
          label: "warning",
          alertThreshold: f.errors?.warningCount10m ?? catalog.stack.sentry.warningCount10m,
          thresholdType: 0,
          actions: [{ type: "email", targetType: "team", targetIdentifier: team.sentryTeam }],
        },
      ],
    });
    if (catalog.stack.paging && catalog.stack.sentryPagerdutyIntegration) {
      e(TYPE.sentryIssueAlert, `sentry-issue-page-${f.id}`, {
        name: `[llm] ${f.name}: high-priority issue pages`,
        actionMatch: "any",
        filterMatch: "all",
        frequency: 60,
        conditions: [{ id: "sentry.rules.conditions.high_priority_issue.NewHighPriorityIssueCondition" }],
        filters: [{ id: "sentry.rules.filters.tagged_event.TaggedEventFilter", key: "feature", match: "eq", value: f.id }],
        actions: [
          {
            id: "sentry.integrations.pagerduty.notify_action.PagerDutyNotifyServiceAction",
            account: "12345",
            service: sentryServiceId(f.owner),
            severity: "critical",
          },
        ],
      });
    }
  }
  resources.sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
  return { project: PROJECT, stack, resources };
}

/** The review comment for base -> head, as the CLI renders it. */
export function diffMarkdown(base: Plan, head: Plan, maxChars?: number): string {
  return renderMarkdown([comparePlans(base, head)], { baseLabel: "origin/main", headLabel: "working tree", maxChars }).markdown;
}

export function linesMatching(md: string, re: RegExp): string[] {
  return md.split("\n").filter((l) => re.test(l));
}

/** Table rows of one monitor's section. */
export function monitorRows(md: string, name: string): string[] {
  const start = md.indexOf(`#### \`${name}\``);
  if (start === -1) return [];
  const rest = md.slice(start).split("\n").slice(1);
  const end = rest.findIndex((l) => l.startsWith("#") || l.startsWith("- "));
  return (end === -1 ? rest : rest.slice(0, end)).filter((l) => l.startsWith("| ") && !l.startsWith("| what"));
}
