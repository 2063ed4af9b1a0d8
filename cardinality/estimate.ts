// How many Datadog custom metrics the contract costs at the stack's declared scale: what is
// ingested (every tag the emitter sends), what is indexed under the org's tag configurations
// (Metrics without Limits: only the tags our queries read), and what the naive design (every
// request tag on every metric, nothing configured) would cost instead.
//
// Datadog counts a custom metric per distinct tag-value combination of a metric name; a
// distribution counts 5 per combination (count, sum, min, max, avg) and 10 with percentiles
// enabled. For metrics configured with Metrics without Limits, ingested and indexed custom
// metrics are billed separately: "For each 100 ingested custom metrics over the account
// allotment, you pay $0.10"; indexed ones at "an amount that is specified in your current
// contract". https://docs.datadoghq.com/account_management/billing/custom_metrics/
import {
  allMetrics,
  BUCKET_VALUE,
  flagTagKey,
  type MetricDefinition,
  type MetricKey,
  type MetricType,
  SLI_EVENT_OBJECTIVES,
  STATUS_VALUES,
  TAG,
  TOKEN_TYPES,
  VERDICT_VALUES,
} from "../config/contract";
import { featureSlo } from "../config/slo";
import type { Catalog } from "../config/validate";

export const BILLING_DOCS_URL = "https://docs.datadoghq.com/account_management/billing/custom_metrics/";

/** Billed custom metrics per tag-value combination. */
export function multiplier(metric: Pick<MetricDefinition, "type" | "percentiles">): 1 | 5 | 10 {
  if (metric.type === "count") return 1;
  return metric.percentiles ? 10 : 5;
}

/** Tags a naive emitter puts on everything: the whole request context. */
const REQUEST_CONTEXT = [TAG.feature, TAG.tenant, TAG.provider, TAG.model, TAG.status] as const;

/** USD per 100 ingested custom metrics over the allotment, for metrics configured with Metrics without Limits (BILLING_DOCS_URL). */
export const INGESTED_PRICE_PER_100 = 0.1;

/** What the org's tag configuration keeps queryable for one metric (see org/tag-configurations.ts). */
export interface IndexedTags {
  metricName: string;
  tags: string[];
  includePercentiles: boolean;
}

export interface FeatureScale {
  id: string;
  providers: number;
  /** Distinct (provider, model) pairs the feature reports: max(models, providers). */
  providerModelPairs: number;
  flags: string[];
  indexes: number;
  /** Whether it has SLOs (`slo` not false): only then does the emitter send its SLI verdicts. */
  slos: boolean;
}

export interface MetricEstimate {
  key: MetricKey;
  name: string;
  type: MetricType;
  percentiles: boolean;
  tags: string[];
  /** Distinct tag-value combinations, summed over features. */
  combinations: number;
  multiplier: 1 | 5 | 10;
  customMetrics: number;
  /** Per feature, in catalog order. */
  byFeature: Record<string, number>;
}

export interface DesignEstimate {
  metrics: MetricEstimate[];
  total: number;
  /** At this design's price per 100. */
  monthlyUsd: number;
}

export interface CardinalityEstimate {
  env: string;
  prefix: string;
  scale: { tenants: number; models: number; flagVariants: number; statuses: number; tokenTypes: number };
  features: FeatureScale[];
  /** The contract's rate per 100 indexed custom metrics (`billing.pricePer100CustomMetrics`). */
  pricePer100CustomMetrics: number;
  pricePer100IngestedCustomMetrics: number;
  budget: number;
  /** Queryable under the tag configurations: what the contract rate and the observability-cost monitor count. */
  indexed: DesignEstimate;
  /** Every tag the emitter sends: billed at the ingested rate once a metric has a tag configuration. */
  ingested: DesignEstimate;
  /** indexed + ingested, per month. */
  monthlyUsd: number;
  /** Every request-context tag (and every flag) on every metric, nothing configured: all of it indexed. */
  naive: DesignEstimate;
  /** naive.total / indexed.total */
  ratio: number;
  assumptions: string[];
}

/**
 * `indexedTags` is the org's tag configuration per metric (org/tag-configurations.ts); a metric
 * without one is indexed with every tag it carries and the contract's percentile setting.
 */
