// `npm run diff` as CI runs it: a child process, plan directories or git refs for either side,
// files on disk, exit codes, and temporary directories that never outlive the run. One
// throwaway repository (this checkout's code with a fixture catalog of its own) serves the
// whole file; it and every other scratch directory are removed at the end.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FeatureInput } from "../config/schema";
import { main } from "../tools/diff/cli";
import { MAX_CHARS } from "../tools/diff/markdown";
import { INHERITED_ENV, readPlanDir } from "../tools/diff/sources";
import { planJson } from "../plan/plan";
import { craftPlan } from "./diff-fixtures";
import { FIXTURE_FEATURES, FIXTURE_STACK_FILES, FIXTURE_TEAMS, featuresModule, fixtureCatalog, teamsModule } from "./fixtures/diff-catalog";
import { type ChildResult, ROOT, runScript } from "./helpers";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "llmobs-diffcli-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

let n = 0;
function tmpDir(): string {
  const dir = path.join(scratch, `t${n++}`);
  fs.mkdirSync(dir);
  return dir;
}

/** Runs the CLI as a child process; async, so the tests of this file run side by side. */
function diffCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ChildResult> {
  const cwd = opts.cwd ?? ROOT;
  return runScript(path.join(cwd, "tools/diff/cli.ts"), args, { cwd, env: opts.env });
}

/** The same CLI in this process (no process start-up), for cases that need no environment or signal of their own. */
async function diffMain(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(`${t}\n`), err: (t) => err.push(`${t}\n`) });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

function withBudget(features: FeatureInput[], id: string, budget: number): FeatureInput[] {
  return features.map((f) => (f.id === id ? { ...f, budgetUsdPerDay: budget } : f));
}

/** `<dir>/<stack>/plan.json` for each stack, crafted from the fixture catalog. */
function writePlanDir(dir: string, features = FIXTURE_FEATURES, stacks: ("prod" | "staging")[] = ["prod"]): string {
  for (const stack of stacks) {
    fs.mkdirSync(path.join(dir, stack), { recursive: true });
    fs.writeFileSync(path.join(dir, stack, "plan.json"), planJson(craftPlan(fixtureCatalog(stack, features, tmpDir()), stack)));
  }
  return dir;
}

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

/** Leftovers of the diff's own temporary directories under `tmp`. */
const leftovers = (tmp: string) => fs.readdirSync(tmp).filter((f) => f.startsWith("llmobs-diff-"));

/** The environment a careless reviewer has: every one of these must stay out of a synth child. */
const SECRETS = {
  OPENAI_API_KEY: "sk-must-not-leak",
  VAULT_TOKEN: "hvs.must-not-leak",
  SLACK_BOT_TOKEN: "xoxb-must-not-leak",
  SSH_AUTH_SOCK: "/tmp/ssh-agent.sock",
  PULUMI_ACCESS_TOKEN: "pul-must-not-leak",
  GITHUB_TOKEN: "ghp_must_not_leak",
};

/**
 * The fixture repository: this checkout's code with the fixture catalog, committed as
 * `base` (extract-clause at $40 a day), `broken` ($-5) and `head` ($50, checked out), plus a
 * `probe` branch whose tools/synth.ts reports what it was given instead of synthesizing.
 */
const repo = { dir: "", base: "", broken: "", probe: "", reports: "", probePlan: "" };

