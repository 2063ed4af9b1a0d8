// Rules for who a Datadog monitor belongs to and how urgent it is: exactly one known owning
// team, and a priority the severity map can route. The chapter's rule is that an alert without
// an owner is noise; runbooks (runbooks.ts), paging (paging.ts) and thresholds (thresholds.ts)
// have their own files.
import * as datadog from "@pulumi/datadog";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { RESOURCE_TAG, tagValues } from "../../config/names";
import { repoTeamIds } from "../context";
import { asStringArray, parsePriority, quoteList } from "./common";

export const teamsSchema = {
  type: "array",
  items: { type: "string" },
  description: "Known team ids. Default: the ids in teams.ts.",
} as const;

export const monitorHasOwner: ResourceValidationPolicy = {
  name: "monitor-has-owner",
  description: "Every Datadog monitor carries exactly one team:<id> tag naming a known team, so each alert has an owner.",
  remediationSteps:
    "Tag the monitor with exactly one team:<id>, where <id> is a team in teams.ts. Generated monitors take it from the " +
    "feature's `owner` in features.ts (cross-feature monitors from `platformTeam` in Pulumi.<stack>.yaml). " +
    "If the team is new, add it to teams.ts (or to this policy's `teams` config) first.",
  enforcementLevel: "mandatory",
  configSchema: { properties: { teams: teamsSchema } },
  validateResource: validateResourceOfType(datadog.Monitor, (monitor, args, report) => {
    const known = args.getConfig<{ teams?: string[] }>().teams ?? repoTeamIds();
    const owners = [...new Set(tagValues(asStringArray(monitor.tags), RESOURCE_TAG.team))];
    if (owners.length === 0) {
      report(
        `monitor "${args.name}" has no ${RESOURCE_TAG.team}: tag, so nobody owns its alerts. ` +
          `Add exactly one tag "${RESOURCE_TAG.team}:<id>" with a known team (${quoteList(known)}); generated monitors take it ` +
          `from the feature's owner in features.ts.`,
      );
      return;
    }
    if (owners.length > 1) {
      report(
        `monitor "${args.name}" has ${owners.length} ${RESOURCE_TAG.team}: tags (${owners.join(", ")}), so ownership is ambiguous. ` +
          `Keep exactly one "${RESOURCE_TAG.team}:<id>" tag: the team that is paged for it.`,
      );
    }
    for (const team of owners.filter((t) => !known.includes(t))) {
      report(
        `monitor "${args.name}" is tagged ${RESOURCE_TAG.team}:${team}, but "${team}" is not a known team (known: ${quoteList(known)}). ` +
          `Use one of the known team ids, or add the team to teams.ts first.`,
      );
    }
  }),
};

export const monitorHasPriority: ResourceValidationPolicy = {
  name: "monitor-has-priority",
  description: "Every Datadog monitor sets a priority from 1 to 5, the severity map's input for who gets woken up.",
  remediationSteps:
    'Set `priority` (a string "1"-"5" in @pulumi/datadog) from the severity map in config/names.ts: P1-P2 page, P3-P5 go to Slack.',
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(datadog.Monitor, (monitor, args, report) => {
    if (monitor.priority === undefined || monitor.priority === null || monitor.priority === "") {
      report(`monitor "${args.name}" has no priority, so nothing decides whether it pages. Set priority "1"-"5" from config/names.ts.`);
    } else if (parsePriority(monitor.priority) === undefined) {
      report(
        `monitor "${args.name}" has priority ${JSON.stringify(monitor.priority)}, which is not 1-5. Set priority "1"-"5" from ` +
          `config/names.ts (not "P2").`,
      );
    }
  }),
};

export const monitorRules = [monitorHasOwner, monitorHasPriority];
