// `npm run check`: exit codes, grouped output, --json, --config, and the offline engine's
// fidelity to the analyzer server (notApplicable, levels, crashes).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { PolicyCrashError, runPolicies } from "../policies/offline";
import { packArgs } from "../policies/rules";
import { DEFAULT_PLAN, main } from "../tools/check";
import { parseSynthArgs } from "../tools/synth";
import { cleanStack, monitor, planOf } from "./fixtures/policy-args";
import { recordedPlan } from "./fixtures/legal";

// The policy pack reads the legal fixture as its repository's catalog, never the user's (test/fixtures/legal-context.ts).
vi.mock("../policies/context", async (importOriginal) =>
  (await import("./fixtures/legal-context")).legalRepoContext(await importOriginal()),
);

const ROOT = path.resolve(__dirname, "..");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "check-"));

afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function writeJson(name: string, value: unknown): string {
  const file = path.join(scratch, name);
  fs.writeFileSync(file, typeof value === "string" ? value : JSON.stringify(value));
  return file;
}

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const unowned = () => {
  const resources = cleanStack();
  const i = resources.findIndex((r) => r.name === "monitor-legal-chat-ttft-p95");
  resources[i] = { ...resources[i], props: { ...resources[i].props, tags: ["feature:legal-chat", "monitor:ttft-p95"] } };
  return resources;
};

