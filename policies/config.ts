// The policy config a stack's settings amount to. Run from the repo, every rule derives these
// defaults itself (teams.ts, Pulumi.<stack>.yaml); a published pack has no repo, so its policy
// group gets them as config instead, generated here from the same files so the two never drift.
// Which rule reads which setting is declared once, in policies/settings.ts.
import type { Catalog } from "../config/validate";
import { MONITOR_KINDS, type MonitorKindSpec, requiredFeatureKinds, sloKinds } from "../monitors/kinds";
import type { PolicyPackConfig } from "./offline";
import { STACK_SETTINGS } from "./settings";

/** Rules whose `teams` setting defaults to teams.ts (bundled into a published pack at publish time). */
const TEAM_RULES = ["monitor-has-owner", "dashboard-has-team-tag", "monitor-pages-its-owner"];

/** `kinds` is the monitor-kind registry whose required per-feature kinds every feature must have. */
export function policyConfigFor(catalog: Catalog, kinds: readonly MonitorKindSpec[] = MONITOR_KINDS): PolicyPackConfig {
  const config: Record<string, Record<string, unknown>> = {};
  const set = (policy: string, key: string, value: unknown) => (config[policy] = { ...config[policy], [key]: value });
  const teams = catalog.teams.map((t) => t.id);
  for (const policy of TEAM_RULES) set(policy, "teams", teams);
  for (const [name, setting] of Object.entries(STACK_SETTINGS)) {
    for (const policy of setting.policies) set(policy, name, setting.read(catalog));
  }
  set("feature-has-all-monitors", "kinds", requiredFeatureKinds(kinds));
  set(
    "feature-has-slos",
    "kinds",
    sloKinds(kinds).map((k) => k.kind),
  );
  return config as PolicyPackConfig;
}
