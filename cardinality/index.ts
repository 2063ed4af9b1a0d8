export {
  BILLING_DOCS_URL,
  type CardinalityEstimate,
  type DesignEstimate,
  estimateCardinality,
  INGESTED_PRICE_PER_100,
  type IndexedTags,
  type FeatureScale,
  type MetricEstimate,
  monthlyUsd,
  multiplier,
} from "./estimate";
export { cardinalitySummary, renderCardinalityReport } from "./report";
export { type CostCrossing, costCrossings, type CostSituation, costViolation, expectedOrgUsage, type OrgOwner, usd } from "./crossings";
export { type CostRecord, type CostVolume, costRecord, monthlyCost, type OrgCost } from "./record";
