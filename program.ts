// The Pulumi program: validated catalog in, components out. index.ts (pulumi up) and
// tools/synth.ts (offline, under mocks) both call runProgram, so they cannot drift.
import * as pulumi from "@pulumi/pulumi";
import { type Catalog, loadCatalog, stackConfigFromPulumi } from "./config/validate";
import { Dashboards } from "./dashboards/component";
import { buildDashboards } from "./dashboards";
import { buildMonitors } from "./monitors";
import { Monitors } from "./monitors/component";

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

export function buildObservability(catalog: Catalog) {
  const { stack } = catalog;
  const dashboards = new Dashboards("dashboards", {
    definitions: buildDashboards(catalog),
    site: stack.datadogSite,
    listName: `LLM observability (${stack.env})`,
  });
  // Monitors link to the dashboards, so they come after them. When PagerDuty is wired, pass
  // its Datadog service objects as `dependsOn`: a monitor may not name @pagerduty-<service>
  // before the service object exists.
  const monitors = new Monitors("monitors", {
    definitions: buildMonitors(catalog),
    dashboardUrls: dashboards.urls,
    teamTagPolicy: stack.monitoring.teamTagPolicy ? { validTeams: catalog.teams.map((t) => t.id) } : undefined,
  });
  return { dashboardUrls: dashboards.urls, monitorIds: monitors.ids };
}
