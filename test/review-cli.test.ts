// The review through its CLIs, with exact output: what adding one feature costs (npm run diff's
// cost section, npm run check's advisory flag), a renamed feature id, a stale plan and a plan of
// an unknown formatVersion. Plans are made by synth's own code, in process, from the fixture
// catalog of test/fixtures/diff-catalog.ts written as JSON files into a scratch directory per
// variant (the plans record those files as their inputs); one synthesis per variant serves
// every test of the file.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { FeatureInput } from "../config/schema";
import { ORG_CONSTRAINTS } from "../providers/org";
import { describeResourceCount } from "../plan/resource-count";
import { planJson, readPlan } from "../plan/plan";
import { main as checkMain } from "../tools/check";
import { main as diffMain } from "../tools/diff/cli";
import { planInputs } from "../tools/plan-inputs";
import { synth, writeArtifacts } from "../tools/synth";
import { FIXTURE_FEATURES, FIXTURE_STACK_FILES, FIXTURE_TEAMS } from "./fixtures/diff-catalog";

// The policy pack reads the legal fixture as its repository's catalog, never the user's (test/fixtures/legal-context.ts).
vi.mock("../policies/context", async (importOriginal) =>
  (await import("./fixtures/legal-context")).legalRepoContext(await importOriginal()),
);

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "llmobs-review-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

type Stack = "prod" | "staging";

/**
 * prod owns the org's resources here, with budgets the added feature crosses: its own
 * customMetricBudget, and (through staging's growth) the observability-cost monitor's warning.
 */
const STACK_FILES: Record<Stack, string> = {
  prod:
    FIXTURE_STACK_FILES.prod +
    `  llm-observability:ownsOrgResources: true
  llm-observability:orgBudget:
    customMetrics: 1100
    otherStacksCustomMetrics: 126
  llm-observability:monitoring:
    customMetricBudget: 600
`,
  staging: FIXTURE_STACK_FILES.staging,
};

const DRAFT_LETTER: FeatureInput = {
  id: "draft-letter",
  name: "Letter drafting",
  owner: "platform",
  budgetUsdPerDay: 30,
  providers: ["anthropic", "openai"],
  sentryProject: "contracts-api",
  flags: ["letter-tone"],
};

const renamed = (id: string, name?: string): FeatureInput[] =>
  FIXTURE_FEATURES.map((f) => (f.id === "legal-chat" ? { ...f, id, name: name ?? f.name } : f));

/** Writes the variant's catalog and stack files into `<scratch>/<variant>/` and synthesizes each stack into its out/. */
async function synthesizeVariant(variant: string, features: FeatureInput[], stacks: Stack[]): Promise<string> {
  const dir = path.join(scratch, variant);
  fs.mkdirSync(dir, { recursive: true });
  const file = (name: string, content: string) => (fs.writeFileSync(path.join(dir, name), content), path.join(dir, name));
  const featuresFile = file("features.json", JSON.stringify(features, null, 2));
  const teamsFile = file("teams.json", JSON.stringify(FIXTURE_TEAMS, null, 2));
  for (const stack of stacks) {
    const configFile = file(`Pulumi.${stack}.yaml`, STACK_FILES[stack]);
    const result = await synth({ stack, configFile, featuresFile, teamsFile });
    writeArtifacts(path.join(dir, "out", stack), result.artifacts);
  }
  return path.join(dir, "out");
}

const plans = { base: "", head: "", sameName: "", sameOwner: "" };
beforeAll(async () => {
  plans.base = await synthesizeVariant("base", FIXTURE_FEATURES, ["prod", "staging"]);
  plans.head = await synthesizeVariant("head", [...FIXTURE_FEATURES, DRAFT_LETTER], ["prod", "staging"]);
  plans.sameName = await synthesizeVariant("same-name", renamed("legal-research"), ["prod"]);
  plans.sameOwner = await synthesizeVariant("same-owner", renamed("legal-search", "Legal search"), ["prod"]);
}, 120_000);

/**
 * The diffs here run no scenario: the plans' synth marks name this checkout, so the diff would replay
 * the repository's scenarios (written for the user's catalog) against the fixture's changed monitors.
 * test/diff-behaviour.test.ts covers that section.
 */
const NO_SCENARIOS = () => {
  const dir = path.join(scratch, "no-scenarios");
  fs.mkdirSync(dir, { recursive: true });
  return ["--scenarios", dir];
};

