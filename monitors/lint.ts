// Checks Datadog's OpenAPI schema cannot make: the schema does not parse query strings or
// messages. Runs on every synth (tools/verify.ts) over the monitors as they would be sent,
// and the tests run it over deliberately broken monitors.
import type { MetricContract } from "../config/contract";
import {
  HANDLE_PREFIX,
  handleReach,
  handlesFor,
  isPagerdutyHandle,
  isPagingPriority,
  monitorNamePrefix,
  NOTIFICATIONS,
  notificationsSent,
  type ParsedMessage,
  parseMessage,
  reachableHandles,
  RESOURCE_TAG,
  tagValue,
  unconditionalHandles,
} from "../config/names";
import { contractMetric, extractMetricTerms, scopeTagKey, termProblems } from "../config/query";
import type { StackConfig } from "../config/schema";
import { maxBurnRate, SLO_WINDOWS } from "../config/slo";
import { type DatadogMonitor, referencedMonitors } from "./definition";
import { MONITOR_SERVICE, type Signal, SIGNALS } from "./frame";
import { kindSpec, MONITOR_KINDS, type MonitorKindSpec } from "./kinds";
import { splitThreshold, windowSeconds } from "./queries";

export interface LintContext {
  contract: MetricContract;
  stack: Pick<StackConfig, "runbookBaseUrl" | "paging" | "env">;
  /** The monitor-kind registry; defaults to monitors/kinds.ts. */
  kinds?: readonly MonitorKindSpec[];
  /**
   * The stack's SLOs, when known (synth knows them from the plan): a `slo alert` monitor is then
   * held to the SLO it watches, found by its feature and objective tags.
   */
  slos?: readonly WatchedSlo[];
  /** A composite's constituents, as its query references them; without it a composite's tag variables cannot be checked. */
  constituents?: (composite: DatadogMonitor) => DatadogMonitor[];
}

/** What the lint needs of an SLO. */
export interface WatchedSlo {
  featureId?: string;
  objective?: string;
  target?: number;
  timeframe?: string;
}

/** Every problem with one monitor body; empty when it is fine. */
export function lintMonitor(body: DatadogMonitor, ctx: LintContext): string[] {
  const problems: string[] = [];
  const kindTag = tagValue(body.tags, RESOURCE_TAG.monitor);
  const kind = kindSpec(ctx.kinds ?? MONITOR_KINDS, kindTag);
  const part = tagValue(body.tags, RESOURCE_TAG.part);
  problems.push(...lintTags(body, kindTag, kind));
  if (!Number.isInteger(body.priority) || body.priority < 1 || body.priority > 5)
    problems.push(`priority must be an integer 1-5 (got ${JSON.stringify(body.priority)})`);
  else if (part !== undefined && body.priority !== 5)
    problems.push(`priority P${body.priority}: a composite's building block (part:${part}) is informational, P5`);
  else if (part === undefined && kind && body.priority !== kind.priority)
    problems.push(`priority P${body.priority} is not the P${kind.priority} that kind "${kind.kind}" declares in monitors/kinds.ts`);
  problems.push(...lintName(body.name, ctx.stack.env));
  if (body.type === "composite") problems.push(...lintComposite(body));
  else if (body.type === "query alert") {
    // An SLO kind's metric monitor can only be a composite's building block (the fast burn's traffic guard, monitors/slo.ts).
    if (kind && "sloAlert" in kind && kind.sloAlert && part === undefined)
      problems.push(`type must be "slo alert" (or a composite of one) for kind "${kind.kind}": it watches an SLO`);
    problems.push(...lintMetricTerms(body.query, ctx.contract, kind, ctx.kinds ?? MONITOR_KINDS));
    problems.push(...lintQueryAlertOptions(body));
    problems.push(...lintThresholds(body));
    problems.push(...lintAnomaly(body));
  } else if (body.type === "slo alert") {
    problems.push(...lintSloAlert(body, ctx, kind));
    problems.push(...lintThresholds(body));
  } else {
    problems.push(`type must be "query alert", "composite" or "slo alert" (got ${JSON.stringify(body.type)})`);
  }
  problems.push(...lintMessage(body, ctx, kind));
  return problems;
}

/**
 * docs monitors/types/composite: monitor ids combined with `&& || !` and parentheses, up to 10
 * constituents, no thresholds, and `notify_no_data` instead of `on_missing_data`.
 */
