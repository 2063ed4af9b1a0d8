// The Monitors component under Pulumi mocks: what the engine would receive, the links it
// resolves, the tag policy, its dependencies, and what synth verifies and writes.
import * as datadog from "@pulumi/datadog";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { absoluteDatadogUrl } from "../config/links";
import { stackConfigFromPulumi } from "../config/validate";
import { buildSlos } from "../slos";
import { buildMonitors } from "../monitors";
import { Monitors } from "../monitors/component";
import { monitorsOf } from "../plan/monitors";
import { renderArtifacts } from "../tools/artifacts";
import { summarize } from "../tools/summary";
import { fakeId, mockResourceId, observeRegistrations, synthesize } from "../tools/mocks";
import { type Plan, resourcesOfType } from "../plan/plan";
import { downtimeName, TYPE } from "../config/names";
import { verifyPlan } from "../tools/verify";
import { legalCatalog, legalStackConfig, synthLegal } from "./fixtures/legal";

let prodPlan: Plan;
let stagingPlan: Plan;
beforeAll(async () => {
  prodPlan = await synthLegal("prod");
  stagingPlan = await synthLegal("staging");
});

/** The absolute URL the mocks give `dashboard-<id>`. */
function mockDashboardUrl(id: string): string {
  const name = `dashboard-${id}`;
  return absoluteDatadogUrl("datadoghq.com", `/dashboard/synth-${fakeId(name, 3)}-${fakeId(`${name}#`, 3)}`);
}

describe("resources the engine receives", () => {
  it("Synth registers one Monitor per definition, under the Monitors component, named by its stable id.", () => {
    const monitors = resourcesOfType(prodPlan, TYPE.monitor);
    const component = prodPlan.resources.find((r) => r.type === "llm-observability:monitors:Monitors")!;
    // prod owns the org's resources, so it adds the org-wide cost monitor to the builders' monitors.
    expect(monitors.map((m) => m.name).sort()).toEqual(
      [...buildMonitors(legalCatalog("prod")).map((m) => m.id), "monitor-observability-cost"].sort(),
    );
    for (const m of monitors) expect(m.parent).toBe(component.urn);
  });

  it("Every dashboard placeholder in a message is resolved to the absolute URL of the right dashboard.", () => {
    const byName = Object.fromEntries(resourcesOfType(prodPlan, TYPE.monitor).map((r) => [r.name, String(r.inputs.message)]));
    for (const message of Object.values(byName)) expect(message).not.toContain("@@dashboard-url:");
    expect(byName["monitor-extract-clause-cost-budget"]).toContain(
      `(${mockDashboardUrl("cost")}?tpl_var_feature=extract-clause&tpl_var_env=prod)`,
    );
    expect(byName["monitor-provider-outage"]).toContain(
      `(${mockDashboardUrl("overview")}?tpl_var_provider={{provider.name}}&tpl_var_env=prod)`,
    );
  });

  it("Each muted building block gets one never-ending downtime over all its groups, on the id the composite's query names.", () => {
    const muted = buildMonitors(legalCatalog("prod")).filter((m) => m.muted);
    const downtimes = resourcesOfType(prodPlan, TYPE.downtimeSchedule);
    expect(downtimes.map((d) => d.name).sort()).toEqual(muted.map((m) => downtimeName(m.id)).sort());
    for (const d of downtimes) expect(d.inputs).toMatchObject({ scope: "*", oneTimeSchedule: {} });
    // Every building block is a constituent some composite names by its id; a constituent that notifies on its own has no downtime.
    const composites = resourcesOfType(prodPlan, TYPE.monitor).filter((r) => r.inputs.type === "composite");
    const referenced = new Set(composites.flatMap((c) => String(c.inputs.query).match(/\d+/g)!.map(Number)));
    const mutedIds = downtimes.map((d) => (d.inputs.monitorIdentifier as { monitorId: number }).monitorId);
    expect(mutedIds.sort()).toEqual(muted.map((m) => Number(mockResourceId(m.id, TYPE.monitor))).sort());
    for (const id of mutedIds) expect(referenced.has(id)).toBe(true);
  });

  it("Thresholds and priority reach the provider as strings, as @pulumi/datadog expects.", () => {
    const cost = resourcesOfType(prodPlan, TYPE.monitor).find((r) => r.name === "monitor-legal-chat-cost-budget")!;
    expect(cost.inputs).toMatchObject({ type: "query alert", priority: "2", monitorThresholds: { critical: "500", warning: "250" } });
  });

  it("The team tag policy requires `team` with every known team as a valid value.", () => {
    const [policy] = resourcesOfType(prodPlan, TYPE.monitorConfigPolicy);
    expect(policy.name).toBe("monitor-config-policy-team");
    expect(policy.inputs).toEqual({
      policyType: "tag",
      tagPolicy: { tagKey: "team", tagKeyRequired: true, validTagValues: ["contracts-ai", "platform", "research-assistant"] },
    });
  });

  it("A stack that does not own the org's resources creates no tag policy and no org-wide cost monitor.", () => {
    expect(resourcesOfType(stagingPlan, TYPE.monitorConfigPolicy)).toEqual([]);
    expect(
      resourcesOfType(stagingPlan, TYPE.monitor)
        .map((m) => m.name)
        .sort(),
    ).toEqual(
      buildMonitors(legalCatalog("staging"))
        .map((m) => m.id)
        .sort(),
    );
  });

  it("Staging registers no monitor input that mentions PagerDuty.", () => {
    for (const m of resourcesOfType(stagingPlan, TYPE.monitor)) expect(JSON.stringify(m.inputs)).not.toContain("pagerduty");
  });
});

describe("dependencies", () => {
  it("Every monitor depends on what the component was told to depend on, and on the tag policy.", async () => {
    const deps = new Map<string, string[]>();
    const catalog = legalCatalog("prod");
    await synthesize({
      stack: "prod",
      config: legalStackConfig("prod"),
      program: () => {
        recordDependencies(deps);
        const serviceObject = new datadog.pagerduty.ServiceObject("pagerduty-service-platform", {
          serviceName: "llm-prod-platform",
          serviceKey: pulumi.secret("key"),
        });
        const monitors = new Monitors(
          "monitors",
          {
            definitions: buildMonitors(catalog),
            dashboardUrls: Object.fromEntries(
              ["quality", "cost", "latency", "tenant", "overview"].map((id) => [id, `https://example.test/${id}`]),
            ),
            sloIds: Object.fromEntries(buildSlos(catalog).map((slo) => [slo.id, `${slo.id}-id`])),
            teamTagPolicy: { validTeams: ["platform"] },
          },
          { dependsOn: [serviceObject] },
        );
        return monitors.ids;
      },
    });
    const urnOf = (name: string) => [...deps.keys()].find((u) => u.endsWith(`::${name}`))!;
    const serviceObject = urnOf("pagerduty-service-platform");
    const policy = urnOf("monitor-config-policy-team");
    expect(deps.get(policy)).toContain(serviceObject);
    const monitors = [...deps.keys()].filter((u) => u.includes("datadog:index/monitor:Monitor::"));
    expect(monitors).toHaveLength(buildMonitors(catalog).length);
    for (const m of monitors) expect(deps.get(m)).toEqual(expect.arrayContaining([serviceObject, policy]));
  });

  it("A monitor that links to a dashboard which is not created fails before any monitor is registered.", () => {
    expect(
      () => new Monitors("monitors", { definitions: buildMonitors(legalCatalog("prod")), dashboardUrls: { cost: "https://x" } }),
    ).toThrow(/monitor monitor-extract-clause-quality-drop links to dashboards that are not created: quality/);
  });
});

describe("synth checks and files", () => {
  it.each(["prod", "staging"] as const)("The %s plan passes the spec check and the lint.", (stack) => {
    const plan = stack === "prod" ? prodPlan : stagingPlan;
    expect(verifyPlan(plan, legalCatalog(stack))).toEqual([]);
  });

  it("verifyPlan names the monitor and the problem when a recorded monitor breaks the lint.", () => {
    const plan = structuredClone(prodPlan);
    const m = resourcesOfType(plan, TYPE.monitor).find((r) => r.name === "monitor-cite-check-cost-budget")!;
    (m.inputs.monitorThresholds as Record<string, string>).critical = "121";
    expect(verifyPlan(plan, legalCatalog("prod"))).toEqual([
      "monitor monitor-cite-check-cost-budget: query threshold 120 does not equal options.thresholds.critical 121",
    ]);
  });

  it("verifyPlan reports a monitor whose inputs cannot be mapped back instead of writing a partial file.", () => {
    const plan = structuredClone(prodPlan);
    resourcesOfType(plan, TYPE.monitor)[0].inputs.escalationMessage = "again";
    expect(verifyPlan(plan, legalCatalog("prod"))).toEqual([
      expect.stringMatching(/cannot be mapped back.*no mapping for "escalationMessage"/),
    ]);
  });

  it("Synth writes monitors/<id>.json for every monitor: the API body as it would be sent.", () => {
    const catalog = legalCatalog("prod");
    const files = Object.fromEntries(renderArtifacts(prodPlan, catalog).map((a) => [a.path, a.content]));
    const planned = monitorsOf(prodPlan);
    expect(planned).toHaveLength(94);
    for (const m of planned) {
      const body = JSON.parse(files[`monitors/${m.id}.json`]);
      expect(body).toEqual(m.body);
      expect(typeof body.priority).toBe("number");
      if (body.type === "query alert") expect(typeof body.options.thresholds.critical).toBe("number");
      // A composite names its constituents by the ids the engine gave them.
      else if (body.type === "composite") expect(body.query).toMatch(/^\d+ && !?\d+$/);
      // An SLO alert names its SLO by the id the engine gave it.
      else expect(body.query).toMatch(/^(burn_rate|error_budget)\("[^"@]+"\)/);
    }
  });

  it("The synth summary counts monitors, paging monitors and priorities per team.", () => {
    const text = summarize(prodPlan, legalCatalog("prod"), [], "out/prod");
    expect(text).toContain("Monitors: 94 (65 per feature, 6 cross-feature, 23 muted building blocks of composites), 31 page");
    expect(text).toMatch(/platform\s+26 monitors,\s+7 paging\s+\(P1x1 P2x6 P3x11 P4x1 P5x7\)/);
    const staging = summarize(stagingPlan, legalCatalog("staging"), [], "out/staging");
    expect(staging).toContain("0 page (paging off: all to Slack)");
  });

  it("The legal fixture's stack config decodes the monitoring defaults the monitors rely on.", () => {
    // Pulumi.prod.yaml sets only the budget; every other monitoring knob takes its default.
    const config = stackConfigFromPulumi(legalStackConfig("prod"));
    expect(config.monitoring).toEqual({ customMetricBudget: 30000 });
    expect(legalCatalog("prod").stack.monitoring).toMatchObject({
      teamTagPolicy: true,
      judgeStallMinutes: 180,
      customMetricBudget: 30000,
    });
  });
});

/** Wraps the mock engine's registerResource to record each resource's explicit dependencies. */
function recordDependencies(deps: Map<string, string[]>): void {
  observeRegistrations((req, urn) => deps.set(urn, req.getDependenciesList()));
}