async function run(cli: typeof diffMain, args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const argv = cli === diffMain ? [...args, ...NO_SCENARIOS()] : args;
  const code = await cli(argv, { out: (t) => out.push(`${t}\n`), err: (t) => err.push(`${t}\n`) });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

/** One `### ...` section of a stack's part of the diff, heading included, up to the next section. */
function section(markdown: string, stack: string, heading: string): string {
  const part = markdown.slice(markdown.indexOf(`## What this change does to \`${stack}\``));
  const start = part.indexOf(`### ${heading}`);
  if (start === -1) return "";
  const end = part.indexOf("\n###", start + 1);
  return part.slice(start, end === -1 ? undefined : end).trim();
}

/** A policy config that leaves only the cost policy on: the other rules read this repository's catalog, not the fixture's. */
function costOnly(): string {
  const file = path.join(scratch, "cost-only.json");
  fs.writeFileSync(file, JSON.stringify({ all: "disabled", "llm-custom-metric-budget": "advisory" }));
  return file;
}

describe("the cost of a change", () => {
  it("the diff of adding one feature names its custom metrics and $/month per stack, and flags what prod's head crosses", async () => {
    const r = await run(diffMain, [
      ...["--base", plans.base, "--head", plans.head, "--stack", "prod", "--stack", "staging"],
      ...["--html-dir", path.join(scratch, "diff-cost")],
    ]);
    expect(r.code).toBe(0);
    expect(section(r.stdout, "prod", "Custom metrics")).toBe(
      [
        "### Custom metrics: what the observability costs",
        "",
        "Estimated at the stack's `scale` (Datadog bills a custom metric per tag-value combination: docs/cost.md).",
        "",
        "| | base | head | change |",
        "|---|---:|---:|---:|",
        "| indexed custom metrics ($5 per 100) | 374 | 724 | **+350** |",
        "| ingested custom metrics ($0.10 per 100) | 500 | 830 | **+330** |",
        "| per month | $19.20 | $37.03 | **+$17.83** |",
        "| budget, indexed (`monitoring.customMetricBudget`) | 600 | 600 |  |",
        "| observability-cost monitor (org-wide): warns above | 550 | 936 | **+386** |",
        "| observability-cost monitor (org-wide): alerts above | 1,100 | 1,100 |  |",
        "",
        "> **⚠** 724 indexed custom metrics exceed stack prod's budget of 600 (`monitoring.customMetricBudget`) by 124.",
        ">",
        "> **⚠** The org's expected 983 indexed custom metrics (prod 724 + staging 259) cross the warning of the observability-cost " +
          "monitor (stack prod) at 936: `orgBudget.otherStacksCustomMetrics` counts 126 for the other stacks, which estimate 259.",
        "",
        "- `draft-letter` (new): +350 indexed, +330 ingested custom metrics ≈ +$17.83/month",
      ].join("\n"),
    );
    expect(section(r.stdout, "staging", "Custom metrics")).toBe(
      [
        "### Custom metrics: what the observability costs",
        "",
        "Estimated at the stack's `scale` (Datadog bills a custom metric per tag-value combination: docs/cost.md).",
        "",
        "| | base | head | change |",
        "|---|---:|---:|---:|",
        "| indexed custom metrics ($5 per 100) | 134 | 259 | **+125** |",
        "| ingested custom metrics ($0.10 per 100) | 170 | 275 | **+105** |",
        "| per month | $6.87 | $13.23 | **+$6.36** |",
        "| budget, indexed (`monitoring.customMetricBudget`) | 20,000 | 20,000 |  |",
        "",
        "- `draft-letter` (new): +125 indexed, +105 ingested custom metrics ≈ +$6.36/month",
      ].join("\n"),
    );
  });

  it("check flags the same crossings as advisory: prod's budget, and the monitor's warning with staging against prod", async () => {
    const prod = path.join(plans.head, "prod", "plan.json");
    const staging = path.join(plans.head, "staging", "plan.json");
    const own = await run(checkMain, ["--plan", prod, "--config", costOnly()]);
    expect([own.code, own.stderr]).toEqual([0, ""]);
    expect(own.stdout).toBe(
      [
        // The cost policy and the org constraints (prod owns the org's resources); every other rule is disabled.
        `llm-observability-guard: ${1 + ORG_CONSTRAINTS.length} policies over ${prod} (stack prod, ` +
          `${describeResourceCount(readPlan(prod))})`,
        "",
        "ADVISORY  llm-custom-metric-budget (1)",
        "  The estimated indexed Datadog custom metrics of the metric contract (under the org's tag configurations), at the " +
          "stack's declared scale, stay within the stack's custom-metric budget, and the org's expected usage stays below the " +
          "observability-cost monitor's warning.",
        "  - (stack)  urn:pulumi:prod::llm-observability",
        "      stack prod: estimated 724 indexed custom metrics ≈ $36.20/month (largest: llm.judge.score 300, llm.requests 240, " +
          "llm.cost.usd 80; plus 830 ingested ≈ $0.83/month); budget 600 (monitoring.customMetricBudget); the " +
          "observability-cost monitor (stack prod) warns above 936 and alerts above 1,100. 724 indexed custom metrics exceed " +
          "stack prod's budget of 600 (`monitoring.customMetricBudget`) by 124.",
        "",
        "1 violation: 0 mandatory, 1 advisory.",
        "",
      ].join("\n"),
    );
    const withOrg = await run(checkMain, ["--plan", staging, "--org-plan", prod, "--config", costOnly(), "--json"]);
    expect(withOrg.code).toBe(0);
    expect(JSON.parse(withOrg.stdout)).toEqual([
      expect.objectContaining({
        policyName: "llm-custom-metric-budget",
        enforcementLevel: "advisory",
        message:
          "stack staging: estimated 259 indexed custom metrics ≈ $12.95/month (largest: llm.judge.score 75, llm.requests 60, " +
          "llm.duration 40; plus 275 ingested ≈ $0.28/month); budget 20,000 (monitoring.customMetricBudget); the " +
          "observability-cost monitor (stack prod) warns above 936 and alerts above 1,100. The org's expected 983 indexed custom " +
          "metrics (prod 724 + staging 259) cross the warning of the observability-cost monitor (stack prod) at 936: " +
          "`orgBudget.otherStacksCustomMetrics` counts 126 for the other stacks, which estimate 259.",
      }),
    ]);
  });
});

describe("a renamed feature id", () => {
  it.for([
    ["the same display name", () => plans.sameName, "legal-research", '(same display name "Legal research assistant")'],
    ["the same owner and budget", () => plans.sameOwner, "legal-search", "(same owner `platform` and budget $250 a day)"],
  ] as const)(
    "is called out as a likely rename when the new id has %s, with what is lost and how to keep it",
    async ([, head, to, why]) => {
      const r = await run(diffMain, ["--base", plans.base, "--head", head(), "--html-dir", path.join(scratch, `diff-${to}`)]);
      expect(r.code).toBe(0);
      // The summary's quoted block (sections further down quote their own notes).
      const block = r.stdout
        .split("\n###")[0]
        .split("\n")
        .filter((l) => l.startsWith(">"));
      expect(block).toEqual([
        `> **Looks like a rename: \`legal-chat\` → \`${to}\`** ${why}. A feature's id is its identity, so this change loses:`,
        "> - **its metric history**: Datadog keeps it under `feature:legal-chat`, while the dashboards and monitors of " +
          `\`${to}\` only see data sent with the new id (the emitter rejects calls that still pass \`legal-chat\`).`,
        "> - **its monitor history**: its 17 monitors, 3 SLOs and 2 Sentry rules are deleted and new ones created in their place, " +
          "without " +
          "their history, mutes or downtimes; monitors that compare with the past start without a baseline.",
        ">",
        "> To keep both, keep the id `legal-chat` and change its `name` in features.ts instead.",
      ]);
    },
  );
});

describe("a stale plan", () => {
  /**
   * The base's prod plan as synth wrote it into `<scratch>/<name>/out/prod/` (with synth's mark),
   * recorded as made from copies of its files there; then features.json is edited, as a user who
   * adds a feature and skips synth does.
   */
  function staleOut(name: string): { dir: string; out: string; planFile: string } {
    const dir = path.join(scratch, name);
    fs.mkdirSync(dir, { recursive: true });
    for (const f of ["features.json", "teams.json", "Pulumi.prod.yaml"]) fs.copyFileSync(path.join(plans.base, "..", f), path.join(dir, f));
    const files = {
      features: path.join(dir, "features.json"),
      teams: path.join(dir, "teams.json"),
      stack: path.join(dir, "Pulumi.prod.yaml"),
    };
    const plan = { ...readPlan(path.join(plans.base, "prod", "plan.json")), inputs: planInputs(files) };
    writeArtifacts(path.join(dir, "out", "prod"), [{ path: "plan.json", content: planJson(plan) }]);
    fs.writeFileSync(files.features, JSON.stringify([...FIXTURE_FEATURES, DRAFT_LETTER], null, 2));
    return { dir, out: path.join(dir, "out"), planFile: path.join(dir, "out", "prod", "plan.json") };
  }

  const fix = (dir: string) =>
    "Re-run `npm run synth` first: npm run synth -- --stack prod " +
    `--features ${dir}/features.json --teams ${dir}/teams.json --config ${dir}/Pulumi.prod.yaml --out ${dir}/out`;

  it("is refused by check with exit 2 and the fix, re-running synth, before any rule can blame the monitors builder", async () => {
    const { dir, planFile } = staleOut("stale-check");
    const r = await run(checkMain, ["--plan", planFile]);
    expect(r).toEqual({
      code: 2,
      stdout: "",
      stderr: `check: ${planFile} is stale: ${dir}/features.json changed since it was synthesized. ${fix(dir)}\n`,
    });
  });

  it("is refused by diff as --head when synth wrote it in this checkout, with exit 2 and the fix", async () => {
    const { dir, out, planFile } = staleOut("stale-diff");
    const r = await run(diffMain, ["--base", plans.base, "--head", out, "--html-dir", path.join(scratch, "diff-stale")]);
    expect(r).toEqual({
      code: 2,
      stdout: "",
      stderr:
        `diff: --head ${out}: ${planFile} is stale: ${dir}/features.json changed since it was synthesized. ${fix(dir)} ` +
        "(or leave out --head: diff then synthesizes the working tree itself)\n",
    });
  });

  it("is compared as data as --base, or as a --head from elsewhere (a CI artifact: no synth mark of this checkout)", async () => {
    const { out, dir } = staleOut("stale-data");
    const artifact = path.join(dir, "artifact");
    fs.mkdirSync(path.join(artifact, "prod"), { recursive: true });
    fs.copyFileSync(path.join(out, "prod", "plan.json"), path.join(artifact, "prod", "plan.json"));
    for (const [base, head] of [
      [out, plans.head],
      [plans.base, artifact],
    ]) {
      const r = await run(diffMain, ["--base", base, "--head", head, "--html-dir", path.join(dir, "diff")]);
      expect([r.code, r.stderr.split("\n")[0]]).toEqual([0, `diff: wrote ${dir}/diff/index.html  the head's preview, changes marked`]);
    }
  });

  it("from before plans recorded their inputs is refused by check, which cannot tell whether it still holds", async () => {
    const file = path.join(scratch, "legacy", "prod", "plan.json");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const { project, stack, resources } = readPlan(path.join(plans.base, "prod", "plan.json"));
    fs.writeFileSync(file, planJson({ project, stack, resources }));
    const r = await run(checkMain, ["--plan", file]);
    expect(r).toEqual({
      code: 2,
      stdout: "",
      stderr:
        `check: ${file} records no formatVersion and no inputs: a synth from before they existed made it, so whether it still ` +
        `matches the catalog cannot be told. Re-run \`npm run synth\` first: npm run synth -- --stack prod --out ${scratch}/legacy\n`,
    });
  });
});

describe("a plan of an unknown formatVersion", () => {
  it.for([
    ["check", (dir: string, file: string) => run(checkMain, ["--plan", file])],
    ["diff", (dir: string) => run(diffMain, ["--base", dir, "--head", plans.head, "--html-dir", path.join(dir, "diff")])],
  ] as const)("is refused by %s with exit 2, naming the version it reads", async ([cli, runCli]) => {
    const dir = path.join(scratch, `future-${cli}`);
    const file = path.join(dir, "prod", "plan.json");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ ...readPlan(path.join(plans.base, "prod", "plan.json")), formatVersion: 2 }));
    expect(await runCli(dir, file)).toEqual({
      code: 2,
      stdout: "",
      stderr:
        `${cli}: plan file ${file} has formatVersion 2, which this llm-observability cannot read (it reads formatVersion 1 and ` +
        "plans from before formatVersion existed). Re-run `npm run synth` with this checkout, or read the plan with the version " +
        "that wrote it.\n",
    });
  });
});
