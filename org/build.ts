// Pure builder of the Datadog org's shared resources. Metric tag configurations, the monitor
// tag policy and the usage metric behind the observability-cost monitor are per org, not per
// environment: two stacks sharing an org that both created them would overwrite each other's
// tag configurations and policy, and each cost monitor would judge the other stack's series
// against its own budget. So exactly one stack, the one with `ownsOrgResources: true`,
// builds them (docs/org-resources.md).
import { type CardinalityEstimate, type CostRecord, costRecord, estimateCardinality, type OrgCost } from "../cardinality";
import type { Catalog } from "../config/validate";
import { buildDashboards } from "../dashboards";
import type { DashboardDefinition } from "../dashboards/definition";
import { buildMonitors, buildOrgMonitors } from "../monitors";
import type { MonitorDefinition } from "../monitors/definition";
import { MONITOR_KINDS, type MonitorKindSpec } from "../monitors/kinds";
import { buildSlos } from "../slos";
import type { SloDefinition } from "../slos/definition";
import { readsOf, type TagConfigurationDefinition, tagConfigurations } from "./tag-configurations";

/**
 * The cost monitor warns once the org's usage is this far above its planned steady state:
 * sitting exactly at plan is the normal case and must stay quiet, while 10 % unplanned growth
 * within a day is worth a look that week (the monitor is P4).
 */
export const WARNING_ABOVE_PLAN = 1.1;

export interface OrgResources {
  tagConfigurations: TagConfigurationDefinition[];
  /** Present when `monitoring.teamTagPolicy` (default on): the teams a monitor's `team:` tag may name. */
  tagPolicy?: { validTeams: string[] };
  /** The org-wide monitors: every org kind of the registry (monitors/kinds.ts), observability-cost among them. */
  monitors: MonitorDefinition[];
  planned: { thisStack: number; otherStacks: number; total: number };
  /** The budget does not cover the planned steady state plus its margin: the cost monitor has no warning and will alert. */
  overBudget: boolean;
}

/** The tag configurations this stack's queries need (what the org stack creates from the same builders). */
export function stackTagConfigurations(catalog: Catalog): TagConfigurationDefinition[] {
  return tagConfigurations(catalog.contract, readsOf(buildDashboards(catalog), buildMonitors(catalog), buildSlos(catalog)));
}

const estimates = new WeakMap<Catalog, CardinalityEstimate>();

/**
 * This stack's custom metrics, indexed under the tag configurations its own queries derive.
 * Synth asks for it three times (plan record, cardinality.md, summary) with one catalog object,
 * which is never mutated, so it is estimated once per catalog.
 */
export function stackCardinality(catalog: Catalog): CardinalityEstimate {
  let estimate = estimates.get(catalog);
  if (!estimate) {
    estimate = estimateCardinality(catalog, stackTagConfigurations(catalog));
    estimates.set(catalog, estimate);
  }
  return estimate;
}

/**
 * The observability-cost monitor's numbers for a stack whose indexed estimate is `thisStack`, or
 * undefined on a stack that does not own the org's resources.
 */
export function orgCost(catalog: Catalog, thisStack: number): OrgCost | undefined {
  const { stack } = catalog;
  if (!stack.ownsOrgResources) return undefined;
  // Validation requires it on the org stack; reaching this means a catalog that skipped it.
  if (!stack.orgBudget) throw new Error("orgBudget is required when ownsOrgResources is true");
  const otherStacks = stack.orgBudget.otherStacksCustomMetrics;
  const planned = thisStack + otherStacks;
  const budget = stack.orgBudget.customMetrics;
  // Quiet while usage is as planned; when the budget does not even cover the plan there is no
  // room for a warning between them (Datadog wants warning below critical for `>`), and the
  // monitor alerts as soon as usage reaches the plan, which is the truth: the org is over budget.
  const warning = Math.ceil(planned * WARNING_ABOVE_PLAN);
  return { budget, otherStacks, planned, ...(warning < budget ? { warning } : {}) };
}

/** What synth records in plan.json under `cost` (cardinality/record.ts). */
export function stackCostRecord(catalog: Catalog): CostRecord {
  const estimate = stackCardinality(catalog);
  return costRecord(estimate, orgCost(catalog, estimate.indexed.total));
}

/** The org's resources, or undefined on a stack that does not own them. */
export function buildOrgResources(
  catalog: Catalog,
  built: { dashboards: readonly DashboardDefinition[]; monitors: readonly MonitorDefinition[]; slos: readonly SloDefinition[] },
  kinds: readonly MonitorKindSpec[] = MONITOR_KINDS,
): OrgResources | undefined {
  const { stack } = catalog;
  if (!stack.ownsOrgResources) return undefined;
  const configurations = tagConfigurations(catalog.contract, readsOf(built.dashboards, built.monitors, built.slos));
  const thisStack = estimateCardinality(catalog, configurations).indexed.total;
  const cost = orgCost(catalog, thisStack)!;
  return {
    tagConfigurations: configurations,
    tagPolicy: stack.monitoring.teamTagPolicy ? { validTeams: catalog.teams.map((t) => t.id).sort() } : undefined,
    monitors: buildOrgMonitors(catalog, { budget: { critical: cost.budget, warning: cost.warning, planned: cost.planned } }, kinds),
    planned: { thisStack, otherStacks: cost.otherStacks, total: cost.planned },
    overBudget: cost.warning === undefined,
  };
}
