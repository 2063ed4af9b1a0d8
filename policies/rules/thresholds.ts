// Rules for a monitor's thresholds: the ones Datadog checks at create time (the critical
// threshold equals the query's number; anomaly windows), and the ordering that makes each state
// reachable (a warning before the alert, recovery on the safe side of what it recovers from).
import * as datadog from "@pulumi/datadog";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { asString } from "./common";

/**
 * Monitor types whose query must end in `<comparator> <number>`. SLO alerts too: burn-rate and
 * error-budget queries end in `> 14.4` / `> 75`, matched by `monitor_thresholds.critical` (docs
 * service_management/service_level_objectives/burn_rate and .../error_budget, "API and Terraform").
 */
const THRESHOLD_TYPES = new Set(["query alert", "metric alert", "slo alert"]);
const TRAILING_COMPARISON = /(>=|<=|==|!=|>|<)\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*$/i;

export const monitorThresholdMatchesQuery: ResourceValidationPolicy = {
  name: "monitor-threshold-matches-query",
  description:
    "A monitor's critical threshold equals the number its query compares against; Datadog rejects a mismatch at create time (\"Alert " +
    'threshold (X) does not match that used in the query (Y)").',
  remediationSteps:
    "Generate the query's number and `monitorThresholds.critical` from the same config value (e.g. the feature's latency or budget), " +
    "never type them twice.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(datadog.Monitor, (monitor, args, report) => {
    const query = asString(monitor.query) ?? "";
    const comparison = TRAILING_COMPARISON.exec(query);
    if (!comparison) {
      if (THRESHOLD_TYPES.has(String(monitor.type))) {
        report(
          `monitor "${args.name}" is a ${monitor.type} whose query does not end in a comparison such as "> 800". Append the comparator ` +
            `and the critical threshold to the query.`,
        );
      }
      return;
    }
    const queryNumber = Number(comparison[2]);
    const critical = monitor.monitorThresholds?.critical;
    if (critical === undefined || critical === null || critical === "") {
      report(
        `monitor "${args.name}" has no monitorThresholds.critical, but its query compares against ${comparison[2]}. Set ` +
          `monitorThresholds.critical to "${comparison[2]}" (Datadog requires the alert threshold).`,
      );
    } else if (Number(critical) !== queryNumber) {
      report(
        `monitor "${args.name}" has monitorThresholds.critical ${JSON.stringify(critical)}, but its query compares against ` +
          `${comparison[2]} ("${comparison[0].trim()}"). Make both the same number, generated from one config value.`,
      );
    }
  }),
};

type Direction = "above" | "below";

/** `>`/`>=` alert above the threshold, `<`/`<=` below it; `==`/`!=` have no order. */
function directionOf(comparator: string): Direction | undefined {
  if (comparator.startsWith(">")) return "above";
  if (comparator.startsWith("<")) return "below";
  return undefined;
}

type ThresholdKey = "critical" | "warning" | "criticalRecovery" | "warningRecovery";

/**
 * The orderings, for a monitor that alerts above its threshold (below: each one reversed).
 * - warning < critical: Datadog's API rejects the reverse at create time, "Warning threshold (50.0)
 *   must be less than the alert threshold (20.0) with > comparison" (and "must be greater than ...
 *   with < comparison"), as quoted by grosser/kennel lib/kennel/models/monitor.rb
 *   `validate_thresholds` (commit 5fd62b4e), which rejects equality too. A warning at or past
 *   critical could never be reached anyway: the alert state wins.
 * - criticalRecovery < critical and warningRecovery < warning: a recovery threshold is "an additional
 *   condition to a monitor's recovery" that holds when the value is `<=` it (for `>`) or `<` it (for
 *   `>=`) (DataDog/documentation content/en/monitors/faq/what-are-recovery-thresholds.md, table
 *   "Alert condition / Recovery condition", and its example: critical 80, warning 60,
 *   critical_recovery 70, warning_recovery 50). One at or past its threshold recovers a monitor that
 *   is still past it, so it flaps instead of holding.
 */
const ORDER: { lower: ThresholdKey; upper: ThresholdKey; equalAllowed: boolean; what: string }[] = [
  { lower: "warning", upper: "critical", equalAllowed: false, what: "the monitor would go straight to ALERT and never warn" },
  {
    lower: "criticalRecovery",
    upper: "critical",
    // Equal is the default recovery condition, spelled out: harmless.
    equalAllowed: true,
    what: "the alert would recover while the value is still past the critical threshold, and flap",
  },
  {
    lower: "warningRecovery",
    upper: "warning",
    equalAllowed: true,
    what: "the warning would recover while the value is still past the warning threshold, and flap",
  },
];

const LABEL: Record<ThresholdKey, string> = {
  critical: "critical",
  warning: "warning",
  criticalRecovery: "critical recovery",
  warningRecovery: "warning recovery",
};

