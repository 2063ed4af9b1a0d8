// Rules for who gets woken up. Every notification of a monitor is judged the way Datadog sends
// it: the message is rendered per state block with the one message grammar (config/names.ts:
// `parseMessage`, `handlesFor`, NOTIFICATIONS), then its handles are read off the rendered text.
// "Pages on alert" means a @pagerduty- handle is CERTAINLY in the alert notification (conditions
// a message alone cannot decide count as not holding); "never pages" means no @pagerduty- handle
// MAY be in any notification (they count as holding). Handle names are matched case-insensitively.
import * as datadog from "@pulumi/datadog";
import { type PolicyResource, type ResourceValidationPolicy, type StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import {
  HANDLE_PREFIX,
  isPagingPriority,
  NOTIFICATIONS,
  pagerdutyHandle,
  pagerdutyServiceName,
  type ParsedMessage,
  parseMessage,
} from "../../config/names";
import { repoTeamIds, stackFromUrn } from "../context";
import { stackSetting } from "../settings";
import { teamsSchema } from "./monitors";
import {
  ALERT,
  asString,
  asStringArray,
  describeReach,
  isPagerduty,
  parsePriority,
  quoteList,
  type Reach,
  reachOf,
  surelyIn,
  TEAM_TAG,
  tagValues,
} from "./common";

const PD = HANDLE_PREFIX.pagerduty;
const SLACK = HANDLE_PREFIX.slack;

/** A monitor's message and escalation message, parsed once. */
interface Messages {
  message: ParsedMessage;
  escalation?: ParsedMessage;
}

function messagesOf(props: { message?: unknown; escalationMessage?: unknown }): Messages {
  const escalation = asString(props.escalationMessage);
  return { message: parseMessage(asString(props.message) ?? ""), ...(escalation ? { escalation: parseMessage(escalation) } : {}) };
}

function pagersOf(props: { message?: unknown; escalationMessage?: unknown; priority?: unknown }): Reach[] {
  const { message, escalation } = messagesOf(props);
  return reachOf(message, escalation, parsePriority(props.priority)).filter((r) => isPagerduty(r.handle));
}

/**
 * Notifications of a monitor going into WARN without having alerted (a first warning and its
 * renotifications). The severity map's "warnings never page" (the severity map, config/names.ts) forbids a
 * PagerDuty handle there. "alert to warning" is not among them: Datadog sends it to the
 * {{#is_alert_recovery}} recipients without a body, which is how an open incident resolves
 * (docs.datadoghq.com/monitors/notify/variables, note under is_alert_recovery).
 */
const WARNING_NOTIFICATIONS = new Set(NOTIFICATIONS.filter((n) => n.ctx.to === "warn" && n.ctx.from !== "alert").map((n) => n.label));

const RECOVERY_FROM_ALERT = NOTIFICATIONS.find((n) => n.label === "recovery from alert")!;
const ALERT_TO_WARNING = NOTIFICATIONS.find((n) => n.label === "alert to warning")!;

/** A warning threshold: only then can the monitor fall from ALERT to WARNING. */
function hasWarning(props: { monitorThresholds?: unknown }): boolean {
  const t = props.monitorThresholds as { warning?: unknown } | undefined;
  return t?.warning !== undefined && t.warning !== null && t.warning !== "";
}

const sameHandle = (a: { raw: string }, b: { raw: string }) => a.raw.toLowerCase() === b.raw.toLowerCase();

const ESCALATION = "monitor-has-escalation-path";

export const monitorHasEscalationPath: ResourceValidationPolicy = {
  name: ESCALATION,
  description:
    "Every Datadog monitor's alert notification certainly notifies someone, judged per state block as Datadog renders the message; on " +
    `a stack that pages, a P1-P2 monitor's alert notification certainly notifies ${PD}<service>, its recovery from alert (and its ` +
    "fall from alert to warning) certainly notifies the same handle, and its warnings never do; a " +
    `P3-P5 monitor, or any monitor on a stack that may not page, has no ${PD} handle in any notification. Messages must be ` +
    "well-formed and every handle preceded by a space.",
  remediationSteps:
    "Route with `routesFor` (monitors/routing.ts) as monitors/message.ts does: `pagerdutyHandle(env, team)` inside {{#is_alert}} and " +
    "inside {{#is_alert_recovery}} (Datadog sends that block on ALERT to OK and on ALERT to WARNING, so the incident resolves in both " +
    "cases; {{#is_recovery}} would also reach it from a warning that never paged) for P1-P2 on a paging stack, " +
    "`slackHandle(team.slack)` for warnings, no-data, recoveries and every P3-P5 monitor. If the monitor should not wake anyone, give " +
    "it priority 3-5. Close every {{#block}} with its {{/block}}, and write a space before every @-handle.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      paging: {
        type: "boolean",
        description: "Whether this stack may page. Default: `paging` in the stack's Pulumi.<stack>.yaml.",
      },
    },
  },
  validateResource: validateResourceOfType(datadog.Monitor, (monitor, args, report) => {
    const { message, escalation } = messagesOf(monitor);
    for (const [field, parsed] of [
      ["message", message],
      ["escalationMessage", escalation],
    ] as const) {
      for (const problem of parsed?.problems ?? []) {
        report(
          `monitor "${args.name}" has a malformed ${field}: ${problem}, so Datadog would not send its notifications the way the blocks ` +
            `say. Close every {{#block}} with its own {{/block}} and use only Datadog's conditional variables (docs ` +
            `monitors/notify/variables).`,
        );
      }
    }
    const priority = parsePriority(monitor.priority);
    const reach = reachOf(message, escalation, priority);
    for (const { handle } of reach.filter((r) => r.handle.glued)) {
      report(
        `monitor "${args.name}" writes ${handle.raw} glued to the character before it; Datadog reads a handle only after a space, so ` +
          `it may notify nobody. Put a space (or a line break) before ${handle.raw}.`,
      );
    }
    if (reach.length === 0) {
      report(
        `monitor "${args.name}" notifies nobody: no notification of its message carries an @-handle, so it fires silently. Add the ` +
          `owning team's ${SLACK}<channel>, and ${PD}<service> for P1-P2 on a paging stack.`,
      );
      return;
    }
    const alert = surelyIn(message, ALERT, priority);
    if (alert.length === 0) {
      report(
        `monitor "${args.name}" notifies nobody for certain when it alerts: its handles reach only other notifications ` +
          `(${reach.map(describeReach).join("; ")}). Put the owning team's handles inside {{#is_alert}} or outside every block.`,
      );
    }

    const paging = stackSetting(args, args.urn, "paging", ESCALATION, report);
    if (paging === undefined) return;
    const pagers = reach.filter((r) => isPagerduty(r.handle));
    const stack = stackFromUrn(args.urn) ?? "this stack";
    if (!paging) {
      for (const r of pagers) {
        report(
          `monitor "${args.name}" may notify ${describeReach(r)}, but stack "${stack}" may not page (paging: false). Route it to the ` +
            `owning team's ${SLACK}<channel> instead.`,
        );
      }
      return;
    }
    if (priority === undefined) return; // monitor-has-priority rejects it; who must be paged depends on it.
    if (!isPagingPriority(priority)) {
      for (const r of pagers) {
        report(
          `monitor "${args.name}" has priority P${priority}, which never pages (the severity map, config/names.ts), but may notify ` +
            `${describeReach(r)}. Route it to the owning team's ${SLACK}<channel>, or raise the priority to P1-P2 if it must wake ` +
            `someone.`,
        );
      }
      return;
    }
    if (pagers.length === 0) {
      report(
        `monitor "${args.name}" has paging priority P${priority} but never notifies PagerDuty (handles: ` +
          `${reach.map((r) => r.handle.raw).join(", ")}), so nobody is woken up. Add ${PD}<service> (pagerdutyHandle in ` +
          `config/names.ts) inside {{#is_alert}}, or lower the priority to P3-P5 if it should not page.`,
      );
    } else if (!alert.some(isPagerduty)) {
      report(
        `monitor "${args.name}" has paging priority P${priority} but its alert notification does not page: ` +
          `${pagers.map((r) => `${r.handle.raw} reaches only ${r.labels.join(", ")}`).join("; ")}, so nobody is woken up when it ` +
          `alerts. Move the PagerDuty handle inside {{#is_alert}} (and {{#is_alert_recovery}}, so the incident resolves).`,
      );
    }
    // What opens an incident must close it: Datadog sends the recovery from ALERT, and the fall from
    // ALERT to WARNING, to the {{#is_alert_recovery}} recipients (docs monitors/notify/variables, the
    // note under is_alert_recovery, cited in config/names.ts). A PagerDuty handle the alert reaches
    // but one of those does not leaves its incident open until PagerDuty's auto-resolve.
    const resolving = [RECOVERY_FROM_ALERT, ...(hasWarning(monitor) ? [ALERT_TO_WARNING] : [])];
    for (const page of alert.filter(isPagerduty)) {
      const missed = resolving.filter((n) => !surelyIn(message, n.ctx, priority).some((h) => sameHandle(h, page))).map((n) => n.label);
      if (!missed.length) continue;
      report(
        `monitor "${args.name}" pages ${page.raw} on alert but not on ${missed.join(" or ")}, so the incident it opens never ` +
          `resolves from Datadog. Put ${page.raw} inside {{#is_alert_recovery}} too (monitors/message.ts does).`,
      );
    }
    for (const r of pagers.filter((p) => p.labels.some((l) => WARNING_NOTIFICATIONS.has(l)))) {
      report(
        `monitor "${args.name}" pages on warning: ${r.handle.raw} reaches ` +
          `${r.labels.filter((l) => WARNING_NOTIFICATIONS.has(l)).join(", ")}, but warnings never page (the severity map, ` +
          `config/names.ts). Keep the PagerDuty handle out of {{#is_warning}} and out of text outside every block.`,
      );
    }
  }),
};