beforeAll(() => {
  repo.dir = path.join(scratch, "repo");
  const files = git(ROOT, "ls-files", "--cached", "--others", "--exclude-standard")
    .split("\n")
    .filter(
      (f) => f && !/^(test|snapshots|bench|scenarios)\//.test(f) && !/^Pulumi\.[^.]+\.yaml$/.test(f) && fs.existsSync(path.join(ROOT, f)),
    );
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(repo.dir, f)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, f), path.join(repo.dir, f));
  }
  fs.writeFileSync(path.join(repo.dir, "teams.ts"), teamsModule(FIXTURE_TEAMS));
  fs.writeFileSync(path.join(repo.dir, "Pulumi.prod.yaml"), FIXTURE_STACK_FILES.prod);
  const commit = (features: FeatureInput[], message: string) => {
    fs.writeFileSync(path.join(repo.dir, "features.ts"), featuresModule(features));
    git(repo.dir, "add", "-A");
    git(repo.dir, "commit", "-qm", message);
    return git(repo.dir, "rev-parse", "HEAD");
  };
  git(repo.dir, "init", "-q", "-b", "main");
  repo.base = commit(FIXTURE_FEATURES, "base");
  repo.broken = commit(withBudget(FIXTURE_FEATURES, "extract-clause", -5), "broken base");
  commit(withBudget(FIXTURE_FEATURES, "extract-clause", 50), "head");

  // The probe: records its environment and home, tries to poison node_modules, then hands back a plan.
  repo.reports = path.join(scratch, "probe-reports");
  repo.probePlan = path.join(writePlanDir(tmpDir()), "prod", "plan.json");
  fs.mkdirSync(repo.reports);
  git(repo.dir, "checkout", "-q", "-b", "probe");
  fs.writeFileSync(
    path.join(repo.dir, "tools", "synth.ts"),
    `import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
const arg = (name: string) => process.argv[process.argv.indexOf(name) + 1];
let poisoned = "skipped: node_modules is a link to the reviewer's own packages";
if (!fs.lstatSync("node_modules").isSymbolicLink()) {
  fs.writeFileSync(path.join("node_modules", ".llmobs-probe"), "poison");
  poisoned = fs.realpathSync(path.join("node_modules", ".llmobs-probe"));
}
const report = { env: process.env, home: os.homedir(), cwd: process.cwd(), poisoned, gitLink: fs.existsSync(".git") };
fs.writeFileSync(path.join(${JSON.stringify(repo.reports)}, \`\${process.pid}.json\`), JSON.stringify(report));
fs.mkdirSync(path.join(arg("--out"), arg("--stack")), { recursive: true });
fs.copyFileSync(${JSON.stringify(repo.probePlan)}, path.join(arg("--out"), arg("--stack"), "plan.json"));
`,
  );
  git(repo.dir, "commit", "-qam", "probe");
  repo.probe = git(repo.dir, "rev-parse", "HEAD");
  git(repo.dir, "checkout", "-q", "main");
  // Linked after the commits: `node_modules/` in .gitignore does not match a symlink.
  fs.symlinkSync(packageLinks(), path.join(repo.dir, "node_modules"), "dir");
});

/**
 * The fixture repository's node_modules: a directory with one link per entry of this checkout's.
 * Each git side of a diff copies the node_modules it finds (`cp -a`, tools/diff/sources.ts); a
 * directory of links copies in milliseconds where the real 290 MB take a second and a half of
 * system time per side, about 13 s of the file's CPU time. The copy and what lands in it are the
 * same code path either way (the probe's poison still lands in the private copy);
 * `npm run bench:diff` measures the real copy.
 */
function packageLinks(): string {
  const dir = path.join(scratch, "packages");
  if (fs.existsSync(dir)) return dir;
  fs.mkdirSync(dir);
  const real = fs.realpathSync(path.join(ROOT, "node_modules"));
  for (const entry of fs.readdirSync(real)) fs.symlinkSync(path.join(real, entry), path.join(dir, entry));
  return dir;
}

/** What each probe run saw, one report per run. */
function probeReports(): { env: Record<string, string>; home: string; cwd: string; poisoned: string; gitLink: boolean }[] {
  return fs.readdirSync(repo.reports).map((f) => JSON.parse(fs.readFileSync(path.join(repo.reports, f), "utf8")));
}

