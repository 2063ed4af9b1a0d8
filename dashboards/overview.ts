// Overview: the triple (quality, cost, latency) per feature side by side, so a trade-off
// on one axis is visible on the others, with links into the three core dashboards.
import { STATUS_VALUES, TAG } from "../config/contract";
import { dashboardUrlPlaceholder } from "../config/links";
import { spendPerDayBy } from "./cost";
import { buildDashboard } from "./dashboard";
import type { DashboardDefinition } from "./definition";
import { drillDown } from "./links";
import { scoreTrend } from "./quality";
import { sloGroup } from "./slo";
import { tripleStrip } from "./triple";
import { metric, type Scope, sharedBy } from "./variables";
import { formula, note, optional, queryTable, timeseries, type WidgetSpec } from "./widgets";

const [OK, ERROR] = STATUS_VALUES;

export function overviewDashboard(scope: Scope): DashboardDefinition {
  return buildDashboard(scope, {
    id: "overview",
    name: "Overview",
    purpose: "Quality, cost and latency of every feature side by side: optimise one and watch the other two.",
    widgets: [
      tripleStrip(scope),
      navigation(),
      triplePerFeature(scope),
      ...optional(sloGroup(scope)),
      scoreTrend(scope, "overview/quality-trend", 4),
      spendPerDayBy(scope, TAG.feature, "overview/cost-trend"),
      latencyTrend(scope),
    ],
  });
}

function navigation(): WidgetSpec {
  const link = (label: string, id: "quality" | "cost" | "latency" | "tenant") => `[${label}](${dashboardUrlPlaceholder(id)})`;
  return note({
    key: "overview/navigation",
    content:
      `**Open:** ${link("Quality", "quality")} · ${link("Cost", "cost")} · ${link("Latency", "latency")} · ` +
      `${link("Tenant view", "tenant")}. Click a feature in the table to open its quality, cost or latency dashboard.`,
  });
}

/** One row per feature, one column per axis of the triple. */
function triplePerFeature(scope: Scope): WidgetSpec {
  const by = [TAG.feature];
  const ratio = sharedBy(scope, "cost", "requests");
  return queryTable({
    key: "overview/triple-by-feature",
    title: "Quality, cost and latency per feature",
    width: 12,
    height: 4,
    queries: [
      metric(scope, "score", "judgeScore", { aggregation: "avg", by, aggregator: "avg" }),
      metric(ratio, "spend", "cost", { aggregation: "sum", by, aggregator: "sum" }),
      metric(ratio, "answers", "requests", { aggregation: "sum", by, filters: { [TAG.status]: OK }, aggregator: "sum" }),
      metric(scope, "ttft", "ttft", { aggregation: "p95", by, aggregator: "percentile" }),
      metric(scope, "total", "duration", { aggregation: "p95", by, aggregator: "percentile" }),
      metric(scope, "errors", "requests", { aggregation: "sum", by, filters: { [TAG.status]: ERROR }, aggregator: "sum" }),
      metric(scope, "reqs", "requests", { aggregation: "sum", by, aggregator: "sum" }),
    ],
    columns: [
      formula("score", "judge score"),
      formula("spend", "spend ($)", { limit: { count: scope.catalog.features.length, order: "desc" } }),
      formula("spend / answers", "$ per answer"),
      formula("ttft", "TTFT p95 (ms)"),
      formula("total", "total p95 (ms)"),
      formula("100 * errors / reqs", "error rate (%)"),
      formula("reqs", "requests"),
    ],
    customLinks: [
      drillDown("quality", TAG.feature, "Quality of"),
      drillDown("cost", TAG.feature, "Cost of"),
      drillDown("latency", TAG.feature, "Latency of"),
    ],
  });
}

function latencyTrend(scope: Scope): WidgetSpec {
  return timeseries({
    key: "overview/latency-trend",
    title: "Total response p95 per feature",
    width: 4,
    requests: [
      {
        queries: [metric(scope, "total", "duration", { aggregation: "p95", by: [TAG.feature] })],
        formulas: [formula("total", "total p95")],
      },
    ],
    yaxis: { min: "0", include_zero: true },
  });
}
