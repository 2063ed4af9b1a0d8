// How should `pulumi up` load the TypeScript program? Times loading program.ts (and with it
// every builder and the three providers) the three ways Pulumi's Node.js host can:
//   - tsx (Pulumi.yaml: typescript: false, nodeargs: "--import tsx")  <- our choice
//   - ts-node with type-checking (Pulumi's default)
//   - ts-node transpile-only (PULUMI_NODEJS_TRANSPILE_ONLY=true)
// Type checking still happens, once, in CI (`npm run typecheck`).
// Run: npm run bench:load
import * as os from "node:os";
import * as path from "node:path";
import { fmtMs, timeCommand } from "./timing";

const ROOT = path.resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const LOAD = "require('./program.ts')";

function main() {
  const floor = timeCommand(
    process.execPath,
    ["-e", "require('@pulumi/pulumi');require('@pulumi/datadog');require('@pulumi/pagerduty');require('@pulumiverse/sentry')"],
    { cwd: ROOT, runs: RUNS },
  );
  const rows: [string, number][] = [
    ["floor: import @pulumi/pulumi + 3 providers (plain node)", floor.medianMs],
    ["tsx (--import tsx), our choice", timeCommand(process.execPath, ["--import", "tsx", "-e", LOAD], { cwd: ROOT, runs: RUNS }).medianMs],
    [
      "ts-node, transpile-only",
      timeCommand(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", LOAD], { cwd: ROOT, runs: RUNS }).medianMs,
    ],
    [
      "ts-node, type-checking (Pulumi default)",
      timeCommand(process.execPath, ["-r", "ts-node/register", "-e", LOAD], { cwd: ROOT, runs: RUNS }).medianMs,
    ],
  ];
  console.log(`program load benchmark (median of ${RUNS}, node ${process.version}, ${os.cpus().length} cores)`);
  const width = Math.max(...rows.map(([l]) => l.length));
  for (const [label, ms] of rows)
    console.log(`  ${label.padEnd(width)}  ${fmtMs(ms).padStart(8)}  ${(ms / floor.medianMs).toFixed(1)}x floor`);
}

main();
