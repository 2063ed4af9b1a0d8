// Scenario evaluator figures: a 28-day scenario with 6 features and 40 tenants (target <= 10 s),
// and the whole scenarios/ suite per example stack (target <= 30 s), on this machine.
// Run: npm run bench:scenarios
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { features } from "../features";
import { teams } from "../teams";
import { HANDLE_PREFIX } from "../config/names";
import { runScenario } from "../evaluator/run";
import { validateScenario } from "../evaluator/scenario";
import { runScenarioDir } from "../tools/scenarios";
import { synthStack } from "../tools/scenario-stack";
import { runCli } from "../tools/cli";
import { fmtMs } from "./timing";

const ROOT = path.resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

/** Six features in the example's shapes (so the stack's monitors are the usual ones), distinct ids. */
function sixFeatures() {
  return Array.from({ length: 6 }, (_, i) => ({
    ...structuredClone(features[i % features.length]),
    id: `feature-${i + 1}`,
    name: `Feature ${i + 1}`,
    owner: teams[i % teams.length].id,
  }));
}

/** Four weeks of day/night traffic with an incident of each kind in the last week. */
const LONG = {
  name: "28 days, 6 features, 40 tenants",
  start: "2026-03-02T00:00:00Z",
  duration: "28d",
  seed: 1,
  traffic: [{ feature: "*", tenants: 40, requestsPerMinute: { day: 30, night: 5 } }],
  events: [
    { at: "586h", until: "589h", tenant: "t-007", set: { costMultiplier: 6 } },
    { at: "590h", until: "591h", provider: "*", set: { errorRate: 0.4 } },
    { at: "595h", until: "596h", feature: "*", set: { ttftMs: { p50: "1.5x", p95: "2x" } } },
    { at: "600h", feature: "*", set: { judgeScore: { mean: "-1.4x", sd: 8 } } },
  ],
  expect: [
    { monitor: "tenant-spend-anomaly", group: { tenant: "t-007" }, state: "alert", within: ["586h", "590h"] },
    { monitor: "provider-outage", state: "alert", within: ["590h", "591h"] },
    // A count over every monitor: all of them are evaluated (run.ts evaluates only the monitors an expectation reads).
    { notifies: `${HANDLE_PREFIX.slack}*`, atLeast: 1 },
  ],
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "llmobs-bench-scenarios-"));
  try {
    const six = path.join(dir, "features-6.json");
    fs.writeFileSync(six, JSON.stringify(sixFeatures()));
    const config = (stack: string) => path.join(ROOT, `Pulumi.${stack}.yaml`);
    const teamsFile = path.join(ROOT, "teams.ts");
    const stack6 = await synthStack({ stack: "prod", configFile: config("prod"), featuresFile: six, teamsFile });
    const { scenario, problems } = validateScenario(LONG, "bench", { catalog: stack6.catalog, monitors: stack6.monitors });
    if (!scenario) throw new Error(problems.join("\n"));
    const long: number[] = [];
    let status = "";
    let evaluated = 0;
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const r = runScenario(scenario, stack6);
      status = r.status;
      evaluated = r.runs.filter((run) => run.times.length > 0 || run.groups.length > 0).length;
      long.push(performance.now() - t0);
    }
    console.log(`scenario benchmark (median of ${RUNS}, node ${process.version}, ${os.cpus().length} cores)`);
    console.log(
      `  28 days, 6 features, 40 tenants (${evaluated} of ${stack6.monitors.length} monitors evaluated): ${fmtMs(median(long))} ` +
        `(${status})   target <= 10 s`,
    );
    for (const name of ["prod", "staging"]) {
      const t0 = performance.now();
      const stack = await synthStack({ stack: name, configFile: config(name), featuresFile: path.join(ROOT, "features.ts"), teamsFile });
      const synthMs = performance.now() - t0;
      const t1 = performance.now();
      const results = runScenarioDir(path.join(ROOT, "scenarios"), stack);
      const suiteMs = performance.now() - t1;
      const passed = results.filter((r) => r.status === "passed").length;
      console.log(
        `  scenarios/ on ${name}: ${results.length} scenarios in ${fmtMs(suiteMs)} + synth ${fmtMs(synthMs)} ` +
          `= ${fmtMs(suiteMs + synthMs)} (${passed} passed)   target <= 30 s`,
      );
    }
    return 0;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) runCli(main);
