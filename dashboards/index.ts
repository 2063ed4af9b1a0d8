// Entry point of the dashboard builders: validated catalog in, Datadog dashboard JSON out.
// Pure: no Pulumi here (component.ts turns the definitions into resources). The number of
// dashboards is fixed; features add rows (`by {feature}`), never dashboards.
import type { Catalog } from "../config/validate";
import { costDashboard } from "./cost";
import type { DashboardDefinition } from "./definition";
import { latencyDashboard } from "./latency";
import { overviewDashboard } from "./overview";
import { qualityDashboard } from "./quality";
import { tenantDashboard } from "./tenant";
import { dashboardScope } from "./variables";

export { DASHBOARD_IDS, type DashboardId } from "./dashboard";
export { stableWidgetId } from "./layout";
export { lintDashboard } from "./lint";

export function buildDashboards(catalog: Catalog): DashboardDefinition[] {
  const scope = dashboardScope(catalog);
  return [qualityDashboard(scope), costDashboard(scope), latencyDashboard(scope), tenantDashboard(scope), overviewDashboard(scope)];
}