function lintComposite(body: DatadogMonitor): string[] {
  const problems: string[] = [];
  const refs = referencedMonitors(body.query);
  const ids = refs.length ? refs : (body.query.match(/\d+/g) ?? []);
  if (ids.length < 2 || ids.length > 10) problems.push(`a composite combines 2 to 10 monitors (got ${ids.length}): ${body.query}`);
  const rest = body.query.replace(/<<[^<>]+>>|\d+/g, "").replace(/&&|\|\||!|\(|\)|\s/g, "");
  if (rest) problems.push(`composite query must combine monitor ids with && || ! and parentheses only: ${body.query}`);
  if (body.options.thresholds) problems.push("a composite has no thresholds");
  if (body.options.on_missing_data !== undefined) problems.push("a composite takes notify_no_data, not on_missing_data");
  return problems;
}

/**
 * The name starts with its stack's prefix, and is one line of text: Datadog evaluates
 * template variables in monitor names too (docs monitors/notify/variables), and a handle or a
 * line break there would reach every notification. Validation already refuses such display
 * names (config/safe-text.ts); this catches a builder that lets one through.
 */
function lintName(name: string, env: string): string[] {
  const problems: string[] = [];
  const prefix = `${monitorNamePrefix(env)} `;
  if (!name.startsWith(prefix)) problems.push(`name must start with "${prefix}" (got ${JSON.stringify(name)})`);
  if (/[\p{Cc}\p{Zl}\p{Zp}]/u.test(name)) problems.push(`name must be one line without control characters (got ${JSON.stringify(name)})`);
  if (/@|\{\{|\}\}/.test(name)) problems.push(`name must not contain "@", "{{" or "}}" (got ${JSON.stringify(name)})`);
  return problems;
}

function lintTags(body: DatadogMonitor, kindTag: string | undefined, kind: MonitorKindSpec | undefined): string[] {
  const problems: string[] = [];
  for (const key of [RESOURCE_TAG.team, RESOURCE_TAG.env, RESOURCE_TAG.signal, RESOURCE_TAG.service, RESOURCE_TAG.monitor]) {
    if (!tagValue(body.tags, key)) problems.push(`tags: missing "${key}:<value>"`);
  }
  if (kindTag !== undefined && !kind) problems.push(`tags: unknown monitor kind "${kindTag}" (not in monitors/kinds.ts)`);
  const signal = tagValue(body.tags, RESOURCE_TAG.signal);
  if (signal !== undefined && !(SIGNALS as readonly string[]).includes(signal))
    problems.push(`tags: signal must be one of ${SIGNALS.join(", ")} (got "${signal}")`);
  else if (signal !== undefined && kind && ![kind.signal].flat().includes(signal as Signal))
    problems.push(
      `tags: signal "${signal}" is not ${[kind.signal]
        .flat()
        .map((s) => `"${s}"`)
        .join(" or ")}, which kind "${kind.kind}" declares`,
    );
  const service = tagValue(body.tags, RESOURCE_TAG.service);
  if (service !== undefined && service !== MONITOR_SERVICE) problems.push(`tags: service must be "${MONITOR_SERVICE}" (got "${service}")`);
  const feature = tagValue(body.tags, RESOURCE_TAG.feature);
  if (kind?.scope === "feature" && !feature) problems.push(`tags: per-feature monitor "${kind.kind}" needs "${RESOURCE_TAG.feature}:<id>"`);
  if (kind && kind.scope !== "feature" && feature)
    problems.push(`tags: cross-feature monitor "${kind.kind}" must not carry "${RESOURCE_TAG.feature}:"`);
  return problems;
}

