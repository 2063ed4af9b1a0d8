// The trusted side of the pull-request review (.github/workflows/preview-comment.yml): reads the
// `pr-plans` artifact that the untrusted job uploaded, as hostile data. Nothing in it is run,
// imported or extracted by name: the zip is parsed in memory (tools/ci/zip.ts), only
// `review.json` and `<stack>/plan.json` for the stacks asked for are accepted, every file is
// parsed as JSON and shape-checked, the head commit must be the one GitHub says the run was
// for, and the base commit must be part of the base branch. The plans are then written under
// --out for `npm run diff -- --head <out>`, which this checkout's own code renders.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT } from "../../config/names";
import { consoleIo, type Io, parseCli, runCli, UsageError } from "../cli";
import { OutputPathError, replaceOwnedDir, stackNameProblem } from "../paths";
import { PlanError, readPlan } from "../../plan/plan";
import { ArtifactError, readZip, type ZipLimits } from "./zip";

/** A 200-feature catalog's plan is about 7 MB; these leave room and still bound memory and disk. */
export const ARTIFACT_LIMITS: ZipLimits = {
  maxArchiveBytes: 32 * 1024 * 1024,
  maxEntries: 64,
  maxEntryBytes: 32 * 1024 * 1024,
  maxTotalBytes: 96 * 1024 * 1024,
};

export interface Review {
  /** The commit the pull request's plans were compared against: the first parent of the merge commit GitHub built. */
  baseSha: string;
  /** The pull request's head commit. */
  headSha: string;
  stacks: string[];
}

const SHA = /^[0-9a-f]{40}$/;

export const PR_PLANS_USAGE = `usage: npx tsx tools/ci/pr-plans.ts --zip <artifact.zip> --out <dir> --stack <name>... [options]

Reads a pull request's plans from the artifact its untrusted job uploaded, as data: caps on
sizes, no extraction by name, JSON only, plans shape-checked. Writes <out>/<stack>/plan.json and
prints {"baseSha", "headSha", "stacks"} as JSON.

  --zip <file>          the artifact, as GitHub serves it (a zip)
  --out <dir>           where the plans go; replaced only if this tool wrote it
  --stack <name>        a stack the artifact must hold; repeat for each
  --expect-head <sha>   refuse the artifact unless it was made for this head commit
  --base-branch <ref>   refuse it unless its base commit is part of this branch (checked with git)
  -h, --help            print this help

Exit codes: 0 accepted, 1 the artifact is refused, 2 bad usage.`;

const OPTIONS = {
  zip: { type: "string" },
  out: { type: "string" },
  stack: { type: "string", multiple: true },
  "expect-head": { type: "string" },
  "base-branch": { type: "string" },
} as const;

export interface PrPlansOptions {
  zip: string;
  out: string;
  stacks: string[];
  expectHead?: string;
  baseBranch?: string;
}

