// What a change does to the observability's own bill: the custom-metric estimates synth recorded
// in each side's plan (plan.json `cost`, cardinality/record.ts), their difference per feature, and
// the lines the head crosses (cardinality/crossings.ts). Plans only: the sides of a diff come back
// from their child processes without a catalog, so nothing here re-estimates.
import { type CostCrossing, costCrossings, type CostRecord, monthlyCost, type OrgOwner } from "../../cardinality";
import type { Plan } from "../../plan/plan";
import { pairByKey } from "./pair";

export interface FeatureCostChange {
  id: string;
  status: "added" | "removed" | "changed";
  /** head − base, in custom metrics. */
  indexed: number;
  ingested: number;
  /** head − base, per month, at each side's prices. */
  monthlyUsd: number;
}

export interface CostDiff {
  before?: CostRecord;
  after?: CostRecord;
  /** Both sides record an estimate and they differ. */
  changed: boolean;
  /** Features whose share of the estimate changes, in head order then removed ones. */
  features: FeatureCostChange[];
}

/** The two sides' estimates, or undefined when neither plan records one (plans from before formatVersion 1). */
export function compareCost(base: Plan, head: Plan): CostDiff | undefined {
  const before = base.cost;
  const after = head.cost;
  if (!before && !after) return undefined;
  const features: FeatureCostChange[] = [];
  if (before && after) {
    for (const { key: id, before: b, after: a } of pairByKey(before.features, after.features, (f) => f.id, { sorted: false })) {
      const indexed = (a?.indexed ?? 0) - (b?.indexed ?? 0);
      const ingested = (a?.ingested ?? 0) - (b?.ingested ?? 0);
      if (indexed === 0 && ingested === 0 && a && b) continue;
      const monthlyUsd = (a ? monthlyCost(after, a.indexed, a.ingested) : 0) - (b ? monthlyCost(before, b.indexed, b.ingested) : 0);
      features.push({ id, status: !b ? "added" : !a ? "removed" : "changed", indexed, ingested, monthlyUsd: round(monthlyUsd) });
    }
    const order = (f: FeatureCostChange) => (f.status === "removed" ? 1 : 0);
    features.sort((x, y) => order(x) - order(y));
  }
  const changed =
    !!before &&
    !!after &&
    (before.indexed.customMetrics !== after.indexed.customMetrics ||
      before.ingested.customMetrics !== after.ingested.customMetrics ||
      before.monthlyUsd !== after.monthlyUsd ||
      before.budget !== after.budget ||
      before.org?.warning !== after.org?.warning ||
      before.org?.budget !== after.org?.budget);
  return { before, after, changed, features };
}

export interface StackCostReview {
  crossings: CostCrossing[];
  /** The stack with `ownsOrgResources` among the compared ones, if any. */
  owner?: string;
}

/**
 * The lines each stack's head crosses. The stack budget is each stack's own; the org-wide
 * monitor's lines go to the stack that owns it, judged with every other compared stack's head
 * estimate, and against the warning the monitor has before the change.
 */
export function reviewCost(stacks: { stack: string; cost?: CostDiff }[]): Map<string, StackCostReview> {
  const ownerEntry = stacks.find((s) => s.cost?.after?.org);
  const owner: OrgOwner | undefined = ownerEntry && {
    stack: ownerEntry.stack,
    indexed: ownerEntry.cost!.after!.indexed.customMetrics,
    org: ownerEntry.cost!.after!.org!,
  };
  const others = stacks
    .filter((s) => s !== ownerEntry && s.cost?.after)
    .map((s) => ({ stack: s.stack, indexed: s.cost!.after!.indexed.customMetrics }));
  const review = new Map<string, StackCostReview>();
  for (const { stack, cost } of stacks) {
    if (!cost?.after) {
      review.set(stack, { crossings: [], owner: owner?.stack });
      continue;
    }
    const isOwner = owner?.stack === stack;
    const before = cost.before?.org;
    const crossings = costCrossings({
      stack,
      cost: cost.after,
      owner: isOwner ? owner : undefined,
      others: isOwner ? others : undefined,
      warningBefore: isOwner && before ? (before.warning ?? null) : undefined,
    });
    review.set(stack, { crossings, owner: owner?.stack });
  }
  return review;
}

function round(usd: number): number {
  return Math.round(usd * 100) / 100;
}
