// SLOs and error budgets (issue 14): the config and its validation, the SLO builder, the burn-rate
// and budget monitors and their lint, the SLO group of the dashboards, the program and the review.
// Numbers are pinned on the fixture catalog (test/fixtures/catalog.ts); the example catalog is
// held to invariants only. One synthesized plan per stack for the whole file.
import { beforeAll, describe, expect, it } from "vitest";
import { BURN_ALERTS, featureSlo, formatErrorBudget, maxBurnRate, SLO_DEFAULTS, SLO_OBJECTIVES, type SloWindow } from "../config/slo";
import type { FeatureInput } from "../config/schema";
import { validateCatalog } from "../config/validate";
import { handlesFor, isPagerdutyHandle, monitorPartName, RESOURCE_TAG, sloResourceName, tagValue, TYPE } from "../config/names";
import { referencedSlos } from "../config/links";
import { buildDashboards } from "../dashboards";
import { lintDashboard } from "../dashboards/lint";
import { buildMonitors, type DatadogMonitor } from "../monitors";
import { Monitors } from "../monitors/component";
import { sloKinds } from "../monitors/kinds";
import { fastBurnMinRequests } from "../monitors/slo";
import { lintMonitor } from "../monitors/lint";
import { dashboardsOf } from "../plan/dashboards";
import { monitorsOf } from "../plan/monitors";
import type { Plan } from "../plan/plan";
import { sloBodiesOf, slosOf } from "../plan/slos";
import { buildSlos } from "../slos";
import { extractMetricTerms, scopeTagKey } from "../config/query";
import { stackTagConfigurations } from "../org/build";
import { tagConfigurationInputs } from "../org/tag-configurations";
import { checkAgainstOrg } from "../providers/check";
import type { PlanResources } from "../providers/org";
import { sloBodyFromInputs, toSloInputs } from "../slos/args";
import { lintSlo } from "../slos/lint";
import { comparePlans } from "../tools/diff/compare";
import { renderMarkdown } from "../tools/diff/markdown";
import { validateDashboard, validateSlo } from "../tools/datadog-spec";
import { verifyPlan } from "../tools/verify";
import { renderPreview } from "../tools/preview/html";
import { summarize } from "../tools/summary";
import { fixtureCatalog, fixtureFeatures, fixtureStackConfig, fixtureTeams, synthFixture } from "./fixtures/catalog";
import { LEGAL_STACKS as STACKS, legalCatalog } from "./fixtures/legal";

/** The fixture catalog with any feature and stack settings changed, validated. */
function catalogWith(opts: { features?: FeatureInput[]; slo?: Record<string, unknown>; stack?: "prod" | "staging" } = {}) {
  const config = fixtureStackConfig(opts.stack ?? "prod");
  if (opts.slo) config.monitoring = { ...(config.monitoring as object), slo: opts.slo };
  return validateCatalog({ features: opts.features ?? fixtureFeatures(), teams: fixtureTeams(), config });
}

function withSlo(slo: unknown, index = 0): FeatureInput[] {
  const features = fixtureFeatures();
  (features[index] as Record<string, unknown>).slo = slo;
  return features;
}

