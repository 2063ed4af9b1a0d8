// How should `pulumi up` load the TypeScript program? Times loading program.ts (and with it
// every builder and the three providers) the three ways Pulumi's Node.js host can:
//   - tsx (Pulumi.yaml: typescript: false, nodeargs: "--import tsx")  <- our choice
//   - ts-node with type-checking (Pulumi's default)
//   - ts-node transpile-only (PULUMI_NODEJS_TRANSPILE_ONLY=true)
// and, for comparison, the way the offline tools load it (node -r ./tools/ts-hook.cjs).
// Type checking still happens, once, in CI (`npm run typecheck`). Wall and CPU time, medians of
// interleaved runs; on a shared machine compare the CPU column.
// Run: npm run bench:load
import * as os from "node:os";
import * as path from "node:path";
import { FLOOR_ARGS } from "./synth";
import { type Command, printTable, ratios, timeCommands } from "./timing";

const ROOT = path.resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const LOAD = "require('./program.ts')";

function main() {
  const node = (label: string, ...args: string[]): Command => ({ label, cmd: process.execPath, args, cwd: ROOT });
  const commands = [
    node("floor: import @pulumi/pulumi + 3 providers (plain node)", ...FLOOR_ARGS),
    node("tsx (--import tsx), our choice for pulumi up", "--import", "tsx", "-e", LOAD),
    node("ts-node, transpile-only", "-r", "ts-node/register/transpile-only", "-e", LOAD),
    node("ts-node, type-checking (Pulumi default)", "-r", "ts-node/register", "-e", LOAD),
    node("node -r ./tools/ts-hook.cjs (the offline tools)", "-r", "./tools/ts-hook.cjs", "-e", LOAD),
  ];
  const timings = timeCommands(commands, RUNS);
  printTable(
    `program load benchmark (median of ${RUNS} interleaved runs, node ${process.version}, ${os.cpus().length} cores); ratios wall / CPU`,
    commands.map((c, i) => ({ label: c.label, t: timings[i], ratio: i ? `${ratios(timings[i], timings[0])} floor` : "" })),
  );
}

main();
