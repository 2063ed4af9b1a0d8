// Synth time for the example catalog and a generated 200-feature catalog, run exactly as
// `npm run synth` runs it (package.json), against the floor: plain node importing
// @pulumi/pulumi plus the three providers. Wall and CPU time, medians of interleaved runs; on a
// shared machine compare the CPU column. Also: the Pulumi SDK alone registering the same
// resources under the same mocks (bench/sdk-replay.ts), the first run after `npm ci` (it fills
// node_modules/.cache), and the same synth under tsx for reference.
// Run: npm run bench:synth   (BENCH_RUNS=5 for more rounds)
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { features } from "../features";
import { teams } from "../teams";
import type { FeatureInput } from "../config/schema";
import { TOOLS_CACHE } from "../tools/datadog-spec";
import { type Command, npmScript, printTable, ratios, timeCommands } from "./timing";

const ROOT = path.resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
export const FLOOR_ARGS = [
  "-e",
  "require('@pulumi/pulumi');require('@pulumi/datadog');require('@pulumi/pagerduty');require('@pulumiverse/sentry')",
];

/** A plausible large catalog: the example's shapes, cycled over its teams, with distinct ids. */
export function generatedCatalog(n: number): FeatureInput[] {
  return Array.from({ length: n }, (_, i) => {
    const base = structuredClone(features[i % features.length]);
    return {
      ...base,
      id: `feature-${String(i).padStart(3, "0")}`,
      name: `Generated feature ${i}`,
      owner: teams[i % teams.length].id,
      budgetUsdPerDay: 10 + (i % 17) * 5,
      flags: (base.flags ?? []).map((f) => `${f}-${i}`),
    };
  });
}

function customResources(out: string): number {
  const plan = JSON.parse(fs.readFileSync(path.join(out, "prod", "plan.json"), "utf8")) as { resources: { custom: boolean }[] };
  return plan.resources.filter((r) => r.custom).length;
}

function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "llmobs-bench-"));
  try {
    const exampleFile = path.join(dir, "features-example.json");
    const bigFile = path.join(dir, "features-200.json");
    fs.writeFileSync(exampleFile, JSON.stringify(features));
    fs.writeFileSync(bigFile, JSON.stringify(generatedCatalog(200)));

    const synth = npmScript(ROOT, "synth");
    const synthOf = (label: string, featuresFile: string, out: string): Command => ({
      label,
      cmd: synth.cmd,
      args: [...synth.args, "--features", featuresFile, "--out", path.join(dir, out)],
      cwd: ROOT,
    });
    const floor: Command = { label: "floor", cmd: process.execPath, args: FLOOR_ARGS, cwd: ROOT };
    const example = synthOf("example", exampleFile, "example");
    const big = synthOf("200 features", bigFile, "big");
    const replayOf = (label: string, out: string): Command => ({
      label,
      cmd: process.execPath,
      args: ["-r", "./tools/ts-hook.cjs", "bench/sdk-replay.ts", path.join(dir, out, "prod", "plan.json")],
      cwd: ROOT,
    });
    const underTsx: Command = {
      label: "example under tsx",
      cmd: process.execPath,
      args: ["--import", "tsx", "tools/synth.ts", "--features", exampleFile, "--out", path.join(dir, "tsx")],
      cwd: ROOT,
    };

    // The first run after `npm ci`: compiles the .ts files and the spec validator into the cache.
    fs.rmSync(TOOLS_CACHE, { recursive: true, force: true });
    const [cold] = timeCommands([example], 1);
    // Each round synthesizes before it replays, so the plans exist.
    const [tFloor, tExample, tBig, tSdkExample, tSdkBig, tTsx] = timeCommands(
      [floor, example, big, replayOf("sdk example", "example"), replayOf("sdk 200", "big"), underTsx],
      RUNS,
    );
    const n = { example: customResources(path.join(dir, "example")), big: customResources(path.join(dir, "big")) };

    printTable(
      `synth benchmark (median of ${RUNS} interleaved runs, node ${process.version}, ${os.cpus().length} cores); ratios wall / CPU`,
      [
        { label: "floor: import @pulumi/pulumi + datadog + pagerduty + sentry", t: tFloor },
        {
          label: `npm run synth, example catalog (${features.length} features, ${n.example} resources)`,
          t: tExample,
          ratio: `${ratios(tExample, tFloor)} floor`,
        },
        {
          label: `npm run synth, generated catalog (200 features, ${n.big} resources)`,
          t: tBig,
          ratio: `${ratios(tBig, tExample)} example`,
        },
        {
          label: `the SDK alone registering the example's ${n.example} resources`,
          t: tSdkExample,
          ratio: `${ratios(tSdkExample, tFloor)} floor`,
        },
        {
          label: `the SDK alone registering the 200-feature plan's ${n.big} resources`,
          t: tSdkBig,
          ratio: `${ratios(tSdkBig, tSdkExample)} of the above`,
        },
        { label: "npm run synth, example, first run after npm ci (fills the cache)", t: cold },
        { label: "tsx tools/synth.ts, example (what npm run synth used to run)", t: tTsx, ratio: `${ratios(tTsx, tFloor)} floor` },
      ],
    );
    console.log(`  resources per additional feature: ${((n.big - n.example) / (200 - features.length)).toFixed(2)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) main();
