// Shared test helpers: the repository root, child processes, plan lookups. Catalogs come from
// test/fixtures/ (the legal fixture, the small fixture, generated ones), loaded explicitly; only
// test/catalog/ reads the user's features.ts, teams.ts and Pulumi.<stack>.yaml.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Plan, PlanResource } from "../plan/plan";
import {
  LEGAL_DIR,
  legalCatalog,
  legalFeatures,
  LEGAL_STACKS,
  legalStackConfig,
  legalTeams,
  type LegalStack,
  synthLegal,
} from "./fixtures/legal";

export { generatedFeatures } from "./fixtures/generated";
export { recordedPlan } from "./fixtures/legal";

export const ROOT = path.resolve(__dirname, "..");
const SCRIPTS = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;

// The legal fixture under the names it had while it was the root catalog, for tests written before it
// moved (branches in flight). New tests import ./fixtures/legal, or test/catalog/user-catalog.ts for invariants.
/** @deprecated the legal fixture: use legalCatalog from ./fixtures/legal. */
export const exampleCatalog = legalCatalog;
/** @deprecated the legal fixture: use legalFeatures from ./fixtures/legal. */
export const exampleFeatures = legalFeatures;
/** @deprecated the legal fixture: use legalTeams from ./fixtures/legal. */
export const exampleTeams = legalTeams;
/** @deprecated the legal fixture: use synthLegal (or the shared legalPlan) from ./fixtures/legal. */
export const synthExample = synthLegal;
/** @deprecated the legal fixture: use legalStackConfig from ./fixtures/legal. */
export const stackConfig = legalStackConfig;
/** @deprecated the legal fixture: use LEGAL_STACKS from ./fixtures/legal. */
export const STACKS = LEGAL_STACKS;
/** @deprecated the legal fixture: use LegalStack from ./fixtures/legal. */
export type StackName = LegalStack;

/** Widgets of a dashboard body, those nested in groups included, counted from the raw JSON (independently of plan/dashboards.ts). */
export function countRawWidgets(widgets: unknown): number {
  if (!Array.isArray(widgets)) return 0;
  return widgets.reduce<number>((n, w) => {
    const def = (w as { definition?: { type?: string; widgets?: unknown } }).definition;
    return n + 1 + (def?.type === "group" ? countRawWidgets(def.widgets) : 0);
  }, 0);
}

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command as a child process and collects its output; async, so the tests of a file run side by side.
 * It runs in the legal fixture's directory unless told otherwise, so a CLI's defaults (features.ts, teams.ts,
 * Pulumi.<stack>.yaml) read the fixture, never the user's catalog.
 */
export function runChild(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ChildResult> {
  const child = spawn(cmd, args, { cwd: opts.cwd ?? LEGAL_DIR, env: opts.env ?? process.env });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * A TypeScript script of the package (`tools/synth.ts`, or an absolute path) run as its npm script
 * runs it: `node -r ./tools/ts-hook.cjs <script>` where package.json says so, else with tsx (`npx tsx <script>`).
 */
export function runScript(script: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ChildResult> {
  const file = path.resolve(ROOT, script);
  const hooked = Object.values(SCRIPTS).includes(`node -r ./tools/ts-hook.cjs ${path.relative(ROOT, file)}`);
  const loader = hooked ? ["-r", path.join(ROOT, "tools", "ts-hook.cjs")] : ["--import", "tsx"];
  return runChild(process.execPath, [...loader, file, ...args], opts);
}

/** The resource of `type` named `name` in a plan; throws (naming both) when the plan has none. */
export function resourceNamed(plan: Plan, type: string, name: string): PlanResource {
  const r = plan.resources.find((x) => x.type === type && x.name === name);
  if (!r) throw new Error(`no ${type} named ${name}`);
  return r;
}
