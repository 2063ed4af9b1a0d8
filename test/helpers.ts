// Shared test fixtures: the example catalog and the program run under mocks.
import { spawn } from "node:child_process";
import * as path from "node:path";
import { features } from "../features";
import { teams } from "../teams";
import { readStackFile } from "../config/load";
import type { FeatureInput, TeamInput } from "../config/schema";
import { type Catalog, loadCatalog, stackConfigFromPulumi } from "../config/validate";
import { runProgram } from "../program";
import { recordPlan } from "../tools/artifacts";
import { synthesize } from "../tools/mocks";
import { planInputs } from "../tools/plan-inputs";
import type { Plan, PlanResource } from "../plan/plan";

export const ROOT = path.resolve(__dirname, "..");
export const STACKS = ["prod", "staging"] as const;
export type StackName = (typeof STACKS)[number];

/** A deep copy, so tests can mutate the example freely. */
export function exampleFeatures(): FeatureInput[] {
  return structuredClone(features);
}
export function exampleTeams(): TeamInput[] {
  return structuredClone(teams);
}

export function stackConfig(stack: StackName, overrides: Record<string, unknown> = {}): Record<string, string> {
  const { config } = readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`));
  for (const [k, v] of Object.entries(overrides)) config[`llm-observability:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
  return config;
}

export function exampleCatalog(stack: StackName = "prod", input: { features?: unknown; teams?: unknown } = {}): Catalog {
  return loadCatalog({
    features: input.features ?? exampleFeatures(),
    teams: input.teams ?? exampleTeams(),
    config: stackConfigFromPulumi(stackConfig(stack)),
  });
}

/**
 * The plan as `npm run synth` writes it from the example's files (features.ts, teams.ts,
 * Pulumi.<stack>.yaml): its records added (formatVersion, inputs, features, cost), so check and
 * diff take it as current. A stack without a file of its own is recorded as made from prod's.
 */
export function recordedPlan(
  plan: Plan,
  stack: StackName = (STACKS as readonly string[]).includes(plan.stack) ? (plan.stack as StackName) : "prod",
): Plan {
  const inputs = planInputs({
    features: path.join(ROOT, "features.ts"),
    teams: path.join(ROOT, "teams.ts"),
    stack: path.join(ROOT, `Pulumi.${stack}.yaml`),
  });
  return recordPlan(plan, exampleCatalog(stack), inputs);
}

/** Runs the real program under Pulumi mocks and returns every registered resource. */
export async function synthExample(
  stack: StackName = "prod",
  input: { features?: unknown; teams?: unknown; config?: Record<string, unknown> } = {},
): Promise<Plan> {
  const f = input.features ?? exampleFeatures();
  const t = input.teams ?? exampleTeams();
  return synthesize({ stack, config: stackConfig(stack, input.config), program: () => runProgram({ features: f, teams: t }) });
}

/** A large, varied catalog: the shape of a product that grew to 200 LLM features. */
export function generatedFeatures(n: number): FeatureInput[] {
  const owners = ["contracts-ai", "research-assistant", "platform"];
  return Array.from({ length: n }, (_, i) => ({
    id: `feature-${String(i).padStart(3, "0")}`,
    name: `Generated feature ${i}`,
    owner: owners[i % owners.length],
    budgetUsdPerDay: 5 + i,
    latency: { ttftP95Ms: 400 + (i % 5) * 100, totalP95Ms: 4000 + (i % 7) * 500 },
    quality: { judgeSampleRate: 0.01 + (i % 3) * 0.01, maxWeeklyDropPoints: 3 + (i % 4) },
    providers: i % 2 ? ["anthropic", "openai"] : ["google"],
    sentryProject: "generated",
    flags: i % 20 === 0 ? [`flag-${i}`] : [],
    ...(i % 4 === 0 ? { retrieval: { indexes: [`index-${i % 3}`] } } : {}),
  }));
}

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

/** Runs a command as a child process and collects its output; async, so the tests of a file run side by side. */
export function runChild(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ChildResult> {
  const child = spawn(cmd, args, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A TypeScript script run as `npm run` runs it (node with tsx). */
export function runScript(script: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ChildResult> {
  return runChild(process.execPath, ["--import", "tsx", script, ...args], opts);
}

/** The resource of `type` named `name` in a plan; throws (naming both) when the plan has none. */
export function resourceNamed(plan: Plan, type: string, name: string): PlanResource {
  const r = plan.resources.find((x) => x.type === type && x.name === name);
  if (!r) throw new Error(`no ${type} named ${name}`);
  return r;
}
