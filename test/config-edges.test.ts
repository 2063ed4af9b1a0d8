// Every value validation accepts must build: a number at either end of its range, the longest
// display name, the earliest and latest rotation start. Whatever fails later than validation
// fails without a config path, so the ranges in config/schema.ts are proven against synth here.
import { describe, expect, it } from "vitest";
import type { FeatureInput, TeamInput } from "../config/schema";
import { loadCatalog } from "../config/validate";
import { renderArtifacts } from "../tools/artifacts";
import { verifyPlan } from "../tools/verify";
import { fixtureFeatures, fixtureStackConfig, fixtureTeams, synthFixture } from "./fixtures/catalog";

interface Edge {
  features: (f: FeatureInput[]) => void;
  teams: (t: TeamInput[]) => void;
  config: Record<string, unknown>;
}

const edges: Record<string, Edge> = {
  "the low end of every range": {
    features: (f) => {
      f[0].budgetUsdPerDay = 0.01;
      f[0].latency = { ttftP95Ms: 1, totalP95Ms: 2 };
      f[0].quality = { judgeSampleRate: 0.0001, maxWeeklyDropPoints: 0.1 };
      f[0].errors = { criticalCount10m: 2, warningCount10m: 1 };
      f[1].name = "X";
    },
    teams: (t) => {
      t[0].onCall.rotationStart = "1970-01-01";
      t[0].onCall.escalationDelayMinutes = 5;
    },
    config: {
      monitoring: {
        judgeStallMinutes: 30,
        retrievalP95Ms: 1,
        providerErrorRatePct: 0.1,
        providerMinRequests: 1,
        customMetricBudget: 1,
        pagingBudgetPerTeam: 1,
      },
      billing: { pricePer100CustomMetrics: 0.01 },
      scale: { tenants: 1, models: 1 },
    },
  },
  "the high end of every range": {
    features: (f) => {
      f[0].budgetUsdPerDay = 1_000_000;
      f[0].latency = { ttftP95Ms: 599_999, totalP95Ms: 600_000 };
      f[0].quality = { judgeSampleRate: 1, maxWeeklyDropPoints: 100 };
      f[1].name = "Ä".repeat(80);
    },
    teams: (t) => {
      t[0].onCall.rotationStart = "2099-12-31";
      t[0].onCall.escalationDelayMinutes = 60;
      t[1].name = "Z".repeat(80);
    },
    config: {
      monitoring: { judgeStallMinutes: 1440, retrievalP95Ms: 600_000, providerErrorRatePct: 100, customMetricBudget: 2_000_000_000 },
      billing: { pricePer100CustomMetrics: 1000 },
      scale: { tenants: 1_000_000, models: 1000, flagVariants: 100 },
    },
  },
};

describe("values at the edges of what validation accepts", () => {
  it.each(Object.entries(edges))("At %s, the stack synthesizes into definitions that pass every synth check.", async (_name, edge) => {
    const features = fixtureFeatures();
    const teams = fixtureTeams();
    edge.features(features);
    edge.teams(teams);
    const catalog = loadCatalog({ features, teams, config: { ...fixtureStackConfig("prod"), ...edge.config } });
    const plan = await synthFixture("prod", { features, teams, config: edge.config });
    expect(verifyPlan(plan, catalog)).toEqual([]);
    const nonFinite = renderArtifacts(plan, catalog)
      // Infinity, NaN, or a number in exponent form (Datadog's query grammar has none).
      .filter((a) => /\b(?:Infinity|NaN)\b|(?<![\w.-])\d+(?:\.\d+)?e[+-]?\d+\b/.test(a.content))
      .map((a) => a.path);
    expect(nonFinite).toEqual([]);
  });
});
