// `npm run synth`: renders the whole stack offline (no Pulumi CLI, no credentials) by
// running the real program under mocks, then checks and writes what it would create.
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, formatProblem } from "../config/errors";
import { loadCatalogFile, readStackFile } from "../config/load";
import { type Catalog, loadCatalog, stackConfigFromPulumi } from "../config/validate";
import { runProgram } from "../program";
import { type Plan, synthesize } from "./mocks";
import { type Artifact, renderArtifacts } from "./artifacts";
import { summarize } from "./summary";
import { verifyPlan } from "./verify";
import { runCli } from "./cli";

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

/** Loads the inputs, runs the program under mocks and renders every output file in memory. */
export async function synth(opts: SynthOptions): Promise<SynthResult> {
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
  return { catalog, plan, artifacts: renderArtifacts(plan, catalog) };
}

/** Replaces `dir` with exactly `artifacts`, so a failed run writes nothing and stale files vanish. */
export function writeArtifacts(dir: string, artifacts: Artifact[]): void {
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  for (const a of artifacts) {
    const file = path.join(tmp, a.path);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, a.content);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  fs.renameSync(tmp, dir);
}

export function parseSynthArgs(argv: string[]): SynthOptions & { outDir: string } {
  const { values } = parseArgs({
    args: argv,
    options: {
      stack: { type: "string", default: "prod" },
      config: { type: "string" },
      features: { type: "string", default: "features.ts" },
      teams: { type: "string", default: "teams.ts" },
      out: { type: "string", default: "out" },
    },
    strict: true,
  });
  const stack = values.stack!;
  return {
    stack,
    configFile: values.config ?? `Pulumi.${stack}.yaml`,
    featuresFile: values.features!,
    teamsFile: values.teams!,
    outDir: values.out!,
  };
}

async function main(): Promise<number> {
  let opts: ReturnType<typeof parseSynthArgs>;
  try {
    opts = parseSynthArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`synth: ${(e as Error).message}`);
    console.error(
      "usage: npm run synth -- [--stack prod] [--config Pulumi.prod.yaml] [--features features.ts|.json] [--teams " +
        "teams.ts|.json] [--out out]",
    );
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
  const problems = verifyPlan(result.plan, result.catalog);
  if (problems.length) {
    console.error(`synth: ${problems.length} generated definition${problems.length === 1 ? " is" : "s are"} invalid; nothing was written:`);
    for (const p of problems) console.error(`  ${p}`);
    return 1;
  }
  const dir = path.join(opts.outDir, opts.stack);
  writeArtifacts(dir, result.artifacts);
  console.log(summarize(result.plan, result.catalog, result.artifacts, dir));
  return 0;
}

if (require.main === module) runCli(main);
