// The severity map: one place that decides who gets woken up. Monitors take their
// Datadog `priority` from it, PagerDuty urgency follows it, and the policy pack checks it.
//
// | priority | meaning                                   | route (paging stack)     | PagerDuty urgency |
// |----------|-------------------------------------------|--------------------------|-------------------|
// | P1       | customers broadly affected now            | @pagerduty-<team>        | high (pages)      |
// | P2       | a feature is failing or overspending      | @pagerduty-<team>        | high (pages)      |
// | P3       | degraded, act within business hours       | team Slack channel       | low (notifies)    |
// | P4       | drift worth a look this week              | team Slack channel       | -                 |
// | P5       | informational                             | team Slack channel       | -                 |
//
// Warnings never page, whatever the priority: they go to Slack only.
export type Priority = 1 | 2 | 3 | 4 | 5;

export interface Severity {
  priority: Priority;
  label: `P${Priority}`;
  /** Whether the alert state notifies PagerDuty (on stacks that may page). */
  pages: boolean;
  /** PagerDuty urgency when it does reach PagerDuty. */
  urgency: "high" | "low";
  meaning: string;
}

export const SEVERITIES: Record<Priority, Severity> = {
  1: { priority: 1, label: "P1", pages: true, urgency: "high", meaning: "customers broadly affected now" },
  2: { priority: 2, label: "P2", pages: true, urgency: "high", meaning: "a feature is failing or overspending" },
  3: { priority: 3, label: "P3", pages: false, urgency: "low", meaning: "degraded; act within business hours" },
  4: { priority: 4, label: "P4", pages: false, urgency: "low", meaning: "drift worth a look this week" },
  5: { priority: 5, label: "P5", pages: false, urgency: "low", meaning: "informational" },
};

export function isPagingPriority(priority: number): boolean {
  return SEVERITIES[priority as Priority]?.pages ?? false;
}
