// Where the rules get a stack's settings, and how the pack fails closed without them: from the
// repository, stack-has-config rejects a stack with no valid Pulumi.<stack>.yaml once and the
// rules that needed it step aside; outside the repository (a published pack), each rule that
// lacks its policy config rejects the resource itself. Never a silent pass.
import { afterEach, describe, expect, it, vi } from "vitest";
import { ConfigError } from "../config/errors";
import { policyConfigFor } from "../policies/config";
import { type CheckedResource, runPolicies } from "../policies/offline";
import { packArgs } from "../policies/rules";
import { monitorHasEscalationPath } from "../policies/rules/paging";
import { monitorHasRunbook } from "../policies/rules/runbooks";
import { stackHasConfig } from "../policies/rules/stack";
import { STACK_SETTINGS } from "../policies/settings";
import { cleanStack, monitor, RUNBOOK_BASE, runResourcePolicy, runStackPolicy, serviceObject, urnFor } from "./fixtures/policy-args";
import { LEGAL_DIR, legalCatalog } from "./fixtures/legal";

const where = vi.hoisted(() => ({ fromRepo: true, unreadable: "" }));

// The repository the pack runs from is the legal fixture (test/fixtures/legal-context.ts), never the user's catalog.
vi.mock("../policies/context", async (importOriginal) => ({
  ...(await import("./fixtures/legal-context")).legalRepoContext(await importOriginal()),
  runningFromRepo: () => where.fromRepo,
}));

vi.mock("../config/load", async (importOriginal) => {
  const original = await importOriginal<typeof import("../config/load")>();
  return {
    ...original,
    readStackFile: (file: string) => {
      if (where.unreadable && file.endsWith(where.unreadable)) {
        throw new ConfigError([{ path: `${file}:3:1`, message: "not valid YAML: bad indentation" }]);
      }
      return original.readStackFile(file);
    },
  };
});

afterEach(() => {
  where.fromRepo = true;
  where.unreadable = "";
});

const asStack = (resources: CheckedResource[], stack: string) =>
  resources.map((r) => ({ ...r, urn: urnFor(stack, r.type, r.name), parent: null }));

async function violationsOf(resources: CheckedResource[], config = {}) {
  const { violations } = await runPolicies(resources, {
    policies: packArgs.policies,
    packEnforcementLevel: packArgs.enforcementLevel,
    config,
  });
  return violations.map((v) => [v.policyName, v.message] as const);
}

describe("run from the repository", () => {
  it("passes a stack this repository defines", async () => {
    expect(await runStackPolicy(stackHasConfig, cleanStack())).toEqual({ violations: [], notApplicable: false });
  });

  it("rejects a stack with no Pulumi.<stack>.yaml, naming the file, the stacks here and every setting the rules need", async () => {
    const { violations } = await runStackPolicy(stackHasConfig, asStack(cleanStack(), "sandbox"));
    expect(violations).toEqual([
      {
        urn: undefined,
        message:
          `stack "sandbox": there is no Pulumi.sandbox.yaml in ${LEGAL_DIR} (stacks here: prod, staging), so the rules that read the ` +
          `stack's settings ` +
          `cannot judge this plan: runbookBaseUrl (monitor-has-runbook), paging (monitor-has-escalation-path, ` +
          `pagerduty-handles-resolve, feature-has-slos), ` +
          `env (monitor-pages-its-owner), features (feature-has-all-monitors, feature-has-slos), sloOptOuts (feature-has-slos), ` +
          `maxPagingMonitorsPerTeam (paging-budget), ` +
          `pagerdutyServices (sentry-alert-has-owner-team). Check a plan of a stack this repository defines, or add ` +
          `Pulumi.sandbox.yaml and fix what it reports.`,
      },
    ]);
  });

  it("rejects a stack whose Pulumi.<stack>.yaml cannot be read, with the file's own problem", async () => {
    where.unreadable = "Pulumi.staging.yaml";
    const { violations } = await runStackPolicy(stackHasConfig, cleanStack("staging"));
    expect(violations.map((v) => v.message)).toEqual([
      expect.stringMatching(
        new RegExp(
          /^stack "staging": Pulumi\.staging\.yaml cannot be read: \S+Pulumi\.staging\.yaml:3:1: not valid YAML: bad /.source +
            /indentation, so the rules/.source,
        ),
      ),
    ]);
  });

  it("rejects a URN whose stack is not a Pulumi stack name before it reaches a file name", async () => {
    const { violations } = await runStackPolicy(stackHasConfig, asStack([serviceObject("platform")], "..%2F..%2Fetc"));
    expect(violations.map((v) => v.message)).toEqual([
      expect.stringMatching(/^stack "\.\.%2F\.\.%2Fetc": "\.\.%2F\.\.%2Fetc" is not a Pulumi stack name/),
    ]);
  });

  it("rejects the whole plan of a stack with no settings by that one rule: every rule that needed a setting steps aside", async () => {
    const found = await violationsOf(asStack(cleanStack(), "sandbox"));
    expect(found.map(([policy]) => policy)).toEqual(["stack-has-config"]);
  });

  it("uses a rule's own policy config when the stack file is missing, while still rejecting the stack", async () => {
    const m = asStack([monitor("m", { message: "no link here @slack-x" })], "sandbox")[0];
    expect((await runResourcePolicy(monitorHasRunbook, m, { runbookBaseUrl: RUNBOOK_BASE })).violations).toEqual([
      expect.stringMatching(/has no runbook link under/),
    ]);
  });
});

