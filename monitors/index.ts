// Entry point of the monitor builders: catalog in, Datadog monitor bodies out.
// 4 monitors per feature + 4 across features; tenants never add monitors. The org stack adds
// the org-wide observability-cost monitor (org/build.ts).
import type { Catalog } from "../config/validate";
import { crossFeatureMonitors } from "./cross-feature";
import type { MonitorDefinition } from "./definition";
import { perFeatureMonitors } from "./per-feature";

export type { DatadogMonitor, MonitorDefinition } from "./definition";

export function buildMonitors(catalog: Catalog): MonitorDefinition[] {
  const monitors = [...catalog.features.flatMap((f) => perFeatureMonitors(catalog, f)), ...crossFeatureMonitors(catalog)];
  const seen = new Set<string>();
  for (const m of monitors) {
    if (seen.has(m.id)) throw new Error(`two monitors share the id "${m.id}"`);
    seen.add(m.id);
  }
  return monitors;
}
