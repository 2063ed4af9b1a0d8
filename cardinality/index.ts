export {
  BILLING_DOCS_URL,
  type CardinalityEstimate,
  type DesignEstimate,
  estimateCardinality,
  type FeatureScale,
  type MetricEstimate,
  monthlyUsd,
  multiplier,
} from "./estimate";
export { cardinalitySummary, renderCardinalityReport } from "./report";
