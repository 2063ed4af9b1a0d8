// The custom-metric estimate: Datadog's multipliers, a small scale computed by hand, the
// example stacks' figures (quoted in the README), and the report synth writes.
import { describe, expect, it } from "vitest";
import { BILLING_DOCS_URL, cardinalitySummary, estimateCardinality, multiplier, renderCardinalityReport } from "../cardinality";
import type { FeatureInput } from "../config/schema";
import { loadCatalog, stackConfigFromPulumi } from "../config/validate";
import { renderArtifacts } from "../tools/artifacts";
import { summarize } from "../tools/summary";
import { exampleCatalog, exampleTeams, stackConfig, synthExample } from "./helpers";

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
    teams: exampleTeams(),
    config: stackConfigFromPulumi(stackConfig("prod", { scale: { tenants: 3, models: 2, flagVariants: 2 } })),
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

describe("the estimate at a small scale", () => {
  // 3 tenants, 2 models, 2 variants per flag, 2 statuses, 3 token types.
  // extract-clause: 1 provider -> max(2, 1) = 2 (provider, model) pairs, 1 flag, 1 index.
  // intake-classify: 3 providers -> max(2, 3) = 3 pairs, no flag, no index.
  const estimate = estimateCardinality(smallCatalog());
  const byKey = Object.fromEntries(estimate.contract.metrics.map((m) => [m.key, m]));

  it.each([
    // metric, extract-clause, intake-classify (custom metrics, multiplier applied)
    ["requests", 3 * 2 * 2 * 2, 3 * 3 * 2], //  tenant x pairs x status (x flag)
    ["cost", 3 * 2, 3 * 3], //                   tenant x pairs
    ["tokens", 2 * 3, 3 * 3], //                 pairs x token type
    ["ttft", 2 * 10, 3 * 10], //                 pairs, distribution with percentiles
    ["duration", 2 * 10, 3 * 10],
    ["judgeScore", 3 * 5, 3 * 5], //             tenant, distribution without percentiles
    ["retrievalDuration", 1 * 10, 0], //         index; intake-classify retrieves nothing
  ] as const)("counts %s as computed by hand, per feature", (key, extract, intake) => {
    expect(byKey[key].byFeature).toEqual({ "extract-clause": extract, "intake-classify": intake });
    expect(byKey[key].customMetrics).toBe(extract + intake);
  });

  it("totals 212 custom metrics, $10.60 a month at $5 per 100", () => {
    expect(estimate.contract.total).toBe(101 + 111);
    expect(estimate.contract.monthlyUsd).toBe(10.6);
  });

  it("puts the naive design at 1,500 custom metrics, 7.1 times the contract", () => {
    // Every metric carries feature, tenant, provider, model, status and the feature's flags:
    // extract-clause 3 x 2 x 2 x 2 = 24 combinations, intake-classify 3 x 3 x 2 = 18.
    // requests 24 + 18, cost 24 + 18, tokens x3, ttft and duration x10, judge x5, retrieval 24 x 1 index x10.
    const naive = 42 + 42 + 42 * 3 + 42 * 10 + 42 * 10 + 42 * 5 + 24 * 10;
    expect(estimate.naive.total).toBe(naive);
    expect(naive).toBe(1500);
    expect(estimate.ratio).toBeCloseTo(1500 / 212, 10);
  });

  it("refuses to guess the cardinality of a tag it does not know", () => {
    const catalog = smallCatalog();
    catalog.contract.metrics.tokens.tags.push("region");
    expect(() => estimateCardinality(catalog)).toThrow('no cardinality known for tag "region" on llm.tokens');
  });
});

describe("the example stacks", () => {
  it("estimate 44,100 custom metrics for prod, against 992,000 for naive tagging", () => {
    const e = estimateCardinality(exampleCatalog("prod"));
    expect(Object.fromEntries(e.contract.metrics.map((m) => [m.name, m.customMetrics]))).toEqual({
      "llm.requests": 25_600,
      "llm.cost.usd": 8_000,
      "llm.tokens": 60,
      "llm.ttft": 200,
      "llm.duration": 200,
      "llm.judge.score": 10_000,
      "llm.retrieval.duration": 40,
    });
    expect([e.contract.total, e.contract.monthlyUsd, e.naive.total, e.naive.monthlyUsd]).toEqual([44_100, 2_205, 992_000, 49_600]);
    expect(e.ratio).toBeCloseTo(22.49, 2);
  });

  it("estimate 4,860 custom metrics for staging's 40 tenants", () => {
    expect(estimateCardinality(exampleCatalog("staging")).contract.total).toBe(4_860);
  });
});

describe("the cardinality report", () => {
  const e = estimateCardinality(exampleCatalog("prod"));
  const md = renderCardinalityReport(e);

  it("states the totals, the monthly cost, the naive comparison and the budget", () => {
    expect(md).toContain("| **metric contract** | **44,100** | **$2,205** |");
    expect(md).toContain("| naive: every request tag on every metric | 992,000 | $49,600 |");
    expect(md).toContain("| ratio | 22.5× | |");
    expect(md).toContain("| budget (`monitoring.customMetricBudget`) | 55,000 | 10,900 left |");
  });

  it("says by how much a stack is over its budget", () => {
    const catalog = exampleCatalog("prod");
    const over = renderCardinalityReport(
      estimateCardinality({
        ...catalog,
        stack: { ...catalog.stack, monitoring: { ...catalog.stack.monitoring, customMetricBudget: 20_000 } },
      }),
    );
    expect(over).toContain("| budget (`monitoring.customMetricBudget`) | 20,000 | **over by 24,100** |");
  });

  it("lists every metric with its multiplier and cites Datadog's billing page", () => {
    expect(md).toContain("| `llm.ttft` | distribution + percentiles | `feature`, `provider`, `model` | 20 | 10 | 200 | 256,000 |");
    expect(md).toContain("| `llm.judge.score` | distribution | `feature`, `tenant` | 2,000 | 5 | 10,000 | 128,000 |");
    expect(md).toContain(BILLING_DOCS_URL);
    expect(md).toContain("## Assumptions");
    expect(md).toMatch(/`host:` tag/);
  });

  it("is written by synth as out/<stack>/cardinality.md and summarized on the console", async () => {
    const catalog = exampleCatalog("prod");
    const plan = await synthExample("prod");
    const artifacts = renderArtifacts(plan, catalog);
    expect(artifacts.find((a) => a.path === "cardinality.md")?.content).toBe(md);
    const printed = summarize(plan, catalog, artifacts, "out/prod");
    for (const line of cardinalitySummary(e)) expect(printed).toContain(line);
    expect(printed).toContain("Custom metrics at 400 tenants × 4 models: 44,100 ≈ $2,205/month at $5 per 100");
  });
});
