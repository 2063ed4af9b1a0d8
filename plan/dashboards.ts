// Dashboards as a reviewer reads them in a plan: widget trees with their queries, formulas,
// markers and links in words. Shared by the diff and the preview page, so both describe a widget
// in exactly the same words. Pure: plan in, plain data out.
import { idFromName, TYPE } from "../config/names";
import { type Plan, type PlanResource, resourcesOfType } from "./plan";
import { arr, obj, stableJson, str } from "./read";

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

/** Dashboard id (`quality`) from its resource (`dashboard-quality`), and its parsed JSON body. */
export function dashboardsOf(plan: Plan): { id: string; resource: PlanResource; body: Record<string, unknown> }[] {
  return resourcesOfType(plan, TYPE.dashboard).map((r) => ({
    id: idFromName("dashboard", r.name) ?? r.name,
    resource: r,
    body: JSON.parse(String(r.inputs.dashboard)) as Record<string, unknown>,
  }));
}

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
  if (typeof stream.query_string === "string")
    out.push(`${str(stream.data_source) || str(request.request_type) || "stream"}: ${stream.query_string}`);
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
  if (source === "slo") {
    const filters = q.additional_query_filters ? ` filtered by ${str(q.additional_query_filters)}` : "";
    return `${name}: slo ${str(q.measure)} of ${str(q.slo_id)}${filters}`;
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

/** How many widgets, those nested in groups included. */
export function countWidgets(widgets: WidgetView[]): number {
  return flattenWidgets(widgets).length;
}