export const monitorThresholdsOrdered: ResourceValidationPolicy = {
  name: "monitor-thresholds-ordered",
  description:
    "A monitor's thresholds are ordered as its query's comparator requires: for > / >=, warning below critical and each recovery " +
    "threshold below the threshold it recovers from; for < / <=, the reverse. Otherwise the warning is never sent, or the monitor " +
    "recovers while still past its threshold.",
  remediationSteps:
    "Derive warning and recovery thresholds from the critical one in the monitors builder (e.g. warning = 0.5 x critical for `>`), " +
    "never type them separately; for a `<` monitor (a drop), the warning and recovery thresholds sit above the critical one.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(datadog.Monitor, (monitor, args, report) => {
    const comparison = TRAILING_COMPARISON.exec(asString(monitor.query) ?? "");
    if (!comparison) return; // monitor-threshold-matches-query rejects a query alert with no comparison.
    const comparator = comparison[1];
    const direction = directionOf(comparator);
    if (!direction) return;
    const thresholds = (monitor.monitorThresholds ?? {}) as Partial<Record<ThresholdKey, unknown>>;
    const values: Partial<Record<ThresholdKey, number>> = {};
    for (const key of Object.keys(LABEL) as ThresholdKey[]) {
      const raw = thresholds[key];
      if (raw === undefined || raw === null || raw === "") continue;
      const value = Number(raw);
      if (!Number.isFinite(value)) {
        report(`monitor "${args.name}" has monitorThresholds.${key} ${JSON.stringify(raw)}, which is not a number. Set a finite number.`);
        continue;
      }
      values[key] = value;
    }
    if (values.warningRecovery !== undefined && thresholds.warning === undefined) {
      report(
        `monitor "${args.name}" sets monitorThresholds.warningRecovery but no warning threshold, so it recovers from a state it never ` +
          `enters. Remove warningRecovery or set a warning threshold.`,
      );
    }
    const side = direction === "above" ? "below" : "above";
    for (const { lower, upper, equalAllowed, what } of ORDER) {
      const a = values[lower];
      const b = values[upper];
      if (a === undefined || b === undefined) continue;
      if ((direction === "above" ? a < b : a > b) || (equalAllowed && a === b)) continue;
      report(
        `monitor "${args.name}" alerts when the value is ${comparator} ${comparison[2]}, so its ${LABEL[lower]} threshold must be ` +
          `${side} the ${LABEL[upper]} one${equalAllowed ? " (or equal)" : ""}, but ${LABEL[lower]} is ${thresholds[lower]} and ` +
          `${LABEL[upper]} is ${thresholds[upper]}: ${what}. Set monitorThresholds.${lower} ${side} ${thresholds[upper]}.`,
      );
    }
  }),
};

export const monitorAnomalyWindows: ResourceValidationPolicy = {
  name: "monitor-anomaly-windows",
  description:
    "Anomaly monitors carry the threshold windows Datadog requires: trigger and recovery windows set, trigger window equal to the " +
    "query's alert_window, critical threshold a fraction in (0, 1].",
  remediationSteps:
    "Set `monitorThresholdWindows: { triggerWindow: <alert_window>, recoveryWindow }` with triggerWindow equal to `alert_window` in " +
    'anomalies(...), and `monitorThresholds.critical` to the fraction of anomalous points (e.g. "1") used after `>=` in the query.',
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(datadog.Monitor, (monitor, args, report) => {
    const query = asString(monitor.query) ?? "";
    if (!/\banomalies\s*\(/.test(query)) return;
    const windows = monitor.monitorThresholdWindows;
    const trigger = asString(windows?.triggerWindow);
    const recovery = asString(windows?.recoveryWindow);
    const alertWindow = /alert_window\s*=\s*['"]([^'"]+)['"]/.exec(query)?.[1];
    if (!trigger || !recovery) {
      const missing = [!trigger && "triggerWindow", !recovery && "recoveryWindow"].filter(Boolean).join(" and ");
      report(
        `anomaly monitor "${args.name}" has no monitorThresholdWindows.${missing}, which Datadog requires for anomaly monitors. Set ` +
          `monitorThresholdWindows: { triggerWindow: "${alertWindow ?? "<alert_window>"}", recoveryWindow: ` +
          `"${alertWindow ?? "<alert_window>"}" }.`,
      );
    }
    if (!alertWindow) {
      report(
        `anomaly monitor "${args.name}" does not set alert_window in anomalies(...). Add alert_window='last_30m' (or similar) and use ` +
          `the same value as triggerWindow.`,
      );
    } else if (trigger && trigger !== alertWindow) {
      report(
        `anomaly monitor "${args.name}" has triggerWindow "${trigger}" but its query's alert_window is "${alertWindow}". Make them equal.`,
      );
    }
    const critical = monitor.monitorThresholds?.critical;
    const fraction = Number(critical);
    if (critical !== undefined && critical !== null && critical !== "" && !(fraction > 0 && fraction <= 1)) {
      report(
        `anomaly monitor "${args.name}" has monitorThresholds.critical ${JSON.stringify(critical)}; for anomalies it is the fraction ` +
          `of anomalous points and must be in (0, 1]. Use e.g. "1" and the same number after ">=" in the query.`,
      );
    }
  }),
};

export const thresholdRules = [monitorThresholdMatchesQuery, monitorThresholdsOrdered, monitorAnomalyWindows];
