// Entry point of the dashboard builders: catalog in, Datadog dashboard JSON out.
import type { Catalog } from "../config/validate";
import type { DashboardDefinition } from "./definition";

export function buildDashboards(catalog: Catalog): DashboardDefinition[] {
  // Bootstrap only; the real builders replace this. The ids are the pinned ones monitor
  // messages link to.
  return (["quality", "cost", "latency", "tenant", "overview"] as const).map((id) => ({
    id,
    body: {
      title: `[llm] ${id}`,
      layout_type: "ordered",
      tags: [`team:${catalog.stack.platformTeam}`],
      widgets: [{ definition: { type: "note", content: "bootstrap" } }],
    },
  }));
}