const problemsOf = (r: ReturnType<typeof validateCatalog>) => (r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.message}`));

describe("the config: slo per feature, monitoring.slo, the documented defaults", () => {
  it("A feature whose catalog and stack set nothing gets the documented defaults: 30 days, 99.5 %, 99 %, 95 % at or above 70.", () => {
    const r = catalogWith();
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    for (const f of r.catalog.features) {
      expect(featureSlo(f, r.catalog.stack)).toEqual({
        window: SLO_DEFAULTS.window,
        targets: { availability: 99.5, latency: 99, quality: 95 },
        passScore: 70,
      });
    }
  });

  it("Each field resolves on its own: the feature's, else the stack's monitoring.slo, else the default.", () => {
    const r = catalogWith({
      features: withSlo({ availability: 99.9, quality: { passScore: 80 } }),
      slo: { window: "7d", latency: 98, quality: { target: 96 } },
    });
    expect(problemsOf(r)).toEqual([]);
    if (!r.ok) return;
    expect(featureSlo(r.catalog.features[0], r.catalog.stack)).toEqual({
      window: "7d",
      targets: { availability: 99.9, latency: 98, quality: 96 },
      passScore: 80,
    });
    expect(featureSlo(r.catalog.features[1], r.catalog.stack)).toEqual({
      window: "7d",
      targets: { availability: 99.5, latency: 98, quality: 96 },
      passScore: 70,
    });
  });

  it("slo: false turns a feature's SLOs off, with or without a reason (the policy pack asks for one on paging stacks).", () => {
    const features = withSlo(false);
    (features[0] as Record<string, unknown>).sloOptOutReason = "internal tool";
    const r = catalogWith({ features });
    expect(problemsOf(r)).toEqual([]);
    if (!r.ok) return;
    expect(featureSlo(r.catalog.features[0], r.catalog.stack)).toBeUndefined();
    expect(buildSlos(r.catalog).map((s) => s.featureId)).not.toContain(features[0].id);
    expect(buildMonitors(r.catalog).filter((m) => m.featureId === features[0].id && m.body.type === "slo alert")).toEqual([]);
  });

  it.each<[string, FeatureInput[] | undefined, Record<string, unknown> | undefined, string[]]>([
    [
      "a window Datadog does not offer",
      withSlo({ window: "14d" }),
      undefined,
      ['features[0].slo.window: must be one of 7d, 30d, 90d (got "14d")'],
    ],
    [
      "a fraction written for a percentage",
      withSlo({ availability: 0.995 }),
      undefined,
      ["features[0].slo.availability: must be a percentage between 90 and 99.99 (99.5 means 99.5 %) (got 0.995)"],
    ],
    [
      "more decimals than Datadog keeps",
      withSlo({ latency: 99.12345 }),
      undefined,
      ["features[0].slo.latency: must have at most 3 decimals (Datadog rounds metric SLO targets to 3) (got 99.12345)"],
    ],
    [
      "a pass score off the judge's scale",
      withSlo({ quality: { passScore: 120 } }),
      undefined,
      ["features[0].slo.quality.passScore: must be between 0 and 100 (the judge's 0-100 scale) (got 120)"],
    ],
    [
      "slo: true",
      withSlo(true),
      undefined,
      ["features[0].slo: must be false or an object {window, availability, latency, quality: {target, passScore}} (got true)"],
    ],
    ["an unknown field", withSlo({ availabilty: 99 }), undefined, ["features[0].slo.availabilty: unknown field"]],
    [
      "a reason without slo: false",
      fixtureFeatures().map((f, i) => (i === 1 ? { ...f, sloOptOutReason: "why" } : f)),
      undefined,
      ["features[1].sloOptOutReason: is read only when slo is false, and this feature has SLOs: remove it, or set slo: false"],
    ],
    [
      "a stack default out of range",
      undefined,
      { quality: { target: 200 } },
      ["llm-observability:monitoring.slo.quality.target: must be a percentage between 90 and 99.99 (99.5 means 99.5 %) (got 200)"],
    ],
  ])("Validation refuses %s, at its exact path.", (_, features, slo, expected) => {
    expect(problemsOf(catalogWith({ features, slo }))).toEqual(expected);
  });

  it.each<[string, FeatureInput[] | undefined, Record<string, unknown> | undefined, string, string]>([
    [
      "the feature's own target",
      withSlo({ quality: { target: 92 } }),
      undefined,
      "features[0].slo.quality.target",
      "quality target 92 % over 30d",
    ],
    // The stack's 95 % quality target is fine for 30 days, but a 90-day window pages at 21.6x, which needs 95.371 %.
    ["the feature's window", withSlo({ window: "90d" }), undefined, "features[0].slo.window", "quality target 95 % over 90d"],
    [
      "the stack's target",
      undefined,
      { availability: 93 },
      "llm-observability:monitoring.slo.availability",
      "availability target 93 % over 30d",
    ],
  ])(
    "A target whose maximum burn rate 1 / (1 - target) is below the window's fast-burn threshold is refused at %s.",
    (_, features, slo, path, start) => {
      const problems = problemsOf(catalogWith({ features, slo }));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(new RegExp(`^${path.replace(/[.[\]]/g, "\\$&")}: ${start} allows a burn rate of at most`));
      expect(problems[0]).toMatch(/Datadog refuses burn-rate alerts above that maximum: raise the \w+ target to at least 9\d\.\d+ %/);
    },
  );

  it("Every problem is reported at once.", () => {
    const features = withSlo({ window: "1d", availability: 101 });
    (features[1] as Record<string, unknown>).slo = { quality: { passScore: -1 } };
    expect(problemsOf(catalogWith({ features })).map((p) => p.split(":")[0])).toEqual([
      "features[0].slo.window",
      "features[0].slo.availability",
      "features[1].slo.quality.passScore",
    ]);
  });

  it("Every window's burn-rate thresholds are possible for the lowest target validation lets through for it.", () => {
    for (const window of Object.keys(BURN_ALERTS) as SloWindow[]) {
      const { fast, slow } = BURN_ALERTS[window];
      const r = catalogWith({ features: withSlo({ window, availability: 99.9, latency: 99.9, quality: { target: 99.9 } }) });
      expect(r.ok).toBe(true);
      expect(fast.rate).toBeGreaterThan(slow.rate);
      expect(fast.rate).toBeLessThanOrEqual(maxBurnRate(99.9));
    }
  });
});

describe("error budgets in words", () => {
  it.each<[number, SloWindow, string]>([
    [99.5, "30d", "3 h 36 min"],
    [99.9, "30d", "43 min"],
    [95, "30d", "1 d 12 h"],
    [99, "7d", "1 h 41 min"],
    [99.99, "7d", "1 min"],
    [99.99, "90d", "13 min"],
  ])("%s % over %s leaves %s of full outage.", (target, window, words) => {
    expect(formatErrorBudget(target, window)).toBe(words);
  });
});

describe("the SLO builder", () => {
  const fixture = fixtureCatalog("prod");

  it("Counts good over total events from the metric contract, for each objective.", () => {
    const byId = Object.fromEntries(buildSlos(fixture).map((s) => [s.id, s.body.query]));
    expect(byId["slo-answer-availability"]).toEqual({
      numerator: "sum:llm.requests{feature:answer,env:prod,status:ok}.as_count()",
      denominator: "sum:llm.requests{feature:answer,env:prod}.as_count()",
    });
    expect(byId["slo-answer-latency"]).toEqual({
      numerator: "sum:llm.slo.events{feature:answer,env:prod,objective:latency,verdict:good}.as_count()",
      denominator: "sum:llm.slo.events{feature:answer,env:prod,objective:latency}.as_count()",
    });
    expect(byId["slo-summarize-quality"]).toEqual({
      numerator: "sum:llm.slo.events{feature:summarize,env:prod,objective:quality,verdict:good}.as_count()",
      denominator: "sum:llm.slo.events{feature:summarize,env:prod,objective:quality}.as_count()",
    });
  });

  it("Names, tags, owns and describes each SLO by its feature, with the target over its window.", () => {
    const slo = buildSlos(fixture).find((s) => s.id === "slo-summarize-latency")!;
    expect(slo.owner).toBe("platform");
    expect(slo.body).toMatchObject({
      name: "[llm prod] Summarize: latency SLO",
      type: "metric",
      tags: ["team:platform", "feature:summarize", "env:prod", "signal:latency", "service:llm-observability", "objective:latency"],
      thresholds: [{ timeframe: "30d", target: 99 }],
    });
    expect(slo.body.description).toContain("99 % of successful LLM calls arrive within both the TTFT and the total-response p95");
    expect(slo.body.description).toContain("(600 ms and 4000 ms)");
    expect(slo.body.description).toContain("Error budget: 7 h 12 min of full outage per 30 days");
    expect(slo.body.description).toContain(`${fixture.stack.runbookBaseUrl}/slo-burn.md`);
  });

  it.each(STACKS)("Gives every feature of the example %s catalog its three SLOs, each valid, clean and mapped both ways.", (stack) => {
    const catalog = legalCatalog(stack);
    const slos = buildSlos(catalog);
    for (const f of catalog.features) {
      const own = slos.filter((s) => s.featureId === f.id).map((s) => s.objective);
      expect(own).toEqual(featureSlo(f, catalog.stack) ? [...SLO_OBJECTIVES] : []);
    }
    for (const s of slos) {
      expect(validateSlo(s.body), s.id).toEqual([]);
      expect(lintSlo(s.body, { contract: catalog.contract, env: catalog.stack.env }), s.id).toEqual([]);
      expect(sloBodyFromInputs(JSON.parse(JSON.stringify(toSloInputs(s.body))))).toEqual(s.body);
    }
  });

  it.each([
    [
      "a timeframe Datadog does not know",
      (b: Record<string, unknown>) => ((b.thresholds as Record<string, unknown>[])[0].timeframe = "28d"),
    ],
    ["no name", (b: Record<string, unknown>) => delete b.name],
    ["a query without its denominator", (b: Record<string, unknown>) => delete (b.query as Record<string, unknown>).denominator],
  ])("The spec check rejects an SLO with %s, so a pass means something.", (_, breakIt) => {
    const body = structuredClone(buildSlos(fixture)[0].body) as unknown as Record<string, unknown>;
    breakIt(body);
    expect(validateSlo(body).length).toBeGreaterThan(0);
  });

  it.each([
    ["an average", { numerator: "avg:llm.requests{feature:answer,status:ok}.as_count()" }, "only sums counts"],
    [
      "a metric outside the contract",
      { numerator: "sum:llm.request{feature:answer,status:ok}.as_count()" },
      'unknown metric "llm.request"',
    ],
    ["good events not a subset of the total", { numerator: "sum:llm.requests{status:ok}.as_count()" }, "must keep every filter"],
  ])("The SLO lint rejects %s.", (_, query, problem) => {
    const body = structuredClone(buildSlos(fixture)[0].body);
    Object.assign(body.query, query);
    expect(lintSlo(body, { contract: fixture.contract, env: "prod" }).join("\n")).toContain(problem);
  });
});

describe("burn-rate and error-budget monitors", () => {
  it.each(STACKS)(
    "In the example %s catalog, each objective of each feature has its three SLO monitors, as Datadog documents them.",
    (stack) => {
      const catalog = legalCatalog(stack);
      const monitors = buildMonitors(catalog);
      const slos = buildSlos(catalog).map((s) => ({
        featureId: s.featureId,
        objective: s.objective,
        target: s.body.thresholds[0].target,
        timeframe: s.body.thresholds[0].timeframe,
      }));
      for (const f of catalog.features) {
        const slo = featureSlo(f, catalog.stack);
        if (!slo) continue;
        const traffic = monitors.find((m) => m.id === monitorPartName("slo-fast-burn", "traffic", f.id))!;
        expect(traffic.muted).toBe(true);
        expect(traffic.body.query).toBe(
          `sum(last_60m):sum:llm.requests{feature:${f.id},env:${catalog.stack.env}}.as_count() > ` + `${fastBurnMinRequests(f, "1h")}`,
        );
        for (const objective of SLO_OBJECTIVES) {
          const own = monitors.filter((m) => m.featureId === f.id && tagValue(m.body.tags, RESOURCE_TAG.objective) === objective);
          const notifying = own.filter((m) => !m.muted);
          expect(notifying.map((m) => m.kind)).toEqual(sloKinds().map((k) => k.kind));
          const { fast, slow } = BURN_ALERTS[slo.window];
          const id = `@@slo-id:${sloResourceName(f.id, objective)}@@`;
          const query = (kind: string) => notifying.find((m) => m.kind === kind)!.body.query;
          // The fast burn pages through a composite: its burn-rate block and the feature's traffic guard.
          const burn = own.find((m) => m.muted)!;
          expect(burn.id).toBe(monitorPartName("slo-fast-burn", `${objective}-burn`, f.id));
          expect(query("slo-fast-burn")).toBe(`<<${burn.id}>> && <<${traffic.id}>>`);
          expect(burn.body.query).toBe(`burn_rate("${id}").over("${slo.window}").long_window("1h").short_window("5m") > ${fast.rate}`);
          expect(query("slo-slow-burn")).toBe(
            `burn_rate("${id}").over("${slo.window}").long_window("6h").short_window("30m") > ${slow.rate}`,
          );
          expect(query("slo-budget")).toBe(`error_budget("${id}").over("${slo.window}") > 100`);
          expect(own.find((m) => m.kind === "slo-budget")!.body.options.thresholds).toEqual({ critical: 100, warning: 75 });
          expect(fast.rate).toBeLessThanOrEqual(maxBurnRate(slo.targets[objective]));
          expect(own.map((m) => m.body.type)).toEqual(["composite", "slo alert", "slo alert", "slo alert"]);
          for (const m of [...own, traffic])
            expect(lintMonitor(m.body, { contract: catalog.contract, stack: catalog.stack, slos }), m.id).toEqual([]);
        }
      }
    },
  );

  it("A 7-day window uses Datadog's 7-day pairs: 16.8x over 1 h and 5.6x over 6 h.", () => {
    const r = catalogWith({ slo: { window: "7d" } });
    if (!r.ok) throw new Error(problemsOf(r).join("\n"));
    const queries = buildMonitors(r.catalog)
      .filter(
        (m) => m.featureId === "answer" && m.body.type === "slo alert" && tagValue(m.body.tags, RESOURCE_TAG.objective) === "availability",
      )
      .map((m) => m.body.query);
    expect(queries).toEqual([
      'burn_rate("@@slo-id:slo-answer-availability@@").over("7d").long_window("1h").short_window("5m") > 16.8',
      'burn_rate("@@slo-id:slo-answer-availability@@").over("7d").long_window("6h").short_window("30m") > 5.6',
      'error_budget("@@slo-id:slo-answer-availability@@").over("7d") > 100',
    ]);
  });

  it("On a paging stack the fast burn pages its owner on alert, the slow burn and the budget only reach Slack.", () => {
    const monitors = buildMonitors(fixtureCatalog("prod"));
    const handles = (m: DatadogMonitor, to: "alert" | "warn") => handlesFor(m.message, { from: "ok", to, priority: m.priority });
    const byId = (id: string) => monitors.find((m) => m.id === id)!.body;
    expect(byId("monitor-answer-slo-fast-burn-quality").priority).toBe(2);
    expect(handles(byId("monitor-answer-slo-fast-burn-quality"), "alert").map((h) => h.raw)).toEqual([
      "@pagerduty-llm-prod-search",
      "@slack-search-alerts",
    ]);
    expect(handles(byId("monitor-answer-slo-slow-burn-quality"), "alert").map((h) => h.raw)).toEqual(["@slack-search-alerts"]);
    expect(handles(byId("monitor-answer-slo-budget-quality"), "warn").map((h) => h.raw)).toEqual(["@slack-search-alerts"]);
    expect(byId("monitor-answer-slo-budget-quality").message).toContain("{{value}} % of its error budget");
    expect(byId("monitor-answer-slo-fast-burn-quality").message).toContain("faster than 14.4x over the last 1 hour and the last 5 minutes");
    // The burn-rate block says the rates it sees; it is muted, so nobody reads it in a notification.
    expect(byId("monitor-answer-slo-fast-burn-quality-burn").message).toContain("{{long_window_burn_rate}}x over the last 1 hour");
    expect(monitors.find((m) => m.id === "monitor-answer-slo-fast-burn-quality-burn")!.muted).toBe(true);
  });

  it("On a stack that may not page, no SLO monitor of the example catalog can reach PagerDuty.", () => {
    const monitors = buildMonitors(legalCatalog("staging")).filter((m) => sloKinds().some((k) => k.kind === m.kind));
    expect(monitors.length).toBeGreaterThan(0);
    for (const m of monitors) {
      expect(m.pages).toBe(false);
      expect(m.body.message).not.toMatch(/@pagerduty-/i);
    }
  });

  describe("the lint rejects a slo alert that Datadog would refuse or that watches the wrong SLO", () => {
    const catalog = fixtureCatalog("prod");
    const slos = buildSlos(catalog).map((s) => ({
      featureId: s.featureId,
      objective: s.objective,
      target: s.body.thresholds[0].target,
      timeframe: s.body.thresholds[0].timeframe,
    }));
    const slow = buildMonitors(catalog).find((m) => m.id === "monitor-answer-slo-slow-burn-quality")!.body;
    const lint = (change: (b: DatadogMonitor) => void) => {
      const body = structuredClone(slow);
      change(body);
      return lintMonitor(body, { contract: catalog.contract, stack: catalog.stack, slos }).join("\n");
    };
    const q = (windows: string, threshold = "14.4") => `burn_rate("x").over("30d")${windows} > ${threshold}`;

    it.each<[string, (b: DatadogMonitor) => void, string]>([
      [
        "a long window over 48 h",
        (b) => {
          b.query = q('.long_window("72h").short_window("5m")');
        },
        "long_window 72h must be 1 h to 48 h",
      ],
      [
        "a short window as long as the long one",
        (b) => {
          b.query = q('.long_window("1h").short_window("60m")');
        },
        "short_window 60m must be shorter",
      ],
      [
        "a window the SLO has no target for",
        (b) => {
          b.query = `burn_rate("x").over("7d").long_window("1h").short_window("5m") > 14.4`;
        },
        'over("7d") is not the window of its SLO (30d)',
      ],
      [
        "a burn rate above 1 / (1 - target)",
        (b) => {
          b.query = q('.long_window("1h").short_window("5m")', "25");
          b.options.thresholds = { critical: 25 };
        },
        "burn rate threshold 25 is above the maximum 1 / (1 - target) = 20.00",
      ],
      [
        "a missing-data option",
        (b) => {
          b.options.on_missing_data = "show_no_data";
        },
        "options.on_missing_data is not available on a slo alert monitor",
      ],
      [
        "an unknown query form",
        (b) => {
          b.query = 'sli("x").over("30d") > 1';
        },
        "query must be burn_rate(",
      ],
      [
        "no objective tag",
        (b) => {
          b.tags = b.tags.filter((t) => !t.startsWith("objective:"));
        },
        'a slo alert needs "objective:<objective>"',
      ],
      [
        "no SLO of the stack behind it",
        (b) => {
          b.tags = b.tags.map((t) => (t === "feature:answer" ? "feature:nothing" : t));
        },
        "watches no SLO of this stack tagged feature:nothing objective:quality",
      ],
      [
        "a metric monitor type",
        (b) => {
          b.type = "query alert";
        },
        'type must be "slo alert" (or a composite of one) for kind "slo-slow-burn"',
      ],
    ])("%s", (_, change, problem) => {
      expect(lint(change)).toContain(problem);
    });
  });
});

describe("the program and its plan", () => {
  let prod: Plan;
  let staging: Plan;
  beforeAll(async () => {
    // One at a time: the Pulumi mocks are process-wide.
    prod = await synthFixture("prod");
    staging = await synthFixture("staging");
  });

  it("Creates three SLOs per feature, and every SLO monitor watches its own SLO by the id Datadog gives it.", () => {
    const slos = slosOf(prod);
    expect(slos.map((s) => s.id).sort()).toEqual(
      fixtureFeatures()
        .flatMap((f) => SLO_OBJECTIVES.map((o) => sloResourceName(f.id, o)))
        .sort(),
    );
    const sloMonitors = monitorsOf(prod).filter((m) => m.body.type === "slo alert");
    expect(sloMonitors).toHaveLength(slos.length * sloKinds().length);
    for (const m of sloMonitors) {
      const name = sloResourceName(tagValue(m.body.tags, RESOURCE_TAG.feature)!, tagValue(m.body.tags, RESOURCE_TAG.objective)!);
      // Under mocks a resource's id is `<name>-id` (tools/mocks.ts): the query holds the SLO's id output, no placeholder.
      expect(m.body.query).toMatch(new RegExp(`^(burn_rate|error_budget)\\("${name}-id"\\)`));
      expect(referencedSlos(m.body.query)).toEqual([]);
    }
  });

  it("Resolves every SLO widget to an SLO of the stack, and keeps the number of dashboards.", () => {
    const dashboards = dashboardsOf(prod);
    expect(dashboards.map((d) => d.id).sort()).toEqual(["cost", "latency", "overview", "quality", "tenant"]);
    const ids = new Set(slosOf(prod).map((s) => `${s.id}-id`));
    const sloIds = dashboards.flatMap((d) => [...JSON.stringify(d.body).matchAll(/"slo_id":"([^"]+)"/g)].map((m) => m[1]));
    expect(sloIds.length).toBeGreaterThan(0);
    for (const id of sloIds) expect(ids.has(id), id).toBe(true);
  });

  it.each(["prod", "staging"] as const)("Passes every synth check on the fixture %s stack.", (stack) => {
    expect(verifyPlan(stack === "prod" ? prod : staging, fixtureCatalog(stack))).toEqual([]);
    expect(sloBodiesOf(stack === "prod" ? prod : staging)).toHaveLength(6);
  });

  it("Keeps the SLOs on staging, where no SLO monitor reaches PagerDuty.", () => {
    expect(slosOf(staging)).toHaveLength(6);
    for (const m of monitorsOf(staging).filter((x) => x.body.type === "slo alert")) {
      for (const to of ["alert", "warn", "ok"] as const)
        expect(handlesFor(m.body.message, { from: to === "ok" ? "alert" : "ok", to }).some(isPagerdutyHandle)).toBe(false);
    }
  });

  it("Shows each SLO on the preview page with its target, window and error budget, and counts them in synth's summary.", () => {
    const html = renderPreview(prod, { catalog: fixtureCatalog("prod") });
    expect(html).toMatch(/<tr data-slo="slo-answer-availability">.*<td>99\.5 % over 30d<\/td><td>3 h 36 min<\/td><td>search<\/td>/);
    expect(summarize(prod, fixtureCatalog("prod"), [], "out/prod")).toContain("SLOs: 6 (2 availability, 2 latency, 2 quality)");
  });

  it("Refuses a monitor that watches an SLO the program did not create, before registering anything.", () => {
    const definitions = buildMonitors(fixtureCatalog("prod")).filter((m) => m.body.type === "slo alert");
    const urls = Object.fromEntries(["quality", "cost", "latency", "tenant", "overview"].map((id) => [id, `https://x/${id}`]));
    expect(() => new Monitors("monitors", { definitions, dashboardUrls: urls, sloIds: {} })).toThrow(
      /monitor monitor-answer-slo-fast-burn-availability-burn watches SLOs that are not created: slo-answer-availability/,
    );
  });
});

