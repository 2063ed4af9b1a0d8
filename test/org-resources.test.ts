// Org-wide resources in exactly one stack: the metric tag configurations (percentiles where a
// query asks for them, tags derived from what the queries read), the monitor tag policy and the
// org-wide cost monitor; the config that places them; and `npm run check -- --org-plan`.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { allMetrics } from "../config/contract";
import { type Catalog, stackConfigFromPulumi, validateCatalog } from "../config/validate";
import { buildDashboards } from "../dashboards";
import { buildSlos } from "../slos";
import { toSloInputs } from "../slos/args";
import { buildMonitors } from "../monitors";
import { toMonitorInputs } from "../monitors/args";
import { buildOrgResources, stackCardinality, WARNING_ABOVE_PLAN } from "../org/build";
import { readsOf, tagConfigurationInputs, tagConfigurations } from "../org/tag-configurations";
import { checkAgainstOrg, formatBreach } from "../providers/check";
import type { PlanResources } from "../providers/org";
import { main as checkMain } from "../tools/check";
import { type Plan, planJson, resourcesOfType } from "../plan/plan";
import { tagConfigurationResourceName, TYPE } from "../config/names";
import { generatedFeatures } from "./helpers";
import { legalCatalog, legalFeatures, legalTeams, recordedPlan, legalStackConfig, synthLegal } from "./fixtures/legal";

// The policy pack reads the legal fixture as its repository's catalog, never the user's (test/fixtures/legal-context.ts).
vi.mock("../policies/context", async (importOriginal) =>
  (await import("./fixtures/legal-context")).legalRepoContext(await importOriginal()),
);

let prod: Plan;
let staging: Plan;
beforeAll(async () => {
  prod = await synthLegal("prod");
  staging = await synthLegal("staging");
});

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "org-plans-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** What a stack would register, from the builders alone (fast enough for 200 features). */
function builtPlan(catalog: Catalog): PlanResources {
  const dashboards = buildDashboards(catalog);
  const monitors = buildMonitors(catalog);
  const slos = buildSlos(catalog);
  const org = buildOrgResources(catalog, { dashboards, monitors, slos });
  return {
    stack: catalog.stack.env,
    resources: [
      ...dashboards.map((d) => ({ type: TYPE.dashboard, name: `dashboard-${d.id}`, inputs: { dashboard: JSON.stringify(d.body) } })),
      ...[...monitors, ...(org?.monitors ?? [])].map((m) => ({
        type: TYPE.monitor,
        name: m.id,
        inputs: { ...toMonitorInputs(m.body) } as Record<string, unknown>,
      })),
      ...slos.map((s) => ({ type: TYPE.serviceLevelObjective, name: s.id, inputs: { ...toSloInputs(s.body) } as Record<string, unknown> })),
      ...(org?.tagConfigurations ?? []).map((c) => ({
        type: TYPE.metricTagConfiguration,
        name: tagConfigurationResourceName(c.metricName),
        inputs: tagConfigurationInputs(c),
      })),
    ],
  };
}

/** A p95 term anywhere in a monitor query (`p95:llm.ttft{...}`, also inside functions). */
const P95_TERM = /(?<![\w.])p95:/;

