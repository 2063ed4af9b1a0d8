// Where the two sides of a diff come from: a directory of plan files (data, read and
// shape-checked), the working tree, or a git ref. The last two run that side's own
// tools/synth.ts as a child process, so reviewing a branch runs the branch's code: the child
// gets an allowlisted environment (no credentials, no agent sockets), a private HOME and
// TMPDIR, and writes its plans into a temporary directory. A git ref is exported with
// `git archive` (no `.git` link back into this repository) next to a private copy of
// node_modules, so nothing it writes there reaches the packages later runs load. The
// temporary directory is always removed, even when the synth fails or the run is interrupted.
// This is containment, not a sandbox: the child runs as you and can still write wherever your
// user can if it tries (README: Reviewing a change). Nothing here needs the network.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Catalog } from "../../config/validate";
import { PROJECT } from "../../config/names";
import { type Plan, PlanError, readPlan } from "../../plan/plan";
import { assertCurrentPlan, madeInCheckout, StalePlanError } from "../plan-inputs";
import type { ScenarioFile, ScenarioSource } from "./behaviour";

export interface Side {
  /** How the side is named in the output (`origin/main (1a2b3c4)`, `working tree`, a directory). */
  label: string;
  plans: Map<string, Plan>;
  /** Known only when this process loaded the catalog itself; synthesized sides run in a child and carry plans only. */
  catalogs: Map<string, Catalog>;
  /** The side's scenario files, read as data (the diff's behaviour section uses the head's). */
  scenarios: ScenarioSource;
}

/** At most this many scenario files, each at most this large: they are data a pull request controls. */
export const SCENARIO_LIMITS = { files: 500, bytes: 1024 * 1024 } as const;

/**
 * The `*.yaml` / `*.yml` files of a directory, as text, in name order; undefined when there is no
 * such directory. Symbolic links and other non-files are skipped: the contents are only parsed as
 * YAML, but a link could point anywhere.
 */
export function readScenarioFiles(dir: string): ScenarioFile[] | undefined {
  if (!fs.existsSync(dir) || !fs.lstatSync(dir).isDirectory()) return undefined;
  const names = fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  if (names.length > SCENARIO_LIMITS.files)
    throw new SourceError(`${dir} holds ${names.length} scenario files; at most ${SCENARIO_LIMITS.files} are read`);
  const files: ScenarioFile[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    const stat = fs.lstatSync(file);
    if (!stat.isFile()) continue;
    if (stat.size > SCENARIO_LIMITS.bytes)
      throw new SourceError(`${file} is ${stat.size} bytes; a scenario file may have at most ${SCENARIO_LIMITS.bytes}`);
    files.push({ name, text: fs.readFileSync(file, "utf8") });
  }
  return files;
}

/** A side's scenarios from a directory, or the reason there are none. */
export function scenarioSource(dir: string, label: string): ScenarioSource {
  const files = readScenarioFiles(dir);
  return files ? { source: label, files } : { source: `No scenario files: ${label} does not exist (pass --scenarios <dir>).` };
}

export class SourceError extends Error {
  /** 1 when the user's own working tree is what fails; 2 for a side that cannot be read or made. */
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(message);
  }
}

/** An empty plan: the stack does not exist on that side, so everything on the other side is added. */
export function emptyPlan(project: string, stack: string): Plan {
  return { project, stack, resources: [] };
}

/**
 * Reads `<dir>/<stack>/plan.json` for each stack (an `out/` directory as synth writes it), or
 * `<dir>/plan.json` when one stack is asked for and the directory is a single stack's output.
 *
 * A plan directory is data: a base saved earlier is old on purpose, and CI's head is the pull
 * request's synth output read by the default branch's code (tools/ci/pr-plans.ts). So only a
 * `--head` (`asHead`) whose plans synth wrote in this very checkout (the directory's mark names it)
 * is held to the working tree: it claims to be what the working tree makes, and a stale one
 * would review a change that is not the one on disk (docs/review.md, "Stale plans").
 */
