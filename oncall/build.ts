// Pure builder: catalog -> one PagerDuty setup per team (schedule, escalation policy,
// service, Datadog integration, Datadog service object). People and schedules are named
// symbolically (emails, team ids); the OnCall component resolves them to PagerDuty ids.
import { runbookUrl } from "../config/links";
import type { Team } from "../config/schema";
import type { Catalog } from "../config/validate";
import { ERRORS_RUNBOOK, pagerdutyHandle, pagerdutyServiceName, SEVERITIES } from "../config/names";
import { isoInZone, rotationAnchor } from "../config/time";

export const WEEK_SECONDS = 7 * 24 * 60 * 60;

/**
 * After the last level the policy starts over this many times: the on-call engineer, then the
 * secondary, get paged again rather than an unacknowledged incident going quiet.
 */
export const NUM_LOOPS = 2;

/**
 * An acknowledged incident re-triggers after an hour: long enough for the chapter's 40-minute
 * root-cause hunt without a second page, short enough that an ack followed by sleep is caught.
 */
export const ACKNOWLEDGEMENT_TIMEOUT_SECONDS = 60 * 60;

/**
 * Datadog resolves incidents on recovery, but not for monitors deleted while alerting (removing
 * a feature from features.ts does exactly that). Four hours closes those orphans; a condition
 * that is still bad by then re-pages through the monitor's renotification.
 */
export const AUTO_RESOLVE_TIMEOUT_SECONDS = 4 * 60 * 60;

/**
 * PagerDuty's rule for "urgency based on severity": critical and error are high urgency
 * (page), warning and info are low (notify, no escalation).
 */
export const PAGERDUTY_URGENCY_BY_SEVERITY = { critical: "high", error: "high", warning: "low", info: "low" } as const;
export type PagerdutySeverity = keyof typeof PAGERDUTY_URGENCY_BY_SEVERITY;

/**
 * The PagerDuty event severity sent for each monitor priority. Assumed from Datadog's
 * PagerDuty integration (P1 critical, P2 error, P3 warning, P4/P5 info); the urgency it
 * implies must agree with config/names.ts, which a test checks.
 */
export const PAGERDUTY_SEVERITY_BY_PRIORITY: Record<keyof typeof SEVERITIES, PagerdutySeverity> = {
  1: "critical",
  2: "error",
  3: "warning",
  4: "info",
  5: "info",
};

export type EscalationTarget = { type: "schedule_reference"; team: string } | { type: "user_reference"; email: string };

export interface EscalationRule {
  escalationDelayInMinutes: number;
  targets: EscalationTarget[];
}

export interface TeamOnCall {
  teamId: string;
  /** `llm-<env>-<team>`: the PagerDuty service and the Datadog service object share it. */
  serviceName: string;
  /** `@pagerduty-<serviceName>`, what monitors write to page this team. */
  handle: string;
  schedule: {
    name: string;
    description: string;
    timeZone: string;
    layer: {
      name: string;
      /** Both equal the anchor; PagerDuty moves a past `start` to "now" by itself. */
      start: string;
      rotationVirtualStart: string;
      rotationTurnLengthSeconds: number;
      /** Emails, in rotation order. */
      members: string[];
    };
  };
  escalation: { name: string; description: string; numLoops: number; rules: EscalationRule[] };
  service: {
    name: string;
    description: string;
    acknowledgementTimeout: string;
    autoResolveTimeout: string;
    alertCreation: "create_alerts_and_incidents";
    incidentUrgencyRule: { type: "constant"; urgency: "severity_based" };
    /**
     * Only when the team asks for it (teams.ts `onCall.alertGrouping`), and only in the one shape
     * the pinned provider sends as PagerDuty's API accepts it: `{type: "intelligent"}`, no config.
     * terraform-provider-pagerduty v2.4.0 adds `aggregate: ""` and `timeout` to any config block
     * whatever the type (resource_pagerduty_service.go:528-549), and PagerDuty's stricter API
     * rejects fields that do not belong to the type (terraform-provider-pagerduty#887, fixed
     * upstream in 9298321e, after the pinned version).
     */
    alertGroupingParameters?: { type: "intelligent" };
  };
  /** The Datadog-vendor integration on the service; its key feeds the Datadog service object. */
  integration: { name: string; vendor: "Datadog" };
}

/**
 * The IANA spelling of a time zone: validation accepts what Node's Intl accepts, `europe/berlin`
 * included, but the provider checks the schedule's zone with Go's case-sensitive
 * time.LoadLocation (terraform-provider-pagerduty v2.4.0 resource_pagerduty_schedule.go:48-58), so a
 * zone goes to PagerDuty as Intl resolves it (`Europe/Berlin`; aliases such as `US/Eastern` resolve
 * to their canonical zone, which Go knows too).
 */
export function ianaSpelling(timeZone: string): string {
  return new Intl.DateTimeFormat("en-US", { timeZone }).resolvedOptions().timeZone;
}

