// Monitor messages, written for the person reading them on a phone at 3 a.m.: what fired
// and by how much, where to look (dashboard with its variables filled in, runbook), the
// first steps, what recovery means, and who was notified. Handles sit only inside state
// blocks, so each state reaches exactly the people routing.ts chose.
import type { Routes } from "./routing";

export interface MessageParts {
  /** What fired, with `{{value}}` against the threshold(s); shown in every state. */
  summary: string;
  /** Extra line shown only in the warning state (monitors with a warning threshold). */
  warning?: string;
  dashboard: { label: string; url: string };
  runbookUrl: string;
  /** Numbered first steps; the runbook has the full procedure. */
  firstSteps: string[];
  /** What recovery means for this signal and what to do after it. */
  recovery: string;
  /** Shown only when the monitor notifies on missing data. */
  noData?: string;
  /** Shown on a renotification; default: the paging reminder. */
  renotify?: string;
  /** false: a renotification reminds Slack and never pages again (routing.ts Renotify). */
  renotifyPages?: boolean;
  routes: Routes;
}

const PAGING_REMINDER =
  "Still in alert. If the page has not been acknowledged, PagerDuty escalates to the secondary on its own; if it was " +
  "resolved by hand, the condition is still true.";

export function monitorMessage(p: MessageParts): string {
  const lines: string[] = [p.summary];
  if (p.warning) lines.push("", block("is_warning", p.warning));
  lines.push(
    "",
    `Dashboard: [${p.dashboard.label}](${p.dashboard.url})`,
    `Runbook: ${p.runbookUrl}`,
    "",
    "First steps:",
    ...p.firstSteps.map((s, i) => `${i + 1}. ${s}`),
  );
  if (p.routes.pages) lines.push("", block("is_renotify", p.renotify ?? PAGING_REMINDER));
  if (p.noData) lines.push("", block("is_no_data", `${p.noData} Notify: ${p.routes.noData.join(" ")}`));
  lines.push("", block("is_recovery", `Recovered: ${p.recovery} Notify: ${p.routes.recovery.join(" ")}`));
  if (p.routes.alertRecovery.length) {
    lines.push("", block("is_alert_recovery", `Out of alert: resolves the page. Notify: ${p.routes.alertRecovery.join(" ")}`));
  }
  lines.push("", block("is_alert", `Notify: ${alertHandles(p)}`));
  if (p.warning) lines.push(block("is_warning", `Notify: ${p.routes.warning.join(" ")}`));
  return lines.join("\n");
}

/** The alert's handles; PagerDuty's left out of renotifications when they must not page again. */
function alertHandles(p: MessageParts): string {
  if (p.renotifyPages !== false) return p.routes.alert.join(" ");
  const paging = new Set(p.routes.alertRecovery);
  const pages = p.routes.alert.filter((h) => paging.has(h));
  const rest = p.routes.alert.filter((h) => !paging.has(h));
  return `${pages.length ? `{{^is_renotify}}${pages.join(" ")} {{/is_renotify}}` : ""}${rest.join(" ")}`;
}

/** Body on its own lines: a handle must be followed by whitespace, never by the closing tag. */
function block(name: string, body: string): string {
  return `{{#${name}}}\n${body}\n{{/${name}}}`;
}

/** A multi-alert group's value in a message, e.g. `{{tenant.name}}` for the tag the monitor groups by. */
export function groupName(tag: string): string {
  return `{{${tag}.name}}`;
}

/** Dashboard link with template variables pre-filled; values may be Datadog variables such as `groupName(TAG.tenant)`. */
export function dashboardLink(base: string, variables: Record<string, string>): string {
  const query = Object.entries(variables)
    .map(([k, v]) => `tpl_var_${k}=${v}`)
    .join("&");
  return query ? `${base}?${query}` : base;
}
