// Thin Pulumi layer: one datadog.Monitor per definition, plus Datadog's server-side tag
// policy that makes `team:<known team>` mandatory on every monitor in the org (including
// those created by hand in the UI). A composite is created after its constituents, with their
// ids in its query; a muted definition (a composite's building block) gets a downtime.
import * as datadog from "@pulumi/datadog";
import * as pulumi from "@pulumi/pulumi";
import { referencedDashboards, referencedSlos, resolveDashboardUrls, resolveSloIds } from "../config/links";
import { COMPONENT, downtimeName, MONITOR_TAG_POLICY_NAME, RESOURCE_TAG } from "../config/names";
import { toMonitorInputs } from "./args";
import { type MonitorDefinition, monitorIdPlaceholder, referencedMonitors } from "./definition";

export interface MonitorsArgs {
  definitions: MonitorDefinition[];
  /** Absolute URL per dashboard id (the Dashboards component's `urls`). */
  dashboardUrls: Record<string, pulumi.Input<string>>;
  /** Datadog SLO id per SLO resource name (the ServiceLevelObjectives component's `ids`), for `slo alert` queries. */
  sloIds?: Record<string, pulumi.Input<string>>;
  /** When set, create the org-wide policy requiring `team:<one of validTeams>` on every monitor. */
  teamTagPolicy?: { validTeams: string[] };
}

export class Monitors extends pulumi.ComponentResource {
  /** Datadog monitor id per definition id. */
  readonly ids: Record<string, pulumi.Output<string>> = {};

  /**
   * `opts.dependsOn` is passed on to every monitor (children do not inherit it): monitors
   * that notify `@pagerduty-<service>` must be created after that service object exists, or
   * Datadog rejects the unknown handle.
   */
  constructor(name: string, args: MonitorsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT.monitors, name, {}, opts);
    const upstream = asList(opts?.dependsOn);
    // Created first, so a monitor of ours that the policy would reject fails on creation
    // instead of passing once and failing on its next update.
    const policy = args.teamTagPolicy
      ? new datadog.MonitorConfigPolicy(
          MONITOR_TAG_POLICY_NAME,
          {
            policyType: "tag",
            tagPolicy: { tagKey: RESOURCE_TAG.team, tagKeyRequired: true, validTagValues: [...args.teamTagPolicy.validTeams].sort() },
          },
          { parent: this, dependsOn: upstream },
        )
      : undefined;
    // One combined Output per set of linked dashboards, shared by every monitor that links that set: most
    // monitors link the same few dashboards, and building `pulumi.all` over them per monitor was a large
    // share of the SDK's work at 200 features (bench/synth.ts). Each message still depends on exactly the
    // dashboards it links, so what is registered is unchanged.
    const linkedUrls = new Map<string, pulumi.Output<Record<string, string>>>();
    const urlsOf = (ids: string[]) => {
      const key = ids.join("\n");
      let urls = linkedUrls.get(key);
      if (!urls) {
        urls = pulumi.all(ids.map((id) => args.dashboardUrls[id])).apply((u) => Object.fromEntries(ids.map((id, i) => [id, u[i]])));
        linkedUrls.set(key, urls);
      }
      return urls;
    };
    // Constituents first: a composite's query names them by id (docs monitors/types/composite, API).
    const ordered = [...args.definitions].sort((a, b) => Number(a.body.type === "composite") - Number(b.body.type === "composite"));
    for (const def of ordered) {
      const inputs = toMonitorInputs(def.body);
      const refs = referencedMonitors(inputs.query);
      const unknownRefs = refs.filter((id) => !(id in this.ids));
      if (unknownRefs.length) throw new Error(`composite ${def.id} combines monitors that are not created: ${unknownRefs.join(", ")}`);
      // A `slo alert` names its SLO by id (monitors/slo.ts): the SLO component's output.
      const slos = referencedSlos(inputs.query);
      const unknownSlos = slos.filter((id) => !(id in (args.sloIds ?? {})));
      if (unknownSlos.length) throw new Error(`monitor ${def.id} watches SLOs that are not created: ${unknownSlos.join(", ")}`);
      const query =
        refs.length || slos.length
          ? pulumi
              .all([pulumi.all(refs.map((id) => this.ids[id])), pulumi.all(slos.map((id) => args.sloIds![id]))])
              .apply(([ids, sloIds]) =>
                resolveSloIds(
                  refs.reduce((q, id, i) => q.split(monitorIdPlaceholder(id)).join(ids[i]), inputs.query),
                  Object.fromEntries(slos.map((id, i) => [id, sloIds[i]])),
                ),
              )
          : inputs.query;
      const linked = referencedDashboards(inputs.message);
      const missing = linked.filter((id) => !(id in args.dashboardUrls));
      if (missing.length) throw new Error(`monitor ${def.id} links to dashboards that are not created: ${missing.join(", ")}`);
      const message = linked.length ? urlsOf(linked).apply((urls) => resolveDashboardUrls(inputs.message, urls)) : inputs.message;
      const monitorArgs: datadog.MonitorArgs = { ...inputs, message, query };
      const monitor = new datadog.Monitor(def.id, monitorArgs, { parent: this, dependsOn: policy ? [...upstream, policy] : upstream });
      this.ids[def.id] = monitor.id;
      if (def.muted) {
        // Muted for good: every group (scope *), from creation, no end (docs monitors/downtimes). A
        // downtime on a composite's constituent "does not mute the composite monitor" (docs monitors/types/composite).
        new datadog.DowntimeSchedule(
          downtimeName(def.id),
          {
            scope: "*",
            monitorIdentifier: { monitorId: monitor.id.apply(Number) },
            oneTimeSchedule: {},
            message: `Building block of a composite monitor: muted for good, the composite notifies.`,
          },
          { parent: this },
        );
      }
    }
    this.registerOutputs({ ids: this.ids });
  }
}

function asList(dependsOn: pulumi.ResourceOptions["dependsOn"]): pulumi.Input<pulumi.Resource>[] {
  if (dependsOn === undefined) return [];
  // The engine resolves Outputs inside the list (including an Output of a list) itself.
  return Array.isArray(dependsOn) ? [...dependsOn] : [dependsOn as pulumi.Input<pulumi.Resource>];
}
