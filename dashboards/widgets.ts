// Typed widget factories: each returns a WidgetSpec (a key, a size and a Datadog widget
// definition in the API's snake_case shape). The layout (layout.ts) places specs on the
// 12-column grid and gives each a stable id derived from its key, so a factory never
// deals with positions or ids. Only modern `queries` + `formulas` requests are produced.

/** A Datadog widget definition (`definition` of a widget), API shape. */
export type Definition = { type: string; title?: string } & Record<string, unknown>;

export interface WidgetSpec {
  /** Unique within its dashboard (e.g. `cost/budget-use`); the widget id derives from it. */
  key: string;
  /** Columns on Datadog's 12-column grid. */
  width: number;
  /** Grid rows; for a group, computed from its children. */
  height: number;
  definition: Definition;
  /** Group children, laid out on the group's own 12-column grid. */
  children?: WidgetSpec[];
  /**
   * Overrides the automatic title note that names the dashboard variables some query of
   * this widget does not apply (see scopeNote in variables.ts), where the automatic wording
   * would be ambiguous.
   */
  scopeNote?: string;
}

export type ScalarAggregator = "avg" | "min" | "max" | "sum" | "last" | "percentile";

export interface MetricQuery {
  data_source: "metrics";
  name: string;
  query: string;
  /** How a scalar widget reduces the series over the time frame; required there. */
  aggregator?: ScalarAggregator;
}

export type EventAggregation = "count" | "cardinality" | "avg" | "sum" | "min" | "max" | "median" | "pc75" | "pc90" | "pc95" | "pc99";

export interface LogsQuery {
  data_source: "logs";
  name: string;
  search: { query: string };
  indexes: string[];
  compute: { aggregation: EventAggregation; metric?: string };
  group_by?: { facet: string; limit: number; sort: { aggregation: EventAggregation; metric?: string; order: "asc" | "desc" } }[];
}

/**
 * A measure of one SLO (`data_source: "slo"`, API FormulaAndFunctionSLOQueryDefinition): burn rate,
 * status or error budget left, per time bucket or over the time frame (docs dashboards/guide/slo_data_source).
 */
export interface SloQuery {
  data_source: "slo";
  name: string;
  /** Written as a placeholder (`@@slo-id:<resource name>@@`) that the Dashboards component resolves. */
  slo_id: string;
  measure: "burn_rate" | "slo_status" | "error_budget_remaining";
  slo_query_type: "metric";
  group_mode: "overall";
  /** Extra filters on the SLO's own metric queries; template variables apply (docs dashboards/guide/slo_graph_query). */
  additional_query_filters?: string;
}

export type Query = MetricQuery | LogsQuery | SloQuery;

export interface ConditionalFormat {
  comparator: ">" | ">=" | "<" | "<=" | "=";
  value: number;
  palette: "white_on_red" | "white_on_yellow" | "white_on_green" | "red_on_white" | "yellow_on_white" | "green_on_white";
}

export interface Formula {
  formula: string;
  alias?: string;
  limit?: { count: number; order: "asc" | "desc" };
  conditional_formats?: ConditionalFormat[];
}

export interface Marker {
  value: string;
  display_type: string;
  label?: string;
}

export interface CustomLink {
  label: string;
  link: string;
}

export type WidgetTime = { live_span: "1h" | "4h" | "1d" | "2d" | "1w" | "1mo" };

export function formula(expression: string, alias?: string, extra: Omit<Formula, "formula" | "alias"> = {}): Formula {
  return { formula: expression, ...(alias === undefined ? {} : { alias }), ...extra };
}

/** A horizontal line at `y = value`; severity colours it, e.g. an alert threshold in red. */
export function marker(
  value: number,
  severity: "error" | "warning" | "ok" | "info",
  label: string,
  line: "dashed" | "solid" | "bold" = "dashed",
): Marker {
  return { value: `y = ${value}`, display_type: `${severity} ${line}`, label };
}

interface Common {
  key: string;
  title: string;
  width?: number;
  height?: number;
  /** Shown in the widget's info tooltip: what the numbers mean and what they need. */
  description?: string;
  customLinks?: CustomLink[];
  time?: WidgetTime;
  scopeNote?: string;
}

function common(o: Common): Record<string, unknown> {
  return {
    title: o.title,
    ...(o.description ? { description: o.description } : {}),
    ...(o.time ? { time: o.time } : {}),
    ...(o.customLinks?.length ? { custom_links: o.customLinks } : {}),
  };
}

function spec(o: Common, width: number, height: number, definition: Definition): WidgetSpec {
  return {
    key: o.key,
    width: o.width ?? width,
    height: o.height ?? height,
    definition,
    ...(o.scopeNote ? { scopeNote: o.scopeNote } : {}),
  };
}

/** Scalar widgets reduce each series over the time frame; Datadog's default (avg) is wrong for spend and counts. */
function requireAggregators(key: string, queries: Query[]): void {
  for (const q of queries) {
    if (q.data_source === "metrics" && !q.aggregator) {
      throw new Error(`widget ${key}: scalar query "${q.name}" needs an aggregator (avg of a count is not a total)`);
    }
  }
}