/** Validates the artifact and writes its plans; returns the review metadata. Throws ArtifactError when refused. */
export function acceptPrPlans(opts: PrPlansOptions, repo = process.cwd()): Review {
  const entries = readZip(fs.readFileSync(opts.zip), ARTIFACT_LIMITS);
  const expected = new Set(["review.json", ...opts.stacks.map((s) => `${s}/plan.json`)]);
  const unexpected = entries.filter((e) => !expected.has(e.name)).map((e) => e.name);
  if (unexpected.length)
    throw new ArtifactError(`unexpected entries: ${unexpected.slice(0, 5).join(", ")}${unexpected.length > 5 ? ", ..." : ""}`);
  const missing = [...expected].filter((name) => !entries.some((e) => e.name === name));
  if (missing.length) throw new ArtifactError(`missing entries: ${missing.join(", ")}`);
  const byName = new Map(entries.map((e) => [e.name, e.data]));

  const review = parseReview(byName.get("review.json")!, opts.stacks);
  if (opts.expectHead && review.headSha !== opts.expectHead) {
    throw new ArtifactError(`review.json is for head ${review.headSha}, but the run was for ${opts.expectHead}`);
  }
  if (opts.baseBranch) {
    const r = spawnSync("git", ["merge-base", "--is-ancestor", review.baseSha, opts.baseBranch], { cwd: repo, encoding: "utf8" });
    if (r.status !== 0) throw new ArtifactError(`base commit ${review.baseSha} is not part of ${opts.baseBranch}`);
  }

  // Each plan is checked by the same reader `npm run diff` uses, from a private scratch file.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "llmobs-prplans-"));
  try {
    for (const stack of opts.stacks) {
      const file = path.join(scratch, `${stack}.json`);
      fs.writeFileSync(file, byName.get(`${stack}/plan.json`)!);
      let plan;
      try {
        plan = readPlan(file);
      } catch (e) {
        throw new ArtifactError(`${stack}/plan.json: ${(e as PlanError).message.replace(`plan file ${file} `, "")}`);
      }
      if (plan.stack !== stack) throw new ArtifactError(`${stack}/plan.json is the plan of stack ${JSON.stringify(plan.stack)}`);
      if (plan.project !== PROJECT)
        throw new ArtifactError(`${stack}/plan.json is a plan of project ${JSON.stringify(plan.project)}, not ${PROJECT}`);
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  replaceOwnedDir(
    opts.out,
    opts.stacks.map((s) => ({ path: `${s}/plan.json`, content: byName.get(`${s}/plan.json`)! })),
    { tool: "pr-plans", owns: (p) => /^[A-Za-z0-9_.-]+\/plan\.json$/.test(p) },
  );
  return review;
}

function parseReview(data: Buffer, stacks: string[]): Review {
  let doc: unknown;
  try {
    doc = JSON.parse(data.toString("utf8"));
  } catch (e) {
    throw new ArtifactError(`review.json is not valid JSON: ${(e as Error).message}`);
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) throw new ArtifactError("review.json must be an object");
  const r = doc as Record<string, unknown>;
  const keys = Object.keys(r).sort();
  if (keys.join() !== "baseSha,headSha,stacks")
    throw new ArtifactError(`review.json must have exactly baseSha, headSha and stacks (has ${keys.join(", ")})`);
  for (const key of ["baseSha", "headSha"] as const) {
    if (typeof r[key] !== "string" || !SHA.test(r[key] as string))
      throw new ArtifactError(`review.json: ${key} must be a 40-character commit id`);
  }
  if (!Array.isArray(r.stacks) || r.stacks.some((s) => typeof s !== "string" || stackNameProblem(s))) {
    throw new ArtifactError("review.json: stacks must be a list of stack names");
  }
  if ([...r.stacks].sort().join() !== [...stacks].sort().join()) {
    throw new ArtifactError(`review.json lists stacks ${(r.stacks as string[]).join(", ")}; expected ${stacks.join(", ")}`);
  }
  return { baseSha: r.baseSha as string, headSha: r.headSha as string, stacks: r.stacks as string[] };
}

export async function main(argv: string[], io: Io = consoleIo): Promise<number> {
  const parsed = parseCli({ command: "pr-plans", usage: PR_PLANS_USAGE, options: OPTIONS }, argv, io, (v): PrPlansOptions => {
    if (!v.zip || !v.out || !v.stack?.length) throw new UsageError("--zip, --out and at least one --stack are required");
    for (const s of v.stack) {
      const problem = stackNameProblem(s);
      if (problem) throw new UsageError(`--stack ${JSON.stringify(s)}: ${problem}`);
    }
    if (v["expect-head"] !== undefined && !SHA.test(v["expect-head"]))
      throw new UsageError("--expect-head must be a 40-character commit id");
    return { zip: v.zip, out: v.out, stacks: [...new Set(v.stack)], expectHead: v["expect-head"], baseBranch: v["base-branch"] };
  });
  if (!parsed.ok) return parsed.code;
  try {
    io.out(JSON.stringify(acceptPrPlans(parsed.value)));
    return 0;
  } catch (e) {
    if (e instanceof ArtifactError || e instanceof OutputPathError) {
      io.err(`pr-plans: the artifact is refused: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

if (require.main === module) runCli(() => main(process.argv.slice(2)));
