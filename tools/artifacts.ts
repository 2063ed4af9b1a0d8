// Everything `npm run synth` writes under out/<stack>/, rendered in memory from the plan.
import type { Catalog } from "../config/validate";
import { dashboardsOf, type Plan, planJson } from "./plan";
import { renderPreview } from "./preview/html";

export interface Artifact {
  /** Relative to out/<stack>/. */
  path: string;
  content: string;
}

export function renderArtifacts(plan: Plan, catalog: Catalog): Artifact[] {
  const artifacts: Artifact[] = [{ path: "plan.json", content: planJson(plan) }];
  for (const d of dashboardsOf(plan)) {
    // Exactly the body sent to Datadog, only pretty-printed (key order kept as built).
    artifacts.push({ path: `dashboards/${d.id}.json`, content: `${JSON.stringify(d.body, null, 2)}\n` });
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
  lines.push(`${catalog.features.length} features, ${catalog.teams.length} teams → ${custom.length} resources (+${plan.resources.length - custom.length} components)`);
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
  lines.push(`Wrote ${artifacts.length} files to ${dir}/`);
  return lines.join("\n");
}
