import * as fs from "node:fs";
import { fromSchema } from "@openapi-contrib/openapi-schema-to-json-schema";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { load as loadYaml } from "js-yaml";
import { describe, expect, it } from "vitest";
import type { FeatureInput } from "../config/schema";
import { buildDashboards } from "../dashboards";
import { lintDashboard } from "../dashboards/lint";
import { dashboardsOf } from "../plan/dashboards";
import { SPEC_PATH, validateDashboard } from "../tools/datadog-spec";
import { legalCatalog, LEGAL_STACKS, synthLegal } from "./fixtures/legal";

const contract = legalCatalog("prod").contract;

/** What synth would send for one dashboard of a stack, URLs resolved by the component. */
async function sentDashboards(stack: (typeof LEGAL_STACKS)[number]) {
  return dashboardsOf(await synthLegal(stack));
}

function quality(): Record<string, unknown> {
  // A JSON round trip, like the wire: builders may share one query object between requests.
  return JSON.parse(JSON.stringify(buildDashboards(legalCatalog("prod"))[0].body)) as Record<string, unknown>;
}

/** The first non-group widget's definition, to break on purpose. */
function firstChart(body: Record<string, unknown>): Record<string, unknown> {
  const group = (body.widgets as { definition: { widgets: { definition: Record<string, unknown> }[] } }[])[1];
  return group.definition.widgets[0].definition;
}

describe.each(LEGAL_STACKS)("the %s dashboards as synth sends them", (stack) => {
  it("validate against Datadog's Dashboard schema and hold to the metric contract", async () => {
    const dashboards = await sentDashboards(stack);
    expect(dashboards.map((d) => d.id).sort()).toEqual(["cost", "latency", "overview", "quality", "tenant"]);
    for (const d of dashboards) {
      expect(validateDashboard(d.body), d.id).toEqual([]);
      expect(lintDashboard(d.body, contract), d.id).toEqual([]);
      expect(JSON.stringify(d.body)).not.toContain("@@dashboard-url");
    }
  });
});

describe("a catalog of 200 features", () => {
  it("still gives dashboards that validate and pass the lint", () => {
    const features: FeatureInput[] = Array.from({ length: 200 }, (_, i) => ({
      id: `feature-${i}`,
      name: `Feature ${i}`,
      owner: "platform",
      budgetUsdPerDay: 1 + i,
      providers: ["openai"],
      sentryProject: "p",
      flags: i % 25 === 0 ? [`flag-${i}`] : [],
    }));
    const catalog = legalCatalog("prod", { features });
    for (const d of buildDashboards(catalog)) {
      expect(validateDashboard(d.body), d.id).toEqual([]);
      expect(lintDashboard(d.body, catalog.contract), d.id).toEqual([]);
    }
  });
});

/**
 * The spec never sets additionalProperties:false, so a misspelt key (`custom_link`) passes
 * it and Datadog silently drops it. This closes every object schema of the spec (it uses no
 * allOf, so closing is sound) to prove the builders emit only keys Datadog declares.
 */
function closedDashboardSchema(): ValidateFunction {
  const close = (s: unknown): unknown => {
    if (Array.isArray(s)) return s.map(close);
    if (s === null || typeof s !== "object") return s;
    const o = Object.fromEntries(
      Object.entries(s).map(([k, v]) => [
        k,
        k === "properties" ? Object.fromEntries(Object.entries(v as object).map(([p, ps]) => [p, close(ps)])) : close(v),
      ]),
    ) as Record<string, unknown>;
    if (o.properties && o.additionalProperties === undefined) o.additionalProperties = false;
    return o;
  };
  const spec = loadYaml(fs.readFileSync(SPEC_PATH, "utf8")) as { components: { schemas: Record<string, object> } };
  const schemas = Object.fromEntries(
    Object.entries(spec.components.schemas).map(([n, s]) => [n, close(fromSchema(s as Parameters<typeof fromSchema>[0]))]),
  );
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: "dd-closed", components: { schemas } });
  return ajv.getSchema("dd-closed#/components/schemas/Dashboard")!;
}

describe("the generated JSON", () => {
  it("uses only keys that Datadog's schema declares, and a misspelt key is caught", () => {
    const closed = closedDashboardSchema();
    for (const d of buildDashboards(legalCatalog("prod"))) expect(closed(JSON.parse(JSON.stringify(d.body))), d.id).toBe(true);
    const typo = quality();
    const def = firstChart(typo);
    def.custom_link = def.custom_links ?? [];
    expect(validateDashboard(typo)).toEqual([]);
    expect(closed(typo)).toBe(false);
  });
});

