// The policy config a stack's settings amount to. Run from the repo, every rule derives these
// defaults itself (teams.ts, Pulumi.<stack>.yaml); a published pack has no repo, so its policy
// group gets them as config instead, generated here from the same files so the two never drift.
import type { Catalog } from "../config/validate";
import { featureSlo } from "../config/slo";
import { MONITOR_KINDS, type MonitorKindSpec, requiredFeatureKinds, sloKinds } from "../monitors/kinds";
import type { PolicyPackConfig } from "./offline";

/** `kinds` is the monitor-kind registry whose required per-feature kinds every feature must have. */
export function policyConfigFor(catalog: Catalog, kinds: readonly MonitorKindSpec[] = MONITOR_KINDS): PolicyPackConfig {
  const teams = catalog.teams.map((t) => t.id);
  const { stack } = catalog;
  return {
    "monitor-has-owner": { teams },
    "dashboard-has-team-tag": { teams },
    "monitor-has-runbook": { runbookBaseUrl: stack.runbookBaseUrl },
    "monitor-has-escalation-path": { paging: stack.paging },
    "feature-has-all-monitors": { features: catalog.features.map((f) => f.id), kinds: requiredFeatureKinds(kinds) },
    "feature-has-slos": {
      paging: stack.paging,
      features: catalog.features.map((f) => f.id),
      sloOptOuts: Object.fromEntries(catalog.features.filter((f) => !featureSlo(f, stack)).map((f) => [f.id, f.sloOptOutReason ?? ""])),
      kinds: sloKinds(kinds).map((k) => k.kind),
    },
    "paging-budget": { maxPagingMonitorsPerTeam: stack.monitoring.pagingBudgetPerTeam },
    ...(stack.sentryPagerdutyServices ? { "sentry-alert-has-owner-team": { pagerdutyServices: stack.sentryPagerdutyServices } } : {}),
  };
}
