// The SLO group: every dashboard that shows a feature (the overview, and quality, cost and latency
// with `$feature` picked) opens its SLOs next to the triple, with their status, the error budget
// left and the burn rate against the alert thresholds. It is a group inside each dashboard, never a
// dashboard of its own. SLO ids exist only once Datadog creates the SLOs, so the widgets name them
// by placeholder (`@@slo-id:<resource name>@@`), which the Dashboards component resolves.
import { sloIdPlaceholder } from "../config/links";
import { PROJECT, RESOURCE_TAG, sloResourceName } from "../config/names";
import type { Feature } from "../config/schema";
import { BURN_ALERTS, featureSlo, SLO_OBJECTIVES, type SloObjective, type SloWindow, windowWords } from "../config/slo";
import type { Scope } from "./variables";
import { formula, group, type Marker, marker, queryName, sloList, type SloQuery, timeseries, type WidgetSpec } from "./widgets";

/** The SLO group, or undefined when no feature of the catalog has SLOs. */
export function sloGroup(scope: Scope): WidgetSpec | undefined {
  const { catalog } = scope;
  const features = catalog.features.filter((f) => featureSlo(f, catalog.stack));
  if (!features.length) return undefined;
  return group({
    key: "slo",
    title: "Service-level objectives: status, error budget left, burn rate",
    children: [statusList(), ...SLO_OBJECTIVES.map((o) => burnRate(scope, features, o))],
  });
}

/**
 * Every SLO of the stack with its status and error budget left, filtered by the dashboard's `$env`
 * and `$feature` (the SLO list widget searches SLO tags and supports template variables: docs
 * dashboards/widgets/slo_list, "Configuration").
 */
function statusList(): WidgetSpec {
  const query = [`${RESOURCE_TAG.service}:${PROJECT}`, `$${RESOURCE_TAG.env}`, `$${RESOURCE_TAG.feature}`].join(" AND ");
  return sloList({
    key: "slo/status",
    title: "SLOs: status and error budget left",
    description:
      "Each SLO over its rolling window: the share of good events (status) and how much of the error budget is left. " +
      "Pick a feature in $feature to see its three SLOs.",
    query,
    width: 12,
    height: 4,
  });
}

/**
 * One line per feature: the burn rate of its SLO of this objective (observed error rate over the
 * sustainable one: docs dashboards/guide/slo_data_source, "Burn rate"), with the fast and slow
 * burn-rate alert thresholds of each window in use. `$feature` narrows it to one feature and `$env`
 * keeps it to the dashboard's environment: the extra filters scope each SLO's own metric queries
 * (docs dashboards/guide/slo_graph_query). Tenants and providers are not applied: the SLI events
 * of latency and quality carry neither (config/contract.ts).
 */
function burnRate(scope: Scope, features: Feature[], objective: SloObjective): WidgetSpec {
  const queries: SloQuery[] = features.map((f) => ({
    data_source: "slo",
    name: queryName("f", f.id),
    slo_id: sloIdPlaceholder(sloResourceName(f.id, objective)),
    measure: "burn_rate",
    slo_query_type: "metric",
    group_mode: "overall",
    additional_query_filters: [RESOURCE_TAG.feature, RESOURCE_TAG.env].map((v) => `$${v}`).join(","),
  }));
  const windows = [...new Set(features.map((f) => featureSlo(f, scope.catalog.stack)!.window))].sort();
  return timeseries({
    key: `slo/burn-${objective}`,
    title: `${objective[0].toUpperCase()}${objective.slice(1)} SLO burn rate per feature`,
    description:
      `How fast each feature spends its ${objective} error budget: 1 means the budget lasts exactly the window. ` +
      `The lines are the burn-rate alerts: fast burn pages, slow burn posts to Slack.`,
    width: 4,
    requests: [{ queries, formulas: features.map((f) => formula(queryName("f", f.id), f.name)) }],
    markers: windows.flatMap((w) => burnMarkers(w as SloWindow, windows.length > 1)),
    yaxis: { min: "0", include_zero: true },
  });
}

function burnMarkers(window: SloWindow, named: boolean): Marker[] {
  const { fast, slow } = BURN_ALERTS[window];
  const of = named ? ` (${window} SLOs)` : "";
  return [
    marker(fast.rate, "error", `fast burn ${fast.rate}x over ${windowWords(fast.longWindow)}: pages${of}`),
    marker(slow.rate, "warning", `slow burn ${slow.rate}x over ${windowWords(slow.longWindow)}: Slack${of}`),
  ];
}
