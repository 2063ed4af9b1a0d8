// Thin Pulumi layer: one DashboardJson per definition, plus one dashboard list.
import * as datadog from "@pulumi/datadog";
import * as pulumi from "@pulumi/pulumi";
import { absoluteDatadogUrl, referencedDashboards, referencedSlos, resolveDashboardUrls, resolveSloIds } from "../config/links";
import { COMPONENT, DASHBOARD_LIST_NAME, resourceName } from "../config/names";
import type { StackConfig } from "../config/schema";
import type { DashboardDefinition } from "./definition";

export interface DashboardsArgs {
  definitions: DashboardDefinition[];
  site: StackConfig["datadogSite"];
  /** Name of the Datadog dashboard list that groups every dashboard. */
  listName: string;
  /** Datadog SLO id per SLO resource name, for the SLO widgets' `slo_id` (the ServiceLevelObjectives component's `ids`). */
  sloIds?: Record<string, pulumi.Input<string>>;
}

export class Dashboards extends pulumi.ComponentResource {
  /** Absolute URL per dashboard id, for monitor messages and cross-dashboard links. */
  readonly urls: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: DashboardsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT.dashboards, name, {}, opts);
    const resources: datadog.DashboardJson[] = [];
    for (const def of linkOrder(args.definitions)) {
      const text = JSON.stringify(def.body);
      const deps = referencedDashboards(text);
      const slos = referencedSlos(text);
      const unknown = slos.filter((id) => !(id in (args.sloIds ?? {})));
      if (unknown.length) throw new Error(`dashboard ${def.id} shows SLOs that are not created: ${unknown.join(", ")}`);
      const dashboard =
        deps.length || slos.length
          ? pulumi
              .all([pulumi.all(deps.map((d) => this.urls[d])), pulumi.all(slos.map((id) => args.sloIds![id]))])
              .apply(([urls, ids]) =>
                resolveSloIds(
                  resolveDashboardUrls(text, Object.fromEntries(deps.map((d, i) => [d, urls[i]]))),
                  Object.fromEntries(slos.map((id, i) => [id, ids[i]])),
                ),
              )
          : text;
      const resource = new datadog.DashboardJson(resourceName("dashboard", def.id), { dashboard }, { parent: this });
      this.urls[def.id] = resource.url.apply((u) => absoluteDatadogUrl(args.site, u));
      resources.push(resource);
    }
    new datadog.DashboardList(
      DASHBOARD_LIST_NAME,
      { name: args.listName, dashItems: resources.map((r) => ({ type: "custom_timeboard", dashId: r.id })) },
      { parent: this },
    );
    this.registerOutputs({ urls: this.urls });
  }
}

/** Dashboards that others link to are created first; a cycle is a builder bug. */
export function linkOrder(definitions: DashboardDefinition[]): DashboardDefinition[] {
  const byId = new Map(definitions.map((d) => [d.id, d]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: DashboardDefinition[] = [];
  const visit = (d: DashboardDefinition) => {
    if (done.has(d.id)) return;
    if (visiting.has(d.id)) throw new Error(`dashboard links form a cycle through "${d.id}"`);
    visiting.add(d.id);
    for (const dep of referencedDashboards(JSON.stringify(d.body))) {
      const target = byId.get(dep);
      if (!target) throw new Error(`dashboard "${d.id}" links to unknown dashboard "${dep}"`);
      visit(target);
    }
    visiting.delete(d.id);
    done.add(d.id);
    out.push(d);
  };
  definitions.forEach(visit);
  return out;
}
