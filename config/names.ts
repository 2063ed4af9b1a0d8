// The conventions module: the names and grammars that several modules must agree on. The
// project name, the secret marker, the Pulumi type tokens, every resource name and handle, the
// severity map and the notification-message grammar are spelled here and nowhere else (a test
// scans every string literal of the package for them), so the builders that write them and the
// lint, policy pack, diff, preview and summaries that read them back cannot drift apart.
import { TAG } from "./contract";

// ---------------------------------------------------------------------------------------------
// The project

/** The Pulumi project (Pulumi.yaml `name`), the `service:` tag of every monitor, the namespace of the stack config. */
export const PROJECT = "llm-observability";
/** Stack config keys live under this namespace in Pulumi.<stack>.yaml. */
export const CONFIG_NAMESPACE = `${PROJECT}:`;
/** How a secret value appears wherever it is written down offline: plan files, summaries, stack files read without a key. */
export const SECRET = "[secret]";

/**
 * Pulumi's own rule for a stack name, as `pulumi stack init` applies it:
 * `tokens.ParseStackName` in pulumi/pulumi v3.248.0, sdk/go/common/tokens/stack_name.go
 * (regex `^[A-Za-z0-9_.-]*` matched to the end, not empty, at most 100 characters; error
 * texts quoted from there). Both backends end in it (`ValidateStackName`,
 * pkg/backend/httpstate/backend.go:1192 and pkg/backend/diy/backend.go:763). A qualified
 * `org/project/stack` is not accepted here: the package names files after the bare stack
 * (`Pulumi.<stack>.yaml`, `out/<stack>/`), so "." and "..", which Pulumi's character class admits,
 * are refused too. The tools check a stack named on a command line with it, the policy pack a
 * stack named by a plan's URNs.
 * Returns the problem, or undefined when the name is valid.
 */
