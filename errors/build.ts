// Pure builder: catalog -> Sentry alert rules per feature, in the shape @pulumiverse/sentry
// passes to Sentry's API. Sentry ids that only exist at deploy time (a team's numeric id, the
// PagerDuty integration) are written as `@@sentry-...@@` references; the ErrorAlerts
// component resolves them with resolveSentryRefs.
//
// Condition, filter and action ids and their option keys are Sentry's own (getsentry/sentry
// src/sentry/rules, src/sentry/integrations/pagerduty); the provider documents none of them.
import { createHash } from "node:crypto";
import { TAG } from "../config/contract";
import { runbookUrl } from "../config/links";
import { ERRORS_RUNBOOK, monitorNamePrefix } from "../config/names";
import type { Feature, StackConfig } from "../config/schema";
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

/**
 * Issue alerts: the pinned provider's validation.StringLenBetween(1, 64), in bytes
 * (jianyuan/terraform-provider-sentry v0.11.2 sentry/resource_sentry_issue_alert.go:57-62).
 */
export const SENTRY_ISSUE_ALERT_NAME_MAX = 64;

/** Metric alerts: Sentry's AlertRuleSerializer max_length 256 (the provider does not check). */
export const SENTRY_METRIC_ALERT_NAME_MAX = 256;

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
      name: issueAlertName(stack.env, feature.id, "notify"),
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
          name: issueAlertName(stack.env, feature.id, "page"),
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
      name: metricAlertName(stack, feature.id, `errors over ${ERROR_WINDOW_MINUTES} min (critical > ${critical}, warning > ${warning})`),
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

const bytes = (s: string) => Buffer.byteLength(s, "utf8");
const RUNBOOK_POINTER = `runbook ${ERRORS_RUNBOOK.replace(/\.md$/, "")}`;

/**
 * `[llm <env>] <feature>: <what> · runbook sentry-errors`, within the provider's 64 bytes for any
 * valid env and feature id (slugs of up to 41 characters). The longest description that fits
 * with the full ids wins; when even the shortest does not fit, the env and the feature id are
 * shortened to a prefix plus a hash of the full id, so two long ids never share a name. Only
 * slugs and fixed words go in, so a display name can never add text here.
 */
export function issueAlertName(env: string, featureId: string, rule: "notify" | "page"): string {
  const forms = rule === "page" ? ["high-priority issue pages", "pages"] : ["new or regressed issue", "new issue", ""];
  const name = (e: string, f: string, text: string) => `${monitorNamePrefix(e)} ${f}${text ? `: ${text}` : ""} · ${RUNBOOK_POINTER}`;
  for (const text of forms) {
    const candidate = name(env, featureId, text);
    if (bytes(candidate) <= SENTRY_ISSUE_ALERT_NAME_MAX) return candidate;
  }
  const text = forms[forms.length - 1];
  const room = SENTRY_ISSUE_ALERT_NAME_MAX - bytes(name("", "", text));
  // A readable prefix of each id survives: the env gets a third of the room, or whatever a short feature id leaves.
  const envRoom = Math.min(env.length, Math.max(SHORTENED_MIN, Math.floor(room / 3), room - featureId.length));
  return name(shorten(env, envRoom), shorten(featureId, room - envRoom), text);
}

/** The full runbook URL when the metric alert's 256 characters allow it, else the runbook's file name. */
export function metricAlertName(stack: Pick<StackConfig, "env" | "runbookBaseUrl">, featureId: string, what: string): string {
  const base = `${monitorNamePrefix(stack.env)} ${featureId}: ${what}`;
  const withUrl = `${base} · runbook ${runbookUrl(stack, ERRORS_RUNBOOK)}`;
  if ([...withUrl].length <= SENTRY_METRIC_ALERT_NAME_MAX) return withUrl;
  return `${base} · ${RUNBOOK_POINTER}`;
}

/** Shortest prefix + `~` + 4 hex a shortened id keeps (3 characters of the id survive). */
const SHORTENED_MIN = 8;

/** `id` itself if it fits in `room` characters, else a prefix, `~` and 4 hex of its hash. */
function shorten(id: string, room: number): string {
  if (id.length <= room) return id;
  const hash = createHash("sha256").update(id).digest("hex").slice(0, 4);
  return `${id.slice(0, Math.max(1, room - 5))}~${hash}`;
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
