// `npm run scenarios`: alert unit tests. Synthesizes the stack as `npm run synth` does, runs
// every scenario file of a directory against its monitors, and reports each scenario: passed,
// or the expectations that failed with the alert timeline that contradicts them.
// Exit codes: 0 all passed; 1 an expectation failed; 2 unreadable input or an unmodelled query form.
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, formatProblem } from "../config/errors";
import { runScenarioFile, type ScenarioResult, type StackUnderTest } from "../evaluator/run";
import { runCli } from "./cli";

export const SCENARIOS_USAGE = [
  "usage: npm run scenarios -- [--stack prod] [--dir scenarios] [--config Pulumi.<stack>.yaml]",
  "                            [--features features.ts|.json] [--teams teams.ts|.json]",
  "                            [--org-stack <stack>] [--percentiles <metric>[,<metric>...]] [--json]",
  "  --org-stack    the stack whose plan holds the org's Datadog tag configurations (default: the Pulumi.<stack>.yaml",
  "                 beside --config that sets ownsOrgResources: true)",
  "  --percentiles  also treat these distributions as having percentiles enabled (to try a monitor before the",
  "                 tag configuration that enables them exists)",
].join("\n");

export interface ScenariosOptions {
  stack: string;
  dir: string;
  configFile: string;
  featuresFile: string;
  teamsFile: string;
  json: boolean;
  percentiles: string[];
  orgStack?: string;
}

export function parseScenariosArgs(argv: string[]): ScenariosOptions | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      stack: { type: "string", default: "prod" },
      dir: { type: "string", default: "scenarios" },
      config: { type: "string" },
      features: { type: "string", default: "features.ts" },
      teams: { type: "string", default: "teams.ts" },
      json: { type: "boolean", default: false },
      percentiles: { type: "string", default: "" },
      "org-stack": { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return "help";
  return {
    stack: values.stack!,
    dir: values.dir!,
    configFile: values.config ?? `Pulumi.${values.stack}.yaml`,
    featuresFile: values.features!,
    teamsFile: values.teams!,
    json: values.json!,
    percentiles: values
      .percentiles!.split(",")
      .map((x) => x.trim())
      .filter(Boolean),
    orgStack: values["org-stack"],
  };
}

/** The scenario files of a directory, in name order. */
export function scenarioFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

export function runScenarioDir(dir: string, stack: StackUnderTest): ScenarioResult[] {
  return scenarioFiles(dir).map((file) => runScenarioFile(file, stack));
}

export function exitCode(results: readonly ScenarioResult[]): number {
  if (results.some((r) => r.status === "invalid")) return 2;
  return results.some((r) => r.status === "failed") ? 1 : 0;
}

export function formatResults(results: readonly ScenarioResult[], header: string): string {
  const lines = [header];
  for (const r of results) {
    const label = r.status === "passed" ? "PASS   " : r.status === "failed" ? "FAIL   " : "INVALID";
    const notes = [...(r.approximate ? ["approximate: anomalies() agile"] : []), ...r.notes];
    lines.push(`${label} ${path.basename(r.file)}${r.name ? `: ${r.name}` : ""}${notes.length ? ` (${notes.join("; ")})` : ""}`);
    for (const f of r.failures) lines.push(...f.split("\n").map((l, i) => `${i === 0 ? "  - " : "    "}${l}`));
  }
  const count = (s: ScenarioResult["status"]) => results.filter((r) => r.status === s).length;
  lines.push(`${count("passed")} passed, ${count("failed")} failed, ${count("invalid")} invalid`);
  return lines.join("\n");
}

export function jsonResults(results: readonly ScenarioResult[]): string {
  return JSON.stringify(
    results.map((r) => ({
      file: r.file,
      name: r.name,
      passed: r.status === "passed",
      failures: r.failures,
      ...(r.approximate ? { approximate: true } : {}),
    })),
    null,
    2,
  );
}

async function main(): Promise<number> {
  let opts: ReturnType<typeof parseScenariosArgs>;
  try {
    opts = parseScenariosArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`scenarios: ${(e as Error).message}`);
    console.error(SCENARIOS_USAGE);
    return 2;
  }
  if (opts === "help") {
    console.log(SCENARIOS_USAGE);
    return 0;
  }
  if (!fs.existsSync(opts.dir) || !fs.statSync(opts.dir).isDirectory()) {
    console.error(`scenarios: ${opts.dir} is not a directory`);
    return 2;
  }
  let stack: StackUnderTest;
  try {
    // Loaded only now: the Pulumi SDK takes seconds to load, and --help or a usage error need none of it.
    const { synthStack } = await import("./scenario-stack");
    stack = await synthStack({
      stack: opts.stack,
      configFile: opts.configFile,
      featuresFile: opts.featuresFile,
      teamsFile: opts.teamsFile,
      orgStack: opts.orgStack,
    });
    stack = { ...stack, percentiles: new Set([...stack.percentiles, ...opts.percentiles]) };
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`scenarios: ${e.problems.length} configuration problem${e.problems.length === 1 ? "" : "s"}:`);
      for (const p of e.problems) console.error(`  ${formatProblem(p)}`);
    } else console.error(`scenarios: ${(e as Error).message}`);
    return 2;
  }
  const results = runScenarioDir(opts.dir, stack);
  if (opts.json) console.log(jsonResults(results));
  else console.log(formatResults(results, `scenarios: stack ${opts.stack}, ${results.length} file(s) in ${opts.dir}`));
  return exitCode(results);
}

if (require.main === module) runCli(main, 2);
