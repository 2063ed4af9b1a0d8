// What a reviewer reads in a plan: dashboards as widget trees, monitors as their routing and
// thresholds, features as the effective thresholds of their monitors. Shared by `npm run diff`
// and the preview page, so both describe a widget or a monitor in exactly the same words.
// Pure: plan in, plain data out.
import { MONITOR_TAG, PER_FEATURE_KINDS, type PerFeatureKind, tagValue } from "../../monitors/kinds";
import { dashboardsOf, type Plan, type PlanResource, resourcesOfType, sortKeys, TYPE } from "../plan";

export interface Layout {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WidgetView {
  /** Identity across versions: the builder-assigned Datadog `id`; a positional fallback when absent. */
  key: string;
  id?: number;
  type: string;
  title: string;
  layout?: Layout;
  /** `a: sum:llm.cost.usd{$feature}.as_count()`, one entry per query of every request. */
  queries: string[];
  formulas: string[];
  /** Threshold markers and conditional formats. */
  markers: string[];
  /** `label → url` per custom link. */
  links: string[];
  /** Note text. */
  text?: string;
  /** Canonical JSON of every other definition field: any change there is still reported. */
  settings: string;
  /** Group children, in array order. */
  children: WidgetView[];
}

export interface TemplateVariableView {
  name: string;
  prefix: string;
  defaults: string[];
  availableValues: string[];
}

export interface DashboardView {
  id: string;
  name: string;
  urn: string;
  title: string;
  description: string;
  tags: string[];
  templateVariables: TemplateVariableView[];
  /** Canonical JSON of the body without widgets: catches any other dashboard-level change. */
  settings: string;
  widgets: WidgetView[];
}

export interface MonitorView {
  /** Resource name, the stable identity (`monitor-extract-clause-cost-budget`). */
  name: string;
  urn: string;
  title: string;
  type: string;
  query: string;
  thresholds: Record<string, string>;
  thresholdWindows: Record<string, string>;
  priority: string;
  /** `@pagerduty-llm-prod-x (alert)`: each handle with the message blocks that send to it. */
  handles: string[];
  tags: string[];
  runbooks: string[];
  team?: string;
  feature?: string;
  kind?: string;
  message: string;
  /** Every other input, as canonical JSON per key. */
  options: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Canonical text

/** JSON with sorted keys and no whitespace: equal values give equal strings. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function str(v: unknown): string {
  if (v === undefined || v === null) return "";
  return typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : stableJson(v);
}

/** The value as an object, or an empty one: plan inputs are untyped JSON. */
export function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

// ---------------------------------------------------------------------------------------------
// Dashboards

export function dashboardViews(plan: Plan): DashboardView[] {
  return dashboardsOf(plan).map((d) => dashboardView(d.id, d.resource, d.body));
}

export function dashboardView(id: string, resource: Pick<PlanResource, "name" | "urn">, body: Record<string, unknown>): DashboardView {
  const { widgets, ...rest } = body;
  return {
    id,
    name: resource.name,
    urn: resource.urn,
    title: str(body.title),
    description: str(body.description),
    tags: arr(body.tags).map(str),
    templateVariables: arr(body.template_variables).map((v) => {
      const t = obj(v);
      return {
        name: str(t.name),
        prefix: str(t.prefix),
        defaults: arr(t.defaults ?? (t.default === undefined ? [] : [t.default])).map(str),
        availableValues: arr(t.available_values).map(str),
      };
    }),
    settings: stableJson({ ...rest, title: undefined, description: undefined, tags: undefined, template_variables: undefined }),
    widgets: widgetViews(widgets, ""),
  };
}

function widgetViews(widgets: unknown, parentKey: string): WidgetView[] {
  return arr(widgets).map((w, i) => widgetView(obj(w), parentKey, i));
}

/** Definition fields that are described separately; the rest goes into `settings`. */
const DESCRIBED = new Set(["type", "title", "requests", "markers", "custom_links", "content", "widgets", "conditional_formats"]);

function widgetView(widget: Record<string, unknown>, parentKey: string, index: number): WidgetView {
  const def = obj(widget.definition);
  const type = str(def.type) || "unknown";
  const text = type === "note" ? str(def.content) : undefined;
  const title = str(def.title) || (text ? firstLine(text) : "");
  const id = typeof widget.id === "number" ? widget.id : undefined;
  // Without a builder-assigned id, position is the only identity left; say so in the key.
  const key = id !== undefined ? String(id) : `${parentKey}#${index}:${type}:${title}`;
  const l = obj(widget.layout);
  const layout =
    typeof l.x === "number" && typeof l.y === "number" && typeof l.width === "number" && typeof l.height === "number"
      ? { x: l.x, y: l.y, width: l.width, height: l.height }
      : undefined;
  const settings = Object.fromEntries(Object.entries(def).filter(([k]) => !DESCRIBED.has(k)));
  const requests = requestList(def.requests);
  return {
    key,
    id,
    type,
    title,
    layout,
    queries: requests.flatMap(describeRequestQueries),
    formulas: requests.flatMap((r) => arr(r.formulas).map((f) => describeFormula(obj(f)))),
    markers: [
      ...arr(def.markers).map((m) => describeMarker(obj(m))),
      ...arr(def.conditional_formats).map((c) => describeConditionalFormat(obj(c))),
      ...requests.flatMap((r) => [
        ...arr(r.conditional_formats).map((c) => describeConditionalFormat(obj(c))),
        ...arr(r.formulas).flatMap((f) => arr(obj(f).conditional_formats).map((c) => describeConditionalFormat(obj(c)))),
      ]),
    ],
    links: arr(def.custom_links).map((c) => {
      const link = obj(c);
      return `${str(link.label ?? link.override_label) || "(no label)"} → ${str(link.link)}`;
    }),
    text,
    settings: stableJson(settings),
    children: type === "group" ? widgetViews(def.widgets, key) : [],
  };
}

function firstLine(text: string): string {
  const line = text.split("\n").find((l) => l.trim() !== "") ?? "";
  const plain = line.replace(/^#+\s*/, "").trim();
  return plain.length > 60 ? `${plain.slice(0, 57)}…` : plain;
}

/** Some widgets hold one request object (scatterplot {x, y}), most an array. */
function requestList(requests: unknown): Record<string, unknown>[] {
  if (Array.isArray(requests)) return requests.map(obj);
  return Object.values(obj(requests)).map(obj);
}

function describeRequestQueries(request: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const q of arr(request.queries)) out.push(describeQuery(obj(q)));
  if (typeof request.q === "string") out.push(request.q);
  const stream = obj(request.query);
  if (typeof stream.query_string === "string") out.push(`${str(stream.data_source) || "stream"}: ${stream.query_string}`);
  for (const legacy of ["log_query", "apm_query", "rum_query", "security_query", "network_query", "process_query", "event_query"]) {
    if (request[legacy] !== undefined) out.push(`${legacy}: ${stableJson(request[legacy])}`);
  }
  return out;
}

function describeQuery(q: Record<string, unknown>): string {
  const name = str(q.name) || "?";
  const source = str(q.data_source);
  if (source === "metrics" || (typeof q.query === "string" && source === "")) {
    return `${name}: ${str(q.query)}${q.aggregator ? ` (${str(q.aggregator)})` : ""}`;
  }
  if (q.search !== undefined || q.compute !== undefined) {
    // Events-platform queries (logs, spans, rum, ...): search, aggregation, group-by.
    const search = str(obj(q.search).query) || "*";
    const compute = obj(q.compute);
    const agg = `${str(compute.aggregation) || "count"}${compute.metric ? `(${str(compute.metric)})` : ""}`;
    const by = arr(q.group_by)
      .map((g) => {
        const group = obj(g);
        const sort = obj(group.sort);
        const limit = group.limit !== undefined ? ` limit ${str(group.limit)}` : "";
        const order = sort.order
          ? ` ${str(sort.order)}${sort.aggregation ? ` by ${str(sort.aggregation)}${sort.metric ? `(${str(sort.metric)})` : ""}` : ""}`
          : "";
        return `${str(group.facet)}${limit}${order}`;
      })
      .join(", ");
    return `${name}: ${source} "${search}" ${agg}${by ? ` by ${by}` : ""}`;
  }
  const { name: _n, data_source: _d, ...rest } = q;
  return `${name}: ${source || "query"} ${stableJson(rest)}`;
}

function describeFormula(f: Record<string, unknown>): string {
  const limit = obj(f.limit);
  const parts = [str(f.formula)];
  if (f.alias) parts.push(`as "${str(f.alias)}"`);
  if (limit.count !== undefined) parts.push(`(${limit.order === "asc" ? "bottom" : "top"} ${str(limit.count)})`);
  return parts.join(" ");
}

function describeMarker(m: Record<string, unknown>): string {
  const label = m.label ? ` "${str(m.label)}"` : "";
  return `${str(m.value)}${m.display_type ? ` (${str(m.display_type)})` : ""}${label}`;
}

function describeConditionalFormat(c: Record<string, unknown>): string {
  return `value ${str(c.comparator)} ${str(c.value)} → ${str(c.palette)}`;
}

/** Every widget, groups before their children, in reading order. */
export function flattenWidgets(widgets: WidgetView[], group?: WidgetView): { widget: WidgetView; group?: WidgetView }[] {
  return widgets.flatMap((w) => [{ widget: w, group }, ...flattenWidgets(w.children, w)]);
}

// ---------------------------------------------------------------------------------------------
// Monitors

export function monitorViews(plan: Plan): MonitorView[] {
  return resourcesOfType(plan, TYPE.monitor).map(monitorView);
}

const MONITOR_DESCRIBED = new Set(["name", "type", "query", "message", "tags", "priority", "monitorThresholds", "monitorThresholdWindows"]);

export function monitorView(r: PlanResource): MonitorView {
  const i = r.inputs;
  const tags = arr(i.tags).map(str).sort();
  const message = str(i.message);
  return {
    name: r.name,
    urn: r.urn,
    title: str(i.name),
    type: str(i.type),
    query: str(i.query),
    thresholds: stringMap(i.monitorThresholds),
    thresholdWindows: stringMap(i.monitorThresholdWindows),
    priority: str(i.priority),
    handles: messageHandles(message),
    tags,
    runbooks: [
      ...new Set([
        ...runbookLinks(message),
        ...arr(i.assets)
          .filter((a) => obj(a).category === "runbook")
          .map((a) => str(obj(a).url)),
      ]),
    ].sort(),
    team: tagValue(tags, MONITOR_TAG.team),
    feature: tagValue(tags, MONITOR_TAG.feature),
    kind: tagValue(tags, MONITOR_TAG.monitor),
    message,
    options: Object.fromEntries(
      Object.entries(i)
        .filter(([k, v]) => !MONITOR_DESCRIBED.has(k) && v !== undefined)
        .map(([k, v]) => [k, str(v)]),
    ),
  };
}

function stringMap(v: unknown): Record<string, string> {
  return Object.fromEntries(
    Object.entries(obj(v))
      .filter(([, x]) => x !== undefined && x !== null)
      .map(([k, x]) => [k, str(x)]),
  );
}

const STATE_NAMES: Record<string, string> = {
  is_alert: "alert",
  is_warning: "warning",
  is_recovery: "recovery",
  is_alert_recovery: "alert recovery",
  is_warning_recovery: "warning recovery",
  is_no_data: "no data",
  is_no_data_recovery: "no-data recovery",
  is_renotify: "renotify",
  is_alert_to_warning: "alert to warning",
  is_unknown: "unknown",
};

// `{{#is_alert}}`, `{{^is_alert}}`, `{{/is_alert}}` (arguments allowed), or a handle. Datadog
// needs whitespace (or start of text) before a handle; a preceding `}}` counts, since block
// tags render to nothing.
const MESSAGE_TOKEN = /\{\{\s*([#^/])\s*([\w.]+)[^}]*\}\}|(?:^|(?<=[\s(}]))@([A-Za-z0-9][\w.\-]*[\w])/g;

/**
 * Notification handles with the message states that reach them: `@pagerduty-x (alert)`,
 * `@slack-team (warning, recovery)`; `(always)` outside any conditional block.
 */
export function messageHandles(message: string): string[] {
  const stack: string[] = [];
  const contexts = new Map<string, Set<string>>();
  for (const m of message.matchAll(MESSAGE_TOKEN)) {
    if (m[1] === "#" || m[1] === "^") {
      stack.push(`${m[1] === "^" ? "not " : ""}${STATE_NAMES[m[2]] ?? m[2]}`);
    } else if (m[1] === "/") {
      stack.pop();
    } else if (m[3]) {
      const handle = `@${m[3]}`;
      const set = contexts.get(handle) ?? new Set<string>();
      set.add(stack.length ? stack.join(" › ") : "always");
      contexts.set(handle, set);
    }
  }
  return [...contexts].map(([h, ctx]) => `${h} (${[...ctx].sort().join(", ")})`).sort();
}

/** The handle itself, without its states. */
export function handleName(handle: string): string {
  return handle.replace(/\s*\(.*\)$/, "");
}

function runbookLinks(message: string): string[] {
  return [...message.matchAll(/https?:\/\/[^\s)\]>"'`|]+/g)]
    .map((m) => m[0].replace(/[.,;:]+$/, ""))
    .filter((u) => /\/runbooks?\//.test(u) || /\.md(#.*)?$/.test(u));
}

// ---------------------------------------------------------------------------------------------
// Features: the thresholds in force, read back from the monitors and Sentry rules

export interface FeatureView {
  id: string;
  /** Owner team, from the `team:` tag of its monitors. */
  team?: string;
  /** Daily budget (cost monitor warning, 1x). */
  budget?: number;
  /** Cost monitor alert (2x budget). */
  costAlert?: number;
  ttftMs?: number;
  totalMs?: number;
  /** Week-over-week judge-score drop that alerts, in points (positive). */
  qualityDrop?: number;
  /** `@pagerduty-...` handles any of its monitors or Sentry rules page. */
  pages: string[];
  /** `@slack-...` handles its monitors notify. */
  notifies: string[];
  /** Sentry metric alert thresholds: errors in its window, per trigger label. */
  sentryErrors: Record<string, number>;
  /** Owner named on its Sentry rules (`team:<id>`). */
  sentryOwners: string[];
  monitors: string[];
  sentryRules: string[];
}

const SENTRY_RULE = /^sentry-(issue-alert|metric-alert|issue-page)-(.+)$/;

export function featureViews(plan: Plan): FeatureView[] {
  const monitors = monitorViews(plan);
  const byId = new Map<string, FeatureView>();
  const get = (id: string): FeatureView => {
    let f = byId.get(id);
    if (!f) {
      f = { id, pages: [], notifies: [], sentryErrors: {}, sentryOwners: [], monitors: [], sentryRules: [] };
      byId.set(id, f);
    }
    return f;
  };
  for (const m of monitors) {
    if (!m.feature) continue;
    const f = get(m.feature);
    f.monitors.push(m.name);
    if (m.team) f.team ??= m.team;
    for (const h of m.handles.map(handleName)) {
      if (h.startsWith("@pagerduty-")) f.pages.push(h);
      else if (h.startsWith("@slack-")) f.notifies.push(h);
    }
    const critical = num(m.thresholds.critical);
    const warning = num(m.thresholds.warning);
    // The effective thresholds are the monitors' own numbers, so a plan from any commit reads right.
    const kind = (PER_FEATURE_KINDS as readonly string[]).includes(m.kind ?? "") ? (m.kind as PerFeatureKind) : undefined;
    switch (kind) {
      case "cost-budget":
        f.costAlert = critical;
        f.budget = warning ?? (critical === undefined ? undefined : critical / 2);
        break;
      case "ttft-p95":
        f.ttftMs = critical;
        break;
      case "total-latency-p95":
        f.totalMs = critical;
        break;
      case "quality-drop":
        f.qualityDrop = critical === undefined ? undefined : Math.abs(critical);
        break;
    }
  }
  for (const r of plan.resources) {
    const m = SENTRY_RULE.exec(r.name);
    if (!m || !r.type.startsWith("sentry:")) continue;
    const f = get(m[2]);
    f.sentryRules.push(r.name);
    const owner = str(r.inputs.owner);
    if (owner) f.sentryOwners.push(owner);
    for (const t of arr(r.inputs.triggers)) {
      const trigger = obj(t);
      const value = num(trigger.alertThreshold);
      if (trigger.label && value !== undefined) f.sentryErrors[str(trigger.label)] = value;
      for (const a of arr(trigger.actions)) {
        const action = obj(a);
        if (action.type === "pagerduty" && action.targetIdentifier !== undefined) f.pages.push(sentryPagerduty(action.targetIdentifier));
      }
    }
    // An issue rule pages through Sentry's PagerDuty action, naming Sentry's id of the service.
    for (const a of arr(r.inputs.actions)) {
      const action = obj(a);
      if (/pagerduty/i.test(str(action.id)) && action.service !== undefined) f.pages.push(sentryPagerduty(action.service));
    }
  }
  for (const f of byId.values()) {
    f.pages = [...new Set(f.pages)].sort();
    f.notifies = [...new Set(f.notifies)].sort();
    f.sentryOwners = [...new Set(f.sentryOwners)].sort();
    f.monitors.sort();
    f.sentryRules.sort();
  }
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** Sentry names a PagerDuty service by its own id (stack config `sentryPagerdutyServices`). */
function sentryPagerduty(id: unknown): string {
  return `Sentry → PagerDuty service ${str(id)}`;
}

function num(v: unknown): number | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  const n = typeof v === "number" ? v : Number(v);
  return Number.isFinite(n) ? n : undefined;
}

// ---------------------------------------------------------------------------------------------
// Resource types, in the words a reviewer uses

export const TYPE_LABELS: Record<string, string> = {
  [TYPE.dashboard]: "Datadog dashboard",
  [TYPE.dashboardList]: "Datadog dashboard list",
  [TYPE.monitor]: "Datadog monitor",
  [TYPE.monitorConfigPolicy]: "Datadog monitor tag policy",
  [TYPE.metricTagConfiguration]: "Datadog metric tag configuration",
  [TYPE.pagerdutyServiceObject]: "Datadog PagerDuty service object",
  [TYPE.schedule]: "PagerDuty schedule",
  [TYPE.escalationPolicy]: "PagerDuty escalation policy",
  [TYPE.service]: "PagerDuty service",
  [TYPE.serviceIntegration]: "PagerDuty service integration",
  [TYPE.sentryIssueAlert]: "Sentry issue alert",
  [TYPE.sentryMetricAlert]: "Sentry metric alert",
};

export function typeLabel(type: string): string {
  return TYPE_LABELS[type] ?? type;
}