describe("the tag configurations of the org stack", () => {
  it("prod (ownsOrgResources) creates one per contract metric, with the standard provider inputs", () => {
    const configs = resourcesOfType(prod, TYPE.metricTagConfiguration);
    expect(configs.map((r) => r.inputs.metricName).sort()).toEqual(
      allMetrics(legalCatalog("prod").contract)
        .map((m) => m.name)
        .sort(),
    );
    for (const r of configs) {
      expect(Object.keys(r.inputs).sort()).toEqual(
        r.inputs.metricType === "distribution"
          ? ["includePercentiles", "metricName", "metricType", "tags"]
          : ["metricName", "metricType", "tags"],
      );
    }
  });

  // Defect 2 of issue 10: no p50/p95/p99 query returned data, because nothing enabled percentiles.
  it("turns percentiles on exactly for the metrics some monitor or widget queries a percentile of", () => {
    const readPercentiles = new Set(
      readsOf(buildDashboards(legalCatalog("prod")), buildMonitors(legalCatalog("prod")))
        .filter((r) => r.percentile)
        .map((r) => r.metric),
    );
    expect(readPercentiles).toEqual(new Set(["llm.ttft", "llm.duration", "llm.retrieval.duration"]));
    for (const r of resourcesOfType(prod, TYPE.metricTagConfiguration)) {
      expect(r.inputs.includePercentiles === true, String(r.inputs.metricName)).toBe(readPercentiles.has(String(r.inputs.metricName)));
    }
    expect(prod.resources.some((r) => r.type === TYPE.monitor && P95_TERM.test(String(r.inputs.query)))).toBe(true);
  });

  it("derives each allow list from the queries: a new group-by in a dashboard makes its tag queryable, nothing is hand-listed", () => {
    const catalog = legalCatalog("prod");
    const dashboards = buildDashboards(catalog);
    const monitors = buildMonitors(catalog);
    const before = tagConfigurations(catalog.contract, readsOf(dashboards, monitors)).find((c) => c.metricName === "llm.ttft")!;
    expect(before.tags).not.toContain("model");
    const latency = structuredClone(dashboards);
    latency[0].body.widgets.push({
      definition: {
        type: "timeseries",
        requests: [{ queries: [{ data_source: "metrics", name: "a", query: "p95:llm.ttft{*} by {model}" }] }],
      },
    });
    const after = tagConfigurations(catalog.contract, readsOf(latency, monitors)).find((c) => c.metricName === "llm.ttft")!;
    expect(after.tags).toEqual([...before.tags, "model"].sort());
  });

  it.each([
    ["prod", () => legalCatalog("prod")],
    ["staging", () => legalCatalog("staging")],
    ["200 generated features on the org stack", () => legalCatalog("prod", { features: generatedFeatures(200) })],
  ] as const)("keeps every tag and percentile that %s's generated queries read", (_, catalog) => {
    const plan = builtPlan(catalog());
    const org = builtPlan(legalCatalog("prod"));
    expect(
      checkAgainstOrg(plan, plan.resources.some((r) => r.type === TYPE.metricTagConfiguration) ? plan : org).map(formatBreach),
    ).toEqual([]);
  });

  it("keeps what the recorded plans read: staging's queries and monitors under prod's configurations and tag policy", () => {
    expect(checkAgainstOrg(staging, prod).map(formatBreach)).toEqual([]);
    expect(checkAgainstOrg(prod, prod).map(formatBreach)).toEqual([]);
  });
});

describe("org-wide resources in exactly one stack", () => {
  // Defect 3 of issue 10: staging created its own tag policy and cost monitor on prod's org.
  it("staging creates no org-wide resource: no tag configuration, no tag policy, no observability-cost monitor", () => {
    expect(resourcesOfType(staging, TYPE.metricTagConfiguration)).toEqual([]);
    expect(resourcesOfType(staging, TYPE.monitorConfigPolicy)).toEqual([]);
    expect(resourcesOfType(staging, TYPE.monitor).map((m) => m.name)).not.toContain("monitor-observability-cost");
  });

  it("prod's cost monitor counts the whole org, alerts at the org budget and warns above the planned steady state", () => {
    const catalog = legalCatalog("prod");
    const cost = resourcesOfType(prod, TYPE.monitor).find((m) => m.name === "monitor-observability-cost")!;
    const planned = stackCardinality(catalog).indexed.total + catalog.stack.orgBudget!.otherStacksCustomMetrics;
    expect(String(cost.inputs.query)).not.toMatch(/env:/);
    expect(String(cost.inputs.query)).toContain(`{metric_name:${catalog.stack.metricPrefix}.*}`);
    expect(cost.inputs.monitorThresholds).toEqual({
      critical: String(catalog.stack.orgBudget!.customMetrics),
      warning: String(Math.ceil(planned * WARNING_ABOVE_PLAN)),
    });
    expect(Number((cost.inputs.monitorThresholds as Record<string, string>).warning)).toBeGreaterThan(planned);
  });

  it("a budget that does not cover the plan gives a cost monitor with no warning, which alerts, never one that warns forever", () => {
    const catalog = legalCatalog("prod");
    const tight = { ...catalog, stack: { ...catalog.stack, orgBudget: { customMetrics: 1000, otherStacksCustomMetrics: 0 } } };
    const org = buildOrgResources(tight, { dashboards: buildDashboards(tight), monitors: buildMonitors(tight), slos: buildSlos(tight) })!;
    expect(org.overBudget).toBe(true);
    expect(org.monitors.find((m) => m.kind === "observability-cost")!.body.options.thresholds).toEqual({ critical: 1000 });
  });

  const configCases: [string, Record<string, unknown>, string, string[]][] = [
    ["ownsOrgResources without orgBudget", { ownsOrgResources: true }, "staging", ["llm-observability:orgBudget"]],
    [
      "orgBudget on a stack that does not own the org's resources",
      { orgBudget: { customMetrics: 1 } },
      "staging",
      ["llm-observability:orgBudget"],
    ],
    [
      "teamTagPolicy: true on a stack that does not own the org's resources",
      { monitoring: { teamTagPolicy: true } },
      "staging",
      ["llm-observability:monitoring.teamTagPolicy"],
    ],
    ["a non-boolean ownsOrgResources", { ownsOrgResources: "yes" }, "staging", ["llm-observability:ownsOrgResources"]],
  ];
  it.each(configCases)("reports %s at its path", (_, overrides, stack, paths) => {
    const result = validateCatalog({
      features: legalFeatures(),
      teams: legalTeams(),
      config: stackConfigFromPulumi(legalStackConfig(stack as "staging", overrides)),
    });
    expect(result.ok ? [] : result.problems.map((p) => p.path)).toEqual(paths);
  });

  it("defaults ownsOrgResources to false", () => {
    expect(legalCatalog("staging").stack.ownsOrgResources).toBe(false);
  });
});