const OWNER = "monitor-pages-its-owner";

export const monitorPagesItsOwner: StackValidationPolicy = {
  name: OWNER,
  description:
    `A monitor pages only its owner's PagerDuty service: every ${PD} handle any of its notifications may carry, when it names a ` +
    "service object of the stack, names the service of the team in its team: tag (pagerdutyServiceName(env, team), config/names.ts), " +
    "so nobody is woken up for an alert another team owns.",
  remediationSteps:
    "Build the handle with `pagerdutyHandle(env, owner)` from the same team id as the monitor's team: tag (the monitors builder does " +
    "both from the feature's owner). If the other team should own the alert, move the team: tag instead; never hand-write a PagerDuty " +
    "service name.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      env: {
        type: "string",
        description: "The stack's env, which names its PagerDuty services. Default: env in the stack's Pulumi.<stack>.yaml.",
      },
      teams: teamsSchema,
    },
  },
  validateStack: (args, report) => {
    const monitors = monitorsOf(args.resources);
    if (monitors.length === 0) return args.notApplicable("the stack has no Datadog monitors");
    const env = stackSetting(args, monitors[0].urn, "env", OWNER, (m) => report(m));
    if (env === undefined) return;
    const teams = args.getConfig<{ teams?: string[] }>().teams ?? repoTeamIds();
    const teamOfService = new Map(teams.map((t) => [pagerdutyServiceName(env, t).toLowerCase(), t]));
    const services = serviceNamesOf(args.resources).map((s) => s.toLowerCase());
    for (const monitor of monitors) {
      const owners = [...new Set(tagValues(asStringArray(monitor.props.tags), TEAM_TAG))];
      // No single known owner: monitor-has-owner rejects the monitor, and whose service is right is unknown.
      if (owners.length !== 1 || !teams.includes(owners[0])) continue;
      const owner = owners[0];
      for (const r of pagersOf(monitor.props)) {
        const service = r.handle.target.toLowerCase();
        // A handle that names no service object of the stack is pagerduty-handles-resolve's to reject.
        if (service === pagerdutyServiceName(env, owner).toLowerCase() || !services.includes(service)) continue;
        const other = teamOfService.get(service);
        report(
          `monitor "${monitor.name}" is owned by ${TEAM_TAG}:${owner} but may page ${r.handle.raw}, ` +
            `${other ? `the service of team ${other}` : "a service of no team"} (${r.labels.join(", ")}), so someone who does not own ` +
            `the alert is woken up. Page ${pagerdutyHandle(env, owner)} (pagerdutyHandle(env, owner)), or move the ${TEAM_TAG}: tag to ` +
            `the team that should own it.`,
          monitor.urn,
        );
      }
    }
  },
};

