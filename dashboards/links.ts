// Cross-dashboard links. Builders only know dashboard ids; the component swaps each
// placeholder for the real URL once the target exists (config/links.ts), and creates
// linked-to dashboards first, so links must never form a cycle.
import { dashboardUrlPlaceholder } from "../config/links";
import type { DashboardId } from "./dashboard";
import { DASHBOARD_VARIABLES } from "./variables";
import type { CustomLink } from "./widgets";

/**
 * URL of another dashboard with its template variables set: `pin` fixes some (e.g. the
 * clicked tenant, `{{tenant.value}}`), every other variable carries the current selection
 * over (`{{$env.value}}`), so following a link never silently switches environment.
 */
export function dashboardLink(target: DashboardId, pin: Record<string, string> = {}): string {
  const params = DASHBOARD_VARIABLES.map((v) => `tpl_var_${v}=${pin[v] ?? `{{$${v}.value}}`}`);
  return `${dashboardUrlPlaceholder(target)}?${params.join("&")}`;
}

/** Context link on a widget grouped by `tag`: open `target` for the clicked group ("<label> acme"). */
export function drillDown(target: DashboardId, tag: string, label: string): CustomLink {
  const clicked = `{{${tag}.value}}`;
  return { label: `${label} ${clicked}`, link: dashboardLink(target, { [tag]: clicked }) };
}
