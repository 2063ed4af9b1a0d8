// Who hears about each monitor state. One function decides it for every monitor, from the
// severity map, the stack's `paging` switch and its `notifications.slack` channel, so
// "warnings never page", "staging pages no one" and "staging talks only in its own channel"
// hold by construction rather than by convention.
import type { StackConfig, Team } from "../config/schema";
import { isPagingPriority, pagerdutyHandle, type Priority, slackHandle } from "../config/names";
import type { RenotifyStatus } from "./definition";

export interface Routes {
  /** True when the alert state reaches PagerDuty. */
  pages: boolean;
  alert: string[];
  warning: string[];
  recovery: string[];
  /** Leaving ALERT (to OK or to WARN): the handles that resolve the incident the alert opened. */
  alertRecovery: string[];
  noData: string[];
}

/**
 * Paging stack and paging priority: the alert goes to PagerDuty (and the team channel, where
 * the discussion happens). The incident resolves when the monitor leaves ALERT, to OK or down
 * to WARN: `{{#is_alert_recovery}}` carries the PagerDuty handle in both cases (docs
 * monitors/notify/variables: "For ALERT to WARNING transitions, {{#is_alert_recovery}}
 * recipients receive notifications"), while a recovery from a warning, which never paged,
 * stays in Slack. Warnings, no-data and every non-paging priority go to the team's Slack
 * channel. A stack with `paging: false` routes everything to Slack. A stack with
 * `notifications.slack` posts to that one channel instead of the team's.
 */
export function routesFor(
  stack: Pick<StackConfig, "env" | "paging" | "notifications">,
  team: Pick<Team, "id" | "slack">,
  priority: Priority,
): Routes {
  const slack = slackHandle(stack.notifications.slack ?? team.slack);
  const pages = stack.paging && isPagingPriority(priority);
  if (!pages) return { pages, alert: [slack], warning: [slack], recovery: [slack], alertRecovery: [], noData: [slack] };
  const pagerduty = pagerdutyHandle(stack.env, team.id);
  return { pages, alert: [pagerduty, slack], warning: [slack], recovery: [slack], alertRecovery: [pagerduty], noData: [slack] };
}

/**
 * How a paging monitor reminds while it stays in alert. By default the renotification pages
 * again, so an incident someone resolved by hand while the condition persists comes back. A
 * signal that stays in alert long after its cause is fixed (a rolling 24-hour sum) reminds the
 * channel only: every page after PagerDuty auto-resolves its incident would open a new one.
 */
export interface Renotify {
  intervalMinutes?: number;
  /** false: renotifications reach Slack, never PagerDuty. */
  pages?: boolean;
}

/**
 * Paging monitors renotify while they stay in alert, so an incident someone resolved by hand
 * in PagerDuty while the condition persists comes back. Warnings and non-paging monitors
 * never renotify: a repeated Slack post is how a channel gets muted.
 */
export function renotifyOptions(
  routes: Routes,
  priority: Priority,
  renotify: Renotify = {},
): { renotify_interval?: number; renotify_statuses?: RenotifyStatus[] } {
  if (!routes.pages) return {};
  return { renotify_interval: renotify.intervalMinutes ?? (priority === 1 ? 30 : 60), renotify_statuses: ["alert"] };
}