export function stackNameProblem(name: string): string | undefined {
  if (name === "") return "a stack name may not be empty";
  if (name.length > 100) return "a stack name cannot exceed 100 characters";
  const bad = /[^A-Za-z0-9_.-]/.exec(name);
  if (bad) {
    return (
      "a stack name may only contain alphanumeric, hyphens, underscores, or periods: " +
      `invalid character ${JSON.stringify(bad[0])} at position ${bad.index}`
    );
  }
  if (name === "." || name === "..") return `"${name}" names a directory, not a stack`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Pulumi type tokens

/** Provider resource types the program creates, as the engine (and a plan file) names them. */
export const TYPE = {
  dashboard: "datadog:index/dashboardJson:DashboardJson",
  dashboardList: "datadog:index/dashboardList:DashboardList",
  monitor: "datadog:index/monitor:Monitor",
  downtimeSchedule: "datadog:index/downtimeSchedule:DowntimeSchedule",
  monitorConfigPolicy: "datadog:index/monitorConfigPolicy:MonitorConfigPolicy",
  metricTagConfiguration: "datadog:index/metricTagConfiguration:MetricTagConfiguration",
  serviceLevelObjective: "datadog:index/serviceLevelObjective:ServiceLevelObjective",
  pagerdutyServiceObject: "datadog:pagerduty/serviceObject:ServiceObject",
  schedule: "pagerduty:index/schedule:Schedule",
  escalationPolicy: "pagerduty:index/escalationPolicy:EscalationPolicy",
  service: "pagerduty:index/service:Service",
  serviceIntegration: "pagerduty:index/serviceIntegration:ServiceIntegration",
  sentryIssueAlert: "sentry:index/sentryIssueAlert:SentryIssueAlert",
  sentryMetricAlert: "sentry:index/sentryMetricAlert:SentryMetricAlert",
} as const;
export type ResourceType = (typeof TYPE)[keyof typeof TYPE];

/** Our ComponentResource types: `<project>:<folder>:<Class>`. */
export const COMPONENT = {
  dashboards: `${PROJECT}:dashboards:Dashboards`,
  monitors: `${PROJECT}:monitors:Monitors`,
  onCall: `${PROJECT}:oncall:OnCall`,
  errorAlerts: `${PROJECT}:errors:ErrorAlerts`,
  orgTagConfigurations: `${PROJECT}:org:TagConfigurations`,
  slos: `${PROJECT}:slos:ServiceLevelObjectives`,
} as const;

// ---------------------------------------------------------------------------------------------
// Resource names: `<role prefix><stable id>`. The id is a feature, team, dashboard or monitor
// slug (never a display name), so a rename of a display name never replaces a resource. Every
// builder below has its parser, so readers of a plan never re-type a prefix.

const PREFIX = {
  dashboard: "dashboard-",
  schedule: "schedule-",
  escalationPolicy: "escalation-",
  service: "service-",
  serviceIntegration: "integration-datadog-",
  pagerdutyServiceObject: "pagerduty-service-",
  sentryIssueAlert: "sentry-issue-alert-",
  sentryIssuePage: "sentry-issue-page-",
  sentryMetricAlert: "sentry-metric-alert-",
  monitor: "monitor-",
  downtime: "downtime-",
  slo: "slo-",
} as const;

/** Resources of which a stack has one per id, named `<prefix><id>`. */
export type NamedRole = Exclude<keyof typeof PREFIX, "monitor" | "downtime" | "slo">;

/** The resource type of each named role. */
export const ROLE_TYPE: Record<NamedRole, ResourceType> = {
  dashboard: TYPE.dashboard,
  schedule: TYPE.schedule,
  escalationPolicy: TYPE.escalationPolicy,
  service: TYPE.service,
  serviceIntegration: TYPE.serviceIntegration,
  pagerdutyServiceObject: TYPE.pagerdutyServiceObject,
  sentryIssueAlert: TYPE.sentryIssueAlert,
  sentryIssuePage: TYPE.sentryIssueAlert,
  sentryMetricAlert: TYPE.sentryMetricAlert,
};

/** `resourceName("schedule", "platform")` = `schedule-platform`. */
export function resourceName(role: NamedRole, id: string): string {
  return `${PREFIX[role]}${id}`;
}

/** The id in a resource name of that role (`schedule-platform` -> `platform`), or undefined. */
export function idFromName(role: NamedRole, name: string): string | undefined {
  const prefix = PREFIX[role];
  return name.startsWith(prefix) && name.length > prefix.length ? name.slice(prefix.length) : undefined;
}

/** The Sentry rules of one feature, by role. */
export const SENTRY_ROLES = ["sentryIssueAlert", "sentryIssuePage", "sentryMetricAlert"] as const satisfies readonly NamedRole[];
export type SentryRole = (typeof SENTRY_ROLES)[number];

/** The feature a Sentry rule belongs to and its role, from the rule's resource name. */
export function parseSentryRuleName(name: string): { role: SentryRole; featureId: string } | undefined {
  for (const role of SENTRY_ROLES) {
    const featureId = idFromName(role, name);
    if (featureId) return { role, featureId };
  }
  return undefined;
}

/** `metric-tags-llm-ttft`: the org's tag configuration of a metric, named for the metric (dots and underscores become dashes). */
export function tagConfigurationResourceName(metricName: string): string {
  return `metric-tags-${metricName.replace(/[._]/g, "-")}`;
}

/** Singleton resources. */
export const DASHBOARD_LIST_NAME = `${PREFIX.dashboard}list`;
export const MONITOR_TAG_POLICY_NAME = `${PREFIX.monitor}config-policy-team`;

/**
 * `monitor-<featureId>-<kind>` per feature, `monitor-<kind>` across features, and
 * `monitor-<featureId>-<kind>-<variant>` for a kind that builds several monitors per feature
 * (one per SLO objective); also `out/<stack>/monitors/<name>.json`.
 */
export function monitorName(kind: string, featureId?: string, variant?: string): string {
  const base = featureId ? `${PREFIX.monitor}${featureId}-${kind}` : `${PREFIX.monitor}${kind}`;
  return variant ? `${base}-${variant}` : base;
}

/**
 * A building block of a kind built as a composite monitor: `monitor-judge-stalled-traffic` for
 * part `traffic` (docs monitors/types/composite).
 */
export function monitorPartName(kind: string, part: string, featureId?: string): string {
  return `${monitorName(kind, featureId)}-${part}`;
}

/** The downtime that mutes a monitor for good (a composite's building block): `downtime-<monitor name>`. */
export function downtimeName(monitorResourceName: string): string {
  return `${PREFIX.downtime}${monitorResourceName}`;
}

/**
 * Kind, feature and variant of a monitor resource name, given the kinds and variants that may
 * occur (a feature id may contain `-`, so the kind is the longest known suffix, after a known
 * variant). Undefined for an unknown name.
 */
export function parseMonitorName(
  name: string,
  kinds: readonly string[],
  variants: readonly string[] = [],
): { kind: string; featureId?: string; variant?: string } | undefined {
  const rest = name.startsWith(PREFIX.monitor) ? name.slice(PREFIX.monitor.length) : undefined;
  if (rest === undefined) return undefined;
  const forms = [
    ...variants.filter((v) => rest.endsWith(`-${v}`)).map((variant) => ({ body: rest.slice(0, -variant.length - 1), variant })),
    { body: rest, variant: undefined },
  ];
  for (const { body, variant } of forms) {
    for (const kind of [...kinds].sort((a, b) => b.length - a.length)) {
      const v = variant ? { variant } : {};
      if (body === kind) return { kind, ...v };
      if (body.endsWith(`-${kind}`) && body.length > kind.length + 1) return { kind, featureId: body.slice(0, -kind.length - 1), ...v };
    }
  }
  return undefined;
}

/** `slo-<featureId>-<objective>`: the resource of one objective of one feature. */
export function sloResourceName(featureId: string, objective: string): string {
  return `${PREFIX.slo}${featureId}-${objective}`;
}

/** Feature and objective of an SLO resource name, given the objectives that may occur. */
export function parseSloResourceName(name: string, objectives: readonly string[]): { featureId: string; objective: string } | undefined {
  if (!name.startsWith(PREFIX.slo)) return undefined;
  const rest = name.slice(PREFIX.slo.length);
  const objective = objectives.find((o) => rest.endsWith(`-${o}`) && rest.length > o.length + 1);
  return objective ? { featureId: rest.slice(0, -objective.length - 1), objective } : undefined;
}

/**
 * `[llm prod]`, `[llm staging]`: the start of every monitor name. Every stack, prod included,
 * names its env, so stacks sharing one Datadog org never look alike in the monitor list, in
 * Slack or in a PagerDuty incident title, there is no special env name to agree on, and the
 * prefix matches the Sentry rule names (errors/build.ts).
 */
export function monitorNamePrefix(env: string): string {
  return `[llm ${env}]`;
}

/** A monitor or SLO name without its `[llm <env>] ` prefix (a name from any stack's plan). */
export function withoutNamePrefix(name: string): string {
  return name.replace(/^\[llm [^\]]+\] /, "");
}

