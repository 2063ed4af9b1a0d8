// How many Datadog custom metrics the contract costs at the stack's declared scale, and
// what the naive design (every request tag on every metric) would cost instead.
//
// Datadog counts a custom metric per distinct tag-value combination of a metric name; a
// distribution counts 5 per combination (count, sum, min, max, avg) and 10 with percentiles
// enabled. https://docs.datadoghq.com/account_management/billing/custom_metrics/
import {
  allMetrics,
  BUCKET_VALUE,
  flagTagKey,
  type MetricDefinition,
  type MetricKey,
  type MetricType,
  STATUS_VALUES,
  TAG,
  TOKEN_TYPES,
} from "../config/contract";
import type { Catalog } from "../config/validate";

export const BILLING_DOCS_URL = "https://docs.datadoghq.com/account_management/billing/custom_metrics/";

/** Billed custom metrics per tag-value combination. */
export function multiplier(metric: Pick<MetricDefinition, "type" | "percentiles">): 1 | 5 | 10 {
  if (metric.type === "count") return 1;
  return metric.percentiles ? 10 : 5;
}

/** Tags a naive emitter puts on everything: the whole request context. */
const REQUEST_CONTEXT = [TAG.feature, TAG.tenant, TAG.provider, TAG.model, TAG.status] as const;

export interface FeatureScale {
  id: string;
  providers: number;
  /** Distinct (provider, model) pairs the feature reports: max(models, providers). */
  providerModelPairs: number;
  flags: string[];
  indexes: number;
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
  monthlyUsd: number;
}

export interface CardinalityEstimate {
  env: string;
  prefix: string;
  scale: { tenants: number; models: number; flagVariants: number; statuses: number; tokenTypes: number };
  features: FeatureScale[];
  pricePer100CustomMetrics: number;
  budget: number;
  /** The metric contract as emitted. */
  contract: DesignEstimate;
  /** Every request-context tag (and every flag) on every metric. */
  naive: DesignEstimate;
  /** naive.total / contract.total */
  ratio: number;
  assumptions: string[];
}

export function estimateCardinality(catalog: Catalog): CardinalityEstimate {
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
  }));
  const price = stack.billing.pricePer100CustomMetrics;
  const allFlagTags = Object.values(contract.flagTags);

  const design = (tagsOf: (m: MetricDefinition) => string[]): DesignEstimate => {
    const metrics = allMetrics(contract).map((m) => estimateMetric({ ...m, tags: tagsOf(m) }, features, scale));
    const total = metrics.reduce((n, m) => n + m.customMetrics, 0);
    return { metrics, total, monthlyUsd: monthlyUsd(total, price) };
  };
  const contractDesign = design((m) => m.tags);
  const naiveDesign = design((m) => [...new Set([...m.tags, ...REQUEST_CONTEXT, ...allFlagTags])]);

  return {
    env: stack.env,
    prefix: contract.prefix,
    scale,
    features,
    pricePer100CustomMetrics: price,
    budget: stack.monitoring.customMetricBudget,
    contract: contractDesign,
    naive: naiveDesign,
    ratio: contractDesign.total === 0 ? 0 : naiveDesign.total / contractDesign.total,
    assumptions: assumptions(scale, price),
  };
}

export function monthlyUsd(customMetrics: number, pricePer100: number): number {
  return Math.round((customMetrics / 100) * pricePer100 * 100) / 100;
}

type Scale = CardinalityEstimate["scale"];

function estimateMetric(metric: MetricDefinition, features: FeatureScale[], scale: Scale): MetricEstimate {
  const byFeature: Record<string, number> = {};
  for (const f of features) byFeature[f.id] = combinationsFor(metric, f, scale);
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

/** Distinct tag-value combinations one feature produces on one metric (0 when it never emits it). */
function combinationsFor(metric: MetricDefinition, f: FeatureScale, scale: Scale): number {
  const tags = new Set(metric.tags);
  const ownFlagTags = new Set(f.flags.map(flagTagKey));
  let n = 1;
  if (tags.has(TAG.provider) && tags.has(TAG.model)) n *= f.providerModelPairs;
  else if (tags.has(TAG.provider)) n *= f.providers;
  else if (tags.has(TAG.model)) n *= scale.models;
  for (const tag of tags) {
    switch (tag) {
      case TAG.feature:
      case TAG.env: // one env per stack: the report is per stack
      case TAG.provider:
      case TAG.model:
        break;
      case TAG.tenant:
        n *= scale.tenants;
        break;
      case TAG.status:
        n *= scale.statuses;
        break;
      case TAG.tokenType:
        n *= scale.tokenTypes;
        break;
      case TAG.index:
        n *= f.indexes;
        break;
      default:
        if (!tag.startsWith("flag_"))
          throw new Error(`no cardinality known for tag "${tag}" on ${metric.name}; add it to cardinality/estimate.ts`);
        // Another feature's flag is absent on this feature's series and adds nothing.
        if (ownFlagTags.has(tag)) n *= scale.flagVariants;
    }
  }
  // Retrieval only exists for features that declare indexes.
  if (metric.key === "retrievalDuration" && f.indexes === 0) return 0;
  return n;
}

function assumptions(scale: Scale, price: number): string[] {
  return [
    `Every combination reports at least once an hour (an upper bound: Datadog bills the hourly average of distinct series, so ` +
      `quiet tenants or models cost less).`,
    `${scale.tenants} tenants, ${scale.models} models, ${scale.flagVariants} variants per feature flag (stack \`scale\`); ` +
      `${scale.statuses} statuses (ok, error); ${scale.tokenTypes} token types (input, output, cached).`,
    `A model id belongs to one provider, so a feature reports max(models, providers) (provider, model) pairs.`,
    `\`env\` adds nothing: one env per stack. A feature flag's tag appears only on its own feature's series.`,
    `No \`host\` tag: the emitter sends an empty \`host:\` tag, which the Datadog agent reads as "no host" instead of attaching ` +
      `its own hostname (with \`keepHostTag\`, multiply by the number of agents). Alternatively, Metrics without Limits can drop ` +
      `\`host\` from the queryable tags, but ingested series are still billed at the ingestion rate.`,
    `No container tags: with DogStatsD origin detection on, the agent adds the container's tags at \`dogstatsd_tag_cardinality\` ` +
      `(default low: deployment, image tag, ...), which multiplies series by running versions during a rollout; send \`card:none\` ` +
      `(hot-shots \`cardinality: "none"\`) to opt these metrics out.`,
    `The emitter's \`${BUCKET_VALUE}\` bucket (at most one extra value per tag) is not counted.`,
    `Cost at $${price} per 100 custom metrics per month (\`billing.pricePer100CustomMetrics\`), before your plan's allotment ` +
      `(100 per host on Pro, 200 on Enterprise); use your contract's rate.`,
  ];
}
