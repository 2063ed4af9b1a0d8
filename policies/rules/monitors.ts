// Rules for single Datadog monitors: an owner, a runbook, an escalation path, a priority,
// and thresholds Datadog will accept. The chapter's rule is that an alert without an owner,
// a runbook and an escalation path is noise; these make that rule mandatory.
import * as fs from "node:fs";
import * as path from "node:path";
import * as datadog from "@pulumi/datadog";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import {
  HANDLE_PREFIX,
  isPagingPriority,
  pagerdutyHandleOf,
  pagerdutyServicesIn,
  reachableHandles,
  RESOURCE_TAG,
  tagValues,
} from "../../config/names";
import { linksIn } from "../../config/links";
import { repoTeamIds, runningFromRepo, RUNBOOKS_DIR, stackFromUrn } from "../context";
import { asString, asStringArray, catalogForUrn, parsePriority, quoteList } from "./common";

const teamsSchema = {
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

interface RunbookConfig {
  runbookBaseUrl?: string;
}

export const monitorHasRunbook: ResourceValidationPolicy = {
  name: "monitor-has-runbook",
  description:
    "Every Datadog monitor's message links a runbook under the configured runbook base URL; run from the repo, the linked file " +
    "must exist in runbooks/.",
  remediationSteps:
    'Put the runbook link in the monitor message (`runbookUrl(stack, "<kind>.md")` from config/links.ts) so it reaches Slack and ' +
    "PagerDuty, " +
    "and write runbooks/<kind>.md with the sections Symptom, Dashboards, Checks, Mitigation, Escalation, Follow-up.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      runbookBaseUrl: {
        type: "string",
        description: "Where runbooks/ is browsable. Default: runbookBaseUrl in the stack's Pulumi.<stack>.yaml.",
      },
    },
  },
  validateResource: validateResourceOfType(datadog.Monitor, (monitor, args, report) => {
    const configured = args.getConfig<RunbookConfig>().runbookBaseUrl ?? catalogForUrn(args.urn)?.stack.runbookBaseUrl;
    const base = configured?.replace(/\/+$/, "");
    const message = asString(monitor.message) ?? "";
    const kind = tagValues(asStringArray(monitor.tags), RESOURCE_TAG.monitor)[0] ?? "<kind>";
    const candidates = base
      ? linksIn(message).filter((l) => l.startsWith(`${base}/`))
      : linksIn(message).filter((l) => /\/runbooks\/[^/]+/.test(l));
    if (candidates.length === 0) {
      const where = base ? `under ${base}/` : "to a runbooks/ page (no runbookBaseUrl configured for this stack)";
      report(
        `monitor "${args.name}" has no runbook link ${where} in its message, so on-call gets no instructions at 3 a.m. ` +
          `Add "Runbook: ${base ?? "<runbookBaseUrl>"}/${kind}.md" to the message and write runbooks/${kind}.md.`,
      );
      return;
    }
    if (!base || !runningFromRepo()) return;
    for (const link of candidates) {
      const file = runbookFile(base, link);
      if (file === undefined) {
        report(`monitor "${args.name}" links runbook ${link}, which points outside runbooks/. Link a file directly under ${base}/.`);
      } else if (!fs.existsSync(path.join(RUNBOOKS_DIR, file))) {
        report(
          `monitor "${args.name}" links runbook ${link}, but runbooks/${file} does not exist in this repository. ` +
            `Write runbooks/${file} (Symptom, Dashboards, Checks, Mitigation, Escalation, Follow-up) or fix the link.`,
        );
      }
    }
  }),
};