describe("the org's tag configurations", () => {
  const prod = legalCatalog("prod");
  const sloEvents = prod.contract.metrics.sloEvents.name;
  const configurations = stackTagConfigurations(prod);

  it("keep queryable every tag an SLO query filters on, derived from the SLOs themselves", () => {
    const byMetric = new Map(configurations.map((c) => [c.metricName, c.tags]));
    for (const s of buildSlos(prod)) {
      for (const side of [s.body.query.numerator, s.body.query.denominator]) {
        for (const term of extractMetricTerms(side)) {
          for (const entry of term.scope) expect(byMetric.get(term.metric), `${s.id} ${entry}`).toContain(scopeTagKey(entry).tag);
        }
      }
    }
    expect(byMetric.get(sloEvents)).toEqual(["env", "feature", "objective", "verdict"]);
  });

  it("are what another stack's SLOs are checked against: without verdict, every good-events query of staging breaks", () => {
    const staging: PlanResources = {
      stack: "staging",
      resources: buildSlos(legalCatalog("staging")).map((s) => ({
        type: TYPE.serviceLevelObjective,
        name: s.id,
        inputs: { ...toSloInputs(s.body) } as Record<string, unknown>,
      })),
    };
    const org = (drop: string): PlanResources => ({
      stack: "prod",
      resources: configurations.map((c) => ({
        type: TYPE.metricTagConfiguration,
        name: c.metricName,
        inputs: tagConfigurationInputs({ ...c, tags: c.tags.filter((t) => !(c.metricName === sloEvents && t === drop)) }),
      })),
    });
    expect(checkAgainstOrg(staging, org("none"))).toEqual([]);
    const breaches = checkAgainstOrg(staging, org("verdict"));
    const sloFeatures = legalCatalog("staging").features.filter((f) => featureSlo(f, legalCatalog("staging").stack));
    expect(new Set(breaches.map((b) => `${b.resource} ${b.field}`))).toEqual(
      new Set(sloFeatures.flatMap((f) => ["latency", "quality"].map((o) => `${sloResourceName(f.id, o)} query.numerator`))),
    );
  });
});

