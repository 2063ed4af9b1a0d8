// Rules for Sentry alert rules: each one names the team that owns it, so an error spike on a
// feature reaches the people who can fix that feature.
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import * as sentry from "@pulumiverse/sentry";
import { asString } from "./common";

/** Sentry's actor string for a team: `team:<team id>` (a `user:<id>` owner is a person, not a team). */
const TEAM_ACTOR = /^team:\S+$/;

function isTeamTarget(action: unknown): boolean {
  if (action === null || typeof action !== "object") return false;
  const a = action as Record<string, unknown>;
  return String(a.targetType).toLowerCase() === "team" && typeof a.targetIdentifier === "string" && a.targetIdentifier.trim() !== "";
}

export const sentryAlertHasOwnerTeam: ResourceValidationPolicy = {
  name: "sentry-alert-has-owner-team",
  description:
    "Every Sentry alert rule has an owning team: metric alerts set owner \"team:<id>\"; issue alerts (which have no owner field in the provider) notify a Team target.",
  remediationSteps:
    "Look the team up with `sentry.getSentryTeamOutput({organization, slug: team.sentryTeam})` and use its internalId: " +
    "`owner: team:<internalId>` on SentryMetricAlert, and an action `{targetType: \"Team\", targetIdentifier: <internalId>}` on SentryIssueAlert.",
  enforcementLevel: "mandatory",
  validateResource: [
    validateResourceOfType(sentry.SentryMetricAlert, (alert, args, report) => {
      const owner = asString(alert.owner);
      if (!owner) {
        report(`Sentry metric alert "${args.name}" has no owner, so its errors belong to nobody. Set owner: "team:<id>" with the owning team's Sentry team id.`);
      } else if (!TEAM_ACTOR.test(owner)) {
        report(`Sentry metric alert "${args.name}" has owner "${owner}", which is not a team. Set owner: "team:<id>" with the owning team's Sentry team id.`);
      }
    }),
    validateResourceOfType(sentry.SentryIssueAlert, (alert, args, report) => {
      const actions = Array.isArray(alert.actions) ? alert.actions : [];
      const owner = asString((alert as Record<string, unknown>).owner);
      if (!actions.some(isTeamTarget) && !(owner && TEAM_ACTOR.test(owner))) {
        report(
          `Sentry issue alert "${args.name}" notifies no team (no action with targetType "Team"), so nobody owns its issues. ` +
            `Add an action {id: "sentry.mail.actions.NotifyEmailAction", targetType: "Team", targetIdentifier: <Sentry team id>} for the owning team.`,
        );
      }
    }),
  ],
};

export const sentryRules = [sentryAlertHasOwnerTeam];
