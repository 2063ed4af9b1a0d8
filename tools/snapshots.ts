// Committed copies of the generated dashboards, monitors and cost report of the example stacks, so a pull
// request shows a plain git diff of every change. `npm run snapshots` refreshes them; the
// snapshot test fails when they are stale.
import * as fs from "node:fs";
import * as path from "node:path";
import type { Artifact } from "./artifacts";
import { consoleIo, type Io, parseCli, runCli } from "./cli";
import { replaceOwnedDir } from "./paths";
import { synth } from "./synth";

export const SNAPSHOT_ROOT = path.resolve(__dirname, "..", "snapshots");
export const SNAPSHOT_STACKS = ["prod", "staging"] as const;
/** Files of out/<stack>/ that are snapshotted: what a reviewer needs to read (plan.json is too noisy). */
const SNAPSHOTTED = /^(dashboards\/|monitors\/|slos\/|cardinality\.md$)/;

/** What synth writes from the repository's own files for a stack (features.ts, teams.ts, Pulumi.<stack>.yaml). */
export function snapshotSources(stack: string) {
  const root = path.resolve(__dirname, "..");
  return {
    stack,
    configFile: path.join(root, `Pulumi.${stack}.yaml`),
    featuresFile: path.join(root, "features.ts"),
    teamsFile: path.join(root, "teams.ts"),
  };
}

/** The snapshotted files among synth's artifacts. */
export function snapshotFiles(artifacts: readonly Artifact[]): Artifact[] {
  return artifacts.filter((a) => SNAPSHOTTED.test(a.path));
}

export async function renderSnapshots(stack: string): Promise<Artifact[]> {
  return snapshotFiles((await synth(snapshotSources(stack))).artifacts);
}

/** Files currently committed for a stack, as artifacts. */
export function readSnapshots(stack: string): Artifact[] {
  const dir = path.join(SNAPSHOT_ROOT, stack);
  if (!fs.existsSync(dir)) return [];
  const out: Artifact[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(p);
      else out.push({ path: p, content: fs.readFileSync(path.join(dir, p), "utf8") });
    }
  };
  walk("");
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

export const SNAPSHOTS_USAGE = `usage: npm run snapshots

Rewrites snapshots/<stack>/ (${SNAPSHOT_STACKS.join(", ")}) from features.ts, teams.ts and Pulumi.<stack>.yaml:
the dashboards, monitors, SLOs and cost report a reviewer reads in a pull request's git diff.

  -h, --help            print this help (and write nothing)

Exit codes: 0 written, 1 a stack does not synthesize, 2 bad usage.`;

export async function main(argv: string[], io: Io = consoleIo): Promise<number> {
  const parsed = parseCli({ command: "snapshots", usage: SNAPSHOTS_USAGE, options: {} }, argv, io, () => undefined);
  if (!parsed.ok) return parsed.code;
  for (const stack of SNAPSHOT_STACKS) {
    const artifacts = await renderSnapshots(stack);
    // Committed directories: no owner mark; they are replaced only while they hold nothing but snapshot files.
    replaceOwnedDir(path.join(SNAPSHOT_ROOT, stack), artifacts, { tool: "snapshots", owns: (p) => SNAPSHOTTED.test(p), mark: false });
    io.out(`snapshots/${stack}: ${artifacts.length} files`);
  }
  return 0;
}

if (require.main === module) runCli(() => main(process.argv.slice(2)));