describe("the SLO group on the dashboards", () => {
  const catalog = legalCatalog("prod");
  const dashboards = buildDashboards(catalog);
  const group = (id: string) =>
    (
      dashboards.find((d) => d.id === id)!.body.widgets as {
        definition: { title?: string; widgets?: { definition: Record<string, unknown> }[] };
      }[]
    )
      .map((w) => w.definition)
      .find((d) => d.title?.startsWith("Service-level objectives"));

  it.each(["overview", "quality", "cost", "latency"])(
    "The %s dashboard shows status, budget left and the burn rate of every objective.",
    (id) => {
      const children = group(id)!.widgets!.map((w) => w.definition);
      expect(children[0]).toMatchObject({
        type: "slo_list",
        requests: [{ request_type: "slo_list", query: { query_string: "service:llm-observability AND $env AND $feature" } }],
      });
      const burn = children.slice(1);
      expect(burn.map((d) => d.title)).toEqual(
        SLO_OBJECTIVES.map((o) => expect.stringContaining(`${o[0].toUpperCase()}${o.slice(1)} SLO burn rate`)),
      );
      for (const d of burn) {
        const queries = (d.requests as { queries: Record<string, unknown>[] }[])[0].queries;
        expect(queries).toHaveLength(catalog.features.filter((f) => featureSlo(f, catalog.stack)).length);
        for (const q of queries)
          expect(q).toMatchObject({ data_source: "slo", measure: "burn_rate", additional_query_filters: "$feature,$env" });
        expect((d.markers as { value: string }[]).map((m) => m.value)).toContain(`y = ${BURN_ALERTS["30d"].fast.rate}`);
      }
    },
  );

  it("The tenant view has none: SLOs are per feature.", () => {
    expect(group("tenant")).toBeUndefined();
  });

  it("Datadog's schema rejects a misspelt SLO measure, so the SLO widgets' pass means something.", () => {
    const body = structuredClone(dashboards.find((d) => d.id === "overview")!.body);
    const text = JSON.stringify(body).replace('"measure":"burn_rate"', '"measure":"burnrate"');
    expect(validateDashboard(JSON.parse(text)).length).toBeGreaterThan(0);
    expect(validateDashboard(body)).toEqual([]);
  });

  it("The dashboard lint reports an SLO list that searches an undeclared variable.", () => {
    const body = structuredClone(dashboards.find((d) => d.id === "overview")!.body);
    const text = JSON.stringify(body).replace("AND $feature", "AND $team");
    expect(lintDashboard(JSON.parse(text), catalog.contract).join("\n")).toContain("$team is not a template variable");
  });
});