describe.concurrent("npm run diff (CLI)", () => {
  it(
    "writes the same Markdown to stdout and --out, the highlighted head page and the full diff from two plan directories, and " +
      "lists what it wrote.",
    async ({ expect }) => {
      const dir = tmpDir();
      const base = writePlanDir(path.join(dir, "base"));
      const head = writePlanDir(path.join(dir, "head"), withBudget(FIXTURE_FEATURES, "extract-clause", 50));
      const out = path.join(dir, "diff.md");
      const html = path.join(dir, "diff");
      const r = await diffCli(["--base", base, "--head", head, "--out", out, "--html-dir", html]);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe(
        [
          `diff: wrote ${html}/index.html  the head's preview, changes marked`,
          `diff: wrote ${html}/full.md     the full diff`,
          `diff: wrote ${out}${" ".repeat(html.length + "/index.html".length - out.length)}  the diff as printed`,
          "",
        ].join("\n"),
      );
      expect(r.stdout).toBe(fs.readFileSync(out, "utf8"));
      expect(r.stdout).toContain("- `extract-clause`: cost alert moves from $80 to $100 a day");
      expect(r.stdout.length).toBeLessThan(MAX_CHARS);
      expect(fs.readFileSync(path.join(html, "full.md"), "utf8")).toBe(r.stdout);
      const page = fs.readFileSync(path.join(html, "index.html"), "utf8");
      expect(page).toContain('<tr class="monitor changed" data-monitor="monitor-extract-clause-cost-budget">');
      expect(page.match(/class="widget [^"]*\bchanged\b/g)).toHaveLength(1);
    },
  );

  it("with several stacks writes one index.html with a section per stack, in the order given, and no page per stack.", async ({
    expect,
  }) => {
    const dir = tmpDir();
    const base = writePlanDir(path.join(dir, "base"), FIXTURE_FEATURES, ["prod", "staging"]);
    const headFeatures = withBudget(FIXTURE_FEATURES, "extract-clause", 50);
    const head = writePlanDir(path.join(dir, "head"), FIXTURE_FEATURES, ["staging"]);
    writePlanDir(head, headFeatures, ["prod"]);
    const html = path.join(dir, "diff");
    const r = await diffMain(["--base", base, "--head", head, "--stack", "staging", "--stack", "prod", "--html-dir", html]);
    expect(r.code).toBe(0);
    expect(r.stderr.split("\n")[0]).toBe(`diff: wrote ${html}/index.html  the head's preview, changes marked, a section per stack`);
    expect(fs.readdirSync(html).sort()).toEqual([".llm-observability-output", "full.md", "index.html"]);
    const page = fs.readFileSync(path.join(html, "index.html"), "utf8");
    expect(page.match(/<section class="stack" id="stack-[a-z]+" data-stack="[a-z]+">/g)).toEqual([
      '<section class="stack" id="stack-staging" data-stack="staging">',
      '<section class="stack" id="stack-prod" data-stack="prod">',
    ]);
    expect(page).toContain(`<title>Changes per stack (against ${base})</title>`);
    expect(page).toContain('<a href="#stack-staging">staging</a> <span class="meta">no changes</span>');
    expect(page).toContain('<a href="#stack-prod">prod</a> <span class="meta">changes</span>');
    const ids = [...page.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size, "every anchor is unique on the page").toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(["prod-monitors", "staging-monitors", "prod-oncall", "staging-oncall"]));
    const prodSection = page.slice(page.indexOf('id="stack-prod"'));
    expect(prodSection).toContain('<tr class="monitor changed" data-monitor="monitor-extract-clause-cost-budget">');
    expect(page.slice(0, page.indexOf('id="stack-prod"'))).not.toMatch(/class="monitor changed"/);
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
    const r = await diffMain(["--base", dir, "--head", dir, "--html-dir", path.join(dir, "diff")]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("no changes\n");
  });

  it.for([
    [["--head", "x"], "diff: --base is required"],
    [["--base", "a", "--colour"], "diff: unknown option --colour"],
    [
      ["--base", "a", "--stack", "../prod"],
      'diff: --stack "../prod": a stack name may only contain alphanumeric, hyphens, underscores, or periods: invalid character ' +
        '"/" at position 2',
    ],
  ] as [string[], string][])("rejects %j with the problem, the usage and exit code 2.", async ([args, message], { expect }) => {
    const r = await diffMain(args);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe(message);
    expect(r.stderr.split("\n")[1]).toBe("usage: npm run diff -- --base <git-ref|plan-dir> [options]");
    expect(r.stdout).toBe("");
  });

  it("exits 2 with a clear message when a side is neither a plan directory nor a commit.", async ({ expect }) => {
    const dir = tmpDir();
    const empty = path.join(dir, "empty");
    fs.mkdirSync(empty);
    const head = writePlanDir(path.join(dir, "head"));
    const a = await diffMain(["--base", empty, "--head", head, "--html-dir", path.join(dir, "h")]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/plan file .*empty\/prod\/plan\.json not found; run `npm run synth/);
    const b = await diffMain(["--base", "no-such-ref-xyz", "--head", head, "--html-dir", path.join(dir, "h")]);
    expect(b.code).toBe(2);
    expect(b.stderr).toBe(`diff: --base no-such-ref-xyz: neither a directory of plan files nor a git commit in ${ROOT}\n`);
    const c = await diffMain(["--base", head, "--head", "no-such-ref-xyz", "--html-dir", path.join(dir, "h")]);
    expect(c.stderr).toBe(`diff: --head no-such-ref-xyz: neither a directory of plan files nor a git commit in ${ROOT}\n`);
  });

  it(
    "synthesizes git refs on both sides (`--head HEAD`), says the cost alert moves from $80 to $100, lists what it wrote and " +
      "leaves nothing behind.",
    { timeout: 180_000 },
    async ({ expect }) => {
      const tmp = tmpDir();
      const r = await diffCli(["--base", repo.base, "--head", "HEAD", "--out", "out/ref.md", "--html-dir", "out/ref"], {
        cwd: repo.dir,
        env: { ...process.env, TMPDIR: tmp },
      });
      expect(r.code).toBe(0);
      const head = git(repo.dir, "rev-parse", "--short=7", "HEAD");
      expect(r.stdout.split("\n").slice(0, 3)).toEqual([
        "## What this change does to `prod`",
        "",
        `Base: \`${repo.base} (${repo.base.slice(0, 7)})\` · head: \`HEAD (${head})\`. Widgets are matched by their stable id, ` +
          `resources by their stable name.`,
      ]);
      expect(r.stdout).toContain(
        "- `extract-clause`: cost alert moves from $80 to $100 a day (2× its daily budget, which moves from $40 to $50).",
      );
      expect(r.stderr).toBe(
        [
          "diff: wrote out/ref/index.html  the head's preview, changes marked",
          "diff: wrote out/ref/full.md     the full diff",
          "diff: wrote out/ref.md          the diff as printed",
          "",
        ].join("\n"),
      );
      expect(fs.readFileSync(path.join(repo.dir, "out", "ref.md"), "utf8")).toBe(r.stdout);
      expect(leftovers(tmp)).toEqual([]);
    },
  );

  it(
    "says why when the base does not synthesize, exits 2 and removes its temporary directory.",
    { timeout: 180_000 },
    async ({ expect }) => {
      const tmp = tmpDir();
      const head = writePlanDir(tmpDir());
      const r = await diffCli(["--base", repo.broken, "--head", head, "--html-dir", path.join(tmp, "h")], {
        cwd: repo.dir,
        env: { ...process.env, TMPDIR: tmp },
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(`^diff: the base \\(${repo.broken} at ${repo.broken.slice(0, 7)}\\) does not synthesize for stack prod:`),
      );
      expect(r.stderr).toContain("features[0].budgetUsdPerDay: must be between 0.01 and 1000000 USD per day (got -5)");
      expect(leftovers(tmp)).toEqual([]);
    },
  );

  it("removes its temporary directory and stops the synth when it is interrupted.", { timeout: 180_000 }, async ({ expect }) => {
    const tmp = tmpDir();
    const base = writePlanDir(tmpDir());
    // The working tree's synth: a child like a git ref's, without the cost of exporting and copying.
    const child = spawn(process.execPath, ["--import", "tsx", "tools/diff/cli.ts", "--base", base, "--html-dir", path.join(tmp, "h")], {
      cwd: repo.dir,
      env: { ...process.env, TMPDIR: tmp },
      stdio: "ignore",
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    // Wait (bounded) until the synth child is running (its tsx made its cache in the child's own TMPDIR), then interrupt.
    const running = () =>
      leftovers(tmp).some((d) => fs.existsSync(path.join(tmp, d, "tmp")) && fs.readdirSync(path.join(tmp, d, "tmp")).length > 0);
    for (let i = 0; i < 1200 && !running() && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 25));
    expect(running()).toBe(true);
    child.kill("SIGTERM");
    expect(await exited).toBe(143);
    expect(leftovers(tmp)).toEqual([]);
  });
});

