// Rules for dashboards: every dashboard belongs to a team, so a stale or broken dashboard has
// someone to fix it. Datadog's dashboard `tags` accept only `team:<name>`.
import * as datadog from "@pulumi/datadog";
import { type ReportViolation, type ResourceValidationArgs, type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { repoTeamIds } from "../context";
import { RESOURCE_TAG, tagValues } from "../../config/names";
import { asString, asStringArray, quoteList } from "./common";

function checkTeams(tags: string[], args: ResourceValidationArgs, report: ReportViolation) {
  const known = args.getConfig<{ teams?: string[] }>().teams ?? repoTeamIds();
  const teams = tagValues(tags, RESOURCE_TAG.team);
  if (teams.length === 0) {
    report(
      `dashboard "${args.name}" has no ${RESOURCE_TAG.team}: tag, so nobody owns it. ` +
        `Add "${RESOURCE_TAG.team}:<id>" to the dashboard's tags with a known team (${quoteList(known)}); the dashboard builders ` +
        `take it from the owning team or platformTeam.`,
    );
  }
  for (const team of teams.filter((t) => !known.includes(t))) {
    report(
      `dashboard "${args.name}" is tagged ${RESOURCE_TAG.team}:${team}, but "${team}" is not a known team (known: ` +
        `${quoteList(known)}). Use a team id from teams.ts.`,
    );
  }
}

export const dashboardHasTeamTag: ResourceValidationPolicy = {
  name: "dashboard-has-team-tag",
  description: "Every Datadog dashboard carries a team:<id> tag naming a known team.",
  remediationSteps:
    "Add `team:<id>` (a team in teams.ts) to the dashboard's `tags`: in the JSON body for DashboardJson, in `tags` for Dashboard.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      teams: { type: "array", items: { type: "string" }, description: "Known team ids. Default: the ids in teams.ts." },
    },
  },
  validateResource: [
    validateResourceOfType(datadog.DashboardJson, (dashboard, args, report) => {
      let body: unknown;
      try {
        body = JSON.parse(asString(dashboard.dashboard) ?? "");
      } catch (e) {
        report(
          `dashboard "${args.name}" has a dashboard body that is not valid JSON (${(e as Error).message}), so its owner cannot ` +
            `be read. Pass JSON.stringify(body).`,
        );
        return;
      }
      checkTeams(asStringArray((body as { tags?: unknown } | null)?.tags), args, report);
    }),
    validateResourceOfType(datadog.Dashboard, (dashboard, args, report) => checkTeams(asStringArray(dashboard.tags), args, report)),
  ],
};

export const dashboardRules = [dashboardHasTeamTag];