describe("the review says SLO changes in words", () => {
  // The fixture catalog with its first feature named as in the issue.
  const features = (slo?: Record<string, unknown>): FeatureInput[] =>
    fixtureFeatures().map((f, i) =>
      i === 0 ? { ...f, id: "extract-clause", name: "Clause extraction", ...(slo !== undefined ? { slo } : {}) } : f,
    );
  // The base, synthesized once: the documented defaults (99.5 % availability over 30 days).
  let base: Plan;
  beforeAll(async () => {
    base = await synthFixture("prod", { features: features() });
  });
  const diff = async (after: Record<string, unknown>) => {
    const head = await synthFixture("prod", { features: features(after) });
    return renderMarkdown([comparePlans(base, head)], { baseLabel: "base", headLabel: "head" }).markdown;
  };

  it("A target change reads as the issue wrote it, error budget and window included.", async () => {
    const md = await diff({ availability: 99.9 });
    expect(md.split("\n")).toContain(
      "- `extract-clause`: availability SLO of Clause extraction moves from 99.5 % to 99.9 %: error budget from 3 h 36 min to 43 min " +
        "per 30 days.",
    );
  });

  it("A window change says both budgets, each over its own window.", async () => {
    const md = await diff({ window: "7d" });
    expect(md).toContain(
      "availability SLO of Clause extraction moves from a 30-day to a 7-day window: error budget from 3 h 36 min per 30 days to " +
        "50 min per 7 days",
    );
  });

  it("Opting out says which SLOs and monitors go.", async () => {
    const md = await diff(false as unknown as Record<string, unknown>);
    expect(md).toContain("availability SLO of Clause extraction is removed (was 99.5 % over 30 days)");
    expect(md).toContain("loses 3 SLOs (`slo-extract-clause-availability`, `slo-extract-clause-latency`, `slo-extract-clause-quality`)");
  });
});