describe("npm run check", () => {
  const clean = writeJson("clean.json", recordedPlan(planOf(cleanStack())));
  const broken = writeJson("broken.json", recordedPlan(planOf(unowned())));

  it("exits 0 on a plan every policy accepts, ending with a count line", async () => {
    const r = await run(["--plan", clean]);
    expect(r.code).toBe(0);
    // The clean stack: per feature of the legal fixture (5), 4 monitors, 3 SLOs and their 13 monitors
    // (slow burn and budget per objective, the fast-burn composite and its burn block per objective, one
    // traffic guard); one service object per team (3).
    expect(r.out.split("\n")[0]).toBe(
      `llm-observability-guard: ${packArgs.policies.length} policies over ${clean} (stack prod, 103 resources (+0 components))`,
    );
    expect(r.out.trimEnd().split("\n").pop()).toBe("0 violations: 0 mandatory, 0 advisory.");
  });

  it("exits 1 on a mandatory violation and prints it under its policy with level, resource name, URN and message", async () => {
    const r = await run(["--plan", broken]);
    expect(r.code).toBe(1);
    const lines = r.out.split("\n");
    const header = lines.indexOf("MANDATORY  monitor-has-owner (1)");
    expect(header).toBeGreaterThan(0);
    expect(lines[header + 2]).toBe(
      "  - monitor-legal-chat-ttft-p95  urn:pulumi:prod::llm-observability::datadog:index/monitor:Monitor::monitor-legal-chat-ttft-p95",
    );
    expect(lines[header + 3]).toMatch(/^ {6}monitor "monitor-legal-chat-ttft-p95" has no team: tag/);
    expect(lines.at(-1)).toBe("1 violation: 1 mandatory, 0 advisory.");
  });

  it("prints the violations as a JSON array with --json", async () => {
    const r = await run(["--plan", broken, "--json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toEqual([
      {
        policyName: "monitor-has-owner",
        enforcementLevel: "mandatory",
        description: expect.stringContaining("team:<id>"),
        message: expect.stringMatching(/^monitor "monitor-legal-chat-ttft-p95" has no team: tag/),
        urn: "urn:pulumi:prod::llm-observability::datadog:index/monitor:Monitor::monitor-legal-chat-ttft-p95",
        resourceName: "monitor-legal-chat-ttft-p95",
        resourceType: "datadog:index/monitor:Monitor",
      },
    ]);
  });

  it("prints an empty JSON array for a clean plan", async () => {
    const r = await run(["--plan", clean, "--json"]);
    expect([r.code, JSON.parse(r.out)]).toEqual([0, []]);
  });

  it("exits 0 when the only violations are advisory", async () => {
    // contracts-ai and research-assistant page with 12 monitors each, platform with 6.
    const config = writeJson("budget.json", { "paging-budget": { maxPagingMonitorsPerTeam: 6 } });
    const r = await run(["--plan", clean, "--config", config]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("ADVISORY  paging-budget (2)");
    expect(r.out.split("\n").at(-1)).toBe("2 violations: 0 mandatory, 2 advisory.");
  });

  it.each([
    ["a policy's own level", { "monitor-has-owner": "advisory" }],
    ["the level of all policies", { all: "advisory" }],
    ["a disabled policy", { "monitor-has-owner": { enforcementLevel: "disabled" } }],
  ])("lets policy config lower %s, as --policy-pack-config does", async (_case, config) => {
    expect((await run(["--plan", broken, "--config", writeJson("levels.json", config)])).code).toBe(0);
  });

  it("applies a policy's own level over the level of all policies", async () => {
    const config = writeJson("precedence.json", { all: "advisory", "monitor-has-owner": "mandatory" });
    expect((await run(["--plan", broken, "--config", config])).code).toBe(1);
  });

  it.each([
    ["a missing plan", ["--plan", "/nonexistent/plan.json"], /plan file \/nonexistent\/plan.json not found; run `npm run synth` first/],
    ["a plan that is not JSON", ["--plan", writeJson("garbage.json", "{oops")], /is not valid JSON/],
    [
      "a plan of the wrong shape",
      ["--plan", writeJson("shape.json", { resources: {} })],
      /is malformed: expected \{project, stack, resources\[\]\}/,
    ],
    [
      "a resource without inputs",
      ["--plan", writeJson("res.json", { project: "p", stack: "s", resources: [{ urn: "u", type: "t", name: "n" }] })],
      /resources\[0\] needs urn, type, name and inputs/,
    ],
    ["an unknown option", ["--plans", "x"], /^check: unknown option --plans\nusage: npm run check/],
    [
      "a config naming an unknown policy",
      ["--plan", clean, "--config", writeJson("unknown.json", { "monitor-owner": "advisory" })],
      /unknown.json: monitor-owner: unknown policy/,
    ],
    [
      "a config with a bad level",
      ["--plan", clean, "--config", writeJson("level.json", { "paging-budget": "strict" })],
      /paging-budget.enforcementLevel: must be one of advisory, mandatory, remediate, disabled \(got "strict"\)/,
    ],
    [
      "a config with a mistyped setting",
      ["--plan", clean, "--config", writeJson("typed.json", { "monitor-has-owner": { teams: "platform" } })],
      /monitor-has-owner.teams: must be an array \(got "platform"\)/,
    ],
  ])("exits 2 with a clear message on %s", async (_case, argv, expected) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(expected);
    expect(r.out).toBe("");
  });

  it("reads by default the plan npm run synth writes for its default stack", () => {
    const parsed = parseSynthArgs([]);
    if (!parsed.ok) throw new Error("synth's defaults must parse");
    const synth = parsed.value;
    expect(DEFAULT_PLAN).toBe(path.join(synth.outDir, synth.stack, "plan.json"));
  });

  it("passes its exit code through the npm script", () => {
    const r = spawnSync("npm", ["run", "-s", "check", "--", "--plan", path.join(scratch, "absent.json")], { cwd: ROOT, encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("not found; run `npm run synth` first");
  });
});

describe("the offline engine", () => {
  const resources = [monitor("m1"), monitor("m2")];
  const base = { description: "d", remediationSteps: "r", enforcementLevel: "mandatory" as const };

  it("treats a thrown notApplicable as 'does not apply', not as an error", async () => {
    const policy: ResourceValidationPolicy = { ...base, name: "p", validateResource: (args) => args.notApplicable("never") };
    expect(await runPolicies(resources, { policies: [policy] })).toEqual({ violations: [], policiesRun: 1 });
  });

  it("fails with the policy and resource named when a rule throws anything else", async () => {
    const policy: ResourceValidationPolicy = {
      ...base,
      name: "crashy",
      validateResource: () => {
        throw new TypeError("boom");
      },
    };
    await expect(runPolicies(resources, { policies: [policy] })).rejects.toThrow(PolicyCrashError);
    await expect(runPolicies(resources, { policies: [policy] })).rejects.toThrow(/policy crashy failed on m1: TypeError: boom/);
  });

  it("runs each validation of a policy separately, so one not applying does not hide the other", async () => {
    const policy: ResourceValidationPolicy = {
      ...base,
      name: "two",
      validateResource: [(args) => args.notApplicable(), (args, report) => report(`saw ${args.name}`)],
    };
    const { violations } = await runPolicies(resources, { policies: [policy] });
    expect(violations.map((v) => v.message)).toEqual(["saw m1", "saw m2"]);
  });

  it("hands rules the inputs behind the engine's proxy and a copy they cannot mutate", async () => {
    const policy: ResourceValidationPolicy = {
      ...base,
      name: "mutates",
      validateResource: (args, report) => {
        report(String((args.props as Record<string, unknown>).__isSpecialProxy));
        (args.props as Record<string, unknown>).tags = [];
      },
    };
    const { violations } = await runPolicies(resources, { policies: [policy] });
    expect(violations[0].message).toBe("true");
    expect(resources[0].props.tags).not.toEqual([]);
  });

  it("reports remediate-level policies as mandatory and skips disabled ones", async () => {
    const flag = (name: string, level: "remediate" | "disabled"): StackValidationPolicy => ({
      ...base,
      name,
      enforcementLevel: level,
      validateStack: (_a, report) => report("x"),
    });
    const { violations, policiesRun } = await runPolicies(resources, { policies: [flag("a", "remediate"), flag("b", "disabled")] });
    expect([violations.map((v) => [v.policyName, v.enforcementLevel]), policiesRun]).toEqual([[["a", "mandatory"]], 1]);
  });
});
