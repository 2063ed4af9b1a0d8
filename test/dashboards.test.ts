import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { queryableTags, STATUS_VALUES, TAG } from "../config/contract";
import { metricQuery } from "../config/query";
import { dashboardUrlPlaceholder, referencedDashboards, resolveDashboardUrls, traceUrl } from "../config/links";
import type { Catalog } from "../config/validate";
import { linkOrder } from "../dashboards/component";
import type { DashboardDefinition } from "../dashboards/definition";
import { buildDashboards, DASHBOARD_IDS, stableWidgetId } from "../dashboards";
import { GRID_COLUMNS, layoutWidgets, type PlacedWidget } from "../dashboards/layout";
import { allOf, appliedVariables, DASHBOARD_VARIABLES } from "../dashboards/variables";
import { formula, type MetricQuery, type Query, queryValue, timeseries, type WidgetSpec } from "../dashboards/widgets";
import { generatedFeatures } from "./helpers";
import { legalCatalog, legalFeatures, LEGAL_STACKS } from "./fixtures/legal";

type Def = Record<string, unknown> & { type: string; title?: string };
type Widget = PlacedWidget & { definition: Def };

const prod = legalCatalog("prod");
const built = buildDashboards(prod);

function dashboard(id: string, defs: DashboardDefinition[] = built): DashboardDefinition {
  const d = defs.find((x) => x.id === id);
  if (!d) throw new Error(`no dashboard ${id}`);
  return d;
}

/** Every widget, groups and their children included, in reading order. */
function allWidgets(d: DashboardDefinition): Widget[] {
  const out: Widget[] = [];
  const visit = (ws: unknown[]) =>
    (ws as Widget[]).forEach((w) => {
      out.push(w);
      if (w.definition.type === "group") visit(w.definition.widgets as unknown[]);
    });
  visit(d.body.widgets);
  return out;
}

function widget(dashboardId: string, key: string, defs: DashboardDefinition[] = built): Def {
  const id = stableWidgetId(dashboardId, key);
  const w = allWidgets(dashboard(dashboardId, defs)).find((x) => x.id === id);
  if (!w) throw new Error(`no widget ${key} in ${dashboardId}`);
  return w.definition;
}

/** Every query of every request (an SLO list's request holds a search string, not queries). */
function queries(def: Def): Query[] {
  return (def.requests as { queries?: Query[] }[]).flatMap((r) => r.queries ?? []);
}
function metricQueries(def: Def): MetricQuery[] {
  return queries(def).filter((q): q is MetricQuery => q.data_source === "metrics");
}
function formulas(def: Def): string[] {
  return (def.requests as { formulas: { formula: string }[] }[]).flatMap((r) => r.formulas.map((f) => f.formula));
}
function markers(def: Def): string[] {
  return ((def.markers ?? []) as { value: string }[]).map((m) => m.value);
}
function links(def: Def): string[] {
  return ((def.custom_links ?? []) as { link: string }[]).map((l) => l.link);
}

const features = prod.features;
const contract = prod.contract;
const metricName = (k: keyof typeof contract.metrics) => contract.metrics[k].name;