export function readPlanDir(dir: string, stacks: string[], opts: { asHead?: boolean; root?: string } = {}): Side {
  const plans = new Map<string, Plan>();
  const read = (file: string) => {
    const plan = readPlan(file);
    if (opts.asHead && madeInCheckout(file, opts.root)) {
      try {
        assertCurrentPlan(plan, file, opts.root);
      } catch (e) {
        if (!(e instanceof StalePlanError)) throw e;
        throw new StalePlanError(`--head ${dir}: ${e.message} (or leave out --head: diff then synthesizes the working tree itself)`);
      }
    }
    return plan;
  };
  for (const stack of stacks) {
    const nested = path.join(dir, stack, "plan.json");
    const flat = path.join(dir, "plan.json");
    if (fs.existsSync(nested)) plans.set(stack, read(nested));
    else if (stacks.length === 1 && fs.existsSync(flat)) {
      const plan = read(flat);
      if (plan.stack !== stack)
        throw new SourceError(`${flat} is the plan of stack "${plan.stack}", not "${stack}"; pass --stack ${plan.stack}`);
      plans.set(stack, plan);
    } else throw new PlanError(`plan file ${nested} not found; run \`npm run synth -- --stack ${stack} --out ${dir}\` first`);
  }
  // A plan directory carries its scenarios in scenarios/ (CI's artifact: tools/ci/pr-plans.ts), or stands for this
  // checkout when synth wrote it here: then the checkout's scenarios/ are its scenarios.
  const own = path.join(dir, "scenarios");
  const root = opts.root ?? path.resolve(__dirname, "..", "..");
  const here = [...plans.keys()].some(
    (stack) => madeInCheckout(path.join(dir, stack, "plan.json"), opts.root) || madeInCheckout(path.join(dir, "plan.json"), opts.root),
  );
  const scenarios = fs.existsSync(own)
    ? scenarioSource(own, `${dir}/scenarios/`)
    : here
      ? scenarioSource(path.join(root, "scenarios"), "scenarios/ of this checkout")
      : {
          source:
            `No scenario files: ${dir} has no scenarios/ directory, and its plans were not made in this checkout ` +
            "(pass --scenarios <dir>).",
        };
  return { label: dir, plans, catalogs: new Map(), scenarios };
}

/**
 * The only variables a synth child inherits: what node needs to find itself and format text.
 * Everything else (tokens, cloud credentials, SSH_AUTH_SOCK, NODE_OPTIONS, GIT_*) stays out;
 * HOME and the temp variables point into the run's own temporary directory.
 */
export const INHERITED_ENV = ["PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ"] as const;

export function isolatedEnv(home: string, tmp: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const key of INHERITED_ENV) if (env[key] !== undefined) out[key] = env[key];
  return { ...out, HOME: home, TMPDIR: tmp, TMP: tmp, TEMP: tmp };
}

function git(root: string, args: string[]): { ok: boolean; stdout: string; stderr: string } {
  const r = spawnSync("git", args, { cwd: root, encoding: "utf8" });
  return { ok: r.status === 0, stdout: (r.stdout ?? "").trim(), stderr: (r.stderr ?? "").trim() };
}

/** `ref` as a commit of the repository at `root`, or undefined. */
export function resolveCommit(root: string, ref: string): string | undefined {
  if (ref.startsWith("-")) return undefined;
  const r = git(root, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]);
  return r.ok ? r.stdout : undefined;
}

export interface SynthSource {
  /** `--base` or `--head`, for messages. */
  flag: string;
  /** A git ref; absent: the working tree at `root`. */
  ref?: string;
}