/**
 * The runbook every Sentry rule points to (errors/build.ts), also named on the PagerDuty service
 * that Sentry pages (oncall/build.ts). Neither rule type has a runbook or description field
 * in the pinned provider, and what a responder sees of a rule is its name: Sentry's issue-alert
 * email ends "This email was triggered by <rule name>" (getsentry/sentry
 * src/sentry/templates/sentry/emails/issue_alert_base.html), and a metric alert's PagerDuty
 * incident summary and email subject are the rule name (src/sentry/integrations/pagerduty/utils.py,
 * build_incident_attachment: "summary": incident.alert_rule.name). So the name carries it: the
 * full URL where the name limit allows, else the runbook's file name.
 */
export const ERRORS_RUNBOOK = "sentry-errors.md";

// ---------------------------------------------------------------------------------------------
// Tags on the resources themselves (not metric tags): `key:value`, Datadog's form.

/**
 * Keys of the monitors' and dashboards' own tags. `team` is Datadog's ownership key and the one
 * the tag policy enforces; feature and env reuse the metric contract's keys so a monitor tag
 * and a metric tag never disagree.
 */
export const RESOURCE_TAG = {
  team: "team",
  feature: TAG.feature,
  env: TAG.env,
  signal: "signal",
  service: "service",
  monitor: "monitor",
  /** The SLO objective an SLO or a `slo alert` monitor is about (availability, latency, quality). */
  objective: TAG.objective,
  /** A composite's building block: `part:<name>` (it is muted; the composite of its kind notifies). */
  part: "part",
} as const;

/** `key:value`. */
export function tag(key: string, value: string): string {
  return `${key}:${value}`;
}

/** Values of every `<key>:<value>` tag, in order (a bare key has no value). */
export function tagValues(tags: readonly string[], key: string): string[] {
  const prefix = `${key}:`;
  return tags.filter((t) => t.startsWith(prefix)).map((t) => t.slice(prefix.length));
}

/** The value of the first `<key>:<value>` tag, if any. */
export function tagValue(tags: readonly string[], key: string): string | undefined {
  return tagValues(tags, key)[0];
}

// ---------------------------------------------------------------------------------------------
// The severity map: one place that decides who gets woken up. Monitors take their Datadog
// `priority` from it, PagerDuty urgency follows it, and the lint and policy pack check it.
//
// | priority | meaning                                   | route (paging stack)     | PagerDuty urgency |
// |----------|-------------------------------------------|--------------------------|-------------------|
// | P1       | customers broadly affected now            | the team's PagerDuty     | high (pages)      |
// | P2       | a feature is failing or overspending      | the team's PagerDuty     | high (pages)      |
// | P3       | degraded, act within business hours       | team Slack channel       | low (notifies)    |
// | P4       | drift worth a look this week              | team Slack channel       | -                 |
// | P5       | informational                             | team Slack channel       | -                 |
//
// Warnings never page, whatever the priority: they go to Slack only.
export type Priority = 1 | 2 | 3 | 4 | 5;