describe("the dashboard set", () => {
  it("is exactly the five pinned dashboards, in a fixed order", () => {
    expect(built.map((d) => d.id)).toEqual(["quality", "cost", "latency", "tenant", "overview"]);
    expect([...DASHBOARD_IDS]).toEqual(built.map((d) => d.id));
  });

  it("does not grow with the catalog: 200 generated features still give the same five dashboards and the same widgets", () => {
    const big = legalCatalog("prod", { features: generatedFeatures(200) });
    const defs = buildDashboards(big);
    expect(defs.map((d) => d.id)).toEqual(built.map((d) => d.id));
    for (const d of defs) expect(allWidgets(d).length, d.id).toBe(allWidgets(dashboard(d.id)).length);
    // Per-feature rows come from `by {feature}`; only threshold comparisons hold one query per feature.
    expect(metricQueries(widget("cost", "cost/budget-use", defs))).toHaveLength(200);
    expect(metricQueries(widget("cost", "cost/spend-daily-by-feature", defs))).toHaveLength(1);
  });

  it.each(LEGAL_STACKS)("tags every %s dashboard with the platform team and opens env on the stack's environment", (stack) => {
    const catalog = legalCatalog(stack);
    for (const d of buildDashboards(catalog)) {
      expect(d.body.tags).toEqual([`team:${catalog.stack.platformTeam}`]);
      expect(d.body.title).toContain(catalog.stack.env);
      const env = d.body.template_variables?.find((v) => v.name === TAG.env);
      expect(env?.defaults).toEqual([catalog.stack.env]);
    }
  });

  it("declares feature, tenant, provider and env on every dashboard, each named after its tag key", () => {
    for (const d of built) {
      const vars = d.body.template_variables ?? [];
      expect(vars.map((v) => v.name)).toEqual([TAG.feature, TAG.tenant, TAG.provider, TAG.env]);
      for (const v of vars) expect(v.prefix).toBe(v.name);
      expect(vars.find((v) => v.name === TAG.feature)?.available_values).toEqual(features.map((f) => f.id));
    }
  });

  it("opens every dashboard with the quality / cost / latency strip", () => {
    for (const d of built) {
      const first = d.body.widgets[0] as Widget;
      expect(first.id).toBe(stableWidgetId(d.id, "triple"));
      const tiles = (first.definition.widgets as Widget[]).map((w) =>
        metricQueries(w.definition)
          .map((q) => q.query)
          .join(" "),
      );
      expect(tiles.some((q) => q.includes(metricName("judgeScore")))).toBe(true);
      expect(tiles.some((q) => q.includes(metricName("cost")))).toBe(true);
      expect(tiles.some((q) => q.includes(metricName("ttft")))).toBe(true);
      expect(tiles.some((q) => q.includes(metricName("duration")))).toBe(true);
    }
  });

  it("uses only modern queries + formulas requests", () => {
    for (const d of built) {
      for (const w of allWidgets(d)) {
        for (const r of (w.definition.requests ?? []) as Record<string, unknown>[]) {
          expect(Object.keys(r)).not.toContain("q");
          // The SLO list widget's one request is a search over SLO tags (API SLOListWidgetRequest).
          if (w.definition.type === "slo_list")
            expect(r).toMatchObject({ request_type: "slo_list", query: { query_string: expect.any(String) } });
          else expect(Array.isArray(r.queries) && Array.isArray(r.formulas)).toBe(true);
        }
      }
    }
  });
});