describe("what a synthesized side can reach", () => {
  it(
    "a git ref's synth gets only the allowlisted environment, a private home, no .git, and its own copy of node_modules.",
    { timeout: 180_000 },
    async () => {
      const tmp = tmpDir();
      const before = new Set(probeReports().map((r) => r.cwd));
      const r = await diffCli(["--base", writePlanDir(tmpDir()), "--head", repo.probe, "--html-dir", path.join(tmp, "h")], {
        cwd: repo.dir,
        env: { ...process.env, ...SECRETS, TMPDIR: tmp },
      });
      expect(r.stderr.split("\n")[0]).toBe(`diff: wrote ${tmp}/h/index.html  the head's preview, changes marked`);
      expect(r.code).toBe(0);
      const report = probeReports().find((p) => !before.has(p.cwd) && p.poisoned.startsWith("/"))!;
      expect(report, "the probe ran").toBeDefined();
      const allowed = [...INHERITED_ENV, "HOME", "TMPDIR", "TMP", "TEMP"];
      expect(Object.keys(report.env).filter((k) => !allowed.includes(k))).toEqual([]);
      const inTmp = (p: string) => fs.realpathSync(tmp) === fs.realpathSync(path.join(p.split("/llmobs-diff-")[0] || "/nonexistent"));
      expect(report.home, "a private HOME inside the run's temporary directory").toMatch(/\/llmobs-diff-[^/]+\/home$/);
      expect(inTmp(report.home)).toBe(true);
      expect(report.gitLink, "no .git leading back into the repository").toBe(false);
      // The poison landed in the private copy, which is gone; the shared packages are untouched.
      expect(report.poisoned).toMatch(/\/llmobs-diff-[^/]+\/src\/node_modules\/\.llmobs-probe$/);
      expect(inTmp(report.poisoned)).toBe(true);
      expect(fs.existsSync(path.join(ROOT, "node_modules", ".llmobs-probe"))).toBe(false);
      expect(leftovers(tmp)).toEqual([]);
    },
  );

  it("the working tree's synth runs as a child with the same allowlist, never in the reviewer's process.", async () => {
    const tree = path.join(scratch, "probe-tree");
    git(repo.dir, "worktree", "add", "-q", "--detach", tree, repo.probe);
    fs.symlinkSync(packageLinks(), path.join(tree, "node_modules"), "dir");
    const tmp = tmpDir();
    const r = await diffCli(["--base", writePlanDir(tmpDir()), "--html-dir", path.join(tmp, "h")], {
      cwd: tree,
      env: { ...process.env, ...SECRETS, TMPDIR: tmp },
    });
    expect(r.code).toBe(0);
    const report = probeReports().find((p) => p.cwd === tree || p.cwd === fs.realpathSync(tree))!;
    expect(report, "the working tree's synth ran as a child").toBeDefined();
    expect(Object.keys(report.env).filter((k) => ![...INHERITED_ENV, "HOME", "TMPDIR", "TMP", "TEMP"].includes(k))).toEqual([]);
    for (const value of Object.values(SECRETS)) expect(JSON.stringify(report.env)).not.toContain(value);
    expect(leftovers(tmp)).toEqual([]);
  });
});