/** Every metric term against the contract (or the kind's declared extra metrics); monitors cannot use template variables. */
function lintMetricTerms(
  query: string,
  contract: MetricContract,
  kind: MonitorKindSpec | undefined,
  kinds: readonly MonitorKindSpec[],
): string[] {
  const problems: string[] = [];
  const terms = extractMetricTerms(query);
  if (terms.length === 0) problems.push(`query names no metric: ${query}`);
  for (const term of terms) {
    const variables = term.scope.filter((entry) => scopeTagKey(entry).variable !== undefined);
    for (const entry of variables) problems.push(`${term.metric}: "${entry}" is a dashboard template variable; monitors cannot use them`);
    const tags = [
      ...term.scope.flatMap((entry) => scopeTagKey(entry).tag ?? []).map((tag) => ({ tag, how: "filter" })),
      ...term.by.map((tag) => ({ tag, how: "group-by" })),
    ];
    const extra = kind?.extraMetrics?.[term.metric];
    if (extra) {
      for (const { tag, how } of tags)
        if (!extra.includes(tag)) problems.push(`${term.metric} has no tag "${tag}" (${how}); it carries ${extra.join(", ")}`);
      continue;
    }
    const declaredBy = kinds.filter((k) => k.extraMetrics?.[term.metric]).map((k) => k.kind);
    if (declaredBy.length) {
      problems.push(
        `${term.metric} is not a contract metric; only kind ${declaredBy.join(", ")} declares it (monitors/kinds.ts extraMetrics)`,
      );
      continue;
    }
    const metric = contractMetric(contract, term.metric);
    if (typeof metric === "string") problems.push(metric);
    else problems.push(...termProblems(contract, metric, { aggregation: term.aggregation, asCount: term.asCount, tags }));
  }
  return problems;
}

/** A metric monitor says what missing data means and whether a partial window counts: both are explicit choices here. */
function lintQueryAlertOptions(body: DatadogMonitor): string[] {
  const o = body.options ?? {};
  return [
    ...(o.on_missing_data === undefined ? ["options.on_missing_data is required on a query alert (what missing data means)"] : []),
    ...(o.require_full_window === undefined ? ["options.require_full_window is required on a query alert"] : []),
  ];
}

