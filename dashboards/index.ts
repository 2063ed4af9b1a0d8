// Entry point of the dashboard builders: catalog in, Datadog dashboard JSON out.
import type { Catalog } from "../config/validate";
import type { DashboardDefinition } from "./definition";

export function buildDashboards(catalog: Catalog): DashboardDefinition[] {
  // Bootstrap only; the real builders replace this.
  return [
    {
      id: "overview",
      body: {
        title: "[llm] Overview",
        layout_type: "ordered",
        tags: [`team:${catalog.stack.platformTeam}`],
        widgets: [{ definition: { type: "note", content: "bootstrap" } }],
      },
    },
  ];
}
