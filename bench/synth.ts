// Synth wall time for the example catalog and a generated 200-feature catalog, resources
// per feature, and the floor: importing @pulumi/pulumi plus the three providers.
// Run: npm run bench:synth
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { features } from "../features";
import { teams } from "../teams";
import type { FeatureInput } from "../config/schema";
import { fmtMs, timeCommand } from "./timing";

const ROOT = path.resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

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

function synthOnce(dir: string, featuresFile: string) {
  const out = path.join(dir, "out");
  const t = timeCommand(process.execPath, ["--import", "tsx", "tools/synth.ts", "--features", featuresFile, "--out", out], {
    cwd: ROOT,
    runs: RUNS,
  });
  const plan = JSON.parse(fs.readFileSync(path.join(out, "prod", "plan.json"), "utf8")) as { resources: { custom: boolean }[] };
  return { ...t, resources: plan.resources.filter((r) => r.custom).length };
}

function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "llmobs-bench-"));
  const exampleFile = path.join(dir, "features-example.json");
  const bigFile = path.join(dir, "features-200.json");
  fs.writeFileSync(exampleFile, JSON.stringify(features));
  fs.writeFileSync(bigFile, JSON.stringify(generatedCatalog(200)));

  const floor = timeCommand(
    process.execPath,
    ["-e", "require('@pulumi/pulumi');require('@pulumi/datadog');require('@pulumi/pagerduty');require('@pulumiverse/sentry')"],
    { cwd: ROOT, runs: RUNS },
  );
  const example = synthOnce(dir, exampleFile);
  const big = synthOnce(dir, bigFile);
  const perFeature = (big.resources - example.resources) / (200 - features.length);

  console.log(`synth benchmark (median of ${RUNS}, node ${process.version}, ${os.cpus().length} cores)`);
  console.log(`  floor: import @pulumi/pulumi + datadog + pagerduty + sentry   ${fmtMs(floor.medianMs)}`);
  console.log(
    `  synth, example catalog (${features.length} features, ${example.resources} resources)   ${fmtMs(example.medianMs)}   ` +
      `${(example.medianMs / floor.medianMs).toFixed(1)}x floor`,
  );
  console.log(
    `  synth, generated catalog (200 features, ${big.resources} resources)   ${fmtMs(big.medianMs)}   ` +
      `${(big.medianMs / floor.medianMs).toFixed(1)}x floor`,
  );
  console.log(`  resources per additional feature: ${perFeature.toFixed(2)}`);
  fs.rmSync(dir, { recursive: true, force: true });
}

main();
