// Checks Datadog's OpenAPI schema cannot make: the schema does not parse query strings or
// messages. Runs on every synth (tools/verify.ts) over the monitors as they would be sent,
// and the tests run it over deliberately broken monitors.
import { type MetricContract, queryableTags } from "../config/contract";
import { extractMetricTerms, PERCENTILES, scopeTagKey } from "../config/query";
import type { StackConfig } from "../config/schema";
import { ESTIMATED_USAGE_METRIC, ESTIMATED_USAGE_TAG } from "./cross-feature";
import type { DatadogMonitor } from "./definition";
import { isPerFeatureKind, MONITOR_KINDS, MONITOR_SERVICE, type MonitorKind, runbookFile } from "./kinds";
import { splitThreshold, windowSeconds } from "./queries";
import {
  HANDLE_PREFIX,
  handleReach,
  handlesFor,
  isPagerdutyHandle,
  isPagingPriority,
  NOTIFICATIONS,
  notificationsSent,
  type ParsedMessage,
  parseMessage,
  reachableHandles,
  RESOURCE_TAG,
  tagValue,
  unconditionalHandles,
} from "../config/names";

export interface LintContext {
  contract: MetricContract;
  stack: Pick<StackConfig, "runbookBaseUrl" | "paging">;
}

const SIGNALS = ["quality", "cost", "latency", "availability", "pipeline"];

/** Every problem with one monitor body; empty when it is fine. */
export function lintMonitor(body: DatadogMonitor, ctx: LintContext): string[] {
  const problems: string[] = [];
  const kind = tagValue(body.tags, RESOURCE_TAG.monitor) as MonitorKind | undefined;
  problems.push(...lintTags(body, kind));
  if (body.type !== "query alert") problems.push(`type must be "query alert" (got ${JSON.stringify(body.type)})`);
  if (!Number.isInteger(body.priority) || body.priority < 1 || body.priority > 5)
    problems.push(`priority must be an integer 1-5 (got ${JSON.stringify(body.priority)})`);
  if (!body.name.startsWith("[llm] ")) problems.push(`name must start with "[llm] " (got ${JSON.stringify(body.name)})`);
  problems.push(...lintMetricTerms(body.query, ctx.contract, kind));
  problems.push(...lintThresholds(body));
  problems.push(...lintAnomaly(body));
  problems.push(...lintMessage(body, ctx, kind));
  return problems;
}

function lintTags(body: DatadogMonitor, kind: string | undefined): string[] {
  const problems: string[] = [];
  for (const key of [RESOURCE_TAG.team, RESOURCE_TAG.env, RESOURCE_TAG.signal, RESOURCE_TAG.service, RESOURCE_TAG.monitor]) {
    if (!tagValue(body.tags, key)) problems.push(`tags: missing "${key}:<value>"`);
  }
  if (kind !== undefined && !(MONITOR_KINDS as readonly string[]).includes(kind)) problems.push(`tags: unknown monitor kind "${kind}"`);
  const signal = tagValue(body.tags, RESOURCE_TAG.signal);
  if (signal !== undefined && !SIGNALS.includes(signal))
    problems.push(`tags: signal must be one of ${SIGNALS.join(", ")} (got "${signal}")`);
  const service = tagValue(body.tags, RESOURCE_TAG.service);
  if (service !== undefined && service !== MONITOR_SERVICE) problems.push(`tags: service must be "${MONITOR_SERVICE}" (got "${service}")`);
  const feature = tagValue(body.tags, RESOURCE_TAG.feature);
  if (kind && isPerFeatureKind(kind) && !feature) problems.push(`tags: per-feature monitor "${kind}" needs "${RESOURCE_TAG.feature}:<id>"`);
  if (kind && !isPerFeatureKind(kind) && feature)
    problems.push(`tags: cross-feature monitor "${kind}" must not carry "${RESOURCE_TAG.feature}:"`);
  return problems;
}