function monitorsOf(resources: PolicyResource[]): PolicyResource[] {
  return resources.filter((r) => r.isType(datadog.Monitor));
}

function serviceNamesOf(resources: PolicyResource[]): string[] {
  return resources
    .filter((r) => r.isType(datadog.pagerduty.ServiceObject))
    .map((r) => asString(r.props.serviceName))
    .filter((s): s is string => s !== undefined);
}

const RESOLVE = "pagerduty-handles-resolve";

export const pagerdutyHandlesResolve: StackValidationPolicy = {
  name: RESOLVE,
  description:
    `Every ${PD}<service> handle any notification of a monitor may carry (message, and escalation message on renotify) names, ` +
    "exactly, the serviceName of a datadog.pagerduty.ServiceObject in the same stack; otherwise Datadog drops the page.",
  remediationSteps:
    "Build handles with `pagerdutyHandle(env, team)` from config/names.ts for a team that has on-call in teams.ts, so the handle and " +
    "the ServiceObject's serviceName come from the same function; never type or template a PagerDuty service name by hand.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      paging: { type: "boolean", description: "Whether this stack may page. Default: `paging` in the stack's Pulumi.<stack>.yaml." },
    },
  },
  validateStack: (args, report) => {
    const monitors = monitorsOf(args.resources);
    if (monitors.length === 0) return args.notApplicable("the stack has no Datadog monitors");
    const paging = stackSetting(args, monitors[0].urn, "paging", RESOLVE, (m) => report(m));
    if (paging === undefined) return;
    // On a stack that may not page, monitor-has-escalation-path rejects every PagerDuty handle itself.
    if (!paging) return args.notApplicable("the stack may not page; monitor-has-escalation-path rejects every PagerDuty handle");
    const services = serviceNamesOf(args.resources);
    for (const monitor of monitors) {
      for (const r of pagersOf(monitor.props)) {
        const service = r.handle.target;
        if (services.includes(service)) continue;
        const caseOnly = services.find((s) => s.toLowerCase() === service.toLowerCase());
        report(
          service.includes("{{")
            ? `monitor "${monitor.name}" notifies ${r.handle.raw}, a templated PagerDuty handle: ` +
                `which service it names is known only when it fires, so it cannot be checked against the stack's service objects and ` +
                `may page any service, or none. Use pagerdutyHandle(env, team) from config/names.ts.`
            : caseOnly
              ? `monitor "${monitor.name}" notifies ${r.handle.raw}, whose service name differs only in case ` +
                `from the ServiceObject's serviceName "${caseOnly}". Write it exactly as the service object names it: ` +
                `pagerdutyHandle(env, team) from config/names.ts.`
              : `monitor "${monitor.name}" notifies ${r.handle.raw}, ` +
                `but no datadog.pagerduty.ServiceObject in this stack has serviceName "${service}" (service objects: ` +
                `${quoteList(services)}), so Datadog drops the page. Use pagerdutyHandle(env, team) from config/names.ts for a team ` +
                `with on-call.`,
          monitor.urn,
        );
      }
    }
  },
};

