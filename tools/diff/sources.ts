// Where the two sides of a diff come from: a directory of plan files, the current tree
// (synthesized in process), or a git ref, synthesized by the ref's own tools/synth.ts in a
// temporary `git worktree` that is always removed, even when the synth fails or the run is
// interrupted. Nothing here talks to the network or needs credentials.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT } from "../../config/names";
import type { Catalog } from "../../config/validate";
import { type Plan, PlanError, readPlan } from "../../plan/plan";

export interface Side {
  /** How the side is named in the output (`origin/main (1a2b3c4)`, `working tree`, a directory). */
  label: string;
  plans: Map<string, Plan>;
  /** Known only when this process synthesized the side itself. */
  catalogs: Map<string, Catalog>;
}

export class SourceError extends Error {}

/** An empty plan: the stack does not exist on that side, so everything on the other side is added. */
export function emptyPlan(project: string, stack: string): Plan {
  return { project, stack, resources: [] };
}

/**
 * Reads `<dir>/<stack>/plan.json` for each stack (an `out/` directory as synth writes it), or
 * `<dir>/plan.json` when one stack is asked for and the directory is a single stack's output.
 */
export function readPlanDir(dir: string, stacks: string[]): Side {
  const plans = new Map<string, Plan>();
  for (const stack of stacks) {
    const nested = path.join(dir, stack, "plan.json");
    const flat = path.join(dir, "plan.json");
    if (fs.existsSync(nested)) plans.set(stack, readPlan(nested));
    else if (stacks.length === 1 && fs.existsSync(flat)) {
      const plan = readPlan(flat);
      if (plan.stack !== stack)
        throw new SourceError(`${flat} is the plan of stack "${plan.stack}", not "${stack}"; pass --stack ${plan.stack}`);
      plans.set(stack, plan);
    } else throw new PlanError(`plan file ${nested} not found; run \`npm run synth -- --stack ${stack} --out ${dir}\` first`);
  }
  return { label: dir, plans, catalogs: new Map() };
}

/** Synthesizes the current tree in this process, exactly as `npm run synth` does. */
export async function synthesizeTree(root: string, stacks: string[]): Promise<Side> {
  const { synth } = await import("../synth");
  const plans = new Map<string, Plan>();
  const catalogs = new Map<string, Catalog>();
  for (const stack of stacks) {
    const configFile = path.join(root, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(configFile))
      throw new SourceError(`stack "${stack}" has no ${path.relative(process.cwd(), configFile) || configFile} in the working tree`);
    const result = await synth({ stack, configFile, featuresFile: path.join(root, "features.ts"), teamsFile: path.join(root, "teams.ts") });
    plans.set(stack, result.plan);
    catalogs.set(stack, result.catalog);
  }
  return { label: "working tree", plans, catalogs };
}

function git(root: string, args: string[]): { ok: boolean; stdout: string; stderr: string } {
  const r = spawnSync("git", args, { cwd: root, encoding: "utf8" });
  return { ok: r.status === 0, stdout: (r.stdout ?? "").trim(), stderr: (r.stderr ?? "").trim() };
}

/** Environment for the base's synth: everything a credential could hide in is removed. */
export function credentialFreeEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const secret =
    /^(PULUMI_ACCESS_TOKEN|PULUMI_CONFIG_PASSPHRASE(_FILE)?|DD_.*|DATADOG_.*|PAGERDUTY_.*|SENTRY_.*|GITHUB_TOKEN|GH_TOKEN|ACTIONS_.*TOKEN.*|AWS_.*|ARM_.*|AZURE_.*|GOOGLE_.*|NPM_TOKEN|NODE_AUTH_TOKEN)$/;
  return Object.fromEntries(Object.entries(env).filter(([k]) => !secret.test(k)));
}

export interface RefOptions {
  /** Repository (and node_modules) to use; defaults to this code's own checkout. */
  root?: string;
  /** Parent of the temporary directory; defaults to the OS temp dir. */
  tmpDir?: string;
}

/**
 * Checks out `ref` into a temporary worktree and runs its own `tools/synth.ts` for each stack.
 * A stack with no `Pulumi.<stack>.yaml` at that ref did not exist there: its plan is empty.
 */
export async function synthesizeRef(ref: string, stacks: string[], opts: RefOptions = {}): Promise<Side> {
  const root = opts.root ?? path.resolve(__dirname, "..", "..");
  const commit = git(root, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  if (!commit.ok) {
    throw new SourceError(
      `--base ${ref}: neither a directory of plan files nor a git commit in ${root}` +
        (ref.includes("/") ? ` (in CI, fetch it first: git fetch origin ${ref.replace(/^origin\//, "")})` : ""),
    );
  }
  const sha = commit.stdout;
  const modules = path.join(root, "node_modules");
  if (!fs.existsSync(modules)) throw new SourceError(`${modules} not found; run npm ci first`);

  const tmp = fs.mkdtempSync(path.join(opts.tmpDir ?? os.tmpdir(), "llmobs-diff-"));
  const worktree = path.join(tmp, "base");
  let child: ReturnType<typeof spawn> | undefined;
  let cleaned = false;
  const cleanup = () => {
    if (cleaned) return;
    cleaned = true;
    if (child && child.exitCode === null) child.kill("SIGTERM");
    git(root, ["worktree", "remove", "--force", worktree]);
    fs.rmSync(tmp, { recursive: true, force: true });
    git(root, ["worktree", "prune"]);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    cleanup();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const add = git(root, ["worktree", "add", "--detach", worktree, sha]);
    if (!add.ok) throw new SourceError(`could not check out ${ref} into a temporary worktree: ${add.stderr}`);
    // The base uses this checkout's installed packages: no install, no network.
    const link = path.join(worktree, "node_modules");
    // A checkout that tracks a node_modules link (or anything there) gets ours instead.
    fs.rmSync(link, { recursive: true, force: true });
    fs.symlinkSync(fs.realpathSync(modules), link, "dir");
    const plans = new Map<string, Plan>();
    const out = path.join(tmp, "out");
    for (const stack of stacks) {
      if (!fs.existsSync(path.join(worktree, `Pulumi.${stack}.yaml`))) {
        plans.set(stack, emptyPlan(PROJECT, stack));
        continue;
      }
      const result = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
        child = spawn(process.execPath, ["--import", "tsx", "tools/synth.ts", "--stack", stack, "--out", out], {
          cwd: worktree,
          env: credentialFreeEnv(),
          stdio: ["ignore", "ignore", "pipe"],
        });
        let stderr = "";
        child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stderr }));
      });
      if (result.code !== 0) {
        throw new SourceError(`the base (${ref} at ${sha.slice(0, 7)}) does not synthesize for stack ${stack}:\n${result.stderr.trim()}`);
      }
      plans.set(stack, readPlan(path.join(out, stack, "plan.json")));
    }
    return { label: `${ref} (${sha.slice(0, 7)})`, plans, catalogs: new Map() };
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    cleanup();
  }
}
