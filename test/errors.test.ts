// Sentry rules per feature, under Pulumi mocks and from the pure builder: what each
// feature gets, who owns and receives it, and what pages.
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  buildErrorAlerts,
  ISSUE_ALERT_FREQUENCY_MINUTES,
  PAGING_FREQUENCY_MINUTES,
  resolveSentryRefs,
  SENTRY_ISSUE_ALERT_NAME_MAX,
  SENTRY_METRIC_ALERT_NAME_MAX,
  SENTRY_RULES,
  sentryTeamRef,
} from "../errors/build";
import { ERRORS_RUNBOOK, TYPE } from "../config/names";
import { TAG } from "../config/contract";
import { PAGERDUTY_URGENCY_BY_SEVERITY, type PagerdutySeverity } from "../oncall/build";
import { runProgram } from "../program";
import { fabricatedInvoke, synthesize } from "../tools/mocks";
import { type Plan, type PlanResource } from "../plan/plan";
import { ROOT, resourceNamed } from "./helpers";
import { legalCatalog, legalFeatures, legalTeams, legalStackConfig, synthLegal } from "./fixtures/legal";

const SENTRY_TYPES = [TYPE.sentryIssueAlert, TYPE.sentryMetricAlert] as const;
const FEATURES = legalFeatures();
const TEAMS = legalTeams();
const ORG = "acme-legal";

/** Sentry's id of each legal fixture team, as the mocked getSentryTeam returns it. */
const SENTRY_TEAM_ID = Object.fromEntries(
  TEAMS.map((t) => [
    t.id,
    String(fabricatedInvoke("sentry:index/getSentryTeam:getSentryTeam", { organization: ORG, slug: t.sentryTeam }).internalId),
  ]),
);
const PAGERDUTY_ACCOUNT = String(
  fabricatedInvoke("sentry:index/getSentryOrganizationIntegration:getSentryOrganizationIntegration", {
    organization: ORG,
    providerKey: "pagerduty",
    name: "PagerDuty",
  }).id,
);
const SENTRY_PD_SERVICE: Record<string, string> = { "contracts-ai": "101", "research-assistant": "102", platform: "103" };

let prod: Plan;
let staging: Plan;
beforeAll(async () => {
  prod = await synthLegal("prod");
  staging = await synthLegal("staging");
});

type Node = Record<string, unknown>;
interface Trigger {
  label: string;
  alertThreshold: number;
  thresholdType: number;
  actions: Node[];
}

/** Every Sentry team id a rule notifies or names as owner. */
function teamIdsTargeted(r: PlanResource): string[] {
  if (r.type === TYPE.sentryIssueAlert) {
    return (r.inputs.actions as Node[]).filter((a) => a.targetType === "Team").map((a) => String(a.targetIdentifier));
  }
  const owner = String(r.inputs.owner).replace(/^team:/, "");
  const targets = (r.inputs.triggers as Trigger[]).flatMap((t) =>
    t.actions.filter((a) => a.targetType === "team").map((a) => String(a.targetIdentifier)),
  );
  return [owner, ...targets];
}

/** Where every Sentry rule of a feature lives on the prod stack: its org, its project, the env. */
const scopeOf = (f: { sentryProject: string }) => ({ organization: ORG, project: f.sentryProject, environment: "prod" });

