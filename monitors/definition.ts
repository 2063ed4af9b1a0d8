// What the monitor builders produce: Datadog monitor bodies in the API's own (snake_case)
// shape, exactly what `POST /api/v1/monitor` takes. No Pulumi here; monitors/args.ts maps
// this shape to the provider's inputs and back.
import type { Priority } from "../config/names";

export type OnMissingData = "default" | "show_no_data" | "show_and_notify_no_data" | "resolve";
export type RenotifyStatus = "alert" | "warn" | "no data";

export interface MonitorThresholds {
  critical: number;
  warning?: number;
  critical_recovery?: number;
  warning_recovery?: number;
}

/** The subset of `MonitorOptions` this package sets. args.ts maps exactly these keys, no others. */
export interface MonitorOptions {
  /** Every query alert has them; a composite has none (it combines its constituents' states). */
  thresholds?: MonitorThresholds;
  /** Anomaly monitors only, and required there. */
  threshold_windows?: { trigger_window: string; recovery_window: string };
  /** Query alerts; a composite says `notify_no_data` instead (docs monitors/types/composite); not available on `slo alert` ones. */
  on_missing_data?: OnMissingData;
  /** Composites only: notify when the composite is in NO DATA. */
  notify_no_data?: boolean;
  /** Metric monitors only (API spec MonitorOptions.require_full_window). */
  require_full_window?: boolean;
  /** Seconds. */
  evaluation_delay?: number;
  /** Seconds before a new group (tenant, provider, ...) is evaluated. */
  new_group_delay?: number;
  /** Minutes; set only on monitors that page. */
  renotify_interval?: number;
  renotify_statuses?: RenotifyStatus[];
  /**
   * Multi-alert: the tags notifications are grouped by; `["*"]` notifies once for the whole
   * monitor, "as a simple-alert" (API spec MonitorOptions.notify_by).
   */
  notify_by?: string[];
}

export interface DatadogMonitor {
  /**
   * `composite`: `query` combines other monitors by id (`a && !b`; docs monitors/types/composite).
   * `slo alert`: a burn-rate or error-budget monitor on an SLO (monitors/slo.ts).
   */
  type: "query alert" | "composite" | "slo alert";
  name: string;
  query: string;
  message: string;
  tags: string[];
  /** 1 (highest) to 5; an integer in the API, a string in the Pulumi provider. */
  priority: Priority;
  options: MonitorOptions;
}

export interface MonitorDefinition {
  /** `monitor-<featureId>-<kind>` or `monitor-<kind>`: resource name and `out/<stack>/monitors/<id>.json`. */
  id: string;
  kind: string;
  /** Set on per-feature monitors. */
  featureId?: string;
  /** Team id that owns the monitor (its `team:` tag). */
  owner: string;
  /** Whether the alert state reaches PagerDuty (paging stack and a paging priority). */
  pages: boolean;
  /**
   * Sent as-is, once the dashboard-URL placeholders in the message are resolved (and, for a
   * composite, the monitor-id placeholders of its query: `monitorIdPlaceholder`).
   */
  body: DatadogMonitor;
  /**
   * A composite's building block: it is muted for good by a downtime, so only the composite
   * notifies (docs monitors/types/composite, "Downtime on an individual monitor used in a
   * composite monitor": the downtime "does not mute the composite monitor").
   */
  muted?: boolean;
}

/** In a composite's query, the id of the monitor `name` (resolved by the component once that monitor exists). */
export function monitorIdPlaceholder(name: string): string {
  return `<<${name}>>`;
}

/** The monitor names a composite's query references through `monitorIdPlaceholder`. */
export function referencedMonitors(query: string): string[] {
  return [...query.matchAll(/<<([^<>]+)>>/g)].map((m) => m[1]);
}
