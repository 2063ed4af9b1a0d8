// What a plan was made from (plan.json `inputs`), and whether that still holds. A plan is stale
// when a file it was made from changed since: the catalog files and the stack file as synth
// loaded them, the package version, or the package's own code. Tools that judge a plan against
// this checkout (`npm run check`, whose rules read this checkout's catalog) or that present it as
// the working tree's (`npm run diff -- --head out`) refuse a stale one with the fix: re-run synth.
//
// The code hash. A builder edit changes plans as surely as a catalog edit, so the inputs include
// a hash of the package's source: every source file under the checkout (and package-lock.json,
// for the providers' versions), sorted by path, each hashed with its path. It leaves out what synth
// never loads to make plan.json (tests, benches, docs, the policy pack, the emitter, the tools
// that read plans), so editing those never makes a plan stale. New folders are in by default:
// a file wrongly in costs a re-synth, a file wrongly out hides a stale plan. It reads about
// 100 files (0.7 MB) in a few milliseconds, no git, no network, the same bytes giving the same hash
// on any machine. test/synth.test.ts checks that every file synth loads is covered.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { type Plan, PlanError, type PlanInputFile, type PlanInputs } from "../plan/plan";
import { OWNER_MARK } from "./paths";

/** This checkout: the package root of the code running. */
export const CHECKOUT = path.resolve(__dirname, "..");

/** Top-level folders that hold no code synth runs, and the default catalog (an input, recorded as such when used). */
const NOT_CODE_DIRS = ["node_modules", "out", "dist", "test", "bench", "docs", "snapshots", "vendor", "runbooks"];
const CATALOG_FILES = ["features.ts", "teams.ts"];
/** Code that reads plans but never makes one: editing it leaves every plan valid. */
const PLAN_READERS = ["policies/", "emit/", "tools/diff/", "tools/ci/", "tools/check.ts"];

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

/** `/`-separated path relative to `root`, or absolute when outside it. */
function recordedPath(root: string, file: string): string {
  const rel = path.relative(root, path.resolve(file));
  return rel.startsWith("..") || path.isAbsolute(rel) ? path.resolve(file) : rel.split(path.sep).join("/");
}

/** The package source files the code hash covers, relative to `root`, sorted. */
export function codeFiles(root: string = CHECKOUT, exclude: readonly string[] = []): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
      if (!rel && (NOT_CODE_DIRS.includes(entry.name) || CATALOG_FILES.includes(entry.name))) continue;
      if (PLAN_READERS.some((r) => (r.endsWith("/") ? `${p}/`.startsWith(r) : p === r))) continue;
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile() && isSource(p, rel === "") && !exclude.includes(p)) out.push(p);
    }
  };
  walk("");
  if (fs.existsSync(path.join(root, "package-lock.json"))) out.push("package-lock.json");
  return out.sort();
}

/**
 * TypeScript, JavaScript and JSON in the package's folders (a generated validator or data file
 * counts as much as a builder); at the top level only `.ts` (the program), since the other files
 * there configure tools (tsconfig, lint, vitest, package.json scripts) and make no plan.
 */
function isSource(p: string, topLevel: boolean): boolean {
  if (p.endsWith(".d.ts")) return false;
  return topLevel ? p.endsWith(".ts") : /\.(ts|mts|cts|js|mjs|cjs|json)$/.test(p);
}

function codeHash(root: string, exclude: readonly string[]): PlanInputs["code"] {
  const files = codeFiles(root, exclude);
  const hash = createHash("sha256");
  for (const f of files) hash.update(`${f}\0${sha256(fs.readFileSync(path.join(root, f)))}\n`);
  return { sha256: hash.digest("hex"), files: files.length };
}

function packageVersion(root: string): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version?: unknown };
  return typeof pkg.version === "string" ? pkg.version : "unknown";
}

function inputsHash(inputs: Omit<PlanInputs, "hash">): string {
  return sha256(JSON.stringify([inputs.package, inputs.files.map((f) => [f.role, f.path, f.sha256]), inputs.code.sha256]));
}

