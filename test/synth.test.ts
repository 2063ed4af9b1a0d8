// `npm run synth` end to end, as a user runs it: a child process, files on disk, exit codes. It runs
// in the legal fixture's directory, so its defaults (features.ts, teams.ts, Pulumi.<stack>.yaml)
// read the fixture, never the user's catalog.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main as checkMain } from "../tools/check";
import { readPlan } from "../plan/plan";
import { describeResourceCount } from "../plan/resource-count";
import { codeFiles } from "../tools/plan-inputs";
import { ROOT } from "./helpers";
import { LEGAL_DIR, legalFeatures, legalStackFile, legalTeams } from "./fixtures/legal";

// The policy pack reads the legal fixture as its repository's catalog, never the user's (test/fixtures/legal-context.ts).
vi.mock("../policies/context", async (importOriginal) =>
  (await import("./fixtures/legal-context")).legalRepoContext(await importOriginal()),
);

// As package.json's "synth" script runs it: plain node with the .ts hook, not tsx.
function synthCli(args: string[], opts: { nodeArgs?: string[]; env?: NodeJS.ProcessEnv } = {}) {
  const hook = ["-r", path.join(ROOT, "tools/ts-hook.cjs")];
  const r = spawnSync(process.execPath, [...(opts.nodeArgs ?? []), ...hook, path.join(ROOT, "tools/synth.ts"), ...args], {
    cwd: LEGAL_DIR,
    encoding: "utf8",
    env: opts.env ?? process.env,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "llmobs-synth-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function tmpDir(): string {
  return fs.mkdtempSync(path.join(scratch, "t"));
}

/** One synth of the legal fixture's prod stack, reused by the tests that only read what it wrote; it lists the modules it loaded. */
const prod = { out: "", loaded: "", r: { code: null as number | null, stdout: "", stderr: "" } };
beforeAll(() => {
  prod.out = tmpDir();
  prod.loaded = path.join(prod.out, "loaded.json");
  prod.r = synthCli(["--out", prod.out], {
    nodeArgs: ["--require", path.join(ROOT, "test/fixtures/loaded-files.cjs")],
    env: { ...process.env, LLMOBS_LOADED_FILES: prod.loaded },
  });
});

describe("npm run synth", () => {
  it("writes the plan and every dashboard for the prod stack, and summarizes them, counting resources as check does.", async () => {
    const { out, r } = prod;
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const plan = JSON.parse(fs.readFileSync(path.join(out, "prod", "plan.json"), "utf8"));
    expect(Object.keys(plan)).toEqual(["formatVersion", "project", "stack", "inputs", "features", "cost", "evaluation", "resources"]);
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

  it("records a code hash that covers every package file synth loaded to make the plan.", () => {
    const { out, r, loaded } = prod;
    expect(r.code).toBe(0);
    const files = (JSON.parse(fs.readFileSync(loaded, "utf8")) as string[])
      .filter((f) => f.startsWith(`${ROOT}/`) && !f.includes("/node_modules/") && !f.endsWith("loaded-files.cjs"))
      .map((f) => path.relative(ROOT, f));
    expect(files.length, "the hook saw the program's modules").toBeGreaterThan(20);
    const plan = readPlan(path.join(out, "prod", "plan.json"));
    const covered = new Set([...codeFiles(), ...plan.inputs!.files.map((f) => f.path)]);
    expect(files.filter((f) => !covered.has(f))).toEqual([]);
    expect(plan.inputs!.code.files).toBe(codeFiles().length);
  });

  it("renders the same plan from the JSON form of features and teams as from the .ts modules.", () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, "features.json"), JSON.stringify(legalFeatures()));
    fs.writeFileSync(path.join(dir, "teams.json"), JSON.stringify(legalTeams()));
    const b = synthCli([
      "--out",
      path.join(dir, "b"),
      "--features",
      path.join(dir, "features.json"),
      "--teams",
      path.join(dir, "teams.json"),
    ]);
    expect([prod.r.code, b.code]).toEqual([0, 0]);
    const [fromTs, fromJson] = [prod.out, path.join(dir, "b")].map((out) => readPlan(path.join(out, "prod", "plan.json")));
    // The same plan; only the record of the files it was made from differs, as it must.
    expect({ ...fromJson, inputs: undefined }).toEqual({ ...fromTs, inputs: undefined });
    expect(fromJson.inputs!.files.map((f) => f.path)).toEqual([
      path.join(dir, "features.json"),
      path.join(dir, "teams.json"),
      path.relative(ROOT, legalStackFile("prod")),
    ]);
    expect(fromJson.inputs!.code).toEqual(fromTs.inputs!.code);
  });

  it("prints every problem of a bad features.json with its path, exits 1 and writes nothing.", () => {
    const dir = tmpDir();
    const features = legalFeatures();
    features[2].budgetUsdPerDay = -5;
    features[1].owner = "growht";
    features[0].quality = { judgeSampleRate: 2 };
    fs.writeFileSync(path.join(dir, "features.json"), JSON.stringify(features));
    const out = path.join(dir, "out");
    const r = synthCli(["--features", path.join(dir, "features.json"), "--out", out]);
    expect(r.code).toBe(1);
    expect(r.stderr.split("\n").filter((l) => l.startsWith("  "))).toEqual([
      "  features[0].quality.judgeSampleRate: must be between 0.0001 (1 request in 10,000) and 1 (got 2)",
      '  features[1].owner: unknown team "growht" (known: contracts-ai, research-assistant, platform)',
      "  features[2].budgetUsdPerDay: must be between 0.01 and 1000000 USD per day (got -5)",
    ]);
    expect(r.stderr).toContain("nothing was written");
    expect(fs.existsSync(out)).toBe(false);
  });

  it("refuses a features file that is not JSON with a clear message.", () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, "features.json"), "[{ id: oops");
    const r = synthCli(["--features", path.join(dir, "features.json"), "--out", path.join(dir, "out")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/features\.json: not valid JSON/);
  });

  it("rejects an unknown flag with usage and exit code 2.", () => {
    const r = synthCli(["--stak", "prod"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/usage: npm run synth/);
  });
});
