// API body (snake_case, numbers) <-> @pulumi/datadog Monitor inputs (camelCase; thresholds
// and priority are strings in the provider). Both directions know exactly the fields this
// package sets and throw on anything else, because a field that one side does not map is a
// field that silently never reaches Datadog. synth uses the inverse to write each monitor
// "as it would be sent" from the plan's recorded inputs.
import type { DatadogMonitor, MonitorOptions, MonitorThresholds, OnMissingData, RenotifyStatus } from "./definition";
import type { Priority } from "../config/names";

/** Resolved provider inputs, shaped like `datadog.MonitorArgs` (component.ts checks the assignment). */
export interface MonitorInputs {
  type: string;
  name: string;
  query: string;
  message: string;
  tags: string[];
  priority: string;
  /** Query alerts only. */
  monitorThresholds?: { critical: string; warning?: string; criticalRecovery?: string; warningRecovery?: string };
  monitorThresholdWindows?: { triggerWindow: string; recoveryWindow: string };
  onMissingData?: string;
  notifyNoData?: boolean;
  requireFullWindow?: boolean;
  evaluationDelay?: number;
  newGroupDelay?: number;
  renotifyInterval?: number;
  renotifyStatuses?: string[];
  /** The provider's (pluralized) name for the API's `notify_by`. */
  notifyBies?: string[];
}

const BODY_KEYS = ["type", "name", "query", "message", "tags", "priority", "options"];
const OPTION_KEYS: Record<keyof MonitorOptions, keyof MonitorInputs> = {
  thresholds: "monitorThresholds",
  threshold_windows: "monitorThresholdWindows",
  on_missing_data: "onMissingData",
  require_full_window: "requireFullWindow",
  evaluation_delay: "evaluationDelay",
  new_group_delay: "newGroupDelay",
  renotify_interval: "renotifyInterval",
  renotify_statuses: "renotifyStatuses",
  notify_no_data: "notifyNoData",
  notify_by: "notifyBies",
};
const THRESHOLD_KEYS: Record<keyof MonitorThresholds, "critical" | "warning" | "criticalRecovery" | "warningRecovery"> = {
  critical: "critical",
  warning: "warning",
  critical_recovery: "criticalRecovery",
  warning_recovery: "warningRecovery",
};
const INPUT_KEYS = new Set<string>(["type", "name", "query", "message", "tags", "priority", ...Object.values(OPTION_KEYS)]);

export function toMonitorInputs(body: DatadogMonitor): MonitorInputs {
  rejectUnknown(body, BODY_KEYS, "monitor body");
  rejectUnknown(body.options, Object.keys(OPTION_KEYS), "monitor options");
  rejectUnknown(body.options.thresholds ?? {}, Object.keys(THRESHOLD_KEYS), "monitor thresholds");
  const o = body.options;
  let thresholds: MonitorInputs["monitorThresholds"];
  if (o.thresholds) {
    const t = o.thresholds;
    const mapped: NonNullable<MonitorInputs["monitorThresholds"]> = { critical: String(t.critical) };
    for (const [api, input] of Object.entries(THRESHOLD_KEYS)) {
      const v = t[api as keyof MonitorThresholds];
      if (api !== "critical" && v !== undefined) mapped[input] = String(v);
    }
    thresholds = mapped;
  }
  return dropUndefined({
    type: body.type,
    name: body.name,
    query: body.query,
    message: body.message,
    tags: [...body.tags],
    priority: String(body.priority),
    monitorThresholds: thresholds,
    monitorThresholdWindows: o.threshold_windows && {
      triggerWindow: o.threshold_windows.trigger_window,
      recoveryWindow: o.threshold_windows.recovery_window,
    },
    onMissingData: o.on_missing_data,
    notifyNoData: o.notify_no_data,
    requireFullWindow: o.require_full_window,
    evaluationDelay: o.evaluation_delay,
    newGroupDelay: o.new_group_delay,
    renotifyInterval: o.renotify_interval,
    renotifyStatuses: o.renotify_statuses && [...o.renotify_statuses],
    notifyBies: o.notify_by && [...o.notify_by],
  });
}

/** The API body Datadog receives for these inputs (e.g. a plan resource's recorded inputs). */
export function monitorBodyFromInputs(inputs: Record<string, unknown>): DatadogMonitor {
  rejectUnknown(inputs, [...INPUT_KEYS], "monitor inputs");
  const i = inputs as unknown as MonitorInputs;
  rejectUnknown(i.monitorThresholds ?? {}, Object.values(THRESHOLD_KEYS), "monitorThresholds");
  let thresholds: MonitorThresholds | undefined;
  if (i.monitorThresholds || i.type !== "composite") {
    const t: MonitorThresholds = { critical: numberFrom(i.monitorThresholds?.critical, "monitorThresholds.critical") };
    for (const [api, input] of Object.entries(THRESHOLD_KEYS)) {
      const v = i.monitorThresholds?.[input];
      if (api !== "critical" && v !== undefined) t[api as keyof MonitorThresholds] = numberFrom(v, `monitorThresholds.${input}`);
    }
    thresholds = t;
  }
  const options: MonitorOptions = dropUndefined({
    thresholds,
    threshold_windows: i.monitorThresholdWindows && {
      trigger_window: i.monitorThresholdWindows.triggerWindow,
      recovery_window: i.monitorThresholdWindows.recoveryWindow,
    },
    on_missing_data: i.onMissingData as OnMissingData | undefined,
    notify_no_data: i.notifyNoData,
    require_full_window: i.requireFullWindow,
    evaluation_delay: i.evaluationDelay,
    new_group_delay: i.newGroupDelay,
    renotify_interval: i.renotifyInterval,
    renotify_statuses: i.renotifyStatuses && ([...i.renotifyStatuses] as RenotifyStatus[]),
    notify_by: i.notifyBies && [...i.notifyBies],
  });
  return {
    type: i.type as DatadogMonitor["type"],
    name: i.name,
    query: i.query,
    message: i.message,
    tags: [...(i.tags ?? [])],
    priority: numberFrom(i.priority, "priority") as Priority,
    options,
  };
}

function numberFrom(v: unknown, where: string): number {
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw new Error(`${where}: expected a number (got ${JSON.stringify(v)})`);
  return n;
}

function rejectUnknown(obj: object, known: readonly string[], what: string): void {
  const unknown = Object.keys(obj).filter((k) => !known.includes(k) && (obj as Record<string, unknown>)[k] !== undefined);
  if (unknown.length)
    throw new Error(`${what}: no mapping for ${unknown.map((k) => `"${k}"`).join(", ")}; add it to monitors/args.ts in both directions`);
}

function dropUndefined<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}
