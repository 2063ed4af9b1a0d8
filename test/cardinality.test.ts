// The custom-metric estimate: Datadog's multipliers, indexed and ingested at a small scale
// computed by hand, invariants of any catalog's estimate, and the report synth writes.
import { describe, expect, it } from "vitest";
import {
  BILLING_DOCS_URL,
  cardinalitySummary,
  estimateCardinality,
  INGESTED_PRICE_PER_100,
  type IndexedTags,
  multiplier,
  renderCardinalityReport,
} from "../cardinality";
import { stackCardinality, stackTagConfigurations } from "../org/build";
import type { FeatureInput } from "../config/schema";
import { loadCatalog, stackConfigFromPulumi } from "../config/validate";
import { renderArtifacts } from "../tools/artifacts";
import { summarize } from "../tools/summary";
import { generatedFeatures } from "./helpers";
import { legalCatalog, legalTeams, legalStackConfig, synthLegal } from "./fixtures/legal";

const SMALL_FEATURES: FeatureInput[] = [
  {
    id: "extract-clause",
    name: "Clause extraction",
    owner: "contracts-ai",
    budgetUsdPerDay: 40,
    providers: ["anthropic"],
    sentryProject: "contracts-api",
    flags: ["clause-prompt-v2"],
    retrieval: { indexes: ["clause-library"] },
  },
  {
    id: "intake-classify",
    name: "Intake classification",
    owner: "platform",
    budgetUsdPerDay: 15,
    providers: ["openai", "anthropic", "google"],
    sentryProject: "intake-service",
  },
];

function smallCatalog() {
  return loadCatalog({
    features: SMALL_FEATURES,
    teams: legalTeams(),
    config: stackConfigFromPulumi(legalStackConfig("prod", { scale: { tenants: 3, models: 2, flagVariants: 2 } })),
  });
}

describe("Datadog's billing multipliers", () => {
  it.each([
    ["count", false, 1],
    ["distribution", false, 5],
    ["distribution", true, 10],
  ] as const)("bill a %s (percentiles %s) %i custom metrics per tag-value combination", (type, percentiles, x) => {
    expect(multiplier({ type, percentiles })).toBe(x);
  });
});

/** A tag configuration per metric, as the org stack would derive it, fixed here so the arithmetic is by hand. */
const SMALL_TAG_CONFIG: IndexedTags[] = [
  { metricName: "llm.requests", tags: ["env", "feature", "provider", "status", "tenant"], includePercentiles: false },
  { metricName: "llm.cost.usd", tags: ["env", "feature", "tenant"], includePercentiles: false },
  { metricName: "llm.tokens", tags: ["env", "feature", "token_type"], includePercentiles: false },
  { metricName: "llm.ttft", tags: ["env", "feature", "provider"], includePercentiles: true },
  { metricName: "llm.duration", tags: ["env", "feature"], includePercentiles: false },
  { metricName: "llm.judge.score", tags: ["env", "feature", "tenant"], includePercentiles: false },
  // llm.retrieval.duration has none: indexed with every contract tag and the contract's percentiles.
];

describe("the estimate at a small scale", () => {
  // 3 tenants, 2 models, 2 variants per flag, 2 statuses, 3 token types.
  // extract-clause: 1 provider -> max(2, 1) = 2 (provider, model) pairs, 1 flag, 1 index.
  // intake-classify: 3 providers -> max(2, 3) = 3 pairs, no flag, no index.
  const estimate = estimateCardinality(smallCatalog(), SMALL_TAG_CONFIG);
  const ingested = Object.fromEntries(estimate.ingested.metrics.map((m) => [m.key, m]));
  const indexed = Object.fromEntries(estimate.indexed.metrics.map((m) => [m.key, m]));

  it.each([
    // metric, extract-clause, intake-classify (ingested custom metrics: every emitted tag, a distribution x5)
    ["requests", 3 * 2 * 2 * 2, 3 * 3 * 2], //  tenant x pairs x status (x flag)
    ["cost", 3 * 2, 3 * 3], //                   tenant x pairs
    ["tokens", 2 * 3, 3 * 3], //                 pairs x token type
    ["ttft", 2 * 5, 3 * 5], //                   pairs; percentiles are not ingested
    ["duration", 2 * 5, 3 * 5],
    ["judgeScore", 3 * 5, 3 * 5], //             tenant
    ["retrievalDuration", 1 * 5, 0], //          index; intake-classify retrieves nothing
    ["sloEvents", 2 * 2, 2 * 2], //              objective (latency, quality) x verdict (good, bad)
  ] as const)("counts %s as ingested by hand, per feature", (key, extract, intake) => {
    expect(ingested[key].byFeature).toEqual({ "extract-clause": extract, "intake-classify": intake });
    expect(ingested[key].customMetrics).toBe(extract + intake);
  });

  it.each([
    // metric, extract-clause, intake-classify (indexed under SMALL_TAG_CONFIG)
    ["requests", 1 * 3 * 2, 3 * 3 * 2], //       providers (no model kept) x tenant x status; the flag is dropped
    ["cost", 3, 3], //                           tenant only
    ["tokens", 3, 3], //                         token type only
    ["ttft", 1 * 10, 3 * 10], //                 providers, with percentiles
    ["duration", 5, 5], //                       feature only, no percentiles
    ["judgeScore", 3 * 5, 3 * 5],
    ["retrievalDuration", 1 * 10, 0], //         unconfigured: the contract's tags and percentiles
    ["sloEvents", 2 * 2, 2 * 2], //              unconfigured: objective x verdict
  ] as const)("counts %s as indexed under its tag configuration by hand, per feature", (key, extract, intake) => {
    expect(indexed[key].byFeature).toEqual({ "extract-clause": extract, "intake-classify": intake });
  });

  it("totals 134 indexed custom metrics at the contract's $5 per 100 and 165 ingested at Datadog's $0.10 per 100", () => {
    expect([estimate.indexed.total, estimate.indexed.monthlyUsd]).toEqual([56 + 78, 6.7]);
    expect([estimate.ingested.total, estimate.ingested.monthlyUsd]).toEqual([80 + 85, 0.17]);
    expect(estimate.monthlyUsd).toBe(6.87);
    expect(estimate.pricePer100IngestedCustomMetrics).toBe(INGESTED_PRICE_PER_100);
  });

  it("puts the naive design at 1,668 custom metrics, all indexed", () => {
    // Every metric carries feature, tenant, provider, model, status and the feature's flags:
    // extract-clause 3 x 2 x 2 x 2 = 24 combinations, intake-classify 3 x 3 x 2 = 18.
    // requests 24 + 18, cost 24 + 18, tokens x3, ttft and duration x10, judge x5, retrieval 24 x 1 index x10,
    // SLI verdicts x4 (objective x verdict).
    const naive = 42 + 42 + 42 * 3 + 42 * 10 + 42 * 10 + 42 * 5 + 24 * 10 + 42 * 4;
    expect(estimate.naive.total).toBe(naive);
    expect(naive).toBe(1668);
    expect(estimate.ratio).toBeCloseTo(1668 / 134, 10);
  });

  it("counts no SLI verdicts for a feature with slo: false: the emitter sends none for it", () => {
    const optedOut = loadCatalog({
      features: SMALL_FEATURES.map((f, i) => (i === 1 ? { ...f, slo: false as const } : f)),
      teams: legalTeams(),
      config: stackConfigFromPulumi(legalStackConfig("prod", { scale: { tenants: 3, models: 2, flagVariants: 2 } })),
    });
    const slo = estimateCardinality(optedOut, SMALL_TAG_CONFIG).ingested.metrics.find((m) => m.key === "sloEvents")!;
    expect(slo.byFeature).toEqual({ "extract-clause": 4, "intake-classify": 0 });
  });

  it("refuses to guess the cardinality of a tag it does not know", () => {
    const catalog = smallCatalog();
    catalog.contract.metrics.tokens.tags.push("region");
    expect(() => estimateCardinality(catalog, [])).toThrow('no cardinality known for tag "region" on llm.tokens');
  });
});