describe("the quality dashboard", () => {
  it("shows the judge score per feature with its 7-day moving average", () => {
    const w = widget("quality", "quality/score-by-feature");
    expect(metricQueries(w)[0].query).toMatch(
      new RegExp(`^avg:${metricName("judgeScore").replace(/\./g, "\\.")}\\{.*\\} by \\{feature\\}$`),
    );
    expect(formulas(w)).toContain("moving_rollup(score, 604800, 'avg')");
  });

  it("shows the week-over-week change per feature over the last week", () => {
    const w = widget("quality", "quality/week-over-week");
    expect(w.time).toEqual({ live_span: "1w" });
    expect(formulas(w)).toEqual(["score", "week_before(score)", "score - week_before(score)"]);
  });

  it("highlights each feature's change against its own allowed drop, on one marker at -100%", () => {
    const w = widget("quality", "quality/week-over-week-vs-allowed");
    expect(metricQueries(w).map((q) => q.query)).toEqual(features.map((f) => expect.stringContaining(`feature:${f.id}`)));
    expect(formulas(w).map((f) => f.split(" / ").pop())).toEqual(features.map((f) => String(f.quality.maxWeeklyDropPoints)));
    expect(markers(w)).toContain("y = -100");
  });

  it("lists the bottom 20 judged traces of the week from the judge log, each linking to the trace tool", () => {
    const w = widget("quality", "quality/bottom-traces");
    const [q] = queries(w);
    const { judgeLog } = contract;
    expect(q).toMatchObject({
      data_source: "logs",
      compute: { aggregation: "avg", metric: `@${judgeLog.attributes.score}` },
      group_by: [
        {
          facet: `@${judgeLog.attributes.traceId}`,
          limit: 20,
          sort: { aggregation: "avg", metric: `@${judgeLog.attributes.score}`, order: "asc" },
        },
      ],
    });
    expect(q.data_source === "logs" && q.search.query).toContain(`service:${judgeLog.service}`);
    expect(w.time).toEqual({ live_span: "1w" });
    expect(links(w)).toEqual([traceUrl(prod.stack.traceTool, `{{@${judgeLog.attributes.traceId}.value}}`)]);
    expect(links(w)[0]).toMatch(/^https:\/\/cloud\.langfuse\.com\/project\/cm0legalprod01\/traces\/\{\{@trace_id\.value\}\}$/);
  });

  it("builds Braintrust trace links when the stack uses Braintrust", () => {
    const catalog: Catalog = {
      ...prod,
      stack: {
        ...prod.stack,
        traceTool: { kind: "braintrust", baseUrl: "https://www.braintrust.dev", projectId: "legal", organization: "acme" },
      },
    };
    const w = widget("quality", "quality/bottom-traces", buildDashboards(catalog));
    expect(links(w)).toEqual(["https://www.braintrust.dev/app/acme/p/legal/logs?r={{@trace_id.value}}"]);
  });

  it("lists the lowest-scoring tenants with how many traces back each score, linking to the tenant view", () => {
    const w = widget("quality", "quality/lowest-tenants");
    expect(metricQueries(w).map((q) => q.query)).toEqual([
      expect.stringMatching(/^avg:llm\.judge\.score\{.*\} by \{tenant\}$/),
      expect.stringMatching(/^count:llm\.judge\.score\{.*\} by \{tenant\}$/),
    ]);
    expect((w.requests as { formulas: { limit?: unknown }[] }[])[0].formulas[0].limit).toEqual({ count: 10, order: "asc" });
    expect(links(w)[0]).toMatch(new RegExp(`^${dashboardUrlPlaceholder("tenant")}\\?.*tpl_var_tenant=\\{\\{tenant\\.value\\}\\}`));
  });

  it("measures judged-sample coverage as judged / requests against each feature's own sample rate", () => {
    const w = widget("quality", "quality/coverage");
    expect(formulas(w)).toEqual(
      features.map((f) => `100 * (j_${f.id.replace(/-/g, "_")} / r_${f.id.replace(/-/g, "_")}) / ${f.quality.judgeSampleRate}`),
    );
    expect(markers(w)).toEqual(["y = 100"]);
    // Judge scores carry no provider tag, so neither side of the ratio may apply $provider.
    for (const q of metricQueries(w)) expect(q.query).not.toContain("$provider");
  });
});

