// `npm run synth` end to end, as a user runs it: a child process, files on disk, exit codes. It runs
// in the legal fixture's directory, so its defaults (features.ts, teams.ts, Pulumi.<stack>.yaml)
// read the fixture. The prod stack is synthesized once with the defaults and shared.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { main as checkMain } from "../tools/check";
import { readPlan } from "../plan/plan";
import { describeResourceCount } from "../plan/resource-count";
import { type ChildResult, runScript } from "./helpers";
import { LEGAL_DIR, legalFeatures, legalTeams } from "./fixtures/legal";

// The policy pack reads the legal fixture as its repository's catalog, never the user's (test/fixtures/legal-context.ts).
vi.mock("../policies/context", async (importOriginal) =>
  (await import("./fixtures/legal-context")).legalRepoContext(await importOriginal()),
);

function synthCli(args: string[]): Promise<ChildResult> {
  return runScript("tools/synth.ts", args, { cwd: LEGAL_DIR });
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "llmobs-synth-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function tmpDir(): string {
  return fs.mkdtempSync(path.join(scratch, "t"));
}

/** `npm run synth -- --out <dir>`: every default (the prod stack, features.ts, teams.ts, Pulumi.prod.yaml). */
let defaults: { out: string; run: Promise<ChildResult> } | undefined;
function synthDefaults() {
  if (!defaults) {
    const out = tmpDir();
    defaults = { out, run: synthCli(["--out", out]) };
  }
  return defaults;
}

describe.concurrent("npm run synth", () => {
  it("writes the plan and every dashboard for the prod stack, and summarizes them, counting resources as check does.", async ({
    expect,
  }) => {
    const { out, run } = synthDefaults();
    const r = await run;
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const plan = JSON.parse(fs.readFileSync(path.join(out, "prod", "plan.json"), "utf8"));
    expect(Object.keys(plan)).toEqual(["project", "stack", "resources"]);
    expect(plan.project).toBe("llm-observability");
    expect(plan.stack).toBe("prod");
    for (const res of plan.resources) expect(Object.keys(res)).toEqual(["urn", "type", "name", "parent", "custom", "inputs"]);
    const dashboards = plan.resources.filter((res: { type: string }) => res.type === "datadog:index/dashboardJson:DashboardJson");
    expect(dashboards.length).toBeGreaterThan(0);
    for (const d of dashboards) {
      const file = path.join(out, "prod", "dashboards", `${d.name.replace(/^dashboard-/, "")}.json`);
      expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual(JSON.parse(d.inputs.dashboard));
      expect(r.stdout).toContain(JSON.parse(d.inputs.dashboard).title);
    }
    expect(r.stdout).toMatch(/Resources by type:/);

    // Synth and check count the same plan the same way (plan/resource-count.ts).
    const count = describeResourceCount(readPlan(path.join(out, "prod", "plan.json")));
    expect(count).toMatch(/^\d+ resources \(\+\d+ components\)$/);
    expect(r.stdout.split("\n")[1].endsWith(`teams → ${count}`), r.stdout.split("\n")[1]).toBe(true);
    const lines: string[] = [];
    await checkMain(["--plan", path.join(out, "prod", "plan.json")], { out: (t) => lines.push(t), err: (t) => lines.push(t) });
    const header = lines.join("\n").split("\n")[0];
    expect(header.endsWith(`(stack prod, ${count})`), header).toBe(true);
  });

  it("renders the same plan from the JSON form of features and teams as from the .ts modules.", async ({ expect }) => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, "features.json"), JSON.stringify(legalFeatures()));
    fs.writeFileSync(path.join(dir, "teams.json"), JSON.stringify(legalTeams()));
    const a = synthDefaults();
    const b = await synthCli([
      "--out",
      path.join(dir, "b"),
      "--features",
      path.join(dir, "features.json"),
      "--teams",
      path.join(dir, "teams.json"),
    ]);
    expect([(await a.run).code, b.code]).toEqual([0, 0]);
    expect(fs.readFileSync(path.join(dir, "b", "prod", "plan.json"), "utf8")).toBe(
      fs.readFileSync(path.join(a.out, "prod", "plan.json"), "utf8"),
    );
  });

  it("prints every problem of a bad features.json with its path, exits 1 and writes nothing.", async ({ expect }) => {
    const dir = tmpDir();
    const features = legalFeatures();
    features[2].budgetUsdPerDay = -5;
    features[1].owner = "growht";
    features[0].quality = { judgeSampleRate: 2 };
    fs.writeFileSync(path.join(dir, "features.json"), JSON.stringify(features));
    const out = path.join(dir, "out");
    const r = await synthCli(["--features", path.join(dir, "features.json"), "--out", out]);
    expect(r.code).toBe(1);
    expect(r.stderr.split("\n").filter((l) => l.startsWith("  "))).toEqual([
      "  features[0].quality.judgeSampleRate: must be between 0.0001 (1 request in 10,000) and 1 (got 2)",
      '  features[1].owner: unknown team "growht" (known: contracts-ai, research-assistant, platform)',
      "  features[2].budgetUsdPerDay: must be between 0.01 and 1000000 USD per day (got -5)",
    ]);
    expect(r.stderr).toContain("nothing was written");
    expect(fs.existsSync(out)).toBe(false);
  });

  it("refuses a features file that is not JSON with a clear message.", async ({ expect }) => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, "features.json"), "[{ id: oops");
    const r = await synthCli(["--features", path.join(dir, "features.json"), "--out", path.join(dir, "out")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/features\.json: not valid JSON/);
  });

  it("rejects an unknown flag with usage and exit code 2.", async ({ expect }) => {
    const r = await synthCli(["--stak", "prod"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/usage: npm run synth/);
  });
});