describe("Sentry rules per feature", () => {
  it.each([
    ["prod", TYPE.sentryIssueAlert, (id: string) => [`sentry-issue-alert-${id}`, `sentry-issue-page-${id}`]],
    ["prod", TYPE.sentryMetricAlert, (id: string) => [`sentry-metric-alert-${id}`]],
    ["staging", TYPE.sentryIssueAlert, (id: string) => [`sentry-issue-alert-${id}`]],
    ["staging", TYPE.sentryMetricAlert, (id: string) => [`sentry-metric-alert-${id}`]],
  ] as const)("%s has exactly these %s resources, named after the feature id", (stack, type, names) => {
    const plan = stack === "prod" ? prod : staging;
    const actual = plan.resources
      .filter((r) => r.type === type)
      .map((r) => r.name)
      .sort();
    expect(actual).toEqual(FEATURES.flatMap((f) => names(f.id)).sort());
  });

  it.each(FEATURES)(
    "the issue alert of $id fires on a new or regressed issue tagged with the feature, in its project and environment",
    (f) => {
      const inputs = resourceNamed(prod, TYPE.sentryIssueAlert, `sentry-issue-alert-${f.id}`).inputs;
      expect(inputs).toMatchObject({
        ...scopeOf(f),
        actionMatch: "any",
        filterMatch: "all",
      });
      expect(inputs.conditions).toEqual([{ id: SENTRY_RULES.firstSeen }, { id: SENTRY_RULES.regression }]);
      expect(inputs.filters).toEqual([{ id: SENTRY_RULES.taggedEvent, key: TAG.feature, match: "eq", value: f.id }]);
      expect(inputs.actions).toEqual([{ id: SENTRY_RULES.notifyEmail, targetType: "Team", targetIdentifier: SENTRY_TEAM_ID[f.owner] }]);
    },
  );

  it("issue alerts notify each issue at most once a day and paging rules at most once an hour", () => {
    for (const r of prod.resources.filter((x) => x.type === TYPE.sentryIssueAlert)) {
      expect(r.inputs.frequency).toBe(r.name.startsWith("sentry-issue-page-") ? PAGING_FREQUENCY_MINUTES : ISSUE_ALERT_FREQUENCY_MINUTES);
    }
  });

  it.each(FEATURES)("the metric alert of $id counts the feature's errors over 10 minutes, owned by its team", (f) => {
    const inputs = resourceNamed(prod, TYPE.sentryMetricAlert, `sentry-metric-alert-${f.id}`).inputs;
    expect(inputs).toMatchObject({
      ...scopeOf(f),
      dataset: "events",
      eventTypes: ["error"],
      query: `${TAG.feature}:${f.id}`,
      aggregate: "count()",
      timeWindow: 10,
      thresholdType: 0,
      owner: `team:${SENTRY_TEAM_ID[f.owner]}`,
    });
  });

  it.each([
    ["extract-clause", 50, 20, "the stack defaults"],
    ["legal-chat", 80, 30, "the feature's own errors thresholds"],
  ])("%s alerts above %i (critical) and %i (warning) errors, from %s", (featureId, critical, warning) => {
    const inputs = resourceNamed(prod, TYPE.sentryMetricAlert, `sentry-metric-alert-${featureId}`).inputs;
    const triggers = inputs.triggers as Trigger[];
    expect(triggers.map((t) => [t.label, t.alertThreshold, t.thresholdType])).toEqual([
      ["critical", critical, 0],
      ["warning", warning, 0],
    ]);
    expect(inputs.resolveThreshold).toBeLessThan(warning);
  });

  it("stack-level Sentry defaults apply to features without their own thresholds", async () => {
    const plan = await synthLegal("prod", { config: { sentry: { criticalCount10m: 200, warningCount10m: 100 } } });
    const triggers = resourceNamed(plan, TYPE.sentryMetricAlert, "sentry-metric-alert-cite-check").inputs.triggers as Trigger[];
    expect(triggers.map((t) => t.alertThreshold)).toEqual([200, 100]);
  });
});

describe("ownership", () => {
  it("every Sentry rule in either stack targets a team that exists in teams.ts", () => {
    const known = new Set(Object.values(SENTRY_TEAM_ID));
    for (const plan of [prod, staging]) {
      const rules = plan.resources.filter((r) => (SENTRY_TYPES as readonly string[]).includes(r.type));
      expect(rules.length).toBeGreaterThan(0);
      for (const r of rules.filter((x) => !x.name.startsWith("sentry-issue-page-"))) {
        const targeted = teamIdsTargeted(r);
        expect(targeted.length, r.name).toBeGreaterThan(0);
        for (const id of targeted) expect(known.has(id), `${r.name} targets unknown team ${id}`).toBe(true);
      }
    }
  });

  it.each(FEATURES)("every rule of $id goes to its owner, $owner, and no other team", (f) => {
    const owned = prod.resources.filter((r) => r.name.endsWith(`-${f.id}`) && (SENTRY_TYPES as readonly string[]).includes(r.type));
    for (const r of owned) for (const id of teamIdsTargeted(r)) expect(id).toBe(SENTRY_TEAM_ID[f.owner]);
  });

  it("a metric alert's name, its PagerDuty incident summary and email subject, carries the runbook link within 256 characters", () => {
    const runbook = `https://github.com/acme-legal/llm-observability/blob/main/runbooks/${ERRORS_RUNBOOK}`;
    for (const r of [...prod.resources, ...staging.resources].filter((x) => x.type === TYPE.sentryMetricAlert)) {
      expect(String(r.inputs.name)).toContain(runbook);
      expect([...String(r.inputs.name)].length).toBeLessThanOrEqual(SENTRY_METRIC_ALERT_NAME_MAX);
    }
  });

  it("an issue alert's name, shown in Sentry's email, names the runbook within the provider's 64 bytes", () => {
    for (const r of [...prod.resources, ...staging.resources].filter((x) => x.type === TYPE.sentryIssueAlert)) {
      expect(String(r.inputs.name)).toContain(`runbook ${ERRORS_RUNBOOK.replace(/\.md$/, "")}`);
      expect(Buffer.byteLength(String(r.inputs.name))).toBeLessThanOrEqual(SENTRY_ISSUE_ALERT_NAME_MAX);
    }
  });

  it("the PagerDuty service a Sentry rule pages names the Sentry runbook, since PagerDuty shows the service, not the rule", () => {
    const runbook = `https://github.com/acme-legal/llm-observability/blob/main/runbooks/${ERRORS_RUNBOOK}`;
    const services = prod.resources.filter((r) => r.type === TYPE.service);
    expect(services.length).toBeGreaterThan(0);
    for (const s of services) expect(String(s.inputs.description)).toContain(runbook);
  });

  it("the linked runbook exists with the six sections an on-call engineer follows", () => {
    const text = fs.readFileSync(path.join(ROOT, "runbooks", ERRORS_RUNBOOK), "utf8");
    for (const section of ["Symptom", "Dashboards", "Checks", "Mitigation", "Escalation", "Follow-up"]) {
      expect(text).toMatch(new RegExp(`^## ${section}$`, "m"));
    }
  });
});

