// Cost dashboard: spend per day (total, per feature, per tenant), the top 10 tenants (each a
// link to the tenant view), $/answer per feature and its trend, and each feature's spend
// against its own daily budget with the warning (1x) and alert (2x) lines.
import { STATUS_VALUES, TAG } from "../config/contract";
import { buildDashboard } from "./dashboard";
import type { DashboardDefinition } from "./definition";
import { drillDown } from "./links";
import { sloGroup } from "./slo";
import { tripleStrip } from "./triple";
import { metric, type Scope, sharedBy } from "./variables";
import { formula, group, marker, optional, queryName, queryTable, timeseries, toplist, type WidgetSpec } from "./widgets";

const [OK] = STATUS_VALUES;
export const DAY = { method: "sum", seconds: 86400 } as const;

export function costDashboard(scope: Scope): DashboardDefinition {
  return buildDashboard(scope, {
    id: "cost",
    name: "Cost",
    purpose: "What does each feature and each tenant cost, per day and per answer, against its budget?",
    widgets: [
      tripleStrip(scope),
      group({
        key: "cost/spend",
        title: "Spend",
        children: [
          spendPerDay(scope),
          spendPerDayBy(scope, TAG.feature, "cost/spend-daily-by-feature"),
          spendPerDayByTenant(scope),
          topTenants(scope),
          tokens(scope),
        ],
      }),
      group({ key: "cost/unit-cost", title: "Cost per answer", children: [costPerAnswerTrend(scope), costPerAnswerWeek(scope)] }),
      group({ key: "cost/budgets", title: "Budgets", children: [budgetUse(scope)] }),
      ...optional(sloGroup(scope)),
    ],
  });
}

export function spendPerDay(scope: Scope, key = "cost/spend-daily-total", title = "$/day, total", width = 4): WidgetSpec {
  return timeseries({
    key,
    title,
    width,
    requests: [
      {
        queries: [metric(scope, "spend", "cost", { aggregation: "sum", rollup: DAY })],
        formulas: [formula("spend", "$/day")],
        display: "bars",
      },
    ],
  });
}

export function spendPerDayBy(scope: Scope, tag: string, key: string, width = 4): WidgetSpec {
  return timeseries({
    key,
    title: `$/day per ${tag}`,
    width,
    requests: [
      {
        queries: [metric(scope, "spend", "cost", { aggregation: "sum", by: [tag], rollup: DAY })],
        formulas: [formula("spend", "$/day")],
        display: "bars",
        palette: "dog_classic",
      },
    ],
  });
}

function spendPerDayByTenant(scope: Scope): WidgetSpec {
  return timeseries({
    key: "cost/spend-daily-by-tenant",
    title: `$/day per ${TAG.tenant}, top 10`,
    width: 4,
    requests: [
      {
        queries: [metric(scope, "spend", "cost", { aggregation: "sum", by: [TAG.tenant], rollup: DAY })],
        formulas: [formula("spend", "$/day", { limit: { count: 10, order: "desc" } })],
      },
    ],
  });
}

function topTenants(scope: Scope): WidgetSpec {
  return toplist({
    key: "cost/top-tenants",
    title: "Top 10 tenants by spend",
    description: "Click a tenant to open the tenant view for it.",
    queries: [metric(scope, "spend", "cost", { aggregation: "sum", by: [TAG.tenant], aggregator: "sum" })],
    formula: formula("spend", "$"),
    count: 10,
    order: "desc",
    customLinks: [drillDown("tenant", TAG.tenant, "Open the tenant view for")],
  });
}

/** Tokens drive spend; they carry no tenant tag (cardinality), so this graph is all-tenant. */
function tokens(scope: Scope): WidgetSpec {
  return timeseries({
    key: "cost/tokens-by-type",
    title: "Tokens per day by type",
    height: 4,
    requests: [
      {
        queries: [metric(scope, "tokens", "tokens", { aggregation: "sum", by: [TAG.tokenType], rollup: DAY })],
        formulas: [formula("tokens", "tokens")],
        display: "bars",
      },
    ],
  });
}

/** $ per successful answer: a failed call costs money but answers nothing. */
function answerQueries(scope: Scope, opts: { scalar: boolean }) {
  const ratio = sharedBy(scope, "cost", "requests");
  const shape = opts.scalar ? { aggregator: "sum" as const } : { rollup: DAY };
  return [
    metric(ratio, "spend", "cost", { aggregation: "sum", by: [TAG.feature], ...shape }),
    metric(ratio, "answers", "requests", { aggregation: "sum", by: [TAG.feature], filters: { [TAG.status]: OK }, ...shape }),
  ];
}

function costPerAnswerTrend(scope: Scope): WidgetSpec {
  return timeseries({
    key: "cost/cost-per-answer",
    title: "$ per successful answer per feature, daily",
    width: 8,
    requests: [{ queries: answerQueries(scope, { scalar: false }), formulas: [formula("spend / answers", "$/answer")] }],
  });
}

function costPerAnswerWeek(scope: Scope): WidgetSpec {
  const last = "(week_before(spend) / week_before(answers))";
  return queryTable({
    key: "cost/cost-per-answer-week",
    title: "$ per answer this week vs last week",
    width: 4,
    height: 3,
    time: { live_span: "1w" },
    queries: answerQueries(scope, { scalar: true }),
    columns: [
      formula("spend / answers", "this week ($)"),
      formula(last, "last week ($)"),
      formula(`100 * (spend / answers - ${last}) / ${last}`, "change (%)", {
        limit: { count: scope.catalog.features.length, order: "desc" },
      }),
    ],
  });
}

/**
 * Each feature against its own daily budget, so one query per feature; as a % of budget
 * every feature shares the 100% (warning) and 200% (alert) lines of the cost monitor.
 */
function budgetUse(scope: Scope): WidgetSpec {
  const features = scope.catalog.features;
  return timeseries({
    key: "cost/budget-use",
    title: "Budget use per feature: daily spend, % of its own daily budget",
    width: 12,
    requests: [
      {
        queries: features.map((f) =>
          metric(scope, queryName("f", f.id), "cost", { aggregation: "sum", filters: { [TAG.feature]: f.id }, rollup: DAY }),
        ),
        formulas: features.map((f) =>
          formula(`100 * ${queryName("f", f.id)} / ${f.budgetUsdPerDay}`, `${f.name} ($${f.budgetUsdPerDay}/day)`),
        ),
      },
    ],
    markers: [marker(100, "warning", "100%: budget (warning)"), marker(200, "error", "200%: 2x budget (alert)")],
    yaxis: { min: "0", include_zero: true },
  });
}
