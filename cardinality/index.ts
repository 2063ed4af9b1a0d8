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
