// PagerDuty on-call under Pulumi mocks: what each team gets, that nothing pages from
// staging, that the integration key stays secret and that every handle resolves.
import { beforeAll, describe, expect, it } from "vitest";
import { pagerdutyHandle, pagerdutyServiceName, SECRET, SEVERITIES, TYPE } from "../config/names";
import { stackConfigFromPulumi, validateCatalog } from "../config/validate";
import { buildOnCall, PAGERDUTY_SEVERITY_BY_PRIORITY, PAGERDUTY_URGENCY_BY_SEVERITY, WEEK_SECONDS } from "../oncall/build";
import { danglingPagerdutyHandles } from "../plan/oncall";
import type { Plan, PlanResource } from "../plan/plan";
import { checkResources } from "../providers/check";
import { renderArtifacts } from "../tools/artifacts";
import { fabricatedInvoke, fabricatedOutputs } from "../tools/mocks";
import { resourceNamed } from "./helpers";
import { legalCatalog, legalFeatures, legalTeams, legalStackConfig, synthLegal } from "./fixtures/legal";

const PAGERDUTY_TYPES = [TYPE.schedule, TYPE.escalationPolicy, TYPE.service, TYPE.serviceIntegration, TYPE.pagerdutyServiceObject] as const;
const NAME_PREFIX: Record<(typeof PAGERDUTY_TYPES)[number], string> = {
  [TYPE.schedule]: "schedule",
  [TYPE.escalationPolicy]: "escalation",
  [TYPE.service]: "service",
  [TYPE.serviceIntegration]: "integration-datadog",
  [TYPE.pagerdutyServiceObject]: "pagerduty-service",
};
const TEAM_IDS = legalTeams().map((t) => t.id as string);

let prod: Plan;
let staging: Plan;
beforeAll(async () => {
  prod = await synthLegal("prod");
  staging = await synthLegal("staging");
});

function userId(email: string): string {
  return String(fabricatedInvoke("pagerduty:index/getUser:getUser", { email }).id);
}

describe("PagerDuty resources per team", () => {
  it.each(PAGERDUTY_TYPES)("prod has exactly one %s per team, named after the team id", (type) => {
    const names = prod.resources
      .filter((r) => r.type === type)
      .map((r) => r.name)
      .sort();
    expect(names).toEqual(TEAM_IDS.map((id) => `${NAME_PREFIX[type]}-${id}`).sort());
  });

  it.each(PAGERDUTY_TYPES)("staging, which may not page, has no %s at all", (type) => {
    expect(staging.resources.filter((r) => r.type === type)).toEqual([]);
  });

  it("staging creates no on-call component and no PagerDuty resource of any type", () => {
    expect(staging.resources.filter((r) => r.type.startsWith("pagerduty:") || r.type === "llm-observability:oncall:OnCall")).toEqual([]);
  });

  it("every on-call resource is a child of the OnCall component", () => {
    const component = prod.resources.find((r) => r.type === "llm-observability:oncall:OnCall");
    expect(component).toBeDefined();
    for (const type of PAGERDUTY_TYPES) {
      for (const r of prod.resources.filter((x) => x.type === type)) expect(r.parent).toBe(component!.urn);
    }
  });

  it.each(TEAM_IDS)("the service and the service object of %s both carry the name monitors page with", (teamId) => {
    const name = pagerdutyServiceName("prod", teamId);
    expect(resourceNamed(prod, TYPE.service, `service-${teamId}`).inputs.name).toBe(name);
    expect(resourceNamed(prod, TYPE.pagerdutyServiceObject, `pagerduty-service-${teamId}`).inputs.serviceName).toBe(name);
    expect(pagerdutyHandle("prod", teamId)).toBe(`@pagerduty-${name}`);
  });
});

