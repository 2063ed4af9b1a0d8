// Pure builder: catalog -> Sentry alert rules per feature, in the shape @pulumiverse/sentry
// passes to Sentry's API. Sentry ids that only exist at deploy time (a team's numeric id, the
// PagerDuty integration) are written as `@@sentry-...@@` references; the ErrorAlerts
// component resolves them with resolveSentryRefs.
//
// Condition, filter and action ids and their option keys are Sentry's own (getsentry/sentry
// src/sentry/rules, src/sentry/integrations/pagerduty); the provider documents none of them.
import { TAG } from "../config/contract";
import { runbookUrl } from "../config/links";
import { monitorNamePrefix } from "../config/names";
import type { Feature } from "../config/schema";
import { type Catalog, teamById } from "../config/validate";

export const SENTRY_RULES = {
  firstSeen: "sentry.rules.conditions.first_seen_event.FirstSeenEventCondition",
  regression: "sentry.rules.conditions.regression_event.RegressionEventCondition",
  newHighPriority: "sentry.rules.conditions.high_priority_issue.NewHighPriorityIssueCondition",
  existingHighPriority: "sentry.rules.conditions.high_priority_issue.ExistingHighPriorityIssueCondition",
  taggedEvent: "sentry.rules.filters.tagged_event.TaggedEventFilter",
  notifyEmail: "sentry.mail.actions.NotifyEmailAction",
  pagerduty: "sentry.integrations.pagerduty.notify_action.PagerDutyNotifyServiceAction",
} as const;

/** The runbook every Sentry rule links (Sentry has no runbook field, so it goes in the name). */
export const ERRORS_RUNBOOK = "sentry-errors.md";

/** Current Sentry accepts rule names up to 256 characters (older self-hosted releases: 64). */
export const SENTRY_NAME_MAX = 256;

/** Sentry's metric-alert window for "error count over 10 minutes" (one of its fixed windows). */
export const ERROR_WINDOW_MINUTES = 10;

/**
 * `frequency` is per issue: the most often one issue can notify again. New/regressed issues
 * fire once per lifecycle, so this only bites when an issue flaps (auto-resolved, then seen
 * again): at most one email a day per issue keeps the channel readable, which is what keeps
 * Sentry from becoming the 10,000-unread TODO list the chapter warns about. Volume (a burst of
 * errors) is the metric alert's job, not this rule's.
 */
export const ISSUE_ALERT_FREQUENCY_MINUTES = 24 * 60;

/**
 * A high-priority issue pages once; the open PagerDuty incident absorbs repeats (Sentry sends a
 * stable dedup key). An hour later the same issue escalating again is news and may page again.
 */
export const PAGING_FREQUENCY_MINUTES = 60;

/** Threshold type 0 = "above" in Sentry's metric alerts. */
const ABOVE = 0;

export type SentryNode = Record<string, string>;

export interface SentryIssueAlertDefinition {
  name: string;
  organization: string;
  project: string;
  environment: string;
  actionMatch: "any" | "all";
  filterMatch: "any" | "all" | "none";
  frequency: number;
  conditions: SentryNode[];
  filters: SentryNode[];
  actions: SentryNode[];
}

export interface SentryMetricAlertAction {
  type: "email" | "pagerduty";
  targetType: "team" | "specific";
  targetIdentifier: string;
  /** A reference string here; the component hands the provider the number it expects. */
  integrationId?: string;
}

export interface SentryMetricAlertTrigger {
  label: "critical" | "warning";
  alertThreshold: number;
  thresholdType: number;
  actions: SentryMetricAlertAction[];
}

export interface SentryMetricAlertDefinition {
  name: string;
  organization: string;
  project: string;
  environment: string;
  dataset: "events";
  eventTypes: string[];
  query: string;
  aggregate: "count()";
  timeWindow: number;
  thresholdType: number;
  resolveThreshold: number;
  /** `team:<sentry team id>`. */
  owner: string;
  triggers: SentryMetricAlertTrigger[];
}

export interface FeatureErrorAlerts {
  featureId: string;
  ownerTeam: string;
  /** Sentry team slug of the owner. */
  sentryTeam: string;
  issueAlert: SentryIssueAlertDefinition;
  /** Present on paging stacks whose config names Sentry's PagerDuty integration. */
  pagingAlert?: SentryIssueAlertDefinition;
  metricAlert: SentryMetricAlertDefinition;
}

export function sentryTeamRef(slug: string): string {
  return `@@sentry-team:${slug}@@`;
}
export const PAGERDUTY_ACCOUNT_REF = "@@sentry-pagerduty-account@@";

export function buildErrorAlerts(catalog: Catalog): FeatureErrorAlerts[] {
  return catalog.features.map((f) => buildFeatureErrorAlerts(catalog, f));
}

