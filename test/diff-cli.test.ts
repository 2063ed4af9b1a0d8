// `npm run diff` as CI runs it: a child process, plan directories or a git ref for the base,
// files on disk, exit codes, and a temporary worktree that never outlives the run.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "vitest";
import { MAX_CHARS } from "../tools/diff/markdown";
import { readPlanDir } from "../tools/diff/sources";
import { planJson } from "../plan/plan";
import { craftPlan } from "./diff-fixtures";
import { exampleCatalog, exampleFeatures, ROOT } from "./helpers";

function tmpDir(prefix = "llmobs-diffcli-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Runs the CLI as a child process; async, so the tests of this file run side by side. */
function diffCli(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cwd = opts.cwd ?? ROOT;
  const child = spawn(process.execPath, ["--import", "tsx", path.join(cwd, "tools/diff/cli.ts"), ...args], {
    cwd,
    env: opts.env ?? process.env,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function writePlanDir(dir: string, features = exampleFeatures()): string {
  const plan = craftPlan(exampleCatalog("prod", { features }), "prod");
  fs.mkdirSync(path.join(dir, "prod"), { recursive: true });
  fs.writeFileSync(path.join(dir, "prod", "plan.json"), planJson(plan));
  return dir;
}

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync("git", args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

/** A throwaway repository holding this checkout's files, with the shared node_modules linked in. */
function repoCopy(): string {
  const dir = tmpDir("llmobs-diffrepo-");
  const files = git(ROOT, "ls-files", "--cached", "--others", "--exclude-standard")
    .split("\n")
    .filter((f) => f && fs.existsSync(path.join(ROOT, f)));
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
  }
  git(dir, "init", "-q", "-b", "main");
  git(dir, "add", "-A");
  git(dir, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "base");
  // Linked after the commit: `node_modules/` in .gitignore does not match a symlink.
  fs.symlinkSync(fs.realpathSync(path.join(ROOT, "node_modules")), path.join(dir, "node_modules"), "dir");
  return dir;
}

function setBudget(repo: string, from: number, to: number): void {
  const file = path.join(repo, "features.ts");
  const text = fs.readFileSync(file, "utf8");
  if (!text.includes(`budgetUsdPerDay: ${from},`)) throw new Error(`features.ts has no budget of ${from}`);
  fs.writeFileSync(file, text.replace(`budgetUsdPerDay: ${from},`, `budgetUsdPerDay: ${to},`));
}

function worktrees(repo: string): number {
  return git(repo, "worktree", "list", "--porcelain")
    .split("\n")
    .filter((l) => l.startsWith("worktree ")).length;
}

describe.concurrent("npm run diff (CLI)", () => {
  it("writes the same Markdown to stdout and --out, the highlighted head page and the full diff, from two plan directories.", async ({
    expect,
  }) => {
    const dir = tmpDir();
    const features = exampleFeatures();
    features[0].budgetUsdPerDay = 50;
    const base = writePlanDir(path.join(dir, "base"));
    const head = writePlanDir(path.join(dir, "head"), features);
    const out = path.join(dir, "diff.md");
    const html = path.join(dir, "diff");
    const r = await diffCli(["--base", base, "--head", head, "--out", out, "--html-dir", html]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(fs.readFileSync(out, "utf8"));
    expect(r.stdout).toContain("- `extract-clause`: cost alert moves from $80 to $100 a day");
    expect(r.stdout.length).toBeLessThan(MAX_CHARS);
    expect(fs.readFileSync(path.join(html, "full.md"), "utf8")).toBe(r.stdout);
    const page = fs.readFileSync(path.join(html, "index.html"), "utf8");
    expect(page).toContain('<tr class="monitor changed" data-monitor="monitor-extract-clause-cost-budget">');
    expect(page.match(/class="widget [^"]*\bchanged\b/g)).toHaveLength(1);
  });

  it("reads an out/ directory or a single stack's directory, and refuses the plan of another stack.", async ({ expect }) => {
    const out = writePlanDir(tmpDir());
    expect(readPlanDir(out, ["prod"]).plans.get("prod")!.stack).toBe("prod");
    expect(readPlanDir(path.join(out, "prod"), ["prod"]).plans.get("prod")!.resources.length).toBeGreaterThan(0);
    expect(() => readPlanDir(path.join(out, "prod"), ["staging"])).toThrow(/is the plan of stack "prod", not "staging"; pass --stack prod/);
    expect(() => readPlanDir(out, ["prod", "staging"])).toThrow(/staging\/plan\.json not found/);
  });

  it("prints `no changes` and exits 0 when nothing changed.", async ({ expect }) => {
    const dir = writePlanDir(tmpDir());
    const r = await diffCli(["--base", dir, "--head", dir, "--html-dir", path.join(dir, "diff")]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("no changes\n");
  });

  it.for([
    [["--head", "x"], /--base is required/],
    [["--base", "a", "--colour"], /Unknown option '--colour'/],
  ] as [string[], RegExp][])("rejects %j with usage and exit code 2.", async ([args, message], { expect }) => {
    const r = await diffCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/usage: npm run diff/);
  });

  it("exits 2 with a clear message when the base is neither a plan directory nor a commit.", async ({ expect }) => {
    const dir = tmpDir();
    const empty = path.join(dir, "empty");
    fs.mkdirSync(empty);
    const a = await diffCli(["--base", empty, "--head", writePlanDir(path.join(dir, "head")), "--html-dir", path.join(dir, "h")]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/plan file .*empty\/prod\/plan\.json not found; run `npm run synth/);
    const b = await diffCli(["--base", "no-such-ref-xyz", "--head", path.join(dir, "head"), "--html-dir", path.join(dir, "h")]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--base no-such-ref-xyz: neither a directory of plan files nor a git commit/);
  });

  it("synthesizes a git ref in a temporary worktree, says the cost alert moves from $80 to $100, and removes the worktree.", async ({
    expect,
  }) => {
    const repo = repoCopy();
    setBudget(repo, 40, 50);
    const tmp = tmpDir("llmobs-diff-tmp-");
    const r = await diffCli(["--base", "HEAD", "--out", "out/diff.md"], {
      cwd: repo,
      env: { ...process.env, TMPDIR: tmp, PULUMI_ACCESS_TOKEN: "must-not-be-needed" },
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^## What this change does to `prod`\n\nBase: `HEAD \([0-9a-f]{7}\)` · head: `working tree`\./);
    expect(r.stdout).toContain(
      "- `extract-clause`: cost alert moves from $80 to $100 a day (2× its daily budget, which moves from $40 to $50).",
    );
    expect(fs.readFileSync(path.join(repo, "out", "diff.md"), "utf8")).toBe(r.stdout);
    expect(fs.existsSync(path.join(repo, "out", "diff", "index.html"))).toBe(true);
    expect(worktrees(repo)).toBe(1);
    expect(fs.readdirSync(tmp).filter((f) => f.startsWith("llmobs-diff-"))).toEqual([]);
  });

  it("removes the temporary worktree when the base does not synthesize, and says why.", async ({ expect }) => {
    const repo = repoCopy();
    setBudget(repo, 40, -5);
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qam", "broken base");
    setBudget(repo, -5, 40);
    const tmp = tmpDir("llmobs-diff-tmp-");
    const r = await diffCli(["--base", "HEAD"], { cwd: repo, env: { ...process.env, TMPDIR: tmp } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the base \(HEAD at [0-9a-f]{7}\) does not synthesize for stack prod:/);
    expect(r.stderr).toContain("features[0].budgetUsdPerDay: must be between 0.01 and 1000000 USD per day (got -5)");
    expect(worktrees(repo)).toBe(1);
    expect(fs.readdirSync(tmp).filter((f) => f.startsWith("llmobs-diff-"))).toEqual([]);
  });

  it("removes the temporary worktree when it is interrupted while the base synthesizes.", async ({ expect }) => {
    const repo = repoCopy();
    const tmp = tmpDir("llmobs-diff-tmp-");
    const child = spawn(process.execPath, ["--import", "tsx", "tools/diff/cli.ts", "--base", "HEAD"], {
      cwd: repo,
      env: { ...process.env, TMPDIR: tmp },
      stdio: "ignore",
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    // Wait (bounded) for the worktree to exist, then interrupt the run.
    for (let i = 0; i < 600 && worktrees(repo) < 2 && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 50));
    expect(worktrees(repo)).toBe(2);
    child.kill("SIGTERM");
    expect(await exited).toBe(143);
    expect(worktrees(repo)).toBe(1);
    expect(fs.readdirSync(tmp).filter((f) => f.startsWith("llmobs-diff-"))).toEqual([]);
  });
});