describe("the schedule", () => {
  it.each(legalTeams())("$id rotates weekly through its members in order, one layer, in the handoff's time zone", (team) => {
    const schedule = resourceNamed(prod, TYPE.schedule, `schedule-${team.id}`);
    expect(schedule.inputs.timeZone).toBe(team.onCall.handoff.timeZone);
    const layers = schedule.inputs.layers as Record<string, unknown>[];
    expect(layers).toHaveLength(1);
    expect(layers[0].rotationTurnLengthSeconds).toBe(WEEK_SECONDS);
    expect(layers[0].users).toEqual(team.onCall.members.map(userId));
  });

  it.each([
    ["contracts-ai", "2026-01-05T09:00:00+01:00"],
    ["research-assistant", "2026-01-06T10:00:00-05:00"],
    ["platform", "2026-01-05T09:00:00+01:00"],
  ])("%s is anchored on its first handoff, %s, for both start and rotationVirtualStart", (teamId, anchor) => {
    const layer = (resourceNamed(prod, TYPE.schedule, `schedule-${teamId}`).inputs.layers as Record<string, unknown>[])[0];
    expect(layer.rotationVirtualStart).toBe(anchor);
    expect(layer.start).toBe(anchor);
  });

  it("a date-only rotationStart after the spring DST change anchors at the summer offset", async () => {
    const teams = legalTeams();
    teams[0].onCall.rotationStart = "2026-03-30";
    const plan = await synthLegal("prod", { teams });
    const layer = (resourceNamed(plan, TYPE.schedule, "schedule-contracts-ai").inputs.layers as Record<string, unknown>[])[0];
    expect(layer.rotationVirtualStart).toBe("2026-03-30T09:00:00+02:00");
  });

  it("never depends on the current time: two runs give byte-identical schedules", async () => {
    const again = await synthLegal("prod");
    const schedules = (p: Plan) => JSON.stringify(p.resources.filter((r) => r.type === TYPE.schedule));
    expect(schedules(again)).toBe(schedules(prod));
  });
});

describe("the escalation policy", () => {
  const rulesOf = (plan: Plan, teamId: string) =>
    resourceNamed(plan, TYPE.escalationPolicy, `escalation-${teamId}`).inputs.rules as {
      escalationDelayInMinutes: number;
      targets: { type: string; id: string }[];
    }[];

  it.each([
    // [team, secondary target type, secondary id, delay]
    ["contracts-ai", "user_reference", userId("eng-manager.contracts@example.com"), 15],
    ["research-assistant", "schedule_reference", "schedule-platform-id", 10],
    ["platform", "user_reference", userId("head-of-platform@example.com"), 15],
  ])("%s pages its own schedule first, then after the configured delay its secondary", (teamId, type, id, delay) => {
    const rules = rulesOf(prod, teamId);
    expect(rules).toEqual([
      { escalationDelayInMinutes: delay, targets: [{ type: "schedule_reference", id: `schedule-${teamId}-id` }] },
      { escalationDelayInMinutes: delay, targets: [{ type, id }] },
    ]);
    expect(resourceNamed(prod, TYPE.escalationPolicy, `escalation-${teamId}`).inputs.numLoops).toBeGreaterThan(0);
  });

  it("a secondary given as a team id escalates to that team's schedule", async () => {
    const teams = legalTeams();
    teams[0].onCall.secondary = "research-assistant";
    const rules = rulesOf(await synthLegal("prod", { teams }), "contracts-ai");
    expect(rules[1].targets).toEqual([{ type: "schedule_reference", id: "schedule-research-assistant-id" }]);
  });

  it("the platform team without a secondary keeps one level and loops back to its own schedule", async () => {
    const teams = legalTeams();
    delete teams[2].onCall.secondary;
    const plan = await synthLegal("prod", { teams });
    expect(rulesOf(plan, "platform")).toEqual([
      { escalationDelayInMinutes: 15, targets: [{ type: "schedule_reference", id: "schedule-platform-id" }] },
    ]);
    expect(resourceNamed(plan, TYPE.escalationPolicy, "escalation-platform").inputs.numLoops).toBeGreaterThan(0);
  });

  it("escalation delay defaults to 15 minutes when a team leaves it out", async () => {
    const teams = legalTeams();
    delete teams[1].onCall.escalationDelayMinutes;
    expect(rulesOf(await synthLegal("prod", { teams }), "research-assistant").map((r) => r.escalationDelayInMinutes)).toEqual([15, 15]);
  });
});

