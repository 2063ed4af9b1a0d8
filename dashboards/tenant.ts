// Tenant view, driven by `$tenant`: the tenant's spend per day and per feature, against the
// top 10 spenders, against its own normal (anomaly band) and against its peers (outliers),
// its quality, feature-flag state, volume and errors. Latency is not tenant-tagged, so
// those graphs say they are all-tenant.
import { STATUS_VALUES, TAG } from "../config/contract";
import { DAY, spendPerDay, spendPerDayBy } from "./cost";
import { buildDashboard } from "./dashboard";
import type { DashboardDefinition } from "./definition";
import { tripleStrip } from "./triple";
import { allOf, metric, type Scope, without } from "./variables";
import { formula, group, marker, note, queryName, timeseries, type WidgetSpec } from "./widgets";

const [, ERROR] = STATUS_VALUES;
const WEEK_SECONDS = 7 * 24 * 3600;

export function tenantDashboard(scope: Scope): DashboardDefinition {
  return buildDashboard(scope, {
    id: "tenant",
    name: "Tenant view",
    purpose: "One tenant at a time (pick it in $tenant): spend, outliers, quality, flags, volume.",
    widgets: [
      tripleStrip(scope),
      group({
        key: "tenant/spend",
        title: "Spend",
        children: [
          spendPerDay(scope, "tenant/spend-daily", "$/day of the selected tenant"),
          spendPerDayBy(scope, TAG.feature, "tenant/spend-daily-by-feature"),
          versusTopSpenders(scope),
          anomalies(scope),
          outliers(scope),
        ],
      }),
      group({ key: "tenant/quality-and-flags", title: "Quality and feature flags", children: [quality(scope), flagState(scope)] }),
      group({ key: "tenant/traffic", title: "Volume, errors and latency", children: [volume(scope), errorRate(scope), latency(scope)] }),
    ],
  });
}

/** The top-10 line must see every tenant, the tenant's own line only the selected one. */
function versusTopSpenders(scope: Scope): WidgetSpec {
  return timeseries({
    key: "tenant/vs-top-spenders",
    title: "Selected tenant vs the top 10 spenders, $/day",
    scopeNote: `top 10 across ${allOf(TAG.tenant)}`,
    width: 4,
    requests: [
      {
        queries: [metric(without(scope, TAG.tenant), "top", "cost", { aggregation: "sum", by: [TAG.tenant], rollup: DAY })],
        formulas: [formula("top", "top 10", { limit: { count: 10, order: "desc" } })],
        lineWidth: "thin",
        palette: "grey",
      },
      {
        queries: [metric(scope, "selected", "cost", { aggregation: "sum", rollup: DAY })],
        formulas: [formula("selected", "selected tenant")],
        lineWidth: "thick",
        palette: "warm",
      },
    ],
  });
}

/** "3 deviations above their normal": the tenant's spend against its own history. */
function anomalies(scope: Scope): WidgetSpec {
  return timeseries({
    key: "tenant/spend-anomalies",
    title: "Spend against the tenant's normal: anomaly band at 3 deviations",
    description:
      "Datadog's agile anomaly algorithm on hourly spend; points above the grey band are more than 3 deviations above the " +
      "tenant's normal. The per-tenant anomaly monitor alerts on the same query.",
    requests: [
      {
        queries: [metric(scope, "spend", "cost", { aggregation: "sum", rollup: { method: "sum", seconds: 3600 } })],
        formulas: [formula("anomalies(spend, 'agile', 3)", "$/hour")],
      },
    ],
  });
}

/** Complements the anomaly band: which tenants spend unlike their peers right now. */
function outliers(scope: Scope): WidgetSpec {
  return timeseries({
    key: "tenant/spend-outliers",
    title: "Tenants spending unlike their peers: MAD outliers, tolerance 3",
    requests: [
      {
        queries: [
          metric(without(scope, TAG.tenant), "spend", "cost", {
            aggregation: "sum",
            by: [TAG.tenant],
            rollup: { method: "sum", seconds: 3600 },
          }),
        ],
        formulas: [formula("outliers(spend, 'MAD', 3)", "$/hour")],
      },
    ],
  });
}