describe("outside the repository, as a published pack", () => {
  it("has no stack files to look for, so stack-has-config steps aside", async () => {
    where.fromRepo = false;
    expect(await runStackPolicy(stackHasConfig, cleanStack())).toEqual({ violations: [], notApplicable: true });
  });

  it.each([
    [monitorHasRunbook, "runbookBaseUrl", "the URL runbooks/ is browsable at (runbookBaseUrl)"],
    [monitorHasEscalationPath, "paging", "whether the stack may page (paging)"],
  ])("$name rejects a monitor when its policy config lacks $1", async (policy, key, what) => {
    where.fromRepo = false;
    const { violations } = await runResourcePolicy(policy, monitor());
    expect(violations).toEqual([
      `${policy.name} needs ${what} for stack "prod", but this copy of the pack runs outside the repository, where there is no ` +
        `Pulumi.<stack>.yaml ` +
        `to read, and its policy config does not set ${policy.name}.${key}. Enable the pack with the config policies/bundle.ts writes ` +
        `for the stack: ` +
        `pulumi policy enable <org>/llm-observability-guard <version> --config config/<stack>.json.`,
    ]);
  });

  it("rejects a stack with no policy config in every rule that reads a stack setting, and in no other", async () => {
    where.fromRepo = false;
    const found = await violationsOf(cleanStack());
    const readers = Object.values(STACK_SETTINGS).flatMap((s) => s.policies);
    // sentry-alert-has-owner-team needs its map only for issue alerts that page without a Team target; cleanStack has none.
    const expected = readers.filter((p) => p !== "sentry-alert-has-owner-team");
    expect(new Set(found.map(([policy]) => policy))).toEqual(new Set(expected));
    for (const [, message] of found) expect(message).toMatch(/runs outside the repository/);
  });

  it("accepts the legal fixture's stack given the policy config policies/bundle.ts writes for it", async () => {
    where.fromRepo = false;
    expect(await violationsOf(cleanStack(), policyConfigFor(legalCatalog("prod")))).toEqual([]);
  });
});

describe("the stack settings", () => {
  const schemaKeys = (name: string) => Object.keys(packArgs.policies.find((p) => p.name === name)?.configSchema?.properties ?? {});

  it.each(Object.entries(STACK_SETTINGS))("%s is declared in the config schema of every rule that reads it", (name, setting) => {
    for (const policy of setting.policies) expect(schemaKeys(policy), policy).toContain(name);
  });

  it("are read by every rule whose config schema names one", () => {
    for (const p of packArgs.policies) {
      for (const key of schemaKeys(p.name).filter((k) => k in STACK_SETTINGS)) {
        expect(STACK_SETTINGS[key as keyof typeof STACK_SETTINGS].policies, `${p.name}.${key}`).toContain(p.name);
      }
    }
  });

  it("all reach a published pack's config, each under the rule that reads it", () => {
    const config = policyConfigFor(legalCatalog("staging")) as Record<string, Record<string, unknown>>;
    for (const [name, setting] of Object.entries(STACK_SETTINGS)) {
      for (const policy of setting.policies) expect(config[policy], `${policy}.${name}`).toHaveProperty(name);
    }
    expect(config["monitor-has-escalation-path"].paging).toBe(false);
    expect(config["sentry-alert-has-owner-team"].pagerdutyServices).toEqual({});
  });
});