/** `<base>/cost-budget.md#checks` -> `cost-budget.md`; undefined if it escapes runbooks/. */
function runbookFile(base: string, link: string): string | undefined {
  let rel = link.slice(base.length + 1).replace(/[?#].*$/, "");
  try {
    rel = decodeURIComponent(rel);
  } catch {
    return undefined;
  }
  const normalized = path.posix.normalize(rel);
  return normalized === "" || normalized.startsWith("..") || path.posix.isAbsolute(normalized) ? undefined : normalized;
}

interface EscalationConfig {
  paging?: boolean;
}

export const monitorHasEscalationPath: ResourceValidationPolicy = {
  name: "monitor-has-escalation-path",
  description:
    "Every Datadog monitor notifies at least one handle; on a stack that pages, every monitor with a paging priority (P1-P2) " +
    `notifies ${HANDLE_PREFIX.pagerduty}<service>, and on a stack that may not page none does.`,
  remediationSteps:
    "Route through `config/names.ts`: `pagerdutyHandle(env, team)` in the {{#is_alert}} block of paging priorities, " +
    "`slackHandle(team.slack)` for warnings and non-paging priorities. If the monitor should not wake anyone, give it priority " +
    "3-5 instead.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      paging: {
        type: "boolean",
        description: "Whether this stack may page. Default: `paging` in the stack's Pulumi.<stack>.yaml, else true.",
      },
    },
  },
  validateResource: validateResourceOfType(datadog.Monitor, (monitor, args, report) => {
    const message = asString(monitor.message) ?? "";
    const handles = reachableHandles(message).map((h) => h.raw);
    if (handles.length === 0) {
      report(
        `monitor "${args.name}" notifies nobody: its message has no @-handle, so it fires silently. ` +
          `Add the owning team's ${HANDLE_PREFIX.slack}<channel>, and ${HANDLE_PREFIX.pagerduty}<service> for P1-P2 on a paging stack.`,
      );
      return;
    }
    const paging = args.getConfig<EscalationConfig>().paging ?? catalogForUrn(args.urn)?.stack.paging ?? true;
    const services = pagerdutyServicesIn(message);
    const priority = parsePriority(monitor.priority);
    if (paging && priority !== undefined && isPagingPriority(priority) && services.length === 0) {
      report(
        `monitor "${args.name}" has paging priority P${priority} but never notifies PagerDuty (handles: ${handles.join(", ")}), ` +
          `so nobody is woken up. ` +
          `Add ${HANDLE_PREFIX.pagerduty}<service> (pagerdutyHandle in config/names.ts) inside {{#is_alert}}, ` +
          `or lower the priority to P3-P5 if it should not page.`,
      );
    }
    if (!paging && services.length > 0) {
      const stack = stackFromUrn(args.urn) ?? "this stack";
      report(
        `monitor "${args.name}" notifies ${services.map(pagerdutyHandleOf).join(", ")}, but stack "${stack}" may not page ` +
          `(paging: false). ` +
          `Route it to the owning team's ${HANDLE_PREFIX.slack}<channel> instead.`,
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

/** Monitor types whose query must end in `<comparator> <number>`. */
const THRESHOLD_TYPES = new Set(["query alert", "metric alert"]);
const TRAILING_COMPARISON = /(>=|<=|==|!=|>|<)\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*$/i;

export const monitorThresholdMatchesQuery: ResourceValidationPolicy = {
  name: "monitor-threshold-matches-query",
  description:
    "A monitor's critical threshold equals the number its query compares against; Datadog rejects a mismatch at create time " +
    '("Alert threshold (X) does not match that used in the query (Y)").',
  remediationSteps:
    "Generate the query's number and `monitorThresholds.critical` from the same config value (e.g. the feature's latency or " +
    "budget), never type them twice.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(datadog.Monitor, (monitor, args, report) => {
    const query = asString(monitor.query) ?? "";
    const comparison = TRAILING_COMPARISON.exec(query);
    if (!comparison) {
      if (THRESHOLD_TYPES.has(String(monitor.type))) {
        report(
          `monitor "${args.name}" is a ${monitor.type} whose query does not end in a comparison such as "> 800". Append the ` +
            `comparator and the critical threshold to the query.`,
        );
      }
      return;
    }
    const queryNumber = Number(comparison[2]);
    const critical = monitor.monitorThresholds?.critical;
    if (critical === undefined || critical === null || critical === "") {
      report(
        `monitor "${args.name}" has no monitorThresholds.critical, but its query compares against ${comparison[2]}. ` +
          `Set monitorThresholds.critical to "${comparison[2]}" (Datadog requires the alert threshold).`,
      );
    } else if (Number(critical) !== queryNumber) {
      report(
        `monitor "${args.name}" has monitorThresholds.critical ${JSON.stringify(critical)}, but its query compares against ` +
          `${comparison[2]} ("${comparison[0].trim()}"). ` +
          `Make both the same number, generated from one config value.`,
      );
    }
  }),
};

export const monitorAnomalyWindows: ResourceValidationPolicy = {
  name: "monitor-anomaly-windows",
  description:
    "Anomaly monitors carry the threshold windows Datadog requires: trigger and recovery windows set, trigger window equal to " +
    "the query's alert_window, critical threshold a fraction in (0, 1].",
  remediationSteps:
    "Set `monitorThresholdWindows: { triggerWindow: <alert_window>, recoveryWindow }` with triggerWindow equal to `alert_window` " +
    "in anomalies(...), " +
    'and `monitorThresholds.critical` to the fraction of anomalous points (e.g. "1") used after `>=` in the query.',
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(datadog.Monitor, (monitor, args, report) => {
    const query = asString(monitor.query) ?? "";
    if (!/\banomalies\s*\(/.test(query)) return;
    const windows = monitor.monitorThresholdWindows;
    const trigger = asString(windows?.triggerWindow);
    const recovery = asString(windows?.recoveryWindow);
    const alertWindow = /alert_window\s*=\s*['"]([^'"]+)['"]/.exec(query)?.[1];
    if (!trigger || !recovery) {
      const missing = [!trigger && "triggerWindow", !recovery && "recoveryWindow"].filter(Boolean).join(" and ");
      report(
        `anomaly monitor "${args.name}" has no monitorThresholdWindows.${missing}, which Datadog requires for anomaly monitors. ` +
          `Set monitorThresholdWindows: { triggerWindow: "${alertWindow ?? "<alert_window>"}", recoveryWindow: ` +
          `"${alertWindow ?? "<alert_window>"}" }.`,
      );
    }
    if (!alertWindow) {
      report(
        `anomaly monitor "${args.name}" does not set alert_window in anomalies(...). Add alert_window='last_30m' (or similar) ` +
          `and use the same value as triggerWindow.`,
      );
    } else if (trigger && trigger !== alertWindow) {
      report(
        `anomaly monitor "${args.name}" has triggerWindow "${trigger}" but its query's alert_window is "${alertWindow}". Make them equal.`,
      );
    }
    const critical = monitor.monitorThresholds?.critical;
    const fraction = Number(critical);
    if (critical !== undefined && critical !== null && critical !== "" && !(fraction > 0 && fraction <= 1)) {
      report(
        `anomaly monitor "${args.name}" has monitorThresholds.critical ${JSON.stringify(critical)}; for anomalies it is the ` +
          `fraction of anomalous points and must be in (0, 1]. ` +
          `Use e.g. "1" and the same number after ">=" in the query.`,
      );
    }
  }),
};

export const monitorRules = [
  monitorHasOwner,
  monitorHasRunbook,
  monitorHasEscalationPath,
  monitorHasPriority,
  monitorThresholdMatchesQuery,
  monitorAnomalyWindows,
];
