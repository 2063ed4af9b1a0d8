// Entry point of the monitor builders: catalog in, Datadog monitor bodies out. Every kind of
// the registry (kinds.ts) is built for every feature (per-feature kinds) or once (kinds across
// features); tenants never add monitors. Org-wide kinds are built only by the org stack
// (org/build.ts, through buildOrgMonitors).
import type { Catalog } from "../config/validate";
import type { MonitorDefinition } from "./definition";
import { frame } from "./frame";
import { featureKinds, MONITOR_KINDS, type MonitorKindSpec, type OrgContext, orgKinds, stackKinds } from "./kinds";

export type { DatadogMonitor, MonitorDefinition } from "./definition";

/** Every monitor of the stack; `kinds` defaults to the registry (a deployment may add its own). */
export function buildMonitors(catalog: Catalog, kinds: readonly MonitorKindSpec[] = MONITOR_KINDS): MonitorDefinition[] {
  const monitors = [
    ...catalog.features.flatMap((feature) =>
      featureKinds(kinds).flatMap((k) => k.build({ ...frame(catalog, k, feature), feature }, catalog)),
    ),
    ...stackKinds(kinds).flatMap((k) => k.build(frame(catalog, k), catalog)),
  ];
  const seen = new Set<string>();
  for (const m of monitors) {
    if (seen.has(m.id)) throw new Error(`two monitors share the id "${m.id}"`);
    seen.add(m.id);
  }
  return monitors;
}

/** The org-wide monitors (the org stack only): every org kind of the registry, built against the org's budget. */
export function buildOrgMonitors(
  catalog: Catalog,
  org: OrgContext,
  kinds: readonly MonitorKindSpec[] = MONITOR_KINDS,
): MonitorDefinition[] {
  return orgKinds(kinds).flatMap((k) => k.build(frame(catalog, k), catalog, org));
}
