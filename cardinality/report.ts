// Renders the estimate as out/<stack>/cardinality.md and as the few lines synth prints.
import { BUCKET_VALUE } from "../config/contract";
import { BILLING_DOCS_URL, type CardinalityEstimate, type MetricEstimate } from "./estimate";

const n = (x: number) => x.toLocaleString("en-US");
const usd = (x: number) => `$${x.toLocaleString("en-US", { minimumFractionDigits: 0, maximumFractionDigits: 2 })}`;
/** A price per 100: `$5`, `$0.10`. */
const rate = (x: number) => (Number.isInteger(x) ? usd(x) : `$${x.toFixed(2)}`);
const ratio = (x: number) => `${x.toLocaleString("en-US", { maximumFractionDigits: 1 })}×`;
const tagList = (tags: string[]) => tags.map((t) => `\`${t}\``).join(", ");

function typeLabel(m: MetricEstimate): string {
  if (m.type === "count") return "count";
  return m.percentiles ? "distribution + percentiles" : "distribution";
}

export function renderCardinalityReport(e: CardinalityEstimate): string {
  const naive = new Map(e.naive.metrics.map((m) => [m.key, m]));
  const ingested = new Map(e.ingested.metrics.map((m) => [m.key, m]));
  const over = e.indexed.total - e.budget;
  const lines: string[] = [
    `# Custom metrics: cost of the observability itself (${e.env})`,
    "",
    `Estimated Datadog custom metrics under \`${e.prefix}.*\` at the declared scale of ${n(e.scale.tenants)} tenants, ` +
      `${n(e.scale.models)} models, ${e.features.length} features and ${n(e.scale.flagVariants)} variants per flag.`,
    "",
    `| | custom metrics | per month |`,
    `|---|---:|---:|`,
    `| **indexed** (queryable under the org's tag configurations) | **${n(e.indexed.total)}** | **${usd(e.indexed.monthlyUsd)}** |`,
    `| ingested (every tag the emitter sends) | ${n(e.ingested.total)} | ${usd(e.ingested.monthlyUsd)} |`,
    `| **total** | | **${usd(e.monthlyUsd)}** |`,
    `| naive: every request tag on every metric, all indexed | ${n(e.naive.total)} | ${usd(e.naive.monthlyUsd)} |`,
    `| ratio naive / indexed | ${ratio(e.ratio)} | |`,
    `| budget (\`monitoring.customMetricBudget\`, indexed) | ${n(e.budget)} | ` +
      `${over > 0 ? `**over by ${n(over)}**` : `${n(-over)} left`} |`,
    "",
    `Indexed at ${rate(e.pricePer100CustomMetrics)} per 100 custom metrics per month (your contract's rate, ` +
      `\`billing.pricePer100CustomMetrics\`), ingested at ${rate(e.pricePer100IngestedCustomMetrics)} per 100 (Datadog's published rate ` +
      `for metrics configured with Metrics without Limits). Datadog bills a custom metric per distinct tag-value combination of a ` +
      `metric name; a count counts 1 per combination, a distribution 5, and 10 with percentiles enabled: ${BILLING_DOCS_URL}`,
    "",
    "## Per metric",
    "",
    "Indexed tags are the org's tag configuration of the metric: exactly the tags our dashboards and monitors filter or group by.",
    "",
    "| metric | indexed as | indexed tags | combinations | × | indexed | emitted tags | ingested | naive |",
    "|---|---|---|---:|---:|---:|---|---:|---:|",
    ...e.indexed.metrics.map((m) => {
      const all = ingested.get(m.key);
      return (
        `| \`${m.name}\` | ${typeLabel(m)} | ${tagList(m.tags)} | ${n(m.combinations)} | ${m.multiplier} | ${n(m.customMetrics)} | ` +
        `${tagList(all?.tags ?? [])} | ${n(all?.customMetrics ?? 0)} | ${n(naive.get(m.key)?.customMetrics ?? 0)} |`
      );
    }),
    `| **total** | | | | | **${n(e.indexed.total)}** | | **${n(e.ingested.total)}** | **${n(e.naive.total)}** |`,
    "",
    "## Per feature",
    "",
    `| feature | providers | (provider, model) pairs | flags | indexes | indexed | ingested |`,
    `|---|---:|---:|---|---:|---:|---:|`,
    ...e.features.map((f) => {
      const sum = (metrics: MetricEstimate[]) => metrics.reduce((s, m) => s + (m.byFeature[f.id] ?? 0), 0);
      return (
        `| \`${f.id}\` | ${f.providers} | ${f.providerModelPairs} | ${f.flags.map((x) => `\`${x}\``).join(", ") || "none"} | ` +
        `${f.indexes} | ${n(sum(e.indexed.metrics))} | ${n(sum(e.ingested.metrics))} |`
      );
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
    "- A tag no dashboard or monitor reads is not indexed (the org stack's tag configurations), but it is still ingested: " +
      "drop it in the emitter to stop paying for it at all.",
    "- Watch `datadog.estimated_usage.metrics.custom.by_metric` filtered on this prefix: the org stack's observability-cost " +
      "monitor alerts on the org's total.",
    "",
  ];
  return lines.join("\n");
}

/** The lines `npm run synth` prints. */
export function cardinalitySummary(e: CardinalityEstimate): string[] {
  const over = e.indexed.total - e.budget;
  return [
    `Custom metrics at ${n(e.scale.tenants)} tenants × ${n(e.scale.models)} models: ${n(e.indexed.total)} indexed ≈ ` +
      `${usd(e.indexed.monthlyUsd)}/month at ${rate(e.pricePer100CustomMetrics)} per 100, ${n(e.ingested.total)} ingested ≈ ` +
      `${usd(e.ingested.monthlyUsd)}/month at ${rate(e.pricePer100IngestedCustomMetrics)} per 100`,
    `  naive tagging (every request tag on every metric, all indexed): ${n(e.naive.total)} ≈ ${usd(e.naive.monthlyUsd)}/month, ` +
      `${ratio(e.ratio)} the indexed contract`,
    over > 0
      ? `  budget ${n(e.budget)} (indexed): OVER by ${n(over)} (advisory policy llm-custom-metric-budget will flag it)`
      : `  budget ${n(e.budget)} (indexed): within (${n(-over)} left)`,
  ];
}