function lintMetricTerms(query: string, contract: MetricContract, kind: string | undefined): string[] {
  const problems: string[] = [];
  const terms = extractMetricTerms(query);
  if (terms.length === 0) problems.push(`query names no metric: ${query}`);
  const byName = new Map(Object.values(contract.metrics).map((m) => [m.name, m]));
  for (const term of terms) {
    let allowed: Set<string>;
    if (term.metric === ESTIMATED_USAGE_METRIC) {
      if (kind !== "observability-cost") {
        problems.push(`${term.metric} is Datadog's usage estimate, allowed only in the observability-cost monitor`);
        continue;
      }
      allowed = new Set([ESTIMATED_USAGE_TAG]);
    } else {
      const metric = byName.get(term.metric);
      if (!metric) {
        problems.push(`unknown metric "${term.metric}" (contract: ${[...byName.keys()].join(", ")})`);
        continue;
      }
      allowed = new Set(queryableTags(contract, metric));
      if ((PERCENTILES as readonly string[]).includes(term.aggregation) && !metric.percentiles) {
        problems.push(`${term.aggregation}:${metric.name}: percentiles are not enabled for this metric`);
      }
      if (term.aggregation === "count" && metric.type !== "distribution")
        problems.push(`count:${metric.name}: count: applies to distributions only`);
    }
    for (const entry of term.scope) {
      const { variable, tag } = scopeTagKey(entry);
      if (variable) problems.push(`${term.metric}: "${entry}" is a dashboard template variable; monitors cannot use them`);
      else if (tag && !allowed.has(tag))
        problems.push(`${term.metric}: filter on unknown tag "${tag}" (allowed: ${[...allowed].join(", ")})`);
    }
    for (const tag of term.by)
      if (!allowed.has(tag)) problems.push(`${term.metric}: group-by unknown tag "${tag}" (allowed: ${[...allowed].join(", ")})`);
  }
  for (const m of query.matchAll(/([A-Za-z][\w.]*)\{[^}]*\}(?:\s*by\s*\{[^}]*\})?\.as_count\(\)/g)) {
    const metric = byName.get(m[1]);
    if (metric && metric.type !== "count") problems.push(`${metric.name}.as_count(): ${metric.name} is a ${metric.type}, not a count`);
  }
  return problems;
}

function lintThresholds(body: DatadogMonitor): string[] {
  const problems: string[] = [];
  const parsed = splitThreshold(body.query);
  const t = body.options?.thresholds;
  if (!parsed) return [`query must end with "<comparator> <number>": ${body.query}`];
  if (!t || typeof t.critical !== "number") return ["options.thresholds.critical is required"];
  if (parsed.threshold !== t.critical) {
    problems.push(`query threshold ${parsed.threshold} does not equal options.thresholds.critical ${t.critical}`);
  }
  const above = parsed.comparator === ">" || parsed.comparator === ">=";
  const beyond = (a: number, b: number) => (above ? a > b : a < b);
  if (t.warning !== undefined && !beyond(t.critical, t.warning)) {
    problems.push(`warning ${t.warning} must be ${above ? "below" : "above"} critical ${t.critical} for a "${parsed.comparator}" query`);
  }
  if (t.critical_recovery !== undefined && !beyond(t.critical, t.critical_recovery)) {
    problems.push(`critical_recovery ${t.critical_recovery} must be ${above ? "below" : "above"} critical ${t.critical}`);
  }
  return problems;
}

