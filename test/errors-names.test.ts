// Property test: on ANY valid catalog, every Sentry issue-alert name fits the pinned provider's
// 64 bytes and every metric-alert name Sentry's 256 characters, stays distinct per feature, and
// still points at the runbook. Catalogs are generated from a seeded PRNG, with the longest
// valid ids (41 characters), envs and runbook URLs among them.
import { describe, expect, it } from "vitest";
import type { FeatureInput } from "../config/schema";
import { loadCatalog, stackConfigFromPulumi } from "../config/validate";
import { buildErrorAlerts, issueAlertName, SENTRY_ISSUE_ALERT_NAME_MAX, SENTRY_METRIC_ALERT_NAME_MAX } from "../errors/build";
import { ERRORS_RUNBOOK, TYPE } from "../config/names";
import { checkResources } from "../providers/check";
import { legalTeams, legalStackConfig } from "./fixtures/legal";

/** mulberry32: a small deterministic PRNG, so a failure names its seed and reproduces. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SLUG_REST = "abcdefghijklmnopqrstuvwxyz0123456789-";

/** A valid slug (^[a-z][a-z0-9-]{1,40}$): often the longest allowed, sometimes the shortest. */
function slug(rand: () => number, prefix = ""): string {
  const r = rand();
  const length = r < 0.4 ? 41 : r < 0.5 ? 2 : 2 + Math.floor(rand() * 40);
  let s = prefix.slice(0, length) || "abcdefghijklmnopqrstuvwxyz"[Math.floor(rand() * 26)];
  while (s.length < length) s += SLUG_REST[Math.floor(rand() * SLUG_REST.length)];
  return s;
}

function generatedCatalog(seed: number) {
  const rand = prng(seed);
  const teams = legalTeams();
  const ids = new Set<string>();
  // Long ids sharing a 35-character prefix: shortening must still keep their names apart.
  const shared = "f".repeat(35);
  while (ids.size < 12) ids.add(rand() < 0.3 ? slug(rand, shared) : slug(rand));
  const features: FeatureInput[] = [...ids].map((id, i) => ({
    id,
    name: `Feature ${i}`,
    owner: teams[i % teams.length].id,
    budgetUsdPerDay: 10,
    providers: ["anthropic"],
    sentryProject: i % 2 ? "one-project" : "another-project",
  }));
  const runbookBaseUrl = `https://${"r".repeat(1 + Math.floor(rand() * 300))}.example.com/runbooks`;
  return loadCatalog({ features, teams, config: stackConfigFromPulumi(legalStackConfig("prod", { env: slug(rand), runbookBaseUrl })) });
}

const SEEDS = Array.from({ length: 40 }, (_, i) => i + 1);

describe("Sentry rule names on any valid catalog", () => {
  it.each(SEEDS)("seed %i: every issue alert within 64 bytes, every metric alert within 256 characters, all distinct", (seed) => {
    const catalog = generatedCatalog(seed);
    const alerts = buildErrorAlerts(catalog);
    const issue = alerts.flatMap((a) => [a.issueAlert, ...(a.pagingAlert ? [a.pagingAlert] : [])]);
    for (const rule of issue) {
      expect(Buffer.byteLength(rule.name), rule.name).toBeLessThanOrEqual(SENTRY_ISSUE_ALERT_NAME_MAX);
      expect(rule.name).toContain(`runbook ${ERRORS_RUNBOOK.replace(/\.md$/, "")}`);
      expect(checkResources([{ type: TYPE.sentryIssueAlert, name: rule.name, inputs: { ...rule } }])).toEqual([]);
    }
    for (const { metricAlert } of alerts) {
      expect([...metricAlert.name].length).toBeLessThanOrEqual(SENTRY_METRIC_ALERT_NAME_MAX);
      expect(metricAlert.name).toMatch(/runbook (https?:\/\/\S+\/sentry-errors\.md|sentry-errors)$/);
      expect(checkResources([{ type: TYPE.sentryMetricAlert, name: metricAlert.name, inputs: { ...metricAlert } }])).toEqual([]);
    }
    expect(new Set(issue.map((r) => r.name)).size).toBe(issue.length);
    expect(new Set(alerts.map((a) => a.metricAlert.name)).size).toBe(alerts.length);
  });

  it("keeps the full ids and the longest description whenever they fit", () => {
    expect(issueAlertName("prod", "cite-check", "notify")).toBe("[llm prod] cite-check: new issue · runbook sentry-errors");
    expect(issueAlertName("prod", "cite-check", "page")).toBe("[llm prod] cite-check: pages · runbook sentry-errors");
  });

  it("shortens the longest env and feature id to a readable prefix and a hash, exactly to the limit", () => {
    const id = "a".repeat(41);
    const name = issueAlertName("s".repeat(41), id, "page");
    expect(Buffer.byteLength(name)).toBe(SENTRY_ISSUE_ALERT_NAME_MAX);
    expect(name).toMatch(/^\[llm s+~[0-9a-f]{4}\] a+~[0-9a-f]{4}: pages · runbook sentry-errors$/);
    expect(issueAlertName("s".repeat(41), `${"a".repeat(40)}b`, "page")).not.toBe(name);
  });
});
