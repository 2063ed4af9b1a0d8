// The pack entry's wiring, with PolicyPack mocked: the real constructor starts a gRPC server
// and calls process.exit(1) on a bad name, a policy named "all" or a second pack.
import * as fs from "node:fs";
import * as path from "node:path";
import * as datadog from "@pulumi/datadog";
import type { PolicyPackArgs } from "@pulumi/policy";
import * as sentry from "@pulumiverse/sentry";
import { parse as parseYaml } from "yaml";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { dashboardRules } from "../policies/rules/dashboards";
import { monitorRules } from "../policies/rules/monitors";
import { pagingRules } from "../policies/rules/paging";
import { queryRules } from "../policies/rules/queries";
import { runbookRules } from "../policies/rules/runbooks";
import { sentryRules } from "../policies/rules/sentry";
import { sloRules } from "../policies/rules/slos";
import { stackRules } from "../policies/rules/stack";
import { thresholdRules } from "../policies/rules/thresholds";
import { TYPE } from "../config/names";

// The policy pack reads the legal fixture as its repository's catalog, never the user's (test/fixtures/legal-context.ts).
vi.mock("../policies/context", async (importOriginal) =>
  (await import("./fixtures/legal-context")).legalRepoContext(await importOriginal()),
);

const captured = vi.hoisted(() => [] as { name: string; args: PolicyPackArgs }[]);
vi.mock("@pulumi/policy", async (importOriginal) => ({
  ...(await importOriginal<object>()),
  PolicyPack: class {
    constructor(name: string, args: PolicyPackArgs) {
      captured.push({ name, args });
    }
  },
}));

const POLICIES_DIR = path.resolve(__dirname, "../policies");

describe("the policy pack entry", () => {
  let rules: unknown;
  beforeAll(async () => {
    await import("../policies/index");
    ({ rules } = await import("../policies/rules"));
  });

  it("constructs exactly one pack", () => {
    expect(captured).toHaveLength(1);
  });

  it("names the pack llm-observability-guard, which the engine accepts", () => {
    expect(captured[0].name).toBe("llm-observability-guard");
    expect(captured[0].name).toMatch(/^[a-zA-Z0-9-_.]{1,100}$/);
  });

  it("hands the engine every rule of policies/rules and nothing else", () => {
    expect(captured[0].args.policies).toBe(rules);
  });

  it("has unique policy names, none of them the reserved 'all'", () => {
    const names = captured[0].args.policies.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).not.toContain("all");
  });

  it.each([
    "stack-has-config",
    "monitor-has-owner",
    "monitor-has-runbook",
    "monitor-has-escalation-path",
    "monitor-pages-its-owner",
    "monitor-has-priority",
    "monitor-threshold-matches-query",
    "monitor-thresholds-ordered",
    "monitor-anomaly-windows",
    "no-unbounded-group-by",
    "sentry-alert-has-owner-team",
    "dashboard-has-team-tag",
    "pagerduty-handles-resolve",
    "feature-has-all-monitors",
    "paging-budget",
  ])("includes %s", (name) => {
    expect(captured[0].args.policies.map((p) => p.name)).toContain(name);
  });

  it("gives every policy a description, remediation steps and an explicit enforcement level", () => {
    for (const p of captured[0].args.policies) {
      expect(p.description.length, p.name).toBeGreaterThan(20);
      expect(p.remediationSteps?.length ?? 0, p.name).toBeGreaterThan(20);
      expect(["advisory", "mandatory"], p.name).toContain(p.enforcementLevel);
    }
  });

  it("keeps enforcementLevel out of every configSchema, which the engine rejects", () => {
    for (const p of captured[0].args.policies) {
      expect(Object.keys(p.configSchema?.properties ?? {}), p.name).not.toContain("enforcementLevel");
      expect(p.configSchema?.required ?? [], p.name).not.toContain("enforcementLevel");
    }
  });

  it("makes the paging budget advisory and every other rule of this pack's modules mandatory", () => {
    const own = [
      ...stackRules,
      ...sloRules,
      ...monitorRules,
      ...runbookRules,
      ...pagingRules,
      ...thresholdRules,
      ...queryRules,
      ...dashboardRules,
      ...sentryRules,
    ];
    expect(own.filter((p) => p.enforcementLevel === "advisory").map((p) => p.name)).toEqual(["paging-budget"]);
    for (const p of own) expect(captured[0].args.policies, p.name).toContain(p);
  });
});

describe("the pack directory", () => {
  it("has a package.json with a name and version, which PolicyPack reads from its cwd", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(POLICIES_DIR, "package.json"), "utf8"));
    expect(pkg.name).toBe("llm-observability-guard");
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("pins the pack's SDK dependencies to the versions the root installs", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(POLICIES_DIR, "package.json"), "utf8"));
    const root = JSON.parse(fs.readFileSync(path.join(POLICIES_DIR, "..", "package.json"), "utf8"));
    for (const [dep, version] of Object.entries(pkg.dependencies as Record<string, string>)) {
      expect(version, dep).toBe(root.dependencies[dep] ?? root.devDependencies[dep]);
    }
  });

  it("declares the nodejs runtime in PulumiPolicy.yaml", () => {
    expect(parseYaml(fs.readFileSync(path.join(POLICIES_DIR, "PulumiPolicy.yaml"), "utf8")).runtime).toBe("nodejs");
  });
});

describe("the plan's type tokens", () => {
  it.each([
    [TYPE.monitor, datadog.Monitor],
    [TYPE.dashboard, datadog.DashboardJson],
    [TYPE.pagerdutyServiceObject, datadog.pagerduty.ServiceObject],
    [TYPE.sentryIssueAlert, sentry.SentryIssueAlert],
    [TYPE.sentryMetricAlert, sentry.SentryMetricAlert],
  ])("%s is the token the rules' resource class matches", (token, resourceClass) => {
    expect((resourceClass as unknown as { __pulumiType: string }).__pulumiType).toBe(token);
  });
});