/** Stacks that may not page get nothing: no schedules, services or service objects. */
export function buildOnCall(catalog: Catalog): TeamOnCall[] {
  if (!catalog.stack.paging) return [];
  return catalog.teams.map((team) => buildTeamOnCall(catalog, team));
}

export function buildTeamOnCall(catalog: Catalog, team: Team): TeamOnCall {
  const { env, platformTeam, runbookBaseUrl } = catalog.stack;
  const { onCall } = team;
  const anchor = rotationAnchor(onCall.rotationStart, onCall.handoff);
  // Validation rejects a bad anchor; reaching this means a catalog that skipped loadCatalog.
  if (!anchor.ok) throw new Error(`teams "${team.id}": rotationStart ${anchor.message}`);
  const start = isoInZone(anchor.instant, onCall.handoff.timeZone);
  const serviceName = pagerdutyServiceName(env, team.id);
  const delay = onCall.escalationDelayMinutes;
  const sentry = catalog.stack.sentryPagerdutyIntegration
    ? `, high-priority errors from Sentry (runbook ${runbookUrl(catalog.stack, ERRORS_RUNBOOK)})`
    : "";
  return {
    teamId: team.id,
    serviceName,
    handle: pagerdutyHandle(env, team.id),
    schedule: {
      name: `${team.name} on-call (${serviceName})`,
      description:
        `Weekly rotation, one engineer at a time; handoff ${onCall.handoff.day} ${onCall.handoff.time} ${onCall.handoff.timeZone}. ` +
        `Managed by llm-observability (teams.ts); edits in the UI are overwritten.`,
      timeZone: ianaSpelling(onCall.handoff.timeZone),
      layer: {
        name: "Weekly",
        start,
        rotationVirtualStart: start,
        rotationTurnLengthSeconds: WEEK_SECONDS,
        members: [...onCall.members],
      },
    },
    escalation: {
      name: `${team.name} escalation (${serviceName})`,
      description:
        `On-call engineer first, then after ${delay} minutes ${describeSecondary(team, platformTeam)}. ` + "Managed by llm-observability.",
      numLoops: NUM_LOOPS,
      rules: escalationRules(team, platformTeam),
    },
    service: {
      name: serviceName,
      // PagerDuty shows the service, not the Sentry rule, to whoever is paged: the Sentry runbook is named here.
      description:
        `LLM features of ${team.name} (${env}): quality, cost and latency monitors from Datadog${sentry}. ` + `Runbooks: ${runbookBaseUrl}`,
      acknowledgementTimeout: String(ACKNOWLEDGEMENT_TIMEOUT_SECONDS),
      autoResolveTimeout: String(AUTO_RESOLVE_TIMEOUT_SECONDS),
      alertCreation: "create_alerts_and_incidents",
      // Urgency follows the event's severity, so the severity map holds on the PagerDuty side
      // too: a P3 or a warning that reaches this service by mistake notifies but never wakes anyone.
      incidentUrgencyRule: { type: "constant", urgency: "severity_based" },
      ...(onCall.alertGrouping === "intelligent" ? { alertGroupingParameters: { type: "intelligent" as const } } : {}),
    },
    integration: { name: "Datadog", vendor: "Datadog" },
  };
}

/**
 * Level 1 is the team's schedule. Level 2 is the configured secondary (a manager's email or
 * another team's schedule); without one, the platform team's schedule backs the team up. The
 * platform team without a secondary has nobody above it, so it keeps one level and relies on
 * the loops to page its on-call engineer again.
 */
export function escalationRules(team: Team, platformTeam: string): EscalationRule[] {
  const delay = team.onCall.escalationDelayMinutes;
  const first: EscalationRule = { escalationDelayInMinutes: delay, targets: [{ type: "schedule_reference", team: team.id }] };
  const secondary = secondaryTarget(team, platformTeam);
  return secondary ? [first, { escalationDelayInMinutes: delay, targets: [secondary] }] : [first];
}

function secondaryTarget(team: Team, platformTeam: string): EscalationTarget | undefined {
  const secondary = team.onCall.secondary;
  if (secondary?.includes("@")) return { type: "user_reference", email: secondary };
  if (secondary) return { type: "schedule_reference", team: secondary };
  return team.id === platformTeam ? undefined : { type: "schedule_reference", team: platformTeam };
}

function describeSecondary(team: Team, platformTeam: string): string {
  const target = secondaryTarget(team, platformTeam);
  if (!target) return `the same schedule again (${NUM_LOOPS} loops)`;
  return target.type === "user_reference" ? target.email : `the ${target.team} on-call schedule`;
}

/** Emails the component must look up in PagerDuty: members and manager secondaries, each once. */
export function peopleOf(definitions: TeamOnCall[]): string[] {
  const emails = definitions.flatMap((d) => [
    ...d.schedule.layer.members,
    ...d.escalation.rules.flatMap((r) => r.targets.flatMap((t) => (t.type === "user_reference" ? [t.email] : []))),
  ]);
  return [...new Set(emails.map((e) => e.toLowerCase()))].sort();
}
