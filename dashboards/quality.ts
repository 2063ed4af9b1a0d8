// Quality dashboard: LLM-as-judge scores on sampled production traces, per feature and per
// tenant, their week-over-week change against each feature's allowed drop, the worst traces
// of the week (clickable to the trace tool) and whether the judge sees enough traffic.
import { TAG } from "../config/contract";
import { traceUrl } from "../config/links";
import type { Feature } from "../config/schema";
import { buildDashboard } from "./dashboard";
import type { DashboardDefinition } from "./definition";
import { drillDown } from "./links";
import { sloGroup } from "./slo";
import { tripleStrip } from "./triple";
import { judgeLogQuery, metric, type Scope, sharedBy } from "./variables";
import { formula, group, marker, optional, queryName, queryTable, timeseries, type WidgetSpec } from "./widgets";

const WEEK_SECONDS = 7 * 24 * 3600;

export function qualityDashboard(scope: Scope): DashboardDefinition {
  return buildDashboard(scope, {
    id: "quality",
    name: "Quality",
    purpose: "Is each feature still giving good answers? LLM-as-judge scores of sampled production traces.",
    widgets: [
      tripleStrip(scope),
      group({
        key: "quality/scores",
        title: "Judge score",
        children: [scoreTrend(scope), weekOverWeekTable(scope), weekOverWeekVsAllowed(scope)],
      }),
      group({ key: "quality/drill-down", title: "Worst traces and tenants", children: [bottomTraces(scope), lowestTenants(scope)] }),
      group({ key: "quality/sampling", title: "Judge coverage", children: [coverage(scope)] }),
      ...optional(sloGroup(scope)),
    ],
  });
}

export function scoreTrend(scope: Scope, key = "quality/score-by-feature", width = 8): WidgetSpec {
  const score = metric(scope, "score", "judgeScore", { aggregation: "avg", by: [TAG.feature] });
  return timeseries({
    key,
    title: "Judge score per feature, with its 7-day moving average",
    width,
    requests: [
      { queries: [score], formulas: [formula("score", "score")], lineType: "dotted", lineWidth: "thin", palette: "grey" },
      { queries: [score], formulas: [formula(`moving_rollup(score, ${WEEK_SECONDS}, 'avg')`, "7-day average")], lineWidth: "thick" },
    ],
    yaxis: { min: "0", max: "100" },
  });
}

/** Same quantity as the quality monitor: this week's average minus last week's. */
function weekOverWeekTable(scope: Scope): WidgetSpec {
  return queryTable({
    key: "quality/week-over-week",
    title: "Judge score this week vs last week",
    width: 4,
    height: 3,
    time: { live_span: "1w" },
    queries: [metric(scope, "score", "judgeScore", { aggregation: "avg", by: [TAG.feature], aggregator: "avg" })],
    columns: [
      formula("score", "this week"),
      formula("week_before(score)", "last week"),
      formula("score - week_before(score)", "change (points)", { limit: { count: scope.catalog.features.length, order: "asc" } }),
    ],
  });
}

/**
 * Each feature has its own allowed drop, so each gets its own query and its change is
 * shown as a share of that allowance: -100% is exactly where its alert fires, for every
 * feature, on one shared marker.
 */
function weekOverWeekVsAllowed(scope: Scope): WidgetSpec {
  const avg7d = (q: string) => `moving_rollup(${q}, ${WEEK_SECONDS}, 'avg')`;
  const queries = scope.catalog.features.map((f) =>
    metric(scope, queryName("f", f.id), "judgeScore", { aggregation: "avg", filters: { [TAG.feature]: f.id } }),
  );
  const formulas = scope.catalog.features.map((f, i) => {
    const q = queries[i].name;
    const drop = f.quality.maxWeeklyDropPoints;
    return formula(`100 * (${avg7d(q)} - ${avg7d(`week_before(${q})`)}) / ${drop}`, `${f.name} (allowed drop ${drop} pts)`);
  });
  return timeseries({
    key: "quality/week-over-week-vs-allowed",
    title: "Week-over-week change of the 7-day judge average, % of each feature's allowed drop",
    width: 12,
    requests: [{ queries, formulas }],
    markers: [marker(-100, "error", "allowed drop: quality alert"), marker(0, "info", "unchanged", "solid")],
  });
}

/** Trace ids are unbounded, so they come from the judge's logs, never from metric tags. */
function bottomTraces(scope: Scope): WidgetSpec {
  const { traceTool } = scope.catalog.stack;
  const { attributes } = scope.contract.judgeLog;
  const tool = traceTool.kind === "langfuse" ? "Langfuse" : "Braintrust";
  return queryTable({
    key: "quality/bottom-traces",
    title: "Bottom 20 judged traces of the week",
    description:
      `Lowest judge scores of the last 7 days, from the judge's logs (service:${scope.contract.judgeLog.service}). Needs ` +
      `@${attributes.traceId} as a facet and @${attributes.score} as a measure in Log Management. ` +
      `Click a row to open the trace in ${tool}.`,
    width: 6,
    height: 5,
    time: { live_span: "1w" },
    queries: [judgeLogQuery(scope, "traces", { compute: "avg", groupByTrace: { limit: 20, order: "asc" } })],
    columns: [formula("traces", "judge score", { limit: { count: 20, order: "asc" } })],
    customLinks: [{ label: `Open trace in ${tool}`, link: traceUrl(traceTool, `{{@${attributes.traceId}.value}}`) }],
  });
}

function lowestTenants(scope: Scope): WidgetSpec {
  return queryTable({
    key: "quality/lowest-tenants",
    title: "Lowest-scoring tenants",
    description: "Average judge score per tenant, lowest first, with the number of judged traces behind it (few traces, noisy average).",
    width: 6,
    height: 5,
    queries: [
      metric(scope, "score", "judgeScore", { aggregation: "avg", by: [TAG.tenant], aggregator: "avg" }),
      metric(scope, "judged", "judgeScore", { aggregation: "count", by: [TAG.tenant], aggregator: "sum" }),
    ],
    columns: [formula("score", "judge score", { limit: { count: 10, order: "asc" } }), formula("judged", "judged traces")],
    customLinks: [drillDown("tenant", TAG.tenant, "Open the tenant view for")],
  });
}

/**
 * judged / requests per feature against that feature's configured sample rate (100% = the
 * judge sees exactly the share it should). Both sides share one scope: judge scores carry
 * no provider tag, so neither side applies $provider.
 */
function coverage(scope: Scope): WidgetSpec {
  const ratio = sharedBy(scope, "judgeScore", "requests");
  const hourly = { method: "sum", seconds: 3600 } as const;
  const perFeature = (f: Feature) => [
    metric(ratio, queryName("j", f.id), "judgeScore", { aggregation: "count", filters: { [TAG.feature]: f.id }, rollup: hourly }),
    metric(ratio, queryName("r", f.id), "requests", { aggregation: "sum", filters: { [TAG.feature]: f.id }, rollup: hourly }),
  ];
  const features = scope.catalog.features;
  return timeseries({
    key: "quality/coverage",
    title: "Judged-sample coverage: judged / requests, % of each feature's sample rate",
    width: 12,
    requests: [
      {
        queries: features.flatMap(perFeature),
        formulas: features.map((f) => {
          const rate = f.quality.judgeSampleRate;
          return formula(
            `100 * (${queryName("j", f.id)} / ${queryName("r", f.id)}) / ${rate}`,
            `${f.name} (target ${+(rate * 100).toFixed(4)}%)`,
          );
        }),
      },
    ],
    markers: [marker(100, "ok", "configured sample rate")],
    yaxis: { min: "0", include_zero: true },
  });
}