export interface SynthOptions {
  /** Repository (and node_modules) to use; defaults to this code's own checkout. */
  root?: string;
  /** Parent of the temporary directory; defaults to the OS temp dir. */
  tmpDir?: string;
  /** The environment the allowlist is taken from (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

/** Temporary directories and children of this process, cleaned up on exit and on SIGINT/SIGTERM. */
const live = { dirs: new Set<string>(), children: new Set<ChildProcess>() };

function onSignal(signal: NodeJS.Signals): void {
  for (const child of live.children) if (child.exitCode === null) child.kill("SIGTERM");
  for (const dir of live.dirs) removeTree(dir);
  process.exit(signal === "SIGINT" ? 130 : 143);
}

function track(dir: string): void {
  if (live.dirs.size === 0) {
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  }
  live.dirs.add(dir);
}

function untrack(dir: string): void {
  removeTree(dir);
  live.dirs.delete(dir);
  if (live.dirs.size === 0) {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  }
}

/** `rm -rf` is several times faster than fs.rmSync on a node_modules copy; fs.rmSync where there is no rm. */
function removeTree(dir: string): void {
  const r = spawnSync("rm", ["-rf", "--", dir]);
  if (r.status !== 0 || fs.existsSync(dir)) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * A private copy of `from` at `to`. `cp -a` (copy-on-write where the filesystem clones) is
 * measured at about 1.2 s for this package's 270 MB of node_modules on ext4, fs.cpSync at 5 s
 * (bench/diff-isolation.ts); fs.cpSync is the fallback where cp is missing.
 */
function copyTree(from: string, to: string): void {
  const attempts = process.platform === "linux" ? [["-a", "--reflink=auto"], ["-a"]] : [["-a"]];
  for (const flags of attempts) {
    if (spawnSync("cp", [...flags, "--", from, to]).status === 0) return;
    removeTree(to);
  }
  fs.cpSync(from, to, { recursive: true, verbatimSymlinks: true });
}

/** `git archive <sha> | tar -x -C <dest>`: the commit's files, without a `.git` that leads back here. */
async function exportCommit(root: string, sha: string, dest: string): Promise<void> {
  fs.mkdirSync(dest, { recursive: true });
  const archive = spawn("git", ["archive", "--format=tar", sha], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  const tar = spawn("tar", ["-x", "-f", "-", "-C", dest], { stdio: ["pipe", "ignore", "pipe"] });
  let stderr = "";
  archive.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  tar.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  archive.stdout!.pipe(tar.stdin!);
  for (const c of [archive, tar]) {
    live.children.add(c);
    c.on("close", () => live.children.delete(c));
  }
  const done = (c: ChildProcess) => new Promise<number | null>((resolve, reject) => (c.on("error", reject), c.on("close", resolve)));
  const [a, t] = await Promise.all([done(archive), done(tar)]);
  if (a !== 0 || t !== 0) throw new SourceError(`could not export ${sha.slice(0, 7)}: ${stderr.trim()}`);
}

/**
 * Synthesizes each stack with the source's own `tools/synth.ts`, in a child process. A stack with no
 * `Pulumi.<stack>.yaml` on a git ref did not exist there: its plan is empty. In the working tree it is
 * an error (the head must have the stack asked for).
 */
export async function synthesizeSource(source: SynthSource, stacks: string[], opts: SynthOptions = {}): Promise<Side> {
  const root = opts.root ?? path.resolve(__dirname, "..", "..");
  const sha = source.ref === undefined ? undefined : resolveCommit(root, source.ref);
  if (source.ref !== undefined && !sha) {
    throw new SourceError(
      `${source.flag} ${source.ref}: neither a directory of plan files nor a git commit in ${root}` +
        (source.ref.includes("/") ? ` (in CI, fetch it first: git fetch origin ${source.ref.replace(/^origin\//, "")})` : ""),
    );
  }
  const modules = path.join(root, "node_modules");
  if (!fs.existsSync(modules)) throw new SourceError(`${modules} not found; run npm ci first`);

  const tmp = fs.mkdtempSync(path.join(opts.tmpDir ?? os.tmpdir(), "llmobs-diff-"));
  track(tmp);
  try {
    const home = path.join(tmp, "home");
    const childTmp = path.join(tmp, "tmp");
    fs.mkdirSync(home);
    fs.mkdirSync(childTmp);
    let cwd = root;
    if (sha) {
      cwd = path.join(tmp, "src");
      await exportCommit(root, sha, cwd);
      // A commit that tracks something at node_modules gets the private copy instead.
      removeTree(path.join(cwd, "node_modules"));
      copyTree(fs.realpathSync(modules), path.join(cwd, "node_modules"));
    }
    const label = sha ? `${source.ref} (${sha.slice(0, 7)})` : "working tree";
    // Read before the exported commit is removed; data only (the synth below is the side's code).
    const scenarios = scenarioSource(
      path.join(cwd, "scenarios"),
      `scenarios/ of ${sha ? `${source.ref} (${sha.slice(0, 7)})` : "the working tree"}`,
    );
    const out = path.join(tmp, "out");
    const plans = new Map<string, Plan>();
    for (const stack of stacks) {
      if (!fs.existsSync(path.join(cwd, `Pulumi.${stack}.yaml`))) {
        if (!sha) throw new SourceError(`stack "${stack}" has no Pulumi.${stack}.yaml in the working tree`);
        plans.set(stack, emptyPlan(PROJECT, stack));
        continue;
      }
      const result = await runChild(process.execPath, ["--import", "tsx", "tools/synth.ts", "--stack", stack, "--out", out], {
        cwd,
        env: isolatedEnv(home, childTmp, opts.env),
      });
      if (result.code !== 0) {
        const where = sha ? `the ${source.flag === "--base" ? "base" : "head"} (${source.ref} at ${sha.slice(0, 7)})` : "the working tree";
        throw new SourceError(`${where} does not synthesize for stack ${stack}:\n${result.stderr.trim()}`, sha ? 2 : 1);
      }
      plans.set(stack, readPlan(path.join(out, stack, "plan.json")));
    }
    return { label, plans, catalogs: new Map(), scenarios };
  } finally {
    untrack(tmp);
  }
}

function runChild(
  cmd: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ["ignore", "ignore", "pipe"] });
    live.children.add(child);
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", (e) => (live.children.delete(child), reject(e)));
    child.on("close", (code) => (live.children.delete(child), resolve({ code, stderr })));
  });
}