describe("Datadog's schema validator", () => {
  it.each([
    [
      "a widget type Datadog does not have",
      (b: Record<string, unknown>) => (firstChart(b).type = "sparkline"),
      /unknown widget type "sparkline"/,
    ],
    [
      "a sort order spelled 'descending'",
      (b: Record<string, unknown>) => {
        const def = firstChart(b);
        def.type = "toplist";
        def.requests = [
          {
            response_format: "scalar",
            queries: [],
            formulas: [],
            sort: { count: 10, order_by: [{ type: "formula", index: 0, order: "descending" }] },
          },
        ];
      },
      /must be equal to one of the allowed values/,
    ],
    ["a dashboard without layout_type", (b: Record<string, unknown>) => delete b.layout_type, /layout_type/],
    [
      "six dashboard tags",
      (b: Record<string, unknown>) => (b.tags = ["team:a", "team:b", "team:c", "team:d", "team:e", "team:f"]),
      /must NOT have more than 5 items/,
    ],
  ])("rejects %s", (_, breakIt, message) => {
    const body = quality();
    expect(validateDashboard(body)).toEqual([]);
    breakIt(body);
    const errors = validateDashboard(body);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.map((e) => `${e.at}: ${e.message}`).join("\n")).toMatch(message);
  });
});

describe("the contract lint", () => {
  const setQuery = (body: Record<string, unknown>, query: string) => {
    const def = firstChart(body) as { requests: { queries: { query?: string }[] }[] };
    def.requests[0].queries[0].query = query;
  };
  const chart = 'widgets[1].widgets[0] "Judge score per feature, with its 7-day moving average (all providers)"';

  it.each([
    [
      "a metric that is not in the contract",
      (b: Record<string, unknown>) => setQuery(b, "avg:llm.judge.scor{$feature} by {feature}"),
      `${chart}: unknown metric "llm.judge.scor" (contract: llm.requests, llm.cost.usd, llm.tokens, llm.ttft, llm.duration, ` +
        `llm.judge.score, llm.retrieval.duration, llm.slo.events)`,
    ],
    [
      "a template variable the dashboard does not declare",
      (b: Record<string, unknown>) => setQuery(b, "avg:llm.judge.score{$team} by {feature}"),
      `${chart}: $team is not a template variable of this dashboard (declared: $feature, $tenant, $provider, $env)`,
    ],
    [
      "a variable whose tag the metric lacks, which would blank the graph when set",
      (b: Record<string, unknown>) => setQuery(b, "avg:llm.judge.score{$provider} by {feature}"),
      `${chart}: llm.judge.score has no tag "provider" ($provider would blank it when set); it carries feature, tenant, env`,
    ],
    [
      "a filter on a tag the metric lacks",
      (b: Record<string, unknown>) => setQuery(b, "avg:llm.judge.score{model:gpt-5} by {feature}"),
      `${chart}: llm.judge.score has no tag "model" (filter); it carries feature, tenant, env`,
    ],
    [
      "a group-by on a tag the metric lacks",
      (b: Record<string, unknown>) => setQuery(b, "avg:llm.judge.score{*} by {provider}"),
      `${chart}: llm.judge.score has no tag "provider" (group-by); it carries feature, tenant, env`,
    ],
    [
      "a percentile on a metric without percentiles",
      (b: Record<string, unknown>) => setQuery(b, "p95:llm.judge.score{*} by {feature}"),
      `${chart}: p95:llm.judge.score needs percentiles, which llm.judge.score does not have enabled`,
    ],
    [
      "a deprecated q request",
      (b: Record<string, unknown>) => ((firstChart(b) as { requests: Record<string, unknown>[] }).requests[0].q = "avg:llm.judge.score{*}"),
      `${chart}: request 0 uses deprecated "q"; use queries + formulas`,
    ],
    [
      "a formula that names a query that does not exist",
      (b: Record<string, unknown>) =>
        ((firstChart(b) as { requests: { formulas: { formula: string }[] }[] }).requests[0].formulas[0].formula = "scor * 2"),
      `${chart}: formula "scor * 2" references "scor", which is not a query of its request`,
    ],
    [
      "a custom link on a tag the widget does not group by",
      (b: Record<string, unknown>) =>
        (firstChart(b).custom_links = [{ label: "x", link: "/dashboard/abc?tpl_var_tenant={{tenant.value}}" }]),
      `${chart}: custom link uses {{tenant.value}}, but the widget does not group by tenant`,
    ],
  ])("reports %s", (_, breakIt, problem) => {
    const body = quality();
    expect(lintDashboard(body, contract)).toEqual([]);
    breakIt(body);
    expect(lintDashboard(body, contract)).toEqual([problem]);
  });

  it.each([
    [
      "an attribute the judge log does not have",
      "service:llm-judge @user_id:$tenant.value",
      /search attribute "@user_id" is not a judge-log attribute/,
    ],
    [
      "another service's logs",
      "service:checkout @feature:$feature.value",
      /must read the judge log \(service:llm-judge\); got service:checkout/,
    ],
    ["an undeclared variable", "service:llm-judge @feature:$team.value", /\$team is not a template variable/],
  ])("reports a logs query that reads %s", (_, search, message) => {
    const body = quality();
    const drill = (
      body.widgets as { definition: { widgets: { definition: { requests: { queries: { search: { query: string } }[] }[] } }[] } }[]
    )[2];
    drill.definition.widgets[0].definition.requests[0].queries[0].search.query = search;
    expect(lintDashboard(body, contract).join("\n")).toMatch(message);
  });

  it("reports a template variable on a tag no contract metric has", () => {
    const body = quality();
    (body.template_variables as { prefix: string }[])[1].prefix = "customer";
    expect(lintDashboard(body, contract)).toContain(
      'template_variables[1] ($tenant): prefix "customer" is not a tag key of any contract metric',
    );
  });
});
