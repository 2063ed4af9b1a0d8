// URLs that notifications and dashboards point to, derived from the stack config.
import type { StackConfig } from "./schema";

/** The Datadog web app for a site: US1/EU/gov use `app.`, the newer sites their own host. */
export function datadogAppUrl(site: StackConfig["datadogSite"]): string {
  return site === "datadoghq.com" || site === "datadoghq.eu" || site === "ddog-gov.com" ? `https://app.${site}` : `https://${site}`;
}

/** The API returns a dashboard's `url` as a path (`/dashboard/abc-def-ghi/title`); links in Slack and PagerDuty need it absolute. */
export function absoluteDatadogUrl(site: StackConfig["datadogSite"], urlOrPath: string): string {
  return /^https?:\/\//.test(urlOrPath) ? urlOrPath : `${datadogAppUrl(site)}${urlOrPath.startsWith("/") ? "" : "/"}${urlOrPath}`;
}

/** `<runbookBaseUrl>/<file>`; every monitor links its runbook this way and the policy pack checks it. */
export function runbookUrl(stack: Pick<StackConfig, "runbookBaseUrl">, file: string): string {
  return `${stack.runbookBaseUrl}/${file}`;
}

/** Every http(s) link in a text, those inside Markdown `[text](url)` too, without trailing punctuation. */
export function linksIn(text: string): string[] {
  return [...text.matchAll(/https?:\/\/[^\s)<>\]"'|`]+/g)].map((m) => m[0].replace(/[.,;:]+$/, ""));
}

/**
 * Link to one trace in the configured trace tool. `traceId` may be a Datadog template
 * expression (e.g. `{{trace_id.value}}`), so it is inserted verbatim.
 *   Langfuse:   <baseUrl>/project/<projectId>/traces/<traceId>
 *   Braintrust: <baseUrl>/app/<organization>/p/<projectId>/logs?r=<traceId>
 */
export function traceUrl(traceTool: StackConfig["traceTool"], traceId: string): string {
  if (traceTool.kind === "langfuse") return `${traceTool.baseUrl}/project/${traceTool.projectId}/traces/${traceId}`;
  return `${traceTool.baseUrl}/app/${traceTool.organization ?? "-"}/p/${traceTool.projectId}/logs?r=${traceId}`;
}

// Dashboard URLs exist only after Datadog creates the dashboard, but pure builders need to
// link to them (custom links, monitor messages). Builders write a placeholder; the Pulumi
// components substitute the real URL output.
const PLACEHOLDER = /@@dashboard-url:([a-z][a-z0-9-]*)@@/g;

export function dashboardUrlPlaceholder(dashboardId: string): string {
  return `@@dashboard-url:${dashboardId}@@`;
}

/** Ids of the dashboards a text links to, sorted and unique. */
export function referencedDashboards(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]))].sort();
}

export function resolveDashboardUrls(text: string, urls: Record<string, string>): string {
  return text.replace(PLACEHOLDER, (_, id: string) => {
    const url = urls[id];
    if (url === undefined) throw new Error(`link to unknown dashboard "${id}"`);
    return url;
  });
}

// SLO ids exist only after Datadog creates the SLO, and burn-rate monitors and dashboard widgets
// name their SLO by id (`burn_rate("<slo id>")`, `slo_id`). Builders write a placeholder naming
// the SLO's resource; the Pulumi components substitute the id output, as for dashboard URLs.
const SLO_PLACEHOLDER = /@@slo-id:([a-z][a-z0-9-]*)@@/g;

export function sloIdPlaceholder(sloResourceName: string): string {
  return `@@slo-id:${sloResourceName}@@`;
}

/** Resource names of the SLOs a text refers to, sorted and unique. */
export function referencedSlos(text: string): string[] {
  return [...new Set([...text.matchAll(SLO_PLACEHOLDER)].map((m) => m[1]))].sort();
}

export function resolveSloIds(text: string, ids: Record<string, string>): string {
  return text.replace(SLO_PLACEHOLDER, (_, name: string) => {
    const id = ids[name];
    if (id === undefined) throw new Error(`reference to unknown SLO "${name}"`);
    return id;
  });
}
