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
  noData: string[];
}

/**
 * Paging stack and paging priority: the alert goes to PagerDuty (and the team channel, where
 * the discussion happens); recovery goes to both, because a PagerDuty incident resolves only
 * when the recovery notification carries its handle. Warnings, no-data and every non-paging
 * priority go to the team's Slack channel. A stack with `paging: false` routes everything to
 * Slack. A stack with `notifications.slack` posts to that one channel instead of the team's.
 */
export function routesFor(
  stack: Pick<StackConfig, "env" | "paging" | "notifications">,
  team: Pick<Team, "id" | "slack">,
  priority: Priority,
): Routes {
  const slack = slackHandle(stack.notifications.slack ?? team.slack);
  const pages = stack.paging && isPagingPriority(priority);
  if (!pages) return { pages, alert: [slack], warning: [slack], recovery: [slack], noData: [slack] };
  const pagerduty = pagerdutyHandle(stack.env, team.id);
  return { pages, alert: [pagerduty, slack], warning: [slack], recovery: [pagerduty, slack], noData: [slack] };
}

/**
 * Paging monitors renotify while they stay in alert, so an incident someone resolved by hand
 * in PagerDuty while the condition persists comes back. Warnings and non-paging monitors
 * never renotify: a repeated Slack post is how a channel gets muted.
 */
export function renotifyOptions(routes: Routes, priority: Priority): { renotify_interval?: number; renotify_statuses?: RenotifyStatus[] } {
  if (!routes.pages) return {};
  return { renotify_interval: priority === 1 ? 30 : 60, renotify_statuses: ["alert"] };
}