/** docs monitors/types/anomaly, API section. */
function lintAnomaly(body: DatadogMonitor): string[] {
  const windows = body.options?.threshold_windows;
  if (!/\banomalies\(/.test(body.query)) {
    return windows ? ["threshold_windows is for anomaly monitors only"] : [];
  }
  const problems: string[] = [];
  const arg = (name: string) => new RegExp(`${name}=['"]?([\\w.]+)['"]?`).exec(body.query)?.[1];
  const alertWindow = arg("alert_window");
  const interval = Number(arg("interval"));
  const queryWindow = /^\s*\w+\((last_\w+)\):anomalies\(/.exec(body.query)?.[1];
  const algorithm = /anomalies\(.*?,\s*'(basic|agile|robust)'/.exec(body.query)?.[1];
  const threshold = splitThreshold(body.query)?.threshold;
  if (!alertWindow) problems.push("anomalies(): alert_window is required");
  if (!windows?.trigger_window || !windows?.recovery_window)
    problems.push("anomaly monitors need threshold_windows with trigger_window and recovery_window");
  if (alertWindow && windows?.trigger_window && windows.trigger_window !== alertWindow) {
    problems.push(`threshold_windows.trigger_window ${windows.trigger_window} must equal the query's alert_window ${alertWindow}`);
  }
  if (threshold !== undefined && (threshold <= 0 || threshold > 1))
    problems.push(`anomaly threshold must be a fraction in (0, 1] (got ${threshold})`);
  const alertSec = alertWindow ? windowSeconds(alertWindow) : undefined;
  if (alertSec !== undefined && !(interval > 0 && interval <= alertSec / 5)) {
    problems.push(
      `anomalies(): interval ${arg("interval")} must be positive and at most a fifth of alert_window ${alertWindow} (${alertSec / 5} s)`,
    );
  }
  const querySec = queryWindow ? windowSeconds(queryWindow) : undefined;
  if (alertSec !== undefined && (querySec === undefined || querySec < alertSec))
    problems.push(`query window ${queryWindow} must be at least the alert window ${alertWindow}`);
  const recoverySec = windows?.recovery_window ? windowSeconds(windows.recovery_window) : undefined;
  if (alertSec !== undefined && threshold !== undefined && recoverySec !== undefined && recoverySec < alertSec * (1 - threshold) + 60) {
    problems.push(`recovery_window ${windows!.recovery_window} is below Datadog's minimum trigger*(1-threshold)+1min`);
  }
  if (algorithm === "basic" && /seasonality=/.test(body.query)) problems.push("anomalies(): 'basic' takes no seasonality");
  return problems;
}

function lintMessage(body: DatadogMonitor, ctx: LintContext, kind: MonitorKind | undefined): string[] {
  const problems: string[] = [];
  const message = body.message ?? "";
  const parsed = parseMessage(message);
  problems.push(...parsed.problems.map((p) => `message: ${p}`));
  if (kind && !message.includes(`${ctx.stack.runbookBaseUrl}/${runbookFile(kind)}`)) {
    problems.push(`message must link the runbook ${ctx.stack.runbookBaseUrl}/${runbookFile(kind)}`);
  }
  if (!/Dashboard: \[[^\]]+\]\((https?:\/\/|@@dashboard-url:)[^)]+\)/.test(message)) problems.push("message must link a dashboard");
  if (!parsed.nodes.some((n) => n.kind === "block" && n.name === "is_recovery" && !n.negated)) {
    problems.push("message needs an {{#is_recovery}} section");
  }
  const groups = new Set(extractMetricTerms(body.query).flatMap((t) => t.by));
  for (const m of message.matchAll(/\{\{\s*([\w.-]+)\.name\s*\}\}/g)) {
    if (!groups.has(m[1])) problems.push(`{{${m[1]}.name}} is used but the query does not group by "${m[1]}"`);
  }
  problems.push(...lintHandles(body, ctx, parsed));
  return problems;
}

/** The forms of handle our messages may use; anything else is a typo that notifies no one. */
const HANDLE_FORMS: Record<string, RegExp> = {
  pagerduty: /^[A-Za-z0-9][A-Za-z0-9_.-]*$/,
  slack: /^[a-z0-9][a-z0-9._-]*$/,
};

/** Notifications that may reach PagerDuty: the alert, its renotification, and the recoveries that resolve the incident. */
const MAY_PAGE = new Set([
  "alert",
  "alert renotify",
  "alert to warning",
  "recovery from alert",
  "recovery from warning",
  "recovery from no data",
]);

/**
 * Who each notification reaches, judged per state as Datadog renders the message (config/names.ts):
 * the alert reaches someone, PagerDuty only on paging stacks and priorities, never on a warning
 * or no-data notification, and the recovery from alert reaches the PagerDuty handle that opened
 * the incident.
 */
function lintHandles(body: DatadogMonitor, ctx: LintContext, parsed: ParsedMessage): string[] {
  const problems: string[] = [];
  const pagingPriority = isPagingPriority(body.priority);
  const sent = notificationsSent({ renotifyInterval: body.options?.renotify_interval, renotifyStatuses: body.options?.renotify_statuses });
  const reached = (label: string, unknown = true) =>
    handlesFor(parsed, { ...NOTIFICATIONS.find((n) => n.label === label)!.ctx, priority: body.priority }, { unknown });
  for (const { ctx: notification } of sent) {
    for (const h of handlesFor(parsed, { ...notification, priority: body.priority })) {
      if (h.glued) problems.push(`handle ${h.raw} must be preceded by a space`);
    }
  }
  for (const h of reachableHandles(parsed)) {
    const form = HANDLE_FORMS[h.integration];
    if (!form) problems.push(`handle ${h.raw} is not a known form (${HANDLE_PREFIX.pagerduty}<service>, ${HANDLE_PREFIX.slack}<channel>)`);
    else if (!form.test(h.target)) problems.push(`handle ${h.raw} is malformed`);
  }
  for (const h of unconditionalHandles(parsed)) {
    problems.push(`handle ${h.raw} sits outside any {{#is_...}} block, so it is notified in every state`);
  }
  for (const [raw, labels] of handleReach(parsed, body.priority, sent)) {
    if (!raw.toLowerCase().startsWith(HANDLE_PREFIX.pagerduty)) continue;
    if (!ctx.stack.paging) problems.push(`handle ${raw}: this stack may not page (paging: false)`);
    else if (!pagingPriority)
      problems.push(`handle ${raw}: priority P${body.priority} does not page (see the severity map in config/names.ts)`);
    const quiet = labels.filter((l) => !MAY_PAGE.has(l));
    if (quiet.length) problems.push(`handle ${raw} is notified on ${quiet.join(", ")}: only the alert (and its recovery) may page`);
  }
  const alertPages = reached("alert", false).filter(isPagerdutyHandle);
  if (reached("alert", false).length === 0) problems.push("the alert notifies no one");
  if (ctx.stack.paging && pagingPriority && alertPages.length === 0) {
    problems.push(`priority P${body.priority} pages, but the alert reaches no ${HANDLE_PREFIX.pagerduty} handle`);
  }
  const resolves = new Set(reached("recovery from alert").map((h) => h.raw.toLowerCase()));
  for (const h of alertPages) {
    if (!resolves.has(h.raw.toLowerCase())) problems.push(`${h.raw} must also be notified on recovery, or the incident never resolves`);
  }
  const renotifies = body.options?.renotify_interval !== undefined;
  if (alertPages.length && !renotifies) problems.push("paging monitors must renotify (options.renotify_interval)");
  if (!alertPages.length && renotifies) problems.push("only paging monitors renotify; a repeated Slack post gets a channel muted");
  return [...new Set(problems)];
}