export interface Severity {
  priority: Priority;
  label: `P${Priority}`;
  /** Whether the alert state notifies PagerDuty (on stacks that may page). */
  pages: boolean;
  /** PagerDuty urgency when it does reach PagerDuty. */
  urgency: "high" | "low";
  meaning: string;
}

export const SEVERITIES: Record<Priority, Severity> = {
  1: { priority: 1, label: "P1", pages: true, urgency: "high", meaning: "customers broadly affected now" },
  2: { priority: 2, label: "P2", pages: true, urgency: "high", meaning: "a feature is failing or overspending" },
  3: { priority: 3, label: "P3", pages: false, urgency: "low", meaning: "degraded; act within business hours" },
  4: { priority: 4, label: "P4", pages: false, urgency: "low", meaning: "drift worth a look this week" },
  5: { priority: 5, label: "P5", pages: false, urgency: "low", meaning: "informational" },
};

export function isPagingPriority(priority: number): boolean {
  return SEVERITIES[priority as Priority]?.pages ?? false;
}

// ---------------------------------------------------------------------------------------------
// Handles: who a notification reaches. The PagerDuty service name is the contract between three
// systems: the PagerDuty service, the Datadog PagerDuty service object, and every
// `@pagerduty-<name>` handle in monitor messages.

/** How a handle of each integration starts (docs monitors/notify: `@pagerduty-<service>`, `@slack-<channel>`). */
export const HANDLE_PREFIX = { pagerduty: "@pagerduty-", slack: "@slack-" } as const;

/** `llm-prod-contracts-ai`: env-scoped so two paging stacks sharing one Datadog org never collide. */
export function pagerdutyServiceName(env: string, teamId: string): string {
  return `llm-${env}-${teamId}`;
}

/** The handle that pages a PagerDuty service known to Datadog by this name. */
export function pagerdutyHandleOf(serviceName: string): string {
  return `${HANDLE_PREFIX.pagerduty}${serviceName}`;
}

/** The notification handle that pages a team, e.g. `@pagerduty-llm-prod-contracts-ai`. */
export function pagerdutyHandle(env: string, teamId: string): string {
  return pagerdutyHandleOf(pagerdutyServiceName(env, teamId));
}

/** `#contracts-ai-alerts` -> `@slack-contracts-ai-alerts`. */
export function slackHandle(channel: string): string {
  return `${HANDLE_PREFIX.slack}${channel.replace(/^#/, "")}`;
}

// ---------------------------------------------------------------------------------------------
// Datadog's notification-message grammar: conditional blocks and handles. One parser,
// `parseMessage`, and one question asked of it, "which handles does this message notify in
// this transition" (`handlesFor`), answered the way Datadog answers it: render the template for
// the transition, then read the handles off the rendered text.

/** Monitor states a notification moves between (docs monitors/status/status_page: OK, Warn, Alert, No Data, Unknown). */
export type MonitorState = "ok" | "warn" | "alert" | "no data" | "unknown";

/** One notification: the transition that sends it (or a renotification of `to`), and the monitor's priority. */
export interface NotificationContext {
  from: MonitorState;
  to: MonitorState;
  /** A renotification of a monitor that stayed in `to` (docs monitors/notify: renotify_interval). */
  renotify?: boolean;
  /** 1-5; needed only by `{{#is_priority 'Pn'}}`. */
  priority?: number;
}

/**
 * Conditional variables of monitor messages, and when each holds. Source: Datadog docs
 * "Notification variables" (docs.datadoghq.com/monitors/notify/variables, Conditional variables):
 *   is_alert: the monitor alerts; is_warning: it warns; is_no_data: triggered for missing data;
 *   is_recovery: it recovers from ALERT, WARNING, UNKNOWN or NO DATA; is_alert_recovery: from ALERT
 *   to OK; is_warning_recovery: from WARNING to OK; is_alert_to_warning: from ALERT to WARNING;
 *   is_no_data_recovery: it recovers from NO DATA; is_renotify: it is renotifying; is_unknown: it is
 *   in the unknown state; is_priority 'value': its priority is value (P1-P5).
 * Same page, note under is_alert_recovery: "For ALERT to WARNING transitions, {{#is_alert_recovery}}
 * recipients receive notifications without message bodies" — so those handles are notified then too
 * (this is how a PagerDuty incident opened by an alert resolves when the monitor drops to warning).
 * is_match / is_exact_match depend on the group's tag values, which a message alone cannot know:
 * they evaluate as undefined (see `HandleQuery.unknown`).
 */