export function buildFeatureErrorAlerts(catalog: Catalog, feature: Feature): FeatureErrorAlerts {
  const { stack } = catalog;
  const owner = teamById(catalog, feature.owner);
  const team = sentryTeamRef(owner.sentryTeam);
  const runbook = runbookUrl(stack, ERRORS_RUNBOOK);
  const label = (what: string) => checkedName(`${monitorNamePrefix(stack.env)} ${feature.id}: ${what} · runbook ${runbook}`);
  const scope = { organization: stack.sentryOrganization, project: feature.sentryProject, environment: stack.env };
  const onlyThisFeature: SentryNode[] = [{ id: SENTRY_RULES.taggedEvent, key: TAG.feature, match: "eq", value: feature.id }];
  const pagerdutyService = pagerdutyServiceInSentry(catalog, feature.owner);

  const critical = feature.errors?.criticalCount10m ?? stack.sentry.criticalCount10m;
  const warning = feature.errors?.warningCount10m ?? stack.sentry.warningCount10m;
  const emailTeam: SentryMetricAlertAction = { type: "email", targetType: "team", targetIdentifier: team };
  // Many errors in 10 minutes is "a feature is failing" (P2 in config/names.ts): it pages
  // where the stack may page; the warning level only ever emails.
  const pageTeam: SentryMetricAlertAction[] = pagerdutyService
    ? [{ type: "pagerduty", targetType: "specific", targetIdentifier: pagerdutyService, integrationId: PAGERDUTY_ACCOUNT_REF }]
    : [];

  return {
    featureId: feature.id,
    ownerTeam: owner.id,
    sentryTeam: owner.sentryTeam,
    issueAlert: {
      name: label(`new or regressed issue → ${owner.id}`),
      ...scope,
      actionMatch: "any",
      filterMatch: "all",
      frequency: ISSUE_ALERT_FREQUENCY_MINUTES,
      conditions: [{ id: SENTRY_RULES.firstSeen }, { id: SENTRY_RULES.regression }],
      filters: onlyThisFeature,
      // The provider has no `owner` for issue alerts; notifying the team is how ownership shows.
      actions: [{ id: SENTRY_RULES.notifyEmail, targetType: "Team", targetIdentifier: team }],
    },
    pagingAlert: pagerdutyService
      ? {
          name: label(`high-priority issue pages ${owner.id}`),
          ...scope,
          actionMatch: "any",
          filterMatch: "all",
          frequency: PAGING_FREQUENCY_MINUTES,
          conditions: [{ id: SENTRY_RULES.newHighPriority }, { id: SENTRY_RULES.existingHighPriority }],
          filters: onlyThisFeature,
          // "critical" is high urgency on the team's PagerDuty service (urgency follows severity).
          actions: [{ id: SENTRY_RULES.pagerduty, account: PAGERDUTY_ACCOUNT_REF, service: pagerdutyService, severity: "critical" }],
        }
      : undefined,
    metricAlert: {
      name: label(`errors over ${ERROR_WINDOW_MINUTES} min (critical > ${critical}, warning > ${warning})`),
      ...scope,
      dataset: "events",
      eventTypes: ["error"],
      query: `${TAG.feature}:${feature.id}`,
      aggregate: "count()",
      timeWindow: ERROR_WINDOW_MINUTES,
      thresholdType: ABOVE,
      // Hysteresis: resolving only at half the warning level stops a count hovering around the
      // threshold from alerting and resolving every few minutes.
      resolveThreshold: Math.floor(warning / 2),
      owner: `team:${team}`,
      triggers: [
        { label: "critical", alertThreshold: critical, thresholdType: ABOVE, actions: [emailTeam, ...pageTeam] },
        { label: "warning", alertThreshold: warning, thresholdType: ABOVE, actions: [emailTeam] },
      ],
    },
  };
}

/** Sentry's id of the team's PagerDuty service, when this stack pages from Sentry at all. */
function pagerdutyServiceInSentry(catalog: Catalog, teamId: string): string | undefined {
  const { stack } = catalog;
  if (!stack.paging || !stack.sentryPagerdutyIntegration) return undefined;
  const id = stack.sentryPagerdutyServices?.[teamId];
  // Validation requires the id for every owning team; reaching this means it was skipped.
  if (id === undefined) throw new Error(`sentryPagerdutyServices has no entry for team "${teamId}"`);
  return String(id);
}

function checkedName(name: string): string {
  if (name.length > SENTRY_NAME_MAX) throw new Error(`Sentry rule name longer than ${SENTRY_NAME_MAX} characters: ${name}`);
  return name;
}

/** Sentry team slugs the definitions refer to, sorted and unique. */
export function sentryTeamsOf(definitions: FeatureErrorAlerts[]): string[] {
  return [...new Set(definitions.map((d) => d.sentryTeam))].sort();
}

export function usesPagerduty(definitions: FeatureErrorAlerts[]): boolean {
  return definitions.some((d) => d.pagingAlert !== undefined);
}

export interface SentryIds {
  /** Sentry team slug -> Sentry's numeric team id (as a string). */
  teams: Record<string, string>;
  /** Id of the PagerDuty integration installed in Sentry. */
  pagerdutyAccount?: string;
}

const REF = /@@sentry-(?:team:([a-z0-9][a-z0-9_-]*)|(pagerduty-account))@@/g;

/** Replaces every `@@sentry-...@@` reference inside `value` (deeply); an unknown one is a builder bug. */
export function resolveSentryRefs<T>(value: T, ids: SentryIds): T {
  if (typeof value === "string") {
    return value.replace(REF, (_, slug: string | undefined) => {
      const id = slug !== undefined ? ids.teams[slug] : ids.pagerdutyAccount;
      if (id === undefined) throw new Error(slug !== undefined ? `no Sentry id for team "${slug}"` : "no Sentry PagerDuty integration id");
      return id;
    }) as T;
  }
  if (Array.isArray(value)) return value.map((v) => resolveSentryRefs(v, ids)) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveSentryRefs(v, ids)])) as T;
  }
  return value;
}

export function hasSentryRefs(value: unknown): boolean {
  return (JSON.stringify(value) ?? "").includes("@@sentry-");
}
