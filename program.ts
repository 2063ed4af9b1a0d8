// The Pulumi program: validated catalog in, components out. index.ts (pulumi up) and
// tools/synth.ts (offline, under mocks) both call runProgram, so they cannot drift.
import * as pulumi from "@pulumi/pulumi";
import { type Catalog, loadCatalog, stackConfigFromPulumi } from "./config/validate";
import { Dashboards } from "./dashboards/component";
import { buildDashboards } from "./dashboards";
import { buildErrorAlerts } from "./errors/build";
import { ErrorAlerts } from "./errors/component";
import { buildMonitors } from "./monitors";
import { Monitors } from "./monitors/component";
import type { MonitorKindSpec } from "./monitors/kinds";
import { buildOnCall } from "./oncall/build";
import { OnCall } from "./oncall/component";
import { buildOrgResources } from "./org/build";
import { OrgTagConfigurations } from "./org/component";
import { buildSlos } from "./slos";
import { ServiceLevelObjectives } from "./slos/component";

export interface ProgramInput {
  /** The features.ts array (or its JSON form), not yet validated. */
  features: unknown;
  /** The teams.ts array (or its JSON form), not yet validated. */
  teams: unknown;
}

/** Reads the stack config, validates everything (throwing one error that lists every problem), then builds. */
export function runProgram(input: ProgramInput) {
  const catalog = loadCatalog({ ...input, config: stackConfigFromPulumi(pulumi.runtime.allConfig()) });
  return buildObservability(catalog);
}

export interface BuildOptions {
  /** The monitor-kind registry (default: monitors/kinds.ts); a deployment may pass its own kinds on top. */
  monitorKinds?: readonly MonitorKindSpec[];
}

export function buildObservability(catalog: Catalog, options: BuildOptions = {}) {
  const { stack } = catalog;
  // Everything is built before the first resource is registered, so an impossible org budget
  // (a ConfigError) stops the program before anything is created.
  const dashboardDefinitions = buildDashboards(catalog);
  const monitorDefinitions = buildMonitors(catalog, options.monitorKinds);
  const sloDefinitions = buildSlos(catalog);
  // Only the stack with ownsOrgResources: tag configurations, tag policy, org-wide cost monitor.
  const org = buildOrgResources(
    catalog,
    { dashboards: dashboardDefinitions, monitors: monitorDefinitions, slos: sloDefinitions },
    options.monitorKinds,
  );

  // Before the monitors: their `@pagerduty-<name>` handles only resolve once the Datadog
  // service objects exist. Stacks that may not page create none of it.
  const onCallDefinitions = buildOnCall(catalog);
  const onCall = onCallDefinitions.length ? new OnCall("oncall", { definitions: onCallDefinitions }) : undefined;

  if (org) new OrgTagConfigurations("org", { definitions: org.tagConfigurations });

  // Before the dashboards and monitors: their SLO widgets and burn-rate queries name SLOs by id.
  const slos = new ServiceLevelObjectives("slos", { definitions: sloDefinitions });

  const dashboards = new Dashboards("dashboards", {
    definitions: dashboardDefinitions,
    site: stack.datadogSite,
    listName: `LLM observability (${stack.env})`,
    sloIds: slos.ids,
  });
  // After the dashboards (messages link to them) and the service objects (a monitor may not
  // name @pagerduty-<service> before Datadog knows that service).
  const monitors = new Monitors(
    "monitors",
    {
      definitions: [...monitorDefinitions, ...(org?.monitors ?? [])],
      dashboardUrls: dashboards.urls,
      sloIds: slos.ids,
      teamTagPolicy: org?.tagPolicy,
    },
    { dependsOn: onCall?.serviceObjects ?? [] },
  );

  const errorAlerts = new ErrorAlerts("errors", {
    definitions: buildErrorAlerts(catalog),
    organization: stack.sentryOrganization,
    pagerdutyIntegration: stack.paging ? stack.sentryPagerdutyIntegration : undefined,
  });

  return {
    dashboardUrls: dashboards.urls,
    /** Monitor id per stable monitor name. */
    monitorIds: monitors.ids,
    /** SLO id per stable SLO name (`slo-<feature>-<objective>`). */
    sloIds: slos.ids,
    /** Per team: PagerDuty service name, the handle monitors use, service id and URL. Empty when the stack may not page. */
    onCall: onCall?.teams ?? {},
    /** Per feature: the names of its Sentry rules. */
    sentryRules: errorAlerts.features,
  };
}
