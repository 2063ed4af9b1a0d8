// Renders the estimate as out/<stack>/cardinality.md and as the few lines synth prints.
import { BUCKET_VALUE } from "../config/contract";
import { BILLING_DOCS_URL, type CardinalityEstimate, type MetricEstimate } from "./estimate";

const n = (x: number) => x.toLocaleString("en-US");
const usd = (x: number) => `$${x.toLocaleString("en-US", { minimumFractionDigits: 0, maximumFractionDigits: 2 })}`;
const ratio = (x: number) => `${x.toLocaleString("en-US", { maximumFractionDigits: 1 })}×`;

function typeLabel(m: MetricEstimate): string {
  if (m.type === "count") return "count";
  return m.percentiles ? "distribution + percentiles" : "distribution";
}

export function renderCardinalityReport(e: CardinalityEstimate): string {
  const naive = new Map(e.naive.metrics.map((m) => [m.key, m]));
  const over = e.contract.total - e.budget;
  const lines: string[] = [
    `# Custom metrics: cost of the observability itself (${e.env})`,
    "",
    `Estimated Datadog custom metrics under \`${e.prefix}.*\` at the declared scale of ${n(e.scale.tenants)} tenants, ` +
      `${n(e.scale.models)} models, ${e.features.length} features and ${n(e.scale.flagVariants)} variants per flag.`,
    "",
    `| | custom metrics | per month |`,
    `|---|---:|---:|`,
    `| **metric contract** | **${n(e.contract.total)}** | **${usd(e.contract.monthlyUsd)}** |`,
    `| naive: every request tag on every metric | ${n(e.naive.total)} | ${usd(e.naive.monthlyUsd)} |`,
    `| ratio | ${ratio(e.ratio)} | |`,
    `| budget (\`monitoring.customMetricBudget\`) | ${n(e.budget)} | ${over > 0 ? `**over by ${n(over)}**` : `${n(-over)} left`} |`,
    "",
    `At ${usd(e.pricePer100CustomMetrics)} per 100 custom metrics per month. Datadog bills a custom metric per distinct ` +
      `tag-value combination of a metric name; a count counts 1 per combination, a distribution 5, and 10 with percentiles ` +
      `enabled: ${BILLING_DOCS_URL}`,
    "",
    "## Per metric",
    "",
    "| metric | type | tags | combinations | × | custom metrics | naive |",
    "|---|---|---|---:|---:|---:|---:|",
    ...e.contract.metrics.map(
      (m) =>
        `| \`${m.name}\` | ${typeLabel(m)} | ${m.tags.map((t) => `\`${t}\``).join(", ")} | ${n(m.combinations)} | ` +
        `${m.multiplier} | ${n(m.customMetrics)} | ${n(naive.get(m.key)?.customMetrics ?? 0)} |`,
    ),
    `| **total** | | | | | **${n(e.contract.total)}** | **${n(e.naive.total)}** |`,
    "",
    "## Per feature",
    "",
    `| feature | providers | (provider, model) pairs | flags | indexes | custom metrics |`,
    `|---|---:|---:|---|---:|---:|`,
    ...e.features.map((f) => {
      const total = e.contract.metrics.reduce((s, m) => s + (m.byFeature[f.id] ?? 0), 0);
      const flags = f.flags.map((x) => `\`${x}\``).join(", ") || "none";
      return `| \`${f.id}\` | ${f.providers} | ${f.providerModelPairs} | ${flags} | ${f.indexes} | ${n(total)} |`;
    }),
    "",
    "## Assumptions",
    "",
    ...e.assumptions.map((a) => `- ${a}`),
    "",
    "## Keeping it there",
    "",
    "- Tag values come only from bounded sets: the emitter buckets unknown providers, models, indexes and flag states, " +
      `and tenants that look like ids (UUID, long hex, email, number) unless allow-listed, as \`${BUCKET_VALUE}\`.`,
    "- Never tag a metric with a trace, request or user id: the judge writes trace ids to the `llm-judge` log instead.",
    "- Watch `datadog.estimated_usage.metrics.custom.by_metric` filtered on this prefix; Metrics without Limits can " +
      "restrict queryable tags after the fact, but ingested combinations are still billed.",
    "",
  ];
  return lines.join("\n");
}

/** The lines `npm run synth` prints. */
export function cardinalitySummary(e: CardinalityEstimate): string[] {
  const over = e.contract.total - e.budget;
  return [
    `Custom metrics at ${n(e.scale.tenants)} tenants × ${n(e.scale.models)} models: ${n(e.contract.total)} ≈ ` +
      `${usd(e.contract.monthlyUsd)}/month at ${usd(e.pricePer100CustomMetrics)} per 100`,
    `  naive tagging (every request tag on every metric): ${n(e.naive.total)} ≈ ${usd(e.naive.monthlyUsd)}/month, ` +
      `${ratio(e.ratio)} the contract`,
    over > 0
      ? `  budget ${n(e.budget)}: OVER by ${n(over)} (advisory policy llm-custom-metric-budget will flag it)`
      : `  budget ${n(e.budget)}: within (${n(-over)} left)`,
  ];
}