export interface SeriesRequest {
  queries: Query[];
  formulas: Formula[];
  display?: "line" | "bars" | "area";
  lineType?: "solid" | "dashed" | "dotted";
  lineWidth?: "thin" | "normal" | "thick";
  palette?: string;
}

export function timeseries(
  o: Common & { requests: SeriesRequest[]; markers?: Marker[]; yaxis?: { min?: string; max?: string; include_zero?: boolean } },
): WidgetSpec {
  if (!o.requests.length) throw new Error(`widget ${o.key}: a timeseries needs at least one request`);
  return spec(o, 6, 3, {
    type: "timeseries",
    ...common(o),
    requests: o.requests.map((r) => ({
      response_format: "timeseries",
      queries: r.queries,
      formulas: r.formulas,
      display_type: r.display ?? "line",
      ...(r.lineType || r.lineWidth || r.palette
        ? {
            style: {
              ...(r.palette ? { palette: r.palette } : {}),
              ...(r.lineType ? { line_type: r.lineType } : {}),
              ...(r.lineWidth ? { line_width: r.lineWidth } : {}),
            },
          }
        : {}),
    })),
    ...(o.markers?.length ? { markers: o.markers } : {}),
    ...(o.yaxis ? { yaxis: o.yaxis } : {}),
  });
}

export function queryValue(o: Common & { queries: Query[]; formula: Formula; precision?: number; unit?: string }): WidgetSpec {
  requireAggregators(o.key, o.queries);
  return spec(o, 2, 2, {
    type: "query_value",
    ...common(o),
    autoscale: true,
    ...(o.precision === undefined ? {} : { precision: o.precision }),
    ...(o.unit ? { custom_unit: o.unit } : {}),
    requests: [{ response_format: "scalar", queries: o.queries, formulas: [o.formula] }],
  });
}

/** Top (or bottom) N groups of one formula. */
export function toplist(o: Common & { queries: Query[]; formula: Formula; count: number; order: "asc" | "desc" }): WidgetSpec {
  requireAggregators(o.key, o.queries);
  return spec(o, 6, 4, {
    type: "toplist",
    ...common(o),
    requests: [
      {
        response_format: "scalar",
        queries: o.queries,
        formulas: [o.formula],
        sort: { count: o.count, order_by: [{ type: "formula", index: 0, order: o.order }] },
      },
    ],
  });
}

/** One row per group, one column per formula; a column's `limit` sorts and cuts the rows. */
export function queryTable(o: Common & { queries: Query[]; columns: Formula[] }): WidgetSpec {
  requireAggregators(o.key, o.queries);
  if (!o.columns.length) throw new Error(`widget ${o.key}: a table needs at least one column`);
  return spec(o, 6, 4, {
    type: "query_table",
    ...common(o),
    requests: [{ response_format: "scalar", queries: o.queries, formulas: o.columns }],
  });
}

/**
 * The SLOs whose tags match a search (template variables apply), each with its status and error
 * budget left over its primary window (docs dashboards/widgets/slo_list).
 */
export function sloList(o: Omit<Common, "customLinks" | "time" | "scopeNote"> & { query: string; limit?: number }): WidgetSpec {
  return spec(o, 6, 4, {
    type: "slo_list",
    title: o.title,
    ...(o.description ? { description: o.description } : {}),
    requests: [{ request_type: "slo_list", query: { query_string: o.query, limit: o.limit ?? 100 } }],
  });
}

export function note(o: { key: string; content: string; width?: number; height?: number }): WidgetSpec {
  return {
    key: o.key,
    width: o.width ?? 12,
    height: o.height ?? 1,
    definition: {
      type: "note",
      content: o.content,
      background_color: "white",
      font_size: "14",
      text_align: "left",
      vertical_align: "center",
      show_tick: false,
      has_padding: true,
    },
  };
}

/** A titled, collapsible section; Datadog groups on an ordered dashboard span the full width. */
export function group(o: { key: string; title: string; children: WidgetSpec[] }): WidgetSpec {
  if (!o.children.length) throw new Error(`group ${o.key} has no widgets`);
  return {
    key: o.key,
    width: 12,
    height: 0,
    definition: { type: "group", layout_type: "ordered", title: o.title, show_title: true, widgets: [] },
    children: o.children,
  };
}

/** Every query of a definition (all requests), for the scope note and the lint. */
export function queriesOf(definition: Record<string, unknown>): Query[] {
  const requests = Array.isArray(definition.requests) ? (definition.requests as Record<string, unknown>[]) : [];
  return requests.flatMap((r) => (Array.isArray(r.queries) ? (r.queries as Query[]) : []));
}

/** A formula-safe query name for a slug: `extract-clause` -> `f_extract_clause` (never a function name). */
export function queryName(prefix: string, slug: string): string {
  return `${prefix}_${slug.replace(/[^a-z0-9]/g, "_")}`;
}

/** A widget that a builder may leave out (an SLO group on a catalog without SLOs), spread into a widget list. */
export function optional(spec: WidgetSpec | undefined): WidgetSpec[] {
  return spec ? [spec] : [];
}
