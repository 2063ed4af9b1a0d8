// `npm run synth`: renders the whole stack offline (no Pulumi CLI, no credentials) by
// running the real program under mocks, then checks and writes what it would create.
import * as path from "node:path";
import { ConfigError, formatProblem } from "../config/errors";
import { loadCatalogFile, readStackFile } from "../config/load";
import { type Catalog, loadCatalog, stackConfigFromPulumi } from "../config/validate";
import type { Plan } from "../plan/plan";
import { checkoutMark, planInputs } from "./plan-inputs";
import type { Artifact } from "./artifacts";
import { consoleIo, type Io, parseCli, runCli, UsageError } from "./cli";
import { assertReplaceable, assertStackName, OutputPathError, replaceOwnedDir, resolveUnder } from "./paths";

export interface SynthOptions {
  stack: string;
  configFile: string;
  featuresFile: string;
  teamsFile: string;
}

export interface SynthResult {
  catalog: Catalog;
  plan: Plan;
  artifacts: Artifact[];
}

/**
 * Loads the inputs, runs the program under mocks and renders every output file in memory.
 * The Pulumi SDK and the providers load here, not at import, so `--help` and usage errors answer at once.
 */
export async function synth(opts: SynthOptions): Promise<SynthResult> {
  const [{ runProgram }, { synthesize }, { recordPlan, renderArtifacts }] = await Promise.all([
    import("../program"),
    import("./mocks"),
    import("./artifacts"),
  ]);
  const stackFile = readStackFile(opts.configFile);
  const features = await loadCatalogFile(opts.featuresFile, "features");
  const teams = await loadCatalogFile(opts.teamsFile, "teams");
  // Validation happens inside runProgram, exactly as under `pulumi up`; this second
  // parse only hands the typed catalog to the renderers after the program succeeded.
  const plan = await synthesize({
    stack: opts.stack,
    config: stackFile.config,
    secretKeys: stackFile.secretKeys,
    program: () => runProgram({ features, teams }),
  });
  const catalog = loadCatalog({ features, teams, config: stackConfigFromPulumi(stackFile.config) });
  const recorded = recordPlan(plan, catalog, planInputs({ features: opts.featuresFile, teams: opts.teamsFile, stack: opts.configFile }));
  return { catalog, plan: recorded, artifacts: renderArtifacts(recorded, catalog) };
}

/** What synth writes into out/<stack>/: a directory holding only these may be replaced. */
export function isSynthArtifact(relPath: string): boolean {
  return /^(plan\.json|cardinality\.md|(dashboards|monitors|slos)\/[^/]+\.json|preview\/index\.html)$/.test(relPath);
}

/**
 * Replaces `dir` with exactly `artifacts`, so a failed run writes nothing and stale files vanish;
 * refuses a directory synth did not write (tools/paths.ts).
 */
export function writeArtifacts(dir: string, artifacts: Artifact[]): void {
  replaceOwnedDir(dir, artifacts, { tool: "synth", owns: isSynthArtifact, markNote: checkoutMark() });
}

export const SYNTH_USAGE = `usage: npm run synth -- [options]

Renders a stack offline (no Pulumi CLI, no credentials) and writes <out>/<stack>/.

  --stack <name>        the stack to render, a Pulumi stack name (default: prod)
  --config <file>       its stack config (default: Pulumi.<stack>.yaml)
  --features <file>     the features catalog, .ts or .json (default: features.ts)
  --teams <file>        the teams catalog, .ts or .json (default: teams.ts)
  --out <dir>           the output root (default: out)
  -h, --help            print this help

Exit codes: 0 written, 1 invalid configuration or definitions (nothing written), 2 bad usage.`;

const SYNTH_OPTIONS = {
  stack: { type: "string", default: "prod" },
  config: { type: "string" },
  features: { type: "string", default: "features.ts" },
  teams: { type: "string", default: "teams.ts" },
  out: { type: "string", default: "out" },
} as const;

export type SynthCliOptions = SynthOptions & { outDir: string };

/** The command line, or the exit code when it asks for help or is wrong. */
export function parseSynthArgs(argv: string[], io: Io = consoleIo) {
  return parseCli({ command: "synth", usage: SYNTH_USAGE, options: SYNTH_OPTIONS }, argv, io, (values): SynthCliOptions => {
    const stack = values.stack!;
    try {
      assertStackName(stack);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    return {
      stack,
      configFile: values.config ?? `Pulumi.${stack}.yaml`,
      featuresFile: values.features!,
      teamsFile: values.teams!,
      outDir: values.out!,
    };
  });
}

async function main(): Promise<number> {
  const parsed = parseSynthArgs(process.argv.slice(2));
  if (!parsed.ok) return parsed.code;
  const opts = parsed.value;
  let dir: string;
  try {
    dir = resolveUnder(opts.outDir, opts.stack);
    // Refused before any work; checked again when the directory is swapped.
    assertReplaceable(dir, { tool: "synth", owns: isSynthArtifact });
  } catch (e) {
    if (!(e instanceof OutputPathError)) throw e;
    console.error(e.message.startsWith("synth: ") ? e.message : `synth: ${e.message}`);
    return 2;
  }
  let result: SynthResult;
  try {
    result = await synth(opts);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`synth: ${e.problems.length} configuration problem${e.problems.length === 1 ? "" : "s"}; nothing was written:`);
      for (const p of e.problems) console.error(`  ${formatProblem(p)}`);
      return 1;
    }
    console.error(`synth: ${(e as Error).message}`);
    return 1;
  }
  const { verifyPlan } = await import("./verify");
  const problems = verifyPlan(result.plan, result.catalog);
  if (problems.length) {
    console.error(`synth: ${problems.length} generated definition${problems.length === 1 ? " is" : "s are"} invalid; nothing was written:`);
    for (const p of problems) console.error(`  ${p}`);
    return 1;
  }
  try {
    writeArtifacts(dir, result.artifacts);
  } catch (e) {
    if (e instanceof OutputPathError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
  const { summarize } = await import("./summary");
  console.log(summarize(result.plan, result.catalog, result.artifacts, path.join(opts.outDir, opts.stack)));
  return 0;
}

if (require.main === module) runCli(main);