/** `burn_rate("<id>").over("<window>").long_window("<n><m|h>").short_window("<n><m|h>") > <rate>` (docs .../burn_rate). */
const BURN_RATE = /^burn_rate\("([^"]*)"\)\.over\("([^"]*)"\)\.long_window\("(\d+)([mh])"\)\.short_window\("(\d+)([mh])"\)\s*>\s*[\d.]+$/;
/** `error_budget("<id>").over("<window>") > <percent>` (docs .../error_budget). */
const ERROR_BUDGET = /^error_budget\("([^"]*)"\)\.over\("([^"]*)"\)\s*>\s*[\d.]+$/;

/**
 * A `slo alert` monitor in the forms Datadog documents, on an SLO of this stack:
 * - the query is a burn-rate or an error-budget query (docs service_management/
 *   service_level_objectives/burn_rate and .../error_budget, "API and Terraform");
 * - `over` is a window the SLO has a target for (7d, 30d or 90d);
 * - burn rate: a long window of 1 h to 48 h and a short window below it (burn_rate, "Monitor
 *   creation"), and a threshold of at most 1 / (1 - target), above which Datadog refuses the
 *   alert (burn_rate, "Maximum burn rate values");
 * - no `on_missing_data` (terraform-provider-datadog v4.19.0 resource_datadog_monitor.go:187: not
 *   available for SLO monitors);
 * - only SLO kinds of the registry are `slo alert`s, and they carry `feature:` and `objective:`.
 */
function lintSloAlert(body: DatadogMonitor, ctx: LintContext, kind: MonitorKindSpec | undefined): string[] {
  const problems: string[] = [];
  if (kind && !("sloAlert" in kind && kind.sloAlert)) problems.push(`type "slo alert" is for the SLO kinds only, not "${kind.kind}"`);
  if (body.options?.on_missing_data !== undefined) problems.push("options.on_missing_data is not available on a slo alert monitor");
  const query = body.query.trim();
  const burn = BURN_RATE.exec(query);
  const budget = ERROR_BUDGET.exec(query);
  if (!burn && !budget) {
    return [
      ...problems,
      `query must be burn_rate("<slo id>").over("<window>").long_window("<n>h").short_window("<n>m") > <rate> or ` +
        `error_budget("<slo id>").over("<window>") > <percent>: ${query}`,
    ];
  }
  const [sloId, window] = burn ? [burn[1], burn[2]] : [budget![1], budget![2]];
  if (!sloId) problems.push("query names no SLO id");
  if (!(SLO_WINDOWS as readonly string[]).includes(window)) problems.push(`over("${window}") must be one of ${SLO_WINDOWS.join(", ")}`);
  const threshold = splitThreshold(query)?.threshold;
  if (burn) {
    const minutes = (n: string, unit: string) => Number(n) * (unit === "h" ? 60 : 1);
    const long = minutes(burn[3], burn[4]);
    const short = minutes(burn[5], burn[6]);
    if (long < 60 || long > 48 * 60) problems.push(`long_window ${burn[3]}${burn[4]} must be 1 h to 48 h`);
    if (short >= long) problems.push(`short_window ${burn[5]}${burn[6]} must be shorter than long_window ${burn[3]}${burn[4]}`);
    if (threshold !== undefined && !(threshold > 0)) problems.push(`burn rate threshold ${threshold} must be above 0`);
  }
  const feature = tagValue(body.tags, RESOURCE_TAG.feature);
  const objective = tagValue(body.tags, RESOURCE_TAG.objective);
  if (!objective) problems.push(`tags: a slo alert needs "${RESOURCE_TAG.objective}:<objective>" (the SLO it watches)`);
  if (!ctx.slos || !feature || !objective) return problems;
  const slo = ctx.slos.find((x) => x.featureId === feature && x.objective === objective);
  if (!slo)
    return [...problems, `watches no SLO of this stack tagged ${RESOURCE_TAG.feature}:${feature} ${RESOURCE_TAG.objective}:${objective}`];
  if (slo.timeframe !== undefined && slo.timeframe !== window)
    problems.push(`over("${window}") is not the window of its SLO (${slo.timeframe}), which has no target for ${window}`);
  if (burn && threshold !== undefined && slo.target !== undefined && threshold > maxBurnRate(slo.target)) {
    problems.push(
      `burn rate threshold ${threshold} is above the maximum 1 / (1 - target) = ${maxBurnRate(slo.target).toFixed(2)} of its ` +
        `SLO's ${slo.target} % target; Datadog refuses such an alert`,
    );
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

function lintMessage(body: DatadogMonitor, ctx: LintContext, kind: MonitorKindSpec | undefined): string[] {
  const problems: string[] = [];
  const message = body.message ?? "";
  const parsed = parseMessage(message);
  problems.push(...parsed.problems.map((p) => `message: ${p}`));
  if (kind && !message.includes(`${ctx.stack.runbookBaseUrl}/${kind.runbook}`)) {
    problems.push(`message must link the runbook ${ctx.stack.runbookBaseUrl}/${kind.runbook}`);
  }
  if (!/Dashboard: \[[^\]]+\]\((https?:\/\/|@@dashboard-url:)[^)]+\)/.test(message)) problems.push("message must link a dashboard");
  if (!parsed.nodes.some((n) => n.kind === "block" && n.name === "is_recovery" && !n.negated)) {
    problems.push("message needs an {{#is_recovery}} section");
  }
  // A composite is multi alert by its constituents' groups, and "support[s] tag variables in the same way as
  // [its] underlying monitors" (docs monitors/types/composite; monitors/notify/variables, "Composite monitor variables").
  const grouped = body.type === "composite" ? (ctx.constituents?.(body) ?? []) : [body];
  const groups = new Set(grouped.flatMap((b) => extractMetricTerms(b.query).flatMap((t) => t.by)));
  for (const m of message.matchAll(/\{\{\s*([\w.-]+)\.name\s*\}\}/g)) {
    if (!groups.has(m[1]))
      problems.push(
        `{{${m[1]}.name}} is used but ${body.type === "composite" ? "no constituent's query groups" : "the query does not group"} ` +
          `by "${m[1]}"`,
      );
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
  // Alert -> warning is a recovery from alert as well ({{#is_alert_recovery}}; the Datadog note
  // cited in config/names.ts): without it the incident stays open while the monitor only warns,
  // and the next alert re-pages into it.
  if (body.options?.thresholds?.warning !== undefined) {
    const demoted = new Set(reached("alert to warning").map((h) => h.raw.toLowerCase()));
    for (const h of alertPages) {
      if (!demoted.has(h.raw.toLowerCase()))
        problems.push(
          `${h.raw} must also be notified when the alert falls back to warning ({{#is_alert_recovery}}), or the incident stays open`,
        );
    }
  }
  const renotifies = body.options?.renotify_interval !== undefined;
  if (alertPages.length && !renotifies) problems.push("paging monitors must renotify (options.renotify_interval)");
  if (!alertPages.length && renotifies) problems.push("only paging monitors renotify; a repeated Slack post gets a channel muted");
  return [...new Set(problems)];
}
