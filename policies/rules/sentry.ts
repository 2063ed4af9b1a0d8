// Rules for Sentry alert rules: each one names the team that owns it, so an error spike on a
// feature reaches the people who can fix that feature.
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import * as sentry from "@pulumiverse/sentry";
import { stackSetting } from "../settings";
import { asString, quoteList } from "./common";

const NAME = "sentry-alert-has-owner-team";

/** Sentry's actor string for a team: `team:<team id>` (a `user:<id>` owner is a person, not a team). */
const TEAM_ACTOR = /^team:\S+$/;

/** Sentry's rule action that notifies a PagerDuty service of the org's PagerDuty integration. */
const PAGERDUTY_ACTION = "sentry.integrations.pagerduty.notify_action.PagerDutyNotifyServiceAction";

function isTeamTarget(action: unknown): boolean {
  if (action === null || typeof action !== "object") return false;
  const a = action as Record<string, unknown>;
  return String(a.targetType).toLowerCase() === "team" && typeof a.targetIdentifier === "string" && a.targetIdentifier.trim() !== "";
}

export const sentryAlertHasOwnerTeam: ResourceValidationPolicy = {
  name: NAME,
  description:
    'Every Sentry alert rule has an owning team: metric alerts set owner "team:<id>"; issue alerts (which have no owner field in the ' +
    "provider) notify a Team target, or page a team's PagerDuty service listed in sentryPagerdutyServices.",
  remediationSteps:
    "Look the team up with `sentry.getSentryTeamOutput({organization, slug: team.sentryTeam})` and use its internalId: " +
    '`owner: team:<internalId>` on SentryMetricAlert, and an action `{targetType: "Team", targetIdentifier: <internalId>}` on ' +
    "SentryIssueAlert.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      pagerdutyServices: {
        type: "object",
        additionalProperties: { type: "integer" },
        description: "Team id -> Sentry's id of that team's PagerDuty service. Default: sentryPagerdutyServices in Pulumi.<stack>.yaml.",
      },
    },
  },
  validateResource: [
    validateResourceOfType(sentry.SentryMetricAlert, (alert, args, report) => {
      const owner = asString(alert.owner);
      if (!owner) {
        report(
          `Sentry metric alert "${args.name}" has no owner, so its errors belong to nobody. Set owner: "team:<id>" with the owning ` +
            `team's Sentry team id.`,
        );
      } else if (!TEAM_ACTOR.test(owner)) {
        report(
          `Sentry metric alert "${args.name}" has owner "${owner}", which is not a team. Set owner: "team:<id>" with the owning team's ` +
            `Sentry team id.`,
        );
      }
    }),
    validateResourceOfType(sentry.SentryIssueAlert, (alert, args, report) => {
      const actions = (Array.isArray(alert.actions) ? alert.actions : []) as Record<string, unknown>[];
      const owner = asString((alert as Record<string, unknown>).owner);
      if (actions.some(isTeamTarget) || (owner && TEAM_ACTOR.test(owner))) return;
      // A rule that only pages is owned by the team whose PagerDuty service it pages; the
      // stack config maps each team to Sentry's id of that service.
      const paged = actions.filter((a) => a.id === PAGERDUTY_ACTION).map((a) => String(a.service));
      const services = paged.length > 0 ? stackSetting(args, args.urn, "pagerdutyServices", NAME, report) : {};
      if (services === undefined) return;
      const teamOfService = new Map(Object.entries(services).map(([team, id]) => [String(id), team]));
      if (paged.some((service) => teamOfService.has(service))) return;
      if (paged.length > 0) {
        report(
          `Sentry issue alert "${args.name}" pages PagerDuty service ${paged.join(", ")}, which is no team's service in ` +
            `sentryPagerdutyServices (known: ${quoteList([...teamOfService].map(([id, team]) => `${team}=${id}`))}), so nobody owns ` +
            `its issues. Page the owning team's service, or add an action {targetType: "Team", targetIdentifier: <Sentry team id>}.`,
        );
        return;
      }
      report(
        `Sentry issue alert "${args.name}" notifies no team (no action with targetType "Team"), so nobody owns its issues. Add an ` +
          `action {id: "sentry.mail.actions.NotifyEmailAction", targetType: "Team", targetIdentifier: <Sentry team id>} for the owning ` +
          `team.`,
      );
    }),
  ],
};

export const sentryRules = [sentryAlertHasOwnerTeam];