const CONDITIONS: Record<string, (c: NotificationContext, arg: string | undefined) => boolean | undefined> = {
  is_alert: (c) => c.to === "alert",
  is_warning: (c) => c.to === "warn",
  is_no_data: (c) => c.to === "no data",
  is_unknown: (c) => c.to === "unknown",
  is_recovery: (c) => c.to === "ok" && c.from !== "ok",
  is_alert_recovery: (c) => c.from === "alert" && (c.to === "ok" || c.to === "warn"),
  is_warning_recovery: (c) => c.from === "warn" && c.to === "ok",
  is_alert_to_warning: (c) => c.from === "alert" && c.to === "warn",
  is_no_data_recovery: (c) => c.from === "no data" && c.to !== "no data",
  is_renotify: (c) => c.renotify === true,
  is_priority: (c, arg) =>
    c.priority === undefined || arg === undefined ? undefined : arg.replace(/['"]/g, "").toUpperCase() === `P${c.priority}`,
  is_match: () => undefined,
  is_exact_match: () => undefined,
};

/** The state conditions a message can branch on (every conditional variable but the tag matchers). */
export const STATE_CONDITIONS = Object.keys(CONDITIONS).filter((n) => n !== "is_match" && n !== "is_exact_match");

export type TemplateNode = TextNode | BlockNode;
export interface TextNode {
  kind: "text";
  text: string;
  /** Offset in the source message. */
  offset: number;
}
export interface BlockNode {
  kind: "block";
  /** Conditional variable, e.g. `is_alert`. */
  name: string;
  /** `{{^is_alert}}`: shown when the condition does not hold. */
  negated: boolean;
  /** Arguments as written, e.g. `'P1'` or `"tenant.name" "acme"`. */
  args?: string;
  body: TemplateNode[];
  /** After `{{else}}`: shown when the body is not. */
  elseBody: TemplateNode[];
  offset: number;
}

export interface ParsedMessage {
  source: string;
  nodes: TemplateNode[];
  /** Structural problems: unclosed, unopened or mismatched blocks, unknown conditional variables. */
  problems: string[];
}

// `{{#name args}}`, `{{^name args}}`, `{{/name}}` and `{{else}}`. Any other `{{...}}` (a variable
// such as `{{value}}` or `{{tenant.name}}`) is text.
const BLOCK_TAG = /\{\{\s*(?:([#^/])\s*([A-Za-z_][\w.]*)((?:\s+(?:'[^']*'|"[^"]*"|[^\s}]+))*)\s*|(else)\s*)\}\}/g;

/** Parses a Datadog monitor message into its conditional blocks; never throws. */
export function parseMessage(message: string): ParsedMessage {
  const problems: string[] = [];
  const root: TemplateNode[] = [];
  const stack: { block: BlockNode; inElse: boolean }[] = [];
  const target = () => {
    const top = stack[stack.length - 1];
    return top ? (top.inElse ? top.block.elseBody : top.block.body) : root;
  };
  let last = 0;
  const pushText = (end: number) => {
    if (end > last) target().push({ kind: "text", text: message.slice(last, end), offset: last });
  };
  for (const m of message.matchAll(BLOCK_TAG)) {
    const at = m.index!;
    pushText(at);
    last = at + m[0].length;
    const [, sigil, name, args, isElse] = m;
    if (isElse) {
      const top = stack[stack.length - 1];
      if (!top) problems.push(`{{else}} at offset ${at} is outside any block`);
      else if (top.inElse) problems.push(`second {{else}} in {{#${top.block.name}}} at offset ${at}`);
      else top.inElse = true;
      continue;
    }
    if (sigil === "/") {
      const top = stack.pop();
      if (!top) problems.push(`{{/${name}}} at offset ${at} closes no block`);
      else if (top.block.name !== name) {
        problems.push(
          `{{/${name}}} at offset ${at} closes {{${top.block.negated ? "^" : "#"}${top.block.name}}} opened at offset ${top.block.offset}`,
        );
      }
      continue;
    }
    if (!(name in CONDITIONS)) problems.push(`unknown conditional variable {{${sigil}${name}}} at offset ${at}`);
    const block: BlockNode = {
      kind: "block",
      name,
      negated: sigil === "^",
      ...(args.trim() ? { args: args.trim() } : {}),
      body: [],
      elseBody: [],
      offset: at,
    };
    target().push(block);
    stack.push({ block, inElse: false });
  }
  pushText(message.length);
  for (const { block } of stack.reverse())
    problems.push(`{{${block.negated ? "^" : "#"}${block.name}}} at offset ${block.offset} is never closed`);
  return { source: message, nodes: root, problems };
}

export interface HandleQuery {
  /**
   * How to read conditions a message alone cannot decide (`is_match`, unknown variables,
   * `is_priority` without a priority): `true` renders them as holding (the handles that MAY be
   * notified; use it to prove a handle is never reached), `false` as not holding (handles that
   * are CERTAINLY notified; use it to prove a handle is reached). Default true.
   */
  unknown?: boolean;
}

/** Whether a block's body is shown in this notification (undefined conditions resolved by `unknown`). */
function shows(block: BlockNode, ctx: NotificationContext, unknown: boolean): boolean {
  const holds = CONDITIONS[block.name]?.(ctx, block.args);
  if (holds === undefined) return unknown;
  return block.negated ? !holds : holds;
}

/** The message text Datadog sends for this notification: blocks resolved, variables left as written. */
export function renderMessage(parsed: ParsedMessage, ctx: NotificationContext, query: HandleQuery = {}): string {
  const unknown = query.unknown ?? true;
  const render = (nodes: TemplateNode[]): string =>
    nodes
      .map((n) => {
        if (n.kind === "text") return n.text;
        const holds = CONDITIONS[n.name]?.(ctx, n.args);
        // An undecidable condition shows both branches when reading what MAY be sent, neither when reading what surely is.
        if (holds === undefined) return unknown ? `${render(n.body)} ${render(n.elseBody)}` : "";
        return shows(n, ctx, unknown) ? render(n.body) : render(n.elseBody);
      })
      .join("");
  return render(parsed.nodes);
}

export interface Handle {
  /** As written, e.g. `@pagerduty-llm-prod-contracts-ai`. */
  raw: string;
  /** Lowercased integration (`pagerduty`, `slack`, `webhook`, ...) or `email` for `@jane@example.com`. */
  integration: string;
  /** What follows `@<integration>-` (the service, channel, ...), or the email address. */
  target: string;
  /**
   * Glued to the character before it. A handle needs a preceding space (docs
   * monitors/guide/notification-message-best-practices; handles with parentheses are not parsed at
   * all, DataDog/documentation layouts/shortcodes/notifications-integrations.md), so a glued handle
   * may silently notify no one: lint and policy treat it as an error, never as a safe non-handle.
   */
  glued: boolean;
}

// A handle is `@` then everything up to whitespace (an email handle keeps its second `@`).
// Sentence punctuation after it is not part of it (`@slack-x.`). Handles are read off rendered
// text, where conditional tags are already gone; variables (`@slack-{{tenant.name}}`) stay.
const HANDLE = /@([^\s@]+(?:@[^\s@]+)?)/g;
const EMAIL = /^[^\s@]+@[\w-]+(?:\.[\w-]+)+$/;

/**
 * Every handle in a rendered text, in order. `@` inside an email address, a URL path or an
 * unresolved dashboard-link placeholder (`@@dashboard-url:<id>@@`, config/links.ts) is not a handle.
 */
export function handlesIn(text: string): Handle[] {
  const out: Handle[] = [];
  for (const m of text.matchAll(HANDLE)) {
    const at = m.index!;
    const before = at > 0 ? text[at - 1] : "";
    // `jane@example.com` written as plain text: the `@` belongs to the address, not a handle.
    if (before && /[\w.+\-@/]/.test(before)) continue;
    const body = m[1].replace(/[.,;:!?)\]]+$/, "");
    if (!body) continue;
    const raw = `@${body}`;
    if (EMAIL.test(body)) {
      out.push({ raw, integration: "email", target: body, glued: before !== "" && !/\s/.test(before) });
      continue;
    }
    const dash = body.indexOf("-");
    const integration = (dash > 0 ? body.slice(0, dash) : body).toLowerCase();
    out.push({ raw, integration, target: dash > 0 ? body.slice(dash + 1) : "", glued: before !== "" && !/\s/.test(before) });
  }
  return out;
}

/** The handles a message notifies in this notification, each once, in order of appearance. */
export function handlesFor(message: string | ParsedMessage, ctx: NotificationContext, query: HandleQuery = {}): Handle[] {
  const parsed = typeof message === "string" ? parseMessage(message) : message;
  const renders = rendersByTransition(parsed);
  if (!renders) return notifiedHandles(parsed, ctx, query);
  // Decided by the transition alone: the priority and `query.unknown` change nothing.
  const key = `${ctx.from}\u0000${ctx.to}\u0000${ctx.renotify === true}`;
  let handles = renders.get(key);
  if (!handles) renders.set(key, (handles = notifiedHandles(parsed, ctx, query)));
  return [...handles];
}

function notifiedHandles(parsed: ParsedMessage, ctx: NotificationContext, query: HandleQuery): Handle[] {
  const seen = new Set<string>();
  return handlesIn(renderMessage(parsed, ctx, query)).filter((h) => {
    const key = h.raw.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Every notification a query alert can send, named for reports (diff, preview, policy messages). */
export const NOTIFICATIONS: readonly { label: string; ctx: NotificationContext }[] = [
  { label: "alert", ctx: { from: "ok", to: "alert" } },
  { label: "alert renotify", ctx: { from: "alert", to: "alert", renotify: true } },
  { label: "warning", ctx: { from: "ok", to: "warn" } },
  { label: "alert to warning", ctx: { from: "alert", to: "warn" } },
  { label: "warning renotify", ctx: { from: "warn", to: "warn", renotify: true } },
  { label: "no data", ctx: { from: "ok", to: "no data" } },
  { label: "no data renotify", ctx: { from: "no data", to: "no data", renotify: true } },
  { label: "recovery from alert", ctx: { from: "alert", to: "ok" } },
  { label: "recovery from warning", ctx: { from: "warn", to: "ok" } },
  { label: "recovery from no data", ctx: { from: "no data", to: "ok" } },
];

/**
 * The notifications a monitor sends: renotifications only of the states it renotifies. Source:
 * Datadog API `MonitorOptions.renotify_statuses` (vendor/datadog/openapi-v1.yaml): "Default: null
 * if renotify_interval is null. If renotify_interval is set, defaults to renotify on Alert and No Data."
 */
export function notificationsSent(options: {
  renotifyInterval?: unknown;
  renotifyStatuses?: readonly string[];
}): readonly { label: string; ctx: NotificationContext }[] {
  if (options.renotifyInterval === undefined || options.renotifyInterval === null) return NOTIFICATIONS.filter((n) => !n.ctx.renotify);
  const statuses = options.renotifyStatuses ?? ["alert", "no data"];
  return NOTIFICATIONS.filter((n) => !n.ctx.renotify || statuses.includes(n.ctx.to === "warn" ? "warn" : n.ctx.to));
}

/**
 * Per handle, the notifications that may reach it (labels of `NOTIFICATIONS`), in order of first
 * appearance. `priority` resolves `{{#is_priority}}` blocks; `notifications` narrows the set
 * (e.g. `notificationsSent` of a monitor that never renotifies).
 */
export function handleReach(
  message: string | ParsedMessage,
  priority?: number,
  notifications: readonly { label: string; ctx: NotificationContext }[] = NOTIFICATIONS,
): Map<string, string[]> {
  const parsed = typeof message === "string" ? parseMessage(message) : message;
  const reach = new Map<string, string[]>();
  for (const { label, ctx } of notifications) {
    for (const h of handlesFor(parsed, { ...ctx, priority })) {
      const labels = reach.get(h.raw) ?? [];
      labels.push(label);
      reach.set(h.raw, labels);
    }
  }
  return reach;
}

/** Handles that sit outside every conditional block, so every notification carries them. */
export function unconditionalHandles(parsed: ParsedMessage): Handle[] {
  return handlesIn(
    parsed.nodes
      .filter((n): n is TextNode => n.kind === "text")
      .map((n) => n.text)
      .join("\n"),
  );
}

/**
 * Every handle that some notification may carry (`unknown` conditions read as holding), each
 * once, in order of first appearance. What "this message names X" means for a reader that asks
 * no particular transition: the policy pack, the dangling-handle check, the summaries.
 */
export function reachableHandles(message: string | ParsedMessage): Handle[] {
  if (typeof message === "string")
    return remembered(reachableByText, message, () => reachableHandles(parseMessage(message))).map(copyHandle);
  const parsed = message;
  const seen = new Map<string, Handle>();
  for (const { ctx } of NOTIFICATIONS) {
    for (const h of handlesFor(parsed, ctx)) if (!seen.has(h.raw.toLowerCase())) seen.set(h.raw.toLowerCase(), h);
  }
  return [...seen.values()];
}

/** A PagerDuty handle (the integration is matched case-insensitively, as Datadog matches it). */
export function isPagerdutyHandle(h: Handle): boolean {
  return h.integration === "pagerduty";
}

/** PagerDuty service names some notification of `message` may page (`@pagerduty-llm-prod-x` -> `llm-prod-x`), in order, unique. */
export function pagerdutyServicesIn(message: string | ParsedMessage): string[] {
  return [
    ...new Set(
      reachableHandles(message)
        .filter(isPagerdutyHandle)
        .map((h) => h.target),
    ),
  ];
}

/** A Slack handle. */
export function isSlackHandle(h: Handle): boolean {
  return h.integration === "slack";
}

/**
 * The notifications a handle is reached by (labels of `NOTIFICATIONS`), in words for a report:
 * a state and its renotification read `alert + renotify`, all three recoveries read `recovery`,
 * every notification reads `always`.
 */
export function describeReach(labels: readonly string[], sent: readonly { label: string }[] = NOTIFICATIONS): string {
  if (sent.every((n) => labels.includes(n.label))) return "always";
  const rest = [...labels];
  const take = (label: string) => {
    const i = rest.indexOf(label);
    if (i >= 0) rest.splice(i, 1);
    return i >= 0;
  };
  const out: string[] = [];
  for (const state of ["alert", "warning", "alert to warning", "no data"]) {
    if (!rest.includes(state)) continue;
    take(state);
    out.push(take(`${state} renotify`) ? `${state} + renotify` : state);
  }
  const recoveries = ["recovery from alert", "recovery from warning", "recovery from no data"];
  if (recoveries.every((r) => rest.includes(r))) {
    recoveries.forEach(take);
    out.push("recovery");
  }
  return [...out, ...rest].join(", ");
}

export interface DescribedHandle {
  handle: Handle;
  /** The notifications that reach it, in words (`describeReach`). */
  reach: string;
  /** `@pagerduty-x (alert + renotify, recovery)`. */
  text: string;
}

/**
 * Each handle a message may notify, with the notifications that reach it in words, sorted by
 * handle. A handle reached only when a condition the message alone cannot decide holds
 * (`{{#is_match}}`, `{{#is_priority}}` without a priority) says so. `sent` narrows the
 * notifications to those the monitor sends (`notificationsSent`); by default, every one.
 */
export function describeHandles(
  message: string | ParsedMessage,
  monitor: { priority?: number; sent?: readonly { label: string; ctx: NotificationContext }[] } = {},
): DescribedHandle[] {
  const { priority, sent = NOTIFICATIONS } = monitor;
  if (typeof message === "string") {
    // Keyed by everything the answer depends on: the priority, each notification asked (label and context) and the text.
    const key = `${priority}\u0000${sent.map((n) => `${n.label}=${JSON.stringify(n.ctx)}`).join("\u0001")}\u0000${message}`;
    return remembered(describedByText, key, () => describeHandles(parseMessage(message), monitor)).map((d) => ({
      ...d,
      handle: copyHandle(d.handle),
    }));
  }
  const parsed = message;
  const certain = new Set<string>();
  for (const { label, ctx } of sent) {
    for (const h of handlesFor(parsed, { ...ctx, priority }, { unknown: false })) certain.add(`${h.raw}\u0000${label}`);
  }
  const handles = new Map(reachableHandles(parsed).map((h) => [h.raw, h]));
  return [...handleReach(parsed, priority, sent)]
    .map(([raw, labels]) => {
      const conditional = labels.some((l) => !certain.has(`${raw}\u0000${l}`));
      const reach = `${describeReach(labels, sent)}${conditional ? "; conditional" : ""}`;
      return { handle: handles.get(raw) ?? handlesIn(raw)[0], reach, text: `${raw} (${reach})` };
    })
    .sort((a, b) => a.text.localeCompare(b.text));
}

/** No block that a priority decides (`is_priority`) or that a message alone cannot decide (`is_match`, unknown variables). */
function decidedByTransition(nodes: readonly TemplateNode[]): boolean {
  return nodes.every(
    (n) =>
      n.kind === "text" ||
      (n.name !== "is_priority" &&
        n.name in CONDITIONS &&
        CONDITIONS[n.name]({ from: "ok", to: "ok" }, n.args) !== undefined &&
        decidedByTransition(n.body) &&
        decidedByTransition(n.elseBody)),
  );
}

// A message is rendered once per notification it may send, by each reader (lint, routing views,
// policy): a message whose every block is decided by the transition alone (no `is_priority`, nothing
// undecidable) renders the same for every priority and reading, so each transition's handles are kept
// with the parsed message. Parsed messages are never changed after parsing.
const transitionRenders = new WeakMap<ParsedMessage, Map<string, Handle[]> | null>();

function rendersByTransition(parsed: ParsedMessage): Map<string, Handle[]> | undefined {
  let renders = transitionRenders.get(parsed);
  if (renders === undefined) {
    renders = decidedByTransition(parsed.nodes) ? new Map() : null;
    transitionRenders.set(parsed, renders);
  }
  return renders ?? undefined;
}

// Reading handles renders a message once per notification (30 renders for describeHandles), and a
// synth asks again for every monitor from the checks, the preview, the feature views and the summary:
// at 200 features that was ~15% of synth (bench/synth.ts). Answers are remembered by the message text
// itself (and the notifications asked), so a changed message is never answered from memory; callers
// get copies. The memory is bounded: it is dropped whole when full.
const REMEMBERED_MAX = 4096;
const reachableByText = new Map<string, Handle[]>();
const describedByText = new Map<string, DescribedHandle[]>();

function remembered<T>(memory: Map<string, T>, key: string, compute: () => T): T {
  let value = memory.get(key);
  if (value === undefined) {
    value = compute();
    if (memory.size >= REMEMBERED_MAX) memory.clear();
    memory.set(key, value);
  }
  return value;
}

function copyHandle(h: Handle): Handle {
  return { ...h };
}