describe("paging from Sentry", () => {
  it.each(FEATURES)("on prod, a high-priority issue of $id pages its owner's PagerDuty service with critical severity", (f) => {
    const inputs = resourceNamed(prod, TYPE.sentryIssueAlert, `sentry-issue-page-${f.id}`).inputs;
    expect(inputs.conditions).toEqual([{ id: SENTRY_RULES.newHighPriority }, { id: SENTRY_RULES.existingHighPriority }]);
    expect(inputs.filters).toEqual([{ id: SENTRY_RULES.taggedEvent, key: TAG.feature, match: "eq", value: f.id }]);
    expect(inputs.actions).toEqual([
      { id: SENTRY_RULES.pagerduty, account: PAGERDUTY_ACCOUNT, service: SENTRY_PD_SERVICE[f.owner], severity: "critical" },
    ]);
  });

  it("the severity Sentry pages with is high urgency on the team's service", () => {
    const severities = prod.resources
      .filter((r) => r.name.startsWith("sentry-issue-page-"))
      .flatMap((r) => (r.inputs.actions as Node[]).map((a) => String(a.severity)));
    for (const s of severities) expect(PAGERDUTY_URGENCY_BY_SEVERITY[s as PagerdutySeverity]).toBe("high");
  });

  it.each(FEATURES)("on prod, the critical error count of $id also pages, the warning only emails", (f) => {
    const [critical, warning] = resourceNamed(prod, TYPE.sentryMetricAlert, `sentry-metric-alert-${f.id}`).inputs.triggers as Trigger[];
    expect(critical.actions).toContainEqual({
      type: "pagerduty",
      targetType: "specific",
      targetIdentifier: SENTRY_PD_SERVICE[f.owner],
      integrationId: Number(PAGERDUTY_ACCOUNT),
    });
    expect(warning.actions.map((a) => a.type)).toEqual(["email"]);
  });

  it("staging never pages from Sentry: no paging rule and no PagerDuty action anywhere", () => {
    const sentry = staging.resources.filter((r) => (SENTRY_TYPES as readonly string[]).includes(r.type));
    expect(JSON.stringify(sentry)).not.toMatch(/pagerduty/i);
  });

  it("a paging stack whose config names no Sentry PagerDuty integration creates no paging rule and emails only", async () => {
    const config = legalStackConfig("prod");
    delete config["llm-observability:sentryPagerdutyIntegration"];
    const [features, teams] = [legalFeatures(), legalTeams()];
    const plan = await synthesize({ stack: "prod", config, program: () => runProgram({ features, teams }) });
    const sentry = plan.resources.filter((r) => (SENTRY_TYPES as readonly string[]).includes(r.type));
    expect(sentry).toHaveLength(FEATURES.length * 2);
    expect(JSON.stringify(sentry)).not.toMatch(/pagerduty/i);
  });
});

describe("resource count", () => {
  const sentryCount = (plan: Plan) => plan.resources.filter((r) => (SENTRY_TYPES as readonly string[]).includes(r.type)).length;

  it.each([
    ["prod", 3],
    ["staging", 2],
  ] as const)("an added feature adds %s's %i Sentry rules", async (stack, added) => {
    const features = legalFeatures();
    features.push({ ...structuredClone(features[3]), id: "redline", name: "Redlining" });
    const plan = await synthLegal(stack, { features });
    expect(sentryCount(plan) - sentryCount(stack === "prod" ? prod : staging)).toBe(added);
  });

  it("an added team that owns no feature adds no Sentry rule", async () => {
    const teams = legalTeams();
    teams.push({ ...structuredClone(teams[1]), id: "search-ai", name: "Search AI", slack: "#search-ai-alerts", sentryTeam: "search-ai" });
    expect(sentryCount(await synthLegal("prod", { teams }))).toBe(sentryCount(prod));
  });
});

describe("the pure builder", () => {
  it("writes deploy-time Sentry ids as references and nothing else", () => {
    const defs = buildErrorAlerts(legalCatalog("prod"));
    const refs = new Set(JSON.stringify(defs).match(/@@sentry-[^@]*@@/g));
    expect([...refs].sort()).toEqual(["@@sentry-pagerduty-account@@", ...TEAMS.map((t) => sentryTeamRef(t.sentryTeam))].sort());
  });

  it("resolves references deeply and fails loudly on a team it has no id for", () => {
    const value = { owner: `team:${sentryTeamRef("a")}`, actions: [{ targetIdentifier: sentryTeamRef("a") }] };
    expect(resolveSentryRefs(value, { teams: { a: "42" } })).toEqual({ owner: "team:42", actions: [{ targetIdentifier: "42" }] });
    expect(() => resolveSentryRefs(value, { teams: {} })).toThrow('no Sentry id for team "a"');
  });
});
