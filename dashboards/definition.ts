// What the dashboard builders produce: plain Datadog dashboard JSON, no Pulumi.

/** A Datadog dashboard body in the API's own (snake_case) shape. */
export type DatadogDashboard = {
  title: string;
  description?: string;
  layout_type: "ordered";
  reflow_type?: "fixed" | "auto";
  template_variables?: { name: string; prefix: string; available_values: string[]; defaults: string[] }[];
  tags?: string[];
  widgets: unknown[];
  [key: string]: unknown;
};

export interface DashboardDefinition {
  /** Stable slug: resource name `dashboard-<id>` and file `out/<stack>/dashboards/<id>.json`. */
  id: string;
  /** Sent as-is, after dashboard-URL placeholders are resolved (see config/links.ts). */
  body: DatadogDashboard;
}
