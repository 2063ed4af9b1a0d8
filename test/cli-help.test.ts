// Every CLI explains itself (issue 12): `--help` prints its usage on stdout and exits 0 without
// doing anything else; an unknown option prints the problem and the usage on stderr and exits 2.
// Run as the user runs them: child processes, exact output.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it, vi } from "vitest";
import { BUNDLE_USAGE } from "../policies/bundle";
import { PR_PLANS_USAGE } from "../tools/ci/pr-plans";
import { DRIFT_USAGE } from "../tools/ci/drift";
import { CHECK_USAGE } from "../tools/check";
import { DIFF_USAGE } from "../tools/diff/cli";
import { SNAPSHOT_ROOT, SNAPSHOTS_USAGE } from "../tools/snapshots";
import { SYNTH_USAGE } from "../tools/synth";
import { SCENARIOS_USAGE } from "../tools/scenarios";
import { BACKTEST_USAGE } from "../tools/backtest";
import { ROOT, runChild, runScript } from "./helpers";

// The policy pack reads the legal fixture as its repository's catalog, never the user's (test/fixtures/legal-context.ts).
vi.mock("../policies/context", async (importOriginal) =>
  (await import("./fixtures/legal-context")).legalRepoContext(await importOriginal()),
);

// npm finds the package from the repository root; --help reads no catalog.
const run = (cmd: string, args: string[]) => runChild(cmd, args, { cwd: ROOT });
const tsx = (script: string, args: string[]) => runScript(script, args);

/** Every command-line tool of the package, by the name it reports itself under. */
const CLIS: [name: string, script: string, usage: string, firstLine: string][] = [
  ["synth", "tools/synth.ts", SYNTH_USAGE, "usage: npm run synth -- [options]"],
  ["check", "tools/check.ts", CHECK_USAGE, "usage: npm run check -- [options]"],
  ["diff", "tools/diff/cli.ts", DIFF_USAGE, "usage: npm run diff -- --base <git-ref|plan-dir> [options]"],
  ["snapshots", "tools/snapshots.ts", SNAPSHOTS_USAGE, "usage: npm run snapshots"],
  ["scenarios", "tools/scenarios.ts", SCENARIOS_USAGE, "usage: npm run scenarios -- [options]"],
  [
    "backtest",
    "tools/backtest.ts",
    BACKTEST_USAGE,
    "usage: npm run backtest -- --monitor <name> (--series <file|dir> | --print-queries) [options]",
  ],
  ["bundle", "policies/bundle.ts", BUNDLE_USAGE, "usage: npx tsx policies/bundle.ts [--out policies/dist]"],
  [
    "pr-plans",
    "tools/ci/pr-plans.ts",
    PR_PLANS_USAGE,
    "usage: npx tsx tools/ci/pr-plans.ts --zip <artifact.zip> --out <dir> --stack <name>... [options]",
  ],
  [
    "drift",
    "tools/ci/drift.ts",
    DRIFT_USAGE,
    "usage: npx tsx tools/ci/drift.ts --stack <name> --preview <preview.json> --exit-code <n> [options]",
  ],
];

/** Path and modification time of every file under snapshots/: what a rewrite would change. */
function snapshotState(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(`${path.relative(SNAPSHOT_ROOT, p)} ${fs.statSync(p).mtimeMs}`);
    }
  };
  walk(SNAPSHOT_ROOT);
  return out.sort();
}

describe.concurrent("every CLI", () => {
  it.for(CLIS)("%s --help prints its usage on stdout and exits 0.", async ([, script, usage, firstLine], { expect }) => {
    const r = await tsx(script, ["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${usage}\n`);
    expect(r.stdout.split("\n")[0]).toBe(firstLine);
    expect(r.stderr).toBe("");
  });

  it.for(CLIS)(
    "%s with an unknown option prints the problem and the usage on stderr and exits 2.",
    async ([name, script, usage], { expect }) => {
      const r = await tsx(script, ["--bogus"]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`${name}: unknown option --bogus\n${usage}\n`);
      expect(r.stdout).toBe("");
    },
  );

  it("`npm run snapshots -- --help` prints the usage and leaves snapshots/ as it was.", async ({ expect }) => {
    const before = snapshotState();
    const r = await run("npm", ["run", "-s", "snapshots", "--", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${SNAPSHOTS_USAGE}\n`);
    expect(snapshotState()).toEqual(before);
  });
});