describe("the cost dashboard", () => {
  it.each([
    ["cost/spend-daily-total", null],
    ["cost/spend-daily-by-feature", TAG.feature],
    ["cost/spend-daily-by-tenant", TAG.tenant],
  ])("shows $/day (%s) as daily sums of spend", (key, by) => {
    const [q] = metricQueries(widget("cost", key));
    expect(q.query).toMatch(/^sum:llm\.cost\.usd\{[^}]*\}/);
    expect(q.query).toMatch(/\.as_count\(\)\.rollup\(sum, 86400\)$/);
    if (by) expect(q.query).toContain(` by {${by}}`);
    else expect(q.query).not.toContain(" by ");
  });

  it("ranks the top 10 tenants by spend, each linking to the tenant view for that tenant", () => {
    const w = widget("cost", "cost/top-tenants");
    expect(w.type).toBe("toplist");
    expect((w.requests as { sort: unknown }[])[0].sort).toEqual({ count: 10, order_by: [{ type: "formula", index: 0, order: "desc" }] });
    expect(links(w)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${dashboardUrlPlaceholder("tenant")}\\?tpl_var_feature=\\{\\{\\$feature\\.value\\}\\}&` +
            "tpl_var_tenant=\\{\\{tenant\\.value\\}\\}&",
        ),
      ),
    ]);
  });

  it("computes $/answer per feature as spend over successful requests, with its trend and last week's value", () => {
    for (const key of ["cost/cost-per-answer", "cost/cost-per-answer-week"]) {
      const w = widget("cost", key);
      const [spend, answers] = metricQueries(w);
      expect(spend.query).toContain("sum:llm.cost.usd{");
      expect(answers.query).toContain(`${TAG.status}:${STATUS_VALUES[0]}`);
      expect(formulas(w)[0]).toBe("spend / answers");
    }
    expect(formulas(widget("cost", "cost/cost-per-answer-week"))).toContain("(week_before(spend) / week_before(answers))");
  });

  it("shows each feature's spend as a % of its own budget, with markers at 100% and 200%", () => {
    const w = widget("cost", "cost/budget-use");
    expect(formulas(w)).toEqual(features.map((f) => `100 * f_${f.id.replace(/-/g, "_")} / ${f.budgetUsdPerDay}`));
    expect(markers(w)).toEqual(["y = 100", "y = 200"]);
  });
});

describe("the latency dashboard", () => {
  it.each([
    ["ttft", "ttft", (f: (typeof features)[number]) => f.latency.ttftP95Ms],
    ["total", "duration", (f: (typeof features)[number]) => f.latency.totalP95Ms],
  ] as const)("shows p50/p95/p99 %s per feature with every feature's threshold marked", (slug, key, threshold) => {
    const w = widget("latency", `latency/${slug}-percentiles`);
    expect(metricQueries(w).map((q) => q.query.split(":")[0])).toEqual(["p50", "p95", "p99"]);
    for (const q of metricQueries(w)) expect(q.query).toContain(`${metricName(key)}{`);
    expect(new Set(markers(w))).toEqual(new Set(features.map((f) => `y = ${threshold(f)}`)));
    const vs = widget("latency", `latency/${slug}-vs-threshold`);
    expect(formulas(vs)).toEqual(features.map((f) => `100 * f_${f.id.replace(/-/g, "_")} / ${threshold(f)}`));
    expect(markers(vs)).toEqual(["y = 100"]);
  });

  it("attributes requests, cost and waiting time to providers as shares", () => {
    const w = widget("latency", "latency/provider-attribution");
    expect(formulas(w)).toEqual(["100 * req / req_all", "100 * cost / cost_all", "100 * wait / wait_all", "p95"]);
    expect(
      metricQueries(w)
        .filter((q) => q.query.includes(" by {provider}"))
        .map((q) => q.name),
    ).toEqual(["req", "cost", "wait", "p95"]);
  });

  it("shows the error rate per provider against the provider alert level", () => {
    const w = widget("latency", "latency/provider-error-rate");
    const [errors, all] = metricQueries(w);
    expect(errors.query).toContain(`${TAG.status}:${STATUS_VALUES[1]}`);
    expect(errors.query).toContain("by {provider}");
    expect(all.query).toContain("by {provider}");
    expect(formulas(w)).toEqual(["100 * errors / reqs"]);
    expect(markers(w)).toEqual([`y = ${prod.stack.monitoring.providerErrorRatePct}`]);
  });
});

describe("the tenant view", () => {
  it("shows the tenant's cost per day and per feature", () => {
    expect(metricQueries(widget("tenant", "tenant/spend-daily"))[0].query).toContain("$tenant");
    expect(metricQueries(widget("tenant", "tenant/spend-daily-by-feature"))[0].query).toMatch(/\$tenant.* by \{feature\}/);
  });

  it("compares the selected tenant with the top 10 spenders, which look across all tenants", () => {
    const w = widget("tenant", "tenant/vs-top-spenders");
    const [top, selected] = metricQueries(w);
    expect(top.query).not.toContain("$tenant");
    expect(top.query).toContain("by {tenant}");
    expect(selected.query).toContain("$tenant");
    expect(w.title).toContain(allOf(TAG.tenant));
  });

  it("flags spend more than 3 deviations above the tenant's normal, and tenants unlike their peers", () => {
    expect(formulas(widget("tenant", "tenant/spend-anomalies"))).toEqual(["anomalies(spend, 'agile', 3)"]);
    expect(formulas(widget("tenant", "tenant/spend-outliers"))).toEqual(["outliers(spend, 'MAD', 3)"]);
  });

  it("shows quality, feature-flag state, volume, errors and latency", () => {
    expect(metricQueries(widget("tenant", "tenant/quality-by-feature"))[0].query).toContain(metricName("judgeScore"));
    const flags = widget("tenant", "tenant/flag-state");
    expect(
      metricQueries(flags)
        .filter((q) => q.query.includes(" by {"))
        .map((q) => /by \{(\w+)\}/.exec(q.query)?.[1]),
    ).toEqual(Object.values(contract.flagTags));
    expect(metricQueries(widget("tenant", "tenant/volume-by-feature"))[0].query).toContain(metricName("requests"));
    expect(formulas(widget("tenant", "tenant/error-rate-by-feature"))).toEqual(["100 * errors / reqs"]);
    const latency = widget("tenant", "tenant/latency-by-feature");
    for (const q of metricQueries(latency)) expect(q.query).not.toContain("$tenant");
    expect(latency.title).toContain(allOf(TAG.tenant));
  });

  it("shows a note instead of an empty flag graph when no feature has flags", () => {
    const bare = legalFeatures().map((f) => ({ ...f, flags: [] }));
    const w = widget("tenant", "tenant/flag-state", buildDashboards(legalCatalog("prod", { features: bare })));
    expect(w.type).toBe("note");
  });
});

describe("the overview", () => {
  it("puts quality, cost and latency per feature side by side, linking each row to the three dashboards", () => {
    const w = widget("overview", "overview/triple-by-feature");
    const q = metricQueries(w)
      .map((x) => x.query)
      .join(" ");
    for (const k of ["judgeScore", "cost", "ttft", "duration", "requests"] as const) expect(q).toContain(metricName(k));
    for (const x of metricQueries(w)) expect(x.query).toContain("by {feature}");
    expect(links(w).map((l) => referencedDashboards(l))).toEqual([["quality"], ["cost"], ["latency"]]);
    for (const l of links(w)) expect(l).toContain("tpl_var_feature={{feature.value}}");
  });

  it("links to the quality, cost, latency and tenant dashboards", () => {
    expect(referencedDashboards(JSON.stringify(dashboard("overview").body))).toEqual(["cost", "latency", "quality", "tenant"]);
  });
});

describe("template variables", () => {
  const scopedWidgets = built.flatMap((d) =>
    allWidgets(d)
      .filter((w) => w.definition.requests)
      .map((w) => ({ d, w })),
  );

  it("are applied by every metric query whose metric carries the tag, unless the title says the widget looks across them", () => {
    const missing: string[] = [];
    for (const { d, w } of scopedWidgets) {
      for (const q of metricQueries(w.definition)) {
        const name = /^\w+:([\w.]+)\{/.exec(q.query)?.[1];
        const def = Object.values(contract.metrics).find((m) => m.name === name)!;
        for (const v of DASHBOARD_VARIABLES) {
          if (!queryableTags(contract, def).includes(v) || q.query.includes(`$${v}`)) continue;
          if (!String(w.definition.title).includes(allOf(v))) missing.push(`${d.id}: "${w.definition.title}" ${q.query}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it("are never applied to a metric that lacks the tag, so selecting a tenant cannot blank a latency graph", () => {
    for (const { w } of scopedWidgets) {
      for (const q of metricQueries(w.definition)) {
        const name = /^\w+:([\w.]+)\{/.exec(q.query)?.[1];
        const def = Object.values(contract.metrics).find((m) => m.name === name)!;
        for (const v of appliedVariables(q)) expect(queryableTags(contract, def), q.query).toContain(v);
      }
    }
    expect(metricQueries(widget("latency", "latency/ttft-percentiles"))[0].query).toBe(
      metricQuery(contract, contract.metrics.ttft, {
        aggregation: "p50",
        templateVariables: [TAG.feature, TAG.provider, TAG.env],
        by: [TAG.feature],
      }),
    );
  });

  it("make a widget title name every variable that one of its queries ignores", () => {
    for (const { w } of scopedWidgets) {
      for (const v of DASHBOARD_VARIABLES) {
        if (queries(w.definition).some((q) => !appliedVariables(q).has(v))) expect(w.definition.title).toContain(allOf(v));
      }
    }
    expect(widget("overview", "overview/triple-by-feature").title).toBe(
      "Quality, cost and latency per feature (latency: all tenants; quality: all providers)",
    );
    expect(widget("cost", "cost/budget-use").title).not.toContain("(");
  });
});

describe("layout", () => {
  const everyCatalog = [
    ...LEGAL_STACKS.map((s) => [`legal ${s}`, buildDashboards(legalCatalog(s))] as const),
    ["200 generated features", buildDashboards(legalCatalog("prod", { features: generatedFeatures(200) }))] as const,
  ];

  it.each(everyCatalog)("keeps every widget of the %s dashboards inside 12 columns, with no two overlapping", (_, defs) => {
    const check = (ws: Widget[], where: string) => {
      ws.forEach((a, i) => {
        expect(a.layout.x + a.layout.width, where).toBeLessThanOrEqual(GRID_COLUMNS);
        expect(a.layout.width).toBeGreaterThan(0);
        expect(a.layout.height).toBeGreaterThan(0);
        for (const b of ws.slice(i + 1)) {
          const apart =
            a.layout.x + a.layout.width <= b.layout.x ||
            b.layout.x + b.layout.width <= a.layout.x ||
            a.layout.y + a.layout.height <= b.layout.y ||
            b.layout.y + b.layout.height <= a.layout.y;
          expect(apart, `${where}: ${a.definition.title} overlaps ${b.definition.title}`).toBe(true);
        }
        if (a.definition.type === "group") {
          const inner = a.definition.widgets as Widget[];
          check(inner, `${where} > ${a.definition.title}`);
          const bottom = Math.max(...inner.map((w) => w.layout.y + w.layout.height));
          expect(a.layout.height, `group ${a.definition.title} holds its children`).toBeGreaterThan(bottom);
        }
      });
    };
    for (const d of defs) check(d.body.widgets as Widget[], d.id);
  });

  it("flows widgets left to right and wraps to a new row when the next one does not fit", () => {
    const box = (key: string, width: number, height = 2) => ({ key, width, height, definition: { type: "note", content: key } });
    const placed = layoutWidgets("t", [box("a", 6), box("b", 6, 3), box("c", 4), box("d", 8), box("e", 12)]);
    expect(placed.map((w) => w.layout)).toEqual([
      { x: 0, y: 0, width: 6, height: 2 },
      { x: 6, y: 0, width: 6, height: 3 },
      { x: 0, y: 3, width: 4, height: 2 },
      { x: 4, y: 3, width: 8, height: 2 },
      { x: 0, y: 5, width: 12, height: 2 },
    ]);
  });

  it.each([
    ["a widget wider than the grid", [{ key: "wide", width: 13, height: 2, definition: { type: "note", content: "" } }], /13 columns wide/],
    ["a zero-height widget", [{ key: "flat", width: 4, height: 0, definition: { type: "note", content: "" } }], /height 0/],
    [
      "two widgets with one key",
      [
        { key: "same", width: 4, height: 2, definition: { type: "note", content: "" } },
        { key: "same", width: 4, height: 2, definition: { type: "note", content: "" } },
      ],
      /duplicate widget key "same"/,
    ],
  ] as [string, WidgetSpec[], RegExp][])("rejects %s", (_, specs, message) => {
    expect(() => layoutWidgets("t", specs)).toThrow(message);
  });
});

describe("widget identity", () => {
  it("derives each widget id from the first 13 hex digits of sha256(<dashboard id>/<key>)", () => {
    const expected = Number.parseInt(createHash("sha256").update("cost/cost/budget-use").digest("hex").slice(0, 13), 16);
    expect(stableWidgetId("cost", "cost/budget-use")).toBe(expected);
    expect(Number.isSafeInteger(expected) && expected > 0).toBe(true);
    expect(stableWidgetId("quality", "triple")).not.toBe(stableWidgetId("cost", "triple"));
  });

  it("keeps every other widget's id when a widget is inserted", () => {
    const box = (key: string) => ({ key, width: 4, height: 2, definition: { type: "note", content: key } });
    const before = layoutWidgets("cost", [box("a"), box("b"), box("c")]);
    const after = layoutWidgets("cost", [box("a"), box("new"), box("b"), box("c")]);
    const ids = (ws: PlacedWidget[]) => Object.fromEntries(ws.map((w) => [w.definition.content, w.id]));
    expect(ids(after)).toMatchObject(ids(before));
    expect(after).toHaveLength(4);
  });

  it("gives widgets ids unique within each dashboard and unchanged by adding a feature or renaming one", () => {
    const idsOf = (defs: DashboardDefinition[]) => defs.map((d) => allWidgets(d).map((w) => w.id));
    for (const ids of idsOf(built)) expect(new Set(ids).size).toBe(ids.length);
    const renamed = legalFeatures().map((f) => ({ ...f, name: `${f.name} (renamed)` }));
    const added = [...legalFeatures(), { ...legalFeatures()[0], id: "redline-diff", name: "Redline diff" }];
    expect(idsOf(buildDashboards(legalCatalog("prod", { features: renamed })))).toEqual(idsOf(built));
    expect(idsOf(buildDashboards(legalCatalog("prod", { features: added })))).toEqual(idsOf(built));
  });
});

describe("cross-dashboard links", () => {
  it("only point at dashboards that exist and never form a cycle", () => {
    const order = linkOrder(built).map((d) => d.id);
    for (const d of built) {
      for (const target of referencedDashboards(JSON.stringify(d.body))) {
        expect(DASHBOARD_IDS as readonly string[]).toContain(target);
        expect(order.indexOf(target), `${target} is created before ${d.id}`).toBeLessThan(order.indexOf(d.id));
      }
    }
    expect(referencedDashboards(JSON.stringify(dashboard("tenant").body))).toEqual([]);
  });

  it("resolve to the real dashboard URLs, leaving no placeholder behind", () => {
    const urls = Object.fromEntries(DASHBOARD_IDS.map((id) => [id, `https://app.datadoghq.com/dashboard/${id}-123`]));
    for (const d of built) {
      const text = resolveDashboardUrls(JSON.stringify(d.body), urls);
      expect(text).not.toContain("@@dashboard-url");
      expect(() => JSON.parse(text)).not.toThrow();
    }
    const cost = JSON.parse(resolveDashboardUrls(JSON.stringify(dashboard("cost").body), urls));
    expect(JSON.stringify(cost)).toContain("https://app.datadoghq.com/dashboard/tenant-123?tpl_var_feature=");
  });
});

describe("widget factories", () => {
  it("refuse a scalar metric query without an aggregator, because Datadog would average a count", () => {
    const q: MetricQuery = { data_source: "metrics", name: "spend", query: "sum:llm.cost.usd{*}.as_count()" };
    expect(() => queryValue({ key: "x", title: "x", queries: [q], formula: formula("spend") })).toThrow(/needs an aggregator/);
  });

  it("refuse a timeseries without requests", () => {
    expect(() => timeseries({ key: "x", title: "x", requests: [] })).toThrow(/at least one request/);
  });

  it("count the values of a distribution but refuse count: on a count metric", () => {
    expect(metricQuery(contract, contract.metrics.judgeScore, { aggregation: "count" })).toBe("count:llm.judge.score{*}");
    expect(() => metricQuery(contract, contract.metrics.cost, { aggregation: "count" })).toThrow(/distributions only/);
  });
});