describe("the service", () => {
  it.each(TEAM_IDS)("%s uses its escalation policy, severity-based urgency and deliberate timeouts", (teamId) => {
    const inputs = resourceNamed(prod, TYPE.service, `service-${teamId}`).inputs;
    expect(inputs.escalationPolicy).toBe(`escalation-${teamId}-id`);
    expect(inputs.incidentUrgencyRule).toEqual({ type: "constant", urgency: "severity_based" });
    expect(inputs.alertCreation).toBe("create_alerts_and_incidents");
    expect(Number(inputs.acknowledgementTimeout)).toBeGreaterThan(0);
    expect(Number(inputs.autoResolveTimeout)).toBeGreaterThan(Number(inputs.acknowledgementTimeout));
  });

  // Defect 4 of issue 10: every service sent time grouping, which the pinned provider always
  // sends with aggregate "" and PagerDuty's strict API rejects for type time.
  it.each(TEAM_IDS)("%s sends no alert grouping unless teams.ts asks for it", (teamId) => {
    const inputs = resourceNamed(prod, TYPE.service, `service-${teamId}`).inputs;
    expect(inputs).not.toHaveProperty("alertGroupingParameters");
    expect(checkResources([{ type: TYPE.service, name: `service-${teamId}`, inputs }])).toEqual([]);
  });

  it("a team asking for grouping gets intelligent grouping with no config, the one shape the provider sends that the API accepts", () => {
    const teams = legalTeams();
    teams[0].onCall.alertGrouping = "intelligent";
    const [service] = buildOnCall(legalCatalog("prod", { teams })).map((d) => d.service);
    expect(service.alertGroupingParameters).toEqual({ type: "intelligent" });
    expect(checkResources([{ type: TYPE.service, name: "service-x", inputs: { ...service } }])).toEqual([]);
  });

  it("a time zone written in any case reaches PagerDuty in the IANA spelling Go's time.LoadLocation accepts", () => {
    const teams = legalTeams();
    teams[0].onCall.handoff.timeZone = "europe/berlin";
    const [{ schedule }] = buildOnCall(legalCatalog("prod", { teams }));
    expect(schedule.timeZone).toBe("Europe/Berlin");
    const inputs = { timeZone: schedule.timeZone, layers: [{ ...schedule.layer, users: schedule.layer.members }] };
    expect(checkResources([{ type: TYPE.schedule, name: "schedule-x", inputs }])).toEqual([]);
  });

  it("any other grouping in teams.ts is refused at its path", () => {
    const teams = legalTeams();
    (teams[0].onCall as Record<string, unknown>).alertGrouping = "time";
    const result = validateCatalog({ features: legalFeatures(), teams, config: stackConfigFromPulumi(legalStackConfig("prod")) });
    expect(result.ok ? [] : result.problems.map((p) => p.path)).toEqual(["teams[0].onCall.alertGrouping"]);
  });

  it.each(Object.values(SEVERITIES))("urgency on PagerDuty agrees with the severity map for $label ($urgency)", (severity) => {
    expect(PAGERDUTY_URGENCY_BY_SEVERITY[PAGERDUTY_SEVERITY_BY_PRIORITY[severity.priority]]).toBe(severity.urgency);
  });

  it("every paging priority reaches PagerDuty as high urgency", () => {
    for (const s of Object.values(SEVERITIES).filter((x) => x.pages)) {
      expect(PAGERDUTY_URGENCY_BY_SEVERITY[PAGERDUTY_SEVERITY_BY_PRIORITY[s.priority]]).toBe("high");
    }
  });

  it.each(TEAM_IDS)("the Datadog integration of %s uses the Datadog vendor on that team's service", (teamId) => {
    const inputs = resourceNamed(prod, TYPE.serviceIntegration, `integration-datadog-${teamId}`).inputs;
    expect(inputs.service).toBe(`service-${teamId}-id`);
    expect(inputs.vendor).toBe(fabricatedInvoke("pagerduty:index/getVendor:getVendor", { name: "Datadog" }).id);
  });
});

