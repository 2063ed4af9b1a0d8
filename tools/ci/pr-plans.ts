// The trusted side of the pull-request review (.github/workflows/preview-comment.yml): reads the
// `pr-plans` artifact that the untrusted job uploaded, as hostile data. Nothing in it is run,
// imported or extracted by name: the zip is parsed in memory (tools/ci/zip.ts), only
// `review.json`, `<stack>/plan.json` for the stacks asked for and the head's scenario files
// (`scenarios/<name>.yaml`, optional) are accepted, every plan is parsed as JSON and
// shape-checked, every scenario file parsed as YAML (data: the diff's behaviour section reads
// it, nothing runs it), the head commit must be the one GitHub says the run was for, and the
// base commit must be part of the base branch. Plans and scenario files are then written under
// --out for `npm run diff -- --head <out>`, which this checkout's own code renders.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT } from "../../config/names";
import { consoleIo, type Io, parseCli, runCli, UsageError } from "../cli";
import { OutputPathError, replaceOwnedDir, stackNameProblem } from "../paths";
import { PlanError, readPlan } from "../../plan/plan";
import { parse as parseYaml } from "yaml";
import { ArtifactError, readZip, type ZipLimits } from "./zip";

/** A 200-feature catalog's plan is about 7 MB; these leave room and still bound memory and disk. */
export const ARTIFACT_LIMITS: ZipLimits = {
  maxArchiveBytes: 32 * 1024 * 1024,
  // The review, a plan per stack, and up to 200 scenario files.
  maxEntries: 256,
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
/** A scenario file of the head, one directory deep, with a plain name. */
const SCENARIO_ENTRY = /^scenarios\/[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\.ya?ml$/;
/** Scenario files are small (the repository's are under 2 kB); a cap keeps hostile ones from costing the review's memory. */
export const SCENARIO_ENTRY_LIMITS = { files: 200, bytes: 256 * 1024 } as const;

export const PR_PLANS_USAGE = `usage: npx tsx tools/ci/pr-plans.ts --zip <artifact.zip> --out <dir> --stack <name>... [options]

Reads a pull request's plans from the artifact its untrusted job uploaded, as data: caps on
sizes, no extraction by name, JSON only, plans shape-checked; its scenario files (optional), YAML
only. Writes <out>/<stack>/plan.json and <out>/scenarios/*.yaml, and prints {"baseSha", "headSha",
"stacks"} as JSON.

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
  const unexpected = entries.filter((e) => !expected.has(e.name) && !SCENARIO_ENTRY.test(e.name)).map((e) => e.name);
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

  const scenarios = entries.filter((e) => SCENARIO_ENTRY.test(e.name));
  if (scenarios.length > SCENARIO_ENTRY_LIMITS.files)
    throw new ArtifactError(`${scenarios.length} scenario files; at most ${SCENARIO_ENTRY_LIMITS.files} are accepted`);
  for (const e of scenarios) checkScenario(e.name, e.data);

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
    [
      ...opts.stacks.map((s) => ({ path: `${s}/plan.json`, content: byName.get(`${s}/plan.json`)! })),
      ...scenarios.map((e) => ({ path: e.name, content: e.data })),
    ],
    { tool: "pr-plans", owns: (p) => /^[A-Za-z0-9_.-]+\/plan\.json$/.test(p) || SCENARIO_ENTRY.test(p) },
  );
  return review;
}

/** A scenario file must be UTF-8 YAML holding a mapping, within the size cap; what it says is the diff's to judge. */
function checkScenario(name: string, data: Buffer): void {
  if (data.length > SCENARIO_ENTRY_LIMITS.bytes)
    throw new ArtifactError(`${name}: ${data.length} bytes; a scenario file may have at most ${SCENARIO_ENTRY_LIMITS.bytes}`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(data);
  } catch {
    throw new ArtifactError(`${name}: is not UTF-8 text`);
  }
  let doc: unknown;
  try {
    // The yaml package builds plain data only (no tags that construct objects), and caps alias expansion.
    doc = parseYaml(text);
  } catch (e) {
    throw new ArtifactError(`${name}: is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc))
    throw new ArtifactError(`${name}: must be a YAML mapping (a scenario)`);
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
