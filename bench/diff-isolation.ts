// What it costs to give a git side of `npm run diff` its own node_modules (tools/diff/sources.ts),
// against the shared symlink it had before, per side and per run. Run: npm run bench:diff
//   - symlink: no cost, but the side's code can write into the packages later runs load;
//   - `cp -a`: a private copy (what the diff does; copy-on-write where the filesystem clones);
//   - fs.cpSync: the portable fallback when there is no cp;
//   - `npm ci --offline --ignore-scripts`: an install of its own from the npm cache.
// And the end-to-end price: `npm run diff -- --base HEAD --head <plans>`, which includes one copy.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fmtMs } from "./timing";

const ROOT = path.resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const MODULES = path.join(ROOT, "node_modules");

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(label: string, runs: number, setup: (dir: string) => void, act: (dir: string) => void): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "llmobs-bench-diff-"));
    try {
      setup(dir);
      const start = process.hrtime.bigint();
      act(dir);
      samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    } finally {
      spawnSync("rm", ["-rf", "--", dir]);
    }
  }
  const m = median(samples);
  console.log(`  ${label.padEnd(52)} ${fmtMs(m).padStart(8)}`);
  return m;
}

function ok(r: ReturnType<typeof spawnSync>, what: string): void {
  if (r.status !== 0) throw new Error(`${what} failed: ${r.stderr}`);
}

function main() {
  const du = spawnSync("du", ["-sm", MODULES], { encoding: "utf8" }).stdout.split("\t")[0];
  const files = spawnSync("sh", ["-c", `find "${MODULES}" | wc -l`], { encoding: "utf8" }).stdout.trim();
  console.log(`diff isolation benchmark (median of ${RUNS}, node ${process.version}, ${os.cpus().length} cores)`);
  console.log(`  node_modules: ${du} MB, ${files} entries`);
  const none = () => undefined;
  time("symlink to the shared node_modules (before)", RUNS, none, (d) => fs.symlinkSync(MODULES, path.join(d, "node_modules")));
  time("cp -a (the diff's private copy)", RUNS, none, (d) =>
    ok(spawnSync("cp", ["-a", "--", MODULES, path.join(d, "node_modules")]), "cp"),
  );
  time("fs.cpSync (fallback without cp)", RUNS, none, (d) =>
    fs.cpSync(MODULES, path.join(d, "node_modules"), { recursive: true, verbatimSymlinks: true }),
  );
  time(
    "npm ci --offline --ignore-scripts (own install)",
    1,
    (d) => {
      fs.copyFileSync(path.join(ROOT, "package.json"), path.join(d, "package.json"));
      fs.copyFileSync(path.join(ROOT, "package-lock.json"), path.join(d, "package-lock.json"));
    },
    (d) => ok(spawnSync("npm", ["ci", "--offline", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: d, encoding: "utf8" }), "npm ci"),
  );
  time(
    "npm run diff -- --base HEAD --head <plans> (one copy)",
    RUNS,
    (d) =>
      ok(
        spawnSync(process.execPath, ["--import", "tsx", "tools/synth.ts", "--out", path.join(d, "plans")], { cwd: ROOT, encoding: "utf8" }),
        "synth",
      ),
    (d) =>
      ok(
        spawnSync(
          process.execPath,
          ["--import", "tsx", "tools/diff/cli.ts", "--base", "HEAD", "--head", path.join(d, "plans"), "--html-dir", path.join(d, "diff")],
          {
            cwd: ROOT,
            encoding: "utf8",
            env: { ...process.env, TMPDIR: d },
          },
        ),
        "diff",
      ),
  );
}

main();