describe("npm run check -- --org-plan", () => {
  async function run(argv: string[]) {
    let out = "";
    let err = "";
    const code = await checkMain(argv, { out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
  }
  const write = (name: string, plan: Plan) => {
    const file = path.join(scratch, name);
    fs.writeFileSync(file, planJson(recordedPlan(plan)));
    return file;
  };

  it("passes staging against prod's org resources", async () => {
    const r = await run(["--plan", write("staging.json", staging), "--org-plan", write("prod.json", prod)]);
    expect([r.code, r.out.trimEnd().split("\n").pop()]).toEqual([0, "0 violations: 0 mandatory, 0 advisory."]);
  });

  it("flags a staging widget grouping by a tag prod's tag configuration drops, and a percentile prod never enabled", async () => {
    const changed = structuredClone(staging);
    const latency = changed.resources.find((r) => r.name === "dashboard-latency")!;
    latency.inputs.dashboard = String(latency.inputs.dashboard)
      .replace("p95:llm.ttft{", "p95:llm.tokens{") // a percentile of a count: no configuration enables it
      .replace(/by \{feature\}/, "by {model}");
    const r = await run(["--plan", write("staging-broken.json", changed), "--org-plan", write("prod.json", prod), "--json"]);
    const violations = JSON.parse(r.out) as { policyName: string; resourceName: string }[];
    expect(r.code).toBe(1);
    expect(new Set(violations.map((v) => v.policyName))).toEqual(
      new Set(["datadog.metric-tag-configuration.percentiles-for-queries", "datadog.metric-tag-configuration.tags-for-queries"]),
    );
    expect(new Set(violations.map((v) => v.resourceName))).toEqual(new Set(["dashboard-latency"]));
  });

  it("refuses an org plan that owns nothing, with exit code 2", async () => {
    const r = await run(["--plan", write("prod.json", prod), "--org-plan", write("staging.json", staging)]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /creates no tag configuration or monitor tag policy; pass the plan of the stack with llm-observability:ownsOrgResources: true/,
    );
  });

  it("flags a second stack that also owns the org's resources", async () => {
    const second = { ...structuredClone(prod), stack: "prod-eu" };
    const r = await run(["--plan", write("second.json", second), "--org-plan", write("prod.json", prod), "--json"]);
    const names = (JSON.parse(r.out) as { policyName: string }[]).map((v) => v.policyName);
    expect(r.code).toBe(1);
    expect(names.filter((n) => n === "org.resources.single-owner")).toHaveLength(
      resourcesOfType(prod, TYPE.metricTagConfiguration).length + resourcesOfType(prod, TYPE.monitorConfigPolicy).length,
    );
  });
});