describe("any catalog's estimate under its derived tag configurations", () => {
  it.each([
    ["prod", legalCatalog("prod")],
    ["staging", legalCatalog("staging")],
    ["60 generated features", legalCatalog("prod", { features: generatedFeatures(60) })],
  ] as const)("for %s indexes no more than the contract with every tag indexed, and ingests every emitted tag", (_, catalog) => {
    const e = stackCardinality(catalog);
    const everyTag = estimateCardinality(catalog, []);
    expect(e.indexed.total).toBeLessThanOrEqual(everyTag.indexed.total);
    expect(e.ingested.total).toBe(estimateCardinality(catalog, stackTagConfigurations(catalog)).ingested.total);
    expect(e.naive.total).toBeGreaterThanOrEqual(e.indexed.total);
    for (const m of e.indexed.metrics) {
      const config = stackTagConfigurations(catalog).find((c) => c.metricName === m.name)!;
      expect(m.tags).toEqual(config.tags);
      expect(m.percentiles).toBe(config.includePercentiles);
    }
  });
});

describe("the cardinality report", () => {
  const catalog = legalCatalog("prod");
  const e = stackCardinality(catalog);
  const md = renderCardinalityReport(e);
  const n = (x: number) => x.toLocaleString("en-US");

  it("states what is indexed and what is ingested, their monthly cost, the naive comparison and the budget", () => {
    expect(md).toContain(`| **indexed** (queryable under the org's tag configurations) | **${n(e.indexed.total)}** |`);
    expect(md).toContain(`| ingested (every tag the emitter sends) | ${n(e.ingested.total)} |`);
    expect(md).toContain(`| naive: every request tag on every metric, all indexed | ${n(e.naive.total)} |`);
    expect(md).toContain("| budget (`monitoring.customMetricBudget`, indexed) |");
  });

  it("says by how much a stack is over its budget", () => {
    const over = renderCardinalityReport(
      stackCardinality({ ...catalog, stack: { ...catalog.stack, monitoring: { ...catalog.stack.monitoring, customMetricBudget: 1_000 } } }),
    );
    expect(over).toContain(`| budget (\`monitoring.customMetricBudget\`, indexed) | 1,000 | **over by ${n(e.indexed.total - 1_000)}** |`);
  });

  it("lists every metric with its indexed tags, multiplier, indexed and ingested counts, and cites Datadog's billing page", () => {
    for (const m of e.indexed.metrics) expect(md).toContain(`| \`${m.name}\` |`);
    expect(md).toMatch(/\| `llm\.ttft` \| distribution \+ percentiles \| `env`, `feature`, `provider` \|/);
    expect(md).toContain(BILLING_DOCS_URL);
    expect(md).toContain("$0.10 per 100");
    expect(md).toContain("## Assumptions");
    expect(md).toMatch(/`host:` tag/);
  });

  it("is written by synth as out/<stack>/cardinality.md and summarized on the console", async () => {
    const plan = await synthLegal("prod");
    const artifacts = renderArtifacts(plan, catalog);
    expect(artifacts.find((a) => a.path === "cardinality.md")?.content).toBe(md);
    const printed = summarize(plan, catalog, artifacts, "out/prod");
    for (const line of cardinalitySummary(e)) expect(printed).toContain(line);
  });
});
