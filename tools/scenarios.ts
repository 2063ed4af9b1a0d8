// `npm run scenarios`: alert unit tests. Synthesizes the stack as `npm run synth` does, runs
// every scenario file of a directory against its monitors, and reports each scenario: passed,
// or the expectations that failed with the alert timeline that contradicts them.
// Exit codes: 0 all passed; 1 an expectation failed; 2 unreadable input or an unmodelled query form.
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError, formatProblem } from "../config/errors";
import { runScenarioFile, type ScenarioResult, type StackUnderTest } from "../evaluator/run";
import { consoleIo, type Io, parseCli, runCli, UsageError } from "./cli";
import { assertStackName } from "./paths";

export const SCENARIOS_USAGE = `usage: npm run scenarios -- [options]

Runs every scenario file (*.yaml) of a directory against the stack's monitors (docs/scenarios.md).

  --stack <name>         the stack to synthesize, a Pulumi stack name (default: prod)
  --dir <dir>            the scenario files (default: scenarios)
  --config <file>        its stack config (default: Pulumi.<stack>.yaml)
  --features <file>      the features catalog, .ts or .json (default: features.ts)
  --teams <file>         the teams catalog, .ts or .json (default: teams.ts)
  --org-stack <name>     the stack whose plan holds the org's Datadog tag configurations
                         (default: the Pulumi.<stack>.yaml beside --config that sets ownsOrgResources: true)
  --percentiles <m,...>  also treat these distributions as having percentiles enabled
  --json                 print [{file, name, passed, failures}]
  -h, --help             print this help

Exit codes: 0 every scenario passed, 1 an expectation failed, 2 bad usage, unreadable input or an unmodelled query form.`;

const SCENARIOS_OPTIONS = {
  stack: { type: "string", default: "prod" },
  dir: { type: "string", default: "scenarios" },
  config: { type: "string" },
  features: { type: "string", default: "features.ts" },
  teams: { type: "string", default: "teams.ts" },
  json: { type: "boolean", default: false },
  percentiles: { type: "string", default: "" },
  "org-stack": { type: "string" },
} as const;

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

/** The command line, or the exit code when it asks for help or is wrong. */
export function parseScenariosArgs(argv: string[], io: Io = consoleIo) {
  return parseCli({ command: "scenarios", usage: SCENARIOS_USAGE, options: SCENARIOS_OPTIONS }, argv, io, (values): ScenariosOptions => {
    const stack = values.stack!;
    try {
      assertStackName(stack);
      if (values["org-stack"] !== undefined) assertStackName(values["org-stack"], "--org-stack");
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    return {
      stack,
      dir: values.dir!,
      configFile: values.config ?? `Pulumi.${stack}.yaml`,
      featuresFile: values.features!,
      teamsFile: values.teams!,
      json: values.json!,
      percentiles: values
        .percentiles!.split(",")
        .map((x) => x.trim())
        .filter(Boolean),
      orgStack: values["org-stack"],
    };
  });
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
  const parsed = parseScenariosArgs(process.argv.slice(2));
  if (!parsed.ok) return parsed.code;
  const opts = parsed.value;
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
