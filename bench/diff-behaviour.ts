// The diff's behaviour section at its worst: every monitor of both example stacks changed, so every
// scenario of scenarios/ runs on both sides of both stacks. Figures for docs/benchmarks.md; the
// review's time budget (tools/diff/behaviour.ts BEHAVIOUR_BUDGET_MS) must stay far above them.
// Run: npm run bench:diff-behaviour
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type Plan, readPlan } from "../plan/plan";
import { BEHAVIOUR_BUDGET_MS, reviewBehaviour } from "../tools/diff/behaviour";
import { comparePlans, type PlanDiff } from "../tools/diff/compare";
import { readScenarioFiles } from "../tools/diff/sources";
import { synth, writeArtifacts } from "../tools/synth";
import { runCli } from "../tools/cli";
import { fmtMs } from "./timing";

const ROOT = path.resolve(__dirname, "..");
const STACKS = ["prod", "staging"];

async function main(): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "llmobs-bench-behaviour-"));
  try {
    const plans = new Map<string, Plan>();
    for (const stack of STACKS) {
      const r = await synth({
        stack,
        configFile: path.join(ROOT, `Pulumi.${stack}.yaml`),
        featuresFile: path.join(ROOT, "features.ts"),
        teamsFile: path.join(ROOT, "teams.ts"),
      });
      writeArtifacts(path.join(dir, stack), r.artifacts);
      plans.set(stack, readPlan(path.join(dir, stack, "plan.json")));
    }
    // Both sides the same plans, every monitor marked changed: the runs are what a kind-wide builder change costs.
    const diffs: PlanDiff[] = STACKS.map((stack) => {
      const d = comparePlans(plans.get(stack)!, plans.get(stack)!);
      const all = comparePlans({ ...plans.get(stack)!, resources: [] }, plans.get(stack)!).monitors;
      return { ...d, monitors: all.map((m) => ({ ...m, status: "changed" as const })) };
    });
    const files = readScenarioFiles(path.join(ROOT, "scenarios"))!;
    const side = { label: "example", plans };
    const started = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    const out = reviewBehaviour({ stacks: STACKS, base: side, head: side, diffs, scenarios: { source: "scenarios/", files } });
    const wall = Number(process.hrtime.bigint() - started) / 1e6;
    const used = process.cpuUsage(cpu);
    const monitors = out.reduce((n, s) => n + s.monitors.length, 0);
    const runs = new Set(out.flatMap((s) => s.monitors.flatMap((m) => m.rows.map((r) => `${s.stack}|${r.file}`)))).size * 2;
    console.log(`behaviour section, ${files.length} scenario files, ${monitors} changed monitors over ${STACKS.join(" + ")}:`);
    console.log(`  ${runs} scenario runs (both sides): wall ${fmtMs(wall)}, CPU ${fmtMs((used.user + used.system) / 1000)}`);
    console.log(`  time budget of the review: ${fmtMs(BEHAVIOUR_BUDGET_MS)}`);
    return 0;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) runCli(main);
