// Everything `npm run synth` writes under out/<stack>/, rendered in memory from the plan.
import { type CardinalityEstimate, cardinalitySummary, renderCardinalityReport } from "../cardinality";
import type { Catalog } from "../config/validate";
import { monitorsOf } from "../monitors/from-plan";
import { MONITOR_TAG, tagValue } from "../monitors/kinds";
import { onCallSummary, sentrySummary } from "../oncall/summary";
import { stackCardinality } from "../org/build";
import { dashboardsOf, type Plan, planJson, resourcesOfType, TYPE } from "./plan";
import { renderPreview } from "./preview/html";
import { describeResourceCount } from "./resource-count";

export interface Artifact {
  /** Relative to out/<stack>/. */
  path: string;
  content: string;
}

/**
 * The stack's cardinality estimate, computed once per catalog: it rebuilds every dashboard and
 * monitor, and synth needs it for both cardinality.md and the summary (~150 ms at 200 features).
 */
const cardinalityCache = new WeakMap<Catalog, CardinalityEstimate>();
function cardinalityOf(catalog: Catalog): CardinalityEstimate {
  let estimate = cardinalityCache.get(catalog);
  if (!estimate) cardinalityCache.set(catalog, (estimate = stackCardinality(catalog)));
  return estimate;
}

export function renderArtifacts(plan: Plan, catalog: Catalog): Artifact[] {
  const artifacts: Artifact[] = [{ path: "plan.json", content: planJson(plan) }];
  artifacts.push({ path: "cardinality.md", content: renderCardinalityReport(cardinalityOf(catalog)) });
  for (const d of dashboardsOf(plan)) {
    // Exactly the body sent to Datadog, only pretty-printed (key order kept as built).
    artifacts.push({ path: `dashboards/${d.id}.json`, content: `${JSON.stringify(d.body, null, 2)}\n` });
  }
  for (const m of monitorsOf(plan)) {
    // The API body mapped back from the recorded provider inputs: what Datadog receives.
    artifacts.push({ path: `monitors/${m.id}.json`, content: `${JSON.stringify(m.body, null, 2)}\n` });
  }
  // What a reviewer opens: every dashboard on its grid, the monitors, on-call and Sentry rules.
  artifacts.push({ path: "preview/index.html", content: renderPreview(plan, { catalog }) });
  return artifacts;
}

/** Widgets including those nested in groups. */
export function countWidgets(widgets: unknown): number {
  if (!Array.isArray(widgets)) return 0;
  return widgets.reduce<number>((n, w) => {
    const def = (w as { definition?: { type?: string; widgets?: unknown } }).definition;
    return n + 1 + (def?.type === "group" ? countWidgets(def.widgets) : 0);
  }, 0);
}

export function summarize(plan: Plan, catalog: Catalog, artifacts: Artifact[], dir: string): string {
  const lines: string[] = [];
  const custom = plan.resources.filter((r) => r.custom);
  lines.push(`llm-observability · stack ${plan.stack} (env ${catalog.stack.env}, paging ${catalog.stack.paging ? "on" : "off"})`);
  lines.push(`${catalog.features.length} features, ${catalog.teams.length} teams → ${describeResourceCount(plan)}`);
  lines.push("");
  lines.push("Resources by type:");
  const byType = new Map<string, number>();
  for (const r of custom) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
  const width = Math.max(...[...byType.keys()].map((t) => t.length));
  for (const [type, n] of [...byType].sort()) lines.push(`  ${type.padEnd(width)}  ${String(n).padStart(3)}`);
  lines.push("");
  lines.push("Dashboards:");
  for (const d of dashboardsOf(plan)) {
    lines.push(`  ${d.id.padEnd(10)} ${String(countWidgets(d.body.widgets)).padStart(3)} widgets  ${String(d.body.title)}`);
  }
  lines.push("");
  lines.push(...monitorSummary(plan, catalog));
  lines.push("");
  lines.push(...orgSummary(plan, catalog));
  lines.push("");
  lines.push(...onCallSummary(plan, catalog), "", ...sentrySummary(plan, catalog));
  lines.push("");
  lines.push(...cardinalitySummary(cardinalityOf(catalog)));
  lines.push("");
  lines.push(`Wrote ${artifacts.length} files to ${dir}/`);
  return lines.join("\n");
}

/** One line per owning team: how many monitors, how many of them page, and by which priority. */
function monitorSummary(plan: Plan, catalog: Catalog): string[] {
  const monitors = monitorsOf(plan);
  const perFeature = monitors.filter((m) => tagValue(m.body.tags, MONITOR_TAG.feature)).length;
  const pages = (m: (typeof monitors)[number]) => m.body.message.includes("@pagerduty-");
  const lines = [
    `Monitors: ${monitors.length} (${perFeature} per feature, ${monitors.length - perFeature} cross-feature), ${monitors.filter(pages).length} page${catalog.stack.paging ? "" : " (paging off: all to Slack)"}`,
  ];
  const teams = [...new Set(monitors.map((m) => tagValue(m.body.tags, MONITOR_TAG.team) ?? "?"))].sort();
  const width = Math.max(0, ...teams.map((t) => t.length));
  for (const team of teams) {
    const own = monitors.filter((m) => tagValue(m.body.tags, MONITOR_TAG.team) === team);
    const byPriority = [1, 2, 3, 4, 5]
      .map((p) => [p, own.filter((m) => m.body.priority === p).length] as const)
      .filter(([, n]) => n > 0)
      .map(([p, n]) => `P${p}x${n}`)
      .join(" ");
    lines.push(
      `  ${team.padEnd(width)}  ${String(own.length).padStart(3)} monitors, ${String(own.filter(pages).length).padStart(2)} paging  (${byPriority})`,
    );
  }
  return lines;
}

/** What this stack creates of the Datadog org's shared resources (docs/org-resources.md). */
function orgSummary(plan: Plan, catalog: Catalog): string[] {
  if (!catalog.stack.ownsOrgResources) {
    return [
      "Org resources: none here (ownsOrgResources is off); check this stack against the org stack with",
      `  npm run check -- --plan out/${plan.stack}/plan.json --org-plan out/<org stack>/plan.json`,
    ];
  }
  const configs = resourcesOfType(plan, TYPE.metricTagConfiguration);
  const percentiles = configs.filter((r) => r.inputs.includePercentiles === true).map((r) => String(r.inputs.metricName));
  const policy = resourcesOfType(plan, TYPE.monitorConfigPolicy).length > 0;
  const cost = monitorsOf(plan).find((m) => m.body.tags.includes(`${MONITOR_TAG.monitor}:observability-cost`));
  const t = cost?.body.options.thresholds;
  return [
    `Org resources (ownsOrgResources): ${configs.length} metric tag configurations, percentiles on ${percentiles.join(", ") || "none"}; ` +
      `${policy ? "team tag policy" : "no tag policy (monitoring.teamTagPolicy is off)"}`,
    t
      ? `  observability-cost: alert above ${t.critical.toLocaleString("en-US")} indexed custom metrics org-wide, ` +
        (t.warning === undefined
          ? "NO warning: the org budget does not cover the planned steady state"
          : `warning above ${t.warning.toLocaleString("en-US")}`)
      : "  observability-cost: missing",
  ];
}