function quality(scope: Scope): WidgetSpec {
  const score = metric(scope, "score", "judgeScore", { aggregation: "avg", by: [TAG.feature] });
  return timeseries({
    key: "tenant/quality-by-feature",
    title: "Judge score per feature, 7-day moving average",
    requests: [{ queries: [score], formulas: [formula(`moving_rollup(score, ${WEEK_SECONDS}, 'avg')`, "7-day average")] }],
    yaxis: { min: "0", max: "100" },
  });
}

/**
 * Each flag is its own tag key (contract.flagTags), recorded on every request of the
 * features that use it. Per flag: the share of those requests per variant, so a tenant on
 * the old prompt is visible at a glance. One query pair per flag, all in one widget.
 */
function flagState(scope: Scope): WidgetSpec {
  const flags = Object.entries(scope.contract.flagTags);
  if (!flags.length)
    return note({
      key: "tenant/flag-state",
      width: 6,
      height: 3,
      content: "No feature flags are configured in features.ts, so there is no flag state to show.",
    });
  const users = (flag: string) =>
    scope.catalog.features
      .filter((f) => f.flags.includes(flag))
      .map((f) => f.name)
      .join(", ");
  return timeseries({
    key: "tenant/flag-state",
    title: "Feature-flag state: share of requests per variant",
    description: `Flags: ${flags.map(([flag]) => `${flag} (${users(flag)})`).join("; ")}.`,
    requests: [
      {
        queries: flags.flatMap(([flag, tag]) => [
          metric(scope, queryName("v", flag), "requests", { aggregation: "sum", by: [tag], filters: { [tag]: "*" } }),
          metric(scope, queryName("n", flag), "requests", { aggregation: "sum", filters: { [tag]: "*" } }),
        ]),
        formulas: flags.map(([flag]) => formula(`100 * ${queryName("v", flag)} / ${queryName("n", flag)}`, `${flag} (%)`)),
      },
    ],
    yaxis: { min: "0", max: "100" },
  });
}

function volume(scope: Scope): WidgetSpec {
  return timeseries({
    key: "tenant/volume-by-feature",
    title: "Requests per feature",
    width: 4,
    requests: [
      {
        queries: [metric(scope, "reqs", "requests", { aggregation: "sum", by: [TAG.feature], rollup: { method: "sum", seconds: 3600 } })],
        formulas: [formula("reqs", "requests/hour")],
        display: "bars",
      },
    ],
  });
}

function errorRate(scope: Scope): WidgetSpec {
  return timeseries({
    key: "tenant/error-rate-by-feature",
    title: "Error rate per feature, %",
    width: 4,
    requests: [
      {
        queries: [
          metric(scope, "errors", "requests", { aggregation: "sum", by: [TAG.feature], filters: { [TAG.status]: ERROR } }),
          metric(scope, "reqs", "requests", { aggregation: "sum", by: [TAG.feature] }),
        ],
        formulas: [formula("100 * errors / reqs", "error rate (%)")],
      },
    ],
    markers: [marker(scope.catalog.stack.monitoring.providerErrorRatePct, "warning", "provider error-rate alert level")],
    yaxis: { min: "0", include_zero: true },
  });
}

function latency(scope: Scope): WidgetSpec {
  return timeseries({
    key: "tenant/latency-by-feature",
    title: "TTFT and total response p95 per feature",
    width: 4,
    requests: [
      {
        queries: [metric(scope, "ttft", "ttft", { aggregation: "p95", by: [TAG.feature] })],
        formulas: [formula("ttft", "TTFT p95")],
        lineType: "dashed",
      },
      {
        queries: [metric(scope, "total", "duration", { aggregation: "p95", by: [TAG.feature] })],
        formulas: [formula("total", "total p95")],
      },
    ],
    yaxis: { min: "0", include_zero: true },
  });
}
