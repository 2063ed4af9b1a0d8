// What `npm run synth` records of the cost estimate in plan.json, under `cost`: enough for tools
// that only hold plans (the diff, whose sides come back from isolated child processes as plans
// only; `npm run check` on a plan) to show the estimate and judge it against the budgets without
// re-reading a catalog. The numbers are exactly the estimate's (estimate.ts); nothing is re-derived.
import type { CardinalityEstimate, DesignEstimate } from "./estimate";

/** One billed volume: how many custom metrics, at what price per 100, and what that costs a month. */
export interface CostVolume {
  customMetrics: number;
  pricePer100: number;
  monthlyUsd: number;
}

/**
 * The org-wide observability-cost monitor's numbers, recorded on the stack that owns the org's
 * resources (docs/org-resources.md): it alerts above `budget` and warns above `warning`.
 */
export interface OrgCost {
  /** `orgBudget.customMetrics`: the monitor's critical threshold. */
  budget: number;
  /** `orgBudget.otherStacksCustomMetrics`: what the org plan counts for every other stack. */
  otherStacks: number;
  /** The org's planned steady state: this stack's indexed estimate plus `otherStacks`. */
  planned: number;
  /** The monitor's warning (10 % above `planned`); absent when that would reach `budget`. */
  warning?: number;
}

export interface CostRecord {
  /** The scale the estimate assumes: the stack's `scale` plus the contract's fixed tag sets. */
  scale: CardinalityEstimate["scale"];
  /** `monitoring.customMetricBudget`: indexed custom metrics this stack may cost. */
  budget: number;
  indexed: CostVolume;
  ingested: CostVolume;
  /** indexed + ingested, per month. */
  monthlyUsd: number;
  /** Per feature, in catalog order; they sum to the totals. */
  features: { id: string; indexed: number; ingested: number }[];
  /** Per metric name, largest indexed first. */
  metrics: { name: string; indexed: number; ingested: number }[];
  /** Present on the stack with `ownsOrgResources`. */
  org?: OrgCost;
}

export function costRecord(e: CardinalityEstimate, org?: OrgCost): CostRecord {
  const perFeature = (d: DesignEstimate, id: string) => d.metrics.reduce((n, m) => n + (m.byFeature[id] ?? 0), 0);
  const ingested = new Map(e.ingested.metrics.map((m) => [m.name, m.customMetrics]));
  return {
    scale: { ...e.scale },
    budget: e.budget,
    indexed: { customMetrics: e.indexed.total, pricePer100: e.pricePer100CustomMetrics, monthlyUsd: e.indexed.monthlyUsd },
    ingested: { customMetrics: e.ingested.total, pricePer100: e.pricePer100IngestedCustomMetrics, monthlyUsd: e.ingested.monthlyUsd },
    monthlyUsd: e.monthlyUsd,
    features: e.features.map((f) => ({ id: f.id, indexed: perFeature(e.indexed, f.id), ingested: perFeature(e.ingested, f.id) })),
    metrics: e.indexed.metrics
      .map((m) => ({ name: m.name, indexed: m.customMetrics, ingested: ingested.get(m.name) ?? 0 }))
      .sort((a, b) => b.indexed - a.indexed || a.name.localeCompare(b.name)),
    ...(org ? { org } : {}),
  };
}

/** What `indexed` and `ingested` custom metrics cost a month at the record's prices, to the cent. */
export function monthlyCost(record: Pick<CostRecord, "indexed" | "ingested">, indexed: number, ingested: number): number {
  return Math.round(indexed * record.indexed.pricePer100 + ingested * record.ingested.pricePer100) / 100;
}