export function estimateCardinality(catalog: Catalog, indexedTags: readonly IndexedTags[]): CardinalityEstimate {
  const { stack, contract } = catalog;
  const scale = {
    tenants: stack.scale.tenants,
    models: stack.scale.models,
    flagVariants: stack.scale.flagVariants,
    statuses: STATUS_VALUES.length,
    tokenTypes: TOKEN_TYPES.length,
  };
  const features: FeatureScale[] = catalog.features.map((f) => ({
    id: f.id,
    providers: f.providers.length,
    // A model id belongs to one provider, so a feature reports at most `models` pairs, and at
    // least one per provider it calls.
    providerModelPairs: Math.max(scale.models, f.providers.length),
    flags: [...new Set(f.flags)],
    indexes: f.retrieval?.indexes.length ?? 0,
    slos: featureSlo(f, stack) !== undefined,
  }));
  const price = stack.billing.pricePer100CustomMetrics;
  const allFlagTags = Object.values(contract.flagTags);
  const configured = new Map(indexedTags.map((c) => [c.metricName, c]));

  const design = (shape: (m: MetricDefinition) => MetricDefinition, pricePer100: number): DesignEstimate => {
    const metrics = allMetrics(contract).map((m) => estimateMetric(shape(m), features, scale));
    const total = metrics.reduce((n, m) => n + m.customMetrics, 0);
    return { metrics, total, monthlyUsd: monthlyUsd(total, pricePer100) };
  };
  const indexed = design((m) => {
    const c = configured.get(m.name);
    return c ? { ...m, tags: [...c.tags], percentiles: c.includePercentiles } : m;
  }, price);
  // Percentile aggregations are computed on the indexed series only; ingested, a distribution counts 5.
  const ingested = design((m) => ({ ...m, percentiles: false }), INGESTED_PRICE_PER_100);
  const naive = design((m) => ({ ...m, tags: [...new Set([...m.tags, ...REQUEST_CONTEXT, ...allFlagTags])] }), price);

  return {
    env: stack.env,
    prefix: contract.prefix,
    scale,
    features,
    pricePer100CustomMetrics: price,
    pricePer100IngestedCustomMetrics: INGESTED_PRICE_PER_100,
    budget: stack.monitoring.customMetricBudget,
    indexed,
    ingested,
    monthlyUsd: Math.round((indexed.monthlyUsd + ingested.monthlyUsd) * 100) / 100,
    naive,
    ratio: indexed.total === 0 ? 0 : naive.total / indexed.total,
    assumptions: assumptions(scale, price),
  };
}

export function monthlyUsd(customMetrics: number, pricePer100: number): number {
  return Math.round((customMetrics / 100) * pricePer100 * 100) / 100;
}

type Scale = CardinalityEstimate["scale"];

function estimateMetric(metric: MetricDefinition, features: FeatureScale[], scale: Scale): MetricEstimate {
  const byFeature: Record<string, number> = {};
  const combinationsFor = features.length ? combinationsOf(metric, scale) : undefined;
  for (const f of features) byFeature[f.id] = combinationsFor!(f);
  const combinations = Object.values(byFeature).reduce((a, b) => a + b, 0);
  const x = multiplier(metric);
  return {
    key: metric.key,
    name: metric.name,
    type: metric.type,
    percentiles: metric.percentiles,
    tags: metric.tags,
    combinations,
    multiplier: x,
    customMetrics: combinations * x,
    byFeature: Object.fromEntries(Object.entries(byFeature).map(([id, n]) => [id, n * x])),
  };
}

/**
 * Distinct tag-value combinations one feature produces on one metric (0 when it never emits it).
 * The metric's tags are read once, not once per feature: the naive design carries every feature's
 * flag tag, so reading them all per feature made the estimate quadratic in the number of features.
 */
