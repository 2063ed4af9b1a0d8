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
  thresholds: MonitorThresholds;
  /** Anomaly monitors only, and required there. */
  threshold_windows?: { trigger_window: string; recovery_window: string };
  /** Required on `query alert` monitors (lint); not available on `slo alert` ones (providers/constraints.ts). */
  on_missing_data?: OnMissingData;
  require_full_window?: boolean;
  /** Seconds. */
  evaluation_delay?: number;
  /** Seconds before a new group (tenant, provider, ...) is evaluated. */
  new_group_delay?: number;
  /** Minutes; set only on monitors that page. */
  renotify_interval?: number;
  renotify_statuses?: RenotifyStatus[];
}

export interface DatadogMonitor {
  /** `slo alert`: a burn-rate or error-budget monitor on an SLO (monitors/slo.ts). */
  type: "query alert" | "slo alert";
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
  /** Sent as-is, once the dashboard-URL placeholders in the message are resolved. */
  body: DatadogMonitor;
}