const BUDGET = "paging-budget";

export const pagingBudget: StackValidationPolicy = {
  name: BUDGET,
  description:
    `Advisory: no team owns more paging monitors (those whose alert may notify ${PD}) than the paging budget. The chapter's ` +
    '"alerting on every metric" mistake: a pager that fires all day gets muted.',
  remediationSteps:
    "Demote monitors that need no action at night to P3-P5 (Slack), merge overlapping ones into a multi-alert, or raise " +
    "`monitoring.pagingBudgetPerTeam` in Pulumi.<stack>.yaml deliberately.",
  enforcementLevel: "advisory",
  configSchema: {
    properties: {
      maxPagingMonitorsPerTeam: {
        type: "integer",
        minimum: 1,
        description: "Paging monitors allowed per team. Default: monitoring.pagingBudgetPerTeam in Pulumi.<stack>.yaml.",
      },
    },
  },
  validateStack: (args, report) => {
    const monitors = monitorsOf(args.resources);
    if (monitors.length === 0) return args.notApplicable("the stack has no Datadog monitors");
    const budget = stackSetting(args, monitors[0].urn, "maxPagingMonitorsPerTeam", BUDGET, (m) => report(m));
    if (budget === undefined) return;
    const byTeam = new Map<string, string[]>();
    for (const monitor of monitors) {
      if (!pagersOf(monitor.props).some((r) => r.labels.includes("alert"))) continue;
      const team = tagValues(asStringArray(monitor.props.tags), TEAM_TAG)[0] ?? "(no team)";
      byTeam.set(team, [...(byTeam.get(team) ?? []), monitor.name]);
    }
    for (const [team, names] of [...byTeam].sort(([a], [b]) => a.localeCompare(b))) {
      if (names.length <= budget) continue;
      report(
        `team "${team}" owns ${names.length} paging monitors, over the paging budget of ${budget} (${names.join(", ")}). Demote the ` +
          `ones that need no action at night to P3-P5 (Slack), merge overlapping ones, or raise monitoring.pagingBudgetPerTeam ` +
          `deliberately.`,
      );
    }
  },
};

export const pagingRules = [monitorHasEscalationPath, monitorPagesItsOwner, pagerdutyHandlesResolve, pagingBudget];