describe("the integration key", () => {
  const keys = () => TEAM_IDS.map((id) => String(fabricatedOutputs(TYPE.serviceIntegration, `integration-datadog-${id}`).integrationKey));

  it("reaches each Datadog service object only as a secret", () => {
    for (const r of prod.resources.filter((x) => x.type === TYPE.pagerdutyServiceObject)) expect(r.inputs.serviceKey).toBe(SECRET);
  });

  it("never appears in plaintext in out/prod/plan.json", () => {
    const planFile = renderArtifacts(prod, legalCatalog("prod")).find((a) => a.path === "plan.json")!.content;
    expect(keys()).toHaveLength(TEAM_IDS.length);
    for (const key of keys()) {
      expect(key).toMatch(/^synth-integration-key-/);
      expect(planFile).not.toContain(key);
    }
    expect(planFile).not.toContain("synth-integration-key-");
  });
});

describe("@pagerduty- handles resolve to service objects", () => {
  it("every handle in every monitor of the prod plan names a service object of the same plan", () => {
    expect(danglingPagerdutyHandles(prod)).toEqual([]);
  });

  function withMonitor(plan: Plan, message: string): Plan {
    const monitor: PlanResource = {
      urn: "urn:pulumi:prod::llm-observability::datadog:index/monitor:Monitor::monitor-crafted",
      type: TYPE.monitor,
      name: "monitor-crafted",
      parent: null,
      custom: true,
      inputs: { name: "crafted", type: "query alert", query: "x", message },
    };
    return { ...plan, resources: [...plan.resources, monitor] };
  }

  it("a crafted monitor paging an existing team's handle resolves", () => {
    expect(danglingPagerdutyHandles(withMonitor(prod, `{{#is_alert}} ${pagerdutyHandle("prod", "platform")} {{/is_alert}}`))).toEqual([]);
  });

  it("a crafted monitor paging a service nobody created is reported with its resource and name", () => {
    expect(danglingPagerdutyHandles(withMonitor(prod, "{{#is_alert}} @pagerduty-llm-prod-ghost {{/is_alert}}"))).toEqual([
      { resource: "monitor-crafted", type: TYPE.monitor, serviceName: "llm-prod-ghost" },
    ]);
  });

  it("a prod handle on staging dangles, because staging creates no service objects", () => {
    expect(danglingPagerdutyHandles(withMonitor(staging, pagerdutyHandle("prod", "platform"))).map((d) => d.serviceName)).toEqual([
      pagerdutyServiceName("prod", "platform"),
    ]);
  });
});

describe("resource count", () => {
  const countOf = (plan: Plan, types: readonly string[]) => plan.resources.filter((r) => types.includes(r.type)).length;
  const byType = (plan: Plan) => {
    const m: Record<string, number> = {};
    for (const r of plan.resources) m[r.type] = (m[r.type] ?? 0) + 1;
    return m;
  };

  it.each([4, 400, 40_000])("does not change with %i tenants", async (tenants) => {
    const plan = await synthLegal("prod", { config: { scale: { tenants, models: 4, flagVariants: 2 } } });
    expect(byType(plan)).toEqual(byType(prod));
  });

  it("grows by five PagerDuty resources per added team on a paging stack, and by none on staging", async () => {
    const teams = legalTeams();
    teams.push({ ...structuredClone(teams[1]), id: "search-ai", name: "Search AI", slack: "#search-ai-alerts", sentryTeam: "search-ai" });
    const [p, s] = [await synthLegal("prod", { teams }), await synthLegal("staging", { teams })];
    expect(countOf(p, PAGERDUTY_TYPES) - countOf(prod, PAGERDUTY_TYPES)).toBe(5);
    expect(countOf(s, PAGERDUTY_TYPES)).toBe(0);
  });

  it("does not grow PagerDuty with features", async () => {
    const features = legalFeatures();
    features.push({ ...structuredClone(features[0]), id: "redline", name: "Redlining" });
    expect(countOf(await synthLegal("prod", { features }), PAGERDUTY_TYPES)).toBe(countOf(prod, PAGERDUTY_TYPES));
  });
});