export interface InputFiles {
  features: string;
  teams: string;
  stack: string;
}

/** The inputs record of a plan made now from these files (paths as given, relative to the working directory). */
export function planInputs(files: InputFiles, root: string = CHECKOUT): PlanInputs {
  const recorded: PlanInputFile[] = (["features", "teams", "stack"] as const).map((role) => ({
    role,
    path: recordedPath(root, files[role]),
    sha256: sha256(fs.readFileSync(files[role])),
  }));
  const inputs = {
    package: packageVersion(root),
    files: recorded,
    code: codeHash(
      root,
      recorded.map((f) => f.path),
    ),
  };
  return { hash: inputsHash(inputs), ...inputs };
}

/** What changed since the plan was made, in words (`features.ts changed`); empty when nothing did. */
export function inputChanges(inputs: PlanInputs, root: string = CHECKOUT): string[] {
  const changes: string[] = [];
  for (const f of inputs.files) {
    const file = path.resolve(root, f.path);
    if (!fs.existsSync(file)) changes.push(`${f.path} is gone`);
    else if (sha256(fs.readFileSync(file)) !== f.sha256) changes.push(`${f.path} changed`);
  }
  const version = packageVersion(root);
  if (version !== inputs.package) changes.push(`the package version changed (${inputs.package} → ${version})`);
  if (
    codeHash(
      root,
      inputs.files.map((f) => f.path),
    ).sha256 !== inputs.code.sha256
  )
    changes.push("the package's code changed");
  return changes;
}

/** A plan that no longer matches the files it was made from (or cannot tell): exit 2, with the fix. */
export class StalePlanError extends PlanError {}

/** The synth command that makes this plan again: its stack, and any file or output directory that is not the default. */
export function resynthCommand(plan: Pick<Plan, "stack" | "inputs">, planFile: string): string {
  const args = ["--stack", plan.stack];
  const given = (role: PlanInputFile["role"]) => plan.inputs?.files.find((f) => f.role === role)?.path;
  const defaults = { features: "features.ts", teams: "teams.ts", stack: `Pulumi.${plan.stack}.yaml` };
  const flags = { features: "--features", teams: "--teams", stack: "--config" };
  for (const role of ["features", "teams", "stack"] as const) {
    const p = given(role);
    if (p !== undefined && p !== defaults[role]) args.push(flags[role], p);
  }
  const dir = path.dirname(path.dirname(planFile));
  if (path.basename(path.dirname(planFile)) === plan.stack && path.normalize(dir) !== "out") args.push("--out", dir);
  return `npm run synth -- ${args.join(" ")}`;
}

/** Throws StalePlanError unless the plan records its inputs and they are what `root` holds now. */
export function assertCurrentPlan(plan: Plan, planFile: string, root: string = CHECKOUT): void {
  const fix = `Re-run \`npm run synth\` first: ${resynthCommand(plan, planFile)}`;
  if (!plan.inputs) {
    throw new StalePlanError(
      `${planFile} records no formatVersion and no inputs: a synth from before they existed made it, so whether it still ` +
        `matches the catalog cannot be told. ${fix}`,
    );
  }
  const changes = inputChanges(plan.inputs, root);
  if (changes.length) throw new StalePlanError(`${planFile} is stale: ${joinWords(changes)} since it was synthesized. ${fix}`);
}

/** The line synth adds to its output directory's mark: which checkout wrote the plans there. */
export function checkoutMark(root: string = CHECKOUT): string {
  return `checkout: ${fs.realpathSync(root)}`;
}

/** Whether the directory holding `planFile` was written by synth in the checkout at `root` (its mark says so). */
export function madeInCheckout(planFile: string, root: string = CHECKOUT): boolean {
  const mark = path.join(path.dirname(planFile), OWNER_MARK);
  if (!fs.existsSync(mark)) return false;
  return fs.readFileSync(mark, "utf8").split("\n").includes(checkoutMark(root));
}

function joinWords(items: string[]): string {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}
