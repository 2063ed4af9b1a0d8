// The PagerDuty service name is the contract between three systems: the PagerDuty
// service, the Datadog PagerDuty service object, and every `@pagerduty-<name>` handle in
// monitor messages. It is defined here and nowhere else.

/** `llm-prod-contracts-ai`: env-scoped so two paging stacks sharing one Datadog org never collide. */
export function pagerdutyServiceName(env: string, teamId: string): string {
  return `llm-${env}-${teamId}`;
}

/** The notification handle that pages a team, e.g. `@pagerduty-llm-prod-contracts-ai`. */
export function pagerdutyHandle(env: string, teamId: string): string {
  return `@pagerduty-${pagerdutyServiceName(env, teamId)}`;
}

/** `#contracts-ai-alerts` -> `@slack-contracts-ai-alerts`. */
export function slackHandle(channel: string): string {
  return `@slack-${channel.replace(/^#/, "")}`;
}