function combinationsOf(metric: MetricDefinition, scale: Scale): (f: FeatureScale) => number {
  const tags = new Set(metric.tags);
  let perFeature = 1;
  let byIndex = false;
  const flagTags = new Set<string>();
  for (const tag of tags) {
    switch (tag) {
      case TAG.feature:
      case TAG.env: // one env per stack: the report is per stack
      case TAG.provider:
      case TAG.model:
        break;
      case TAG.tenant:
        perFeature *= scale.tenants;
        break;
      case TAG.status:
        perFeature *= scale.statuses;
        break;
      case TAG.tokenType:
        perFeature *= scale.tokenTypes;
        break;
      case TAG.index:
        byIndex = true;
        break;
      case TAG.objective:
        perFeature *= SLI_EVENT_OBJECTIVES.length;
        break;
      case TAG.verdict:
        perFeature *= VERDICT_VALUES.length;
        break;
      default:
        if (!tag.startsWith("flag_"))
          throw new Error(`no cardinality known for tag "${tag}" on ${metric.name}; add it to cardinality/estimate.ts`);
        flagTags.add(tag);
    }
  }
  return (f) => {
    // Retrieval only exists for features that declare indexes, SLI verdicts for features with SLOs.
    if (metric.key === "retrievalDuration" && f.indexes === 0) return 0;
    if (metric.key === "sloEvents" && !f.slos) return 0;
    let n = perFeature;
    if (tags.has(TAG.provider) && tags.has(TAG.model)) n *= f.providerModelPairs;
    else if (tags.has(TAG.provider)) n *= f.providers;
    else if (tags.has(TAG.model)) n *= scale.models;
    if (byIndex) n *= f.indexes;
    // Another feature's flag is absent on this feature's series and adds nothing.
    for (const tag of new Set(f.flags.map(flagTagKey))) if (flagTags.has(tag)) n *= scale.flagVariants;
    return n;
  };
}

function assumptions(scale: Scale, price: number): string[] {
  return [
    `Every combination reports at least once an hour (an upper bound: Datadog bills the hourly average of distinct series, so ` +
      `quiet tenants or models cost less).`,
    `${scale.tenants} tenants, ${scale.models} models, ${scale.flagVariants} variants per feature flag (stack \`scale\`); ` +
      `${scale.statuses} statuses (ok, error); ${scale.tokenTypes} token types (input, output, cached).`,
    `A model id belongs to one provider, so a feature reports max(models, providers) (provider, model) pairs.`,
    `SLI verdicts (\`slo.events\`): ${SLI_EVENT_OBJECTIVES.length} objectives (${SLI_EVENT_OBJECTIVES.join(", ")}) x ` +
      `${VERDICT_VALUES.length} verdicts (${VERDICT_VALUES.join(", ")}) per feature with SLOs, none for a feature with \`slo: false\`.`,
    `\`env\` adds nothing: one env per stack. A feature flag's tag appears only on its own feature's series.`,
    `No \`host\` tag: the emitter sends an empty \`host:\` tag, which the Datadog agent reads as "no host" instead of attaching ` +
      `its own hostname (with \`keepHostTag\`, multiply by the number of agents). The org's tag configurations drop \`host\` from ` +
      `the queryable tags in any case, but an ingested \`host\` would still be billed at the ingested rate.`,
    `No container tags: with DogStatsD origin detection on, the agent adds the container's tags at \`dogstatsd_tag_cardinality\` ` +
      `(default low: deployment, image tag, ...), which multiplies series by running versions during a rollout; send \`card:none\` ` +
      `(hot-shots \`cardinality: "none"\`) to opt these metrics out.`,
    `The emitter's \`${BUCKET_VALUE}\` bucket (at most one extra value per tag) is not counted.`,
    `Indexed: the tag combinations our dashboards and monitors can query under the org's tag configurations (one per metric, ` +
      `derived from the queries; percentiles only where a query asks for them). Summed per feature, which is exact while ` +
      `\`feature\` stays queryable and an upper bound otherwise.`,
    `Ingested: every tag combination the emitter sends; a distribution counts 5 (percentiles are computed on indexed series ` +
      `only). Only metrics with a tag configuration are billed for ingestion, and every contract metric has one.`,
    `Indexed at $${price} per 100 custom metrics per month (\`billing.pricePer100CustomMetrics\`: Datadog bills indexed custom ` +
      `metrics at "an amount that is specified in your current contract", so use your contract's rate); ingested at Datadog's ` +
      `published $${INGESTED_PRICE_PER_100.toFixed(2)} per 100. ` +
      "Both before your plan's allotment (100 per host on Pro, 200 on Enterprise).",
  ];
}
