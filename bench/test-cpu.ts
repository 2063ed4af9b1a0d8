// Where the suite spends its time: each test file's wall time (vitest's JSON reporter) and the CPU
// time of its worker process, children included (bench/test-cpu-setup.ts). CPU time is the
// steadier figure on a shared machine. Run: npm run bench:tests [-- <vitest filters>]
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "llmobs-bench-tests-"));
try {
  const cpuFile = path.join(dir, "cpu.jsonl");
  const jsonFile = path.join(dir, "report.json");
  const start = process.hrtime.bigint();
  const r = spawnSync(
    process.execPath,
    [
      path.join(ROOT, "node_modules/vitest/vitest.mjs"),
      "run",
      "--config",
      path.join(ROOT, "bench/vitest.cpu.config.mts"),
      "--reporter=json",
      `--outputFile=${jsonFile}`,
      ...process.argv.slice(2),
    ],
    { cwd: ROOT, encoding: "utf8", env: { ...process.env, BENCH_TEST_CPU_FILE: cpuFile }, stdio: ["ignore", "ignore", "inherit"] },
  );
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const report = JSON.parse(fs.readFileSync(jsonFile, "utf8")) as {
    numFailedTests: number;
    numPassedTests: number;
    testResults: { name: string; startTime: number; endTime: number }[];
  };
  const cpu = new Map<string, number>();
  if (fs.existsSync(cpuFile)) {
    for (const line of fs.readFileSync(cpuFile, "utf8").split("\n").filter(Boolean)) {
      const { file, cpuSeconds } = JSON.parse(line) as { file: string; cpuSeconds: number };
      cpu.set(file, cpuSeconds);
    }
  }
  const rows = report.testResults
    .map((t) => ({ file: path.relative(ROOT, t.name), wall: (t.endTime - t.startTime) / 1000, cpu: cpu.get(t.name) }))
    .sort((a, b) => (b.cpu ?? 0) - (a.cpu ?? 0));
  console.log(`${"file".padEnd(44)} ${"cpu s".padStart(7)} ${"wall s".padStart(7)}`);
  for (const row of rows) {
    console.log(`${row.file.padEnd(44)} ${(row.cpu?.toFixed(1) ?? "?").padStart(7)} ${row.wall.toFixed(1).padStart(7)}`);
  }
  const totalCpu = rows.reduce((s, x) => s + (x.cpu ?? 0), 0);
  // The children's CPU of this process: vitest's main process and every worker it reaped.
  const self = fs.readFileSync("/proc/self/stat", "utf8");
  const f = self.slice(self.lastIndexOf(")") + 2).split(" ");
  const childrenCpu = (Number(f[16 - 3]) + Number(f[17 - 3])) / 100;
  console.log(`\n${rows.length} files, ${report.numPassedTests} passed, ${report.numFailedTests} failed (vitest exit ${r.status})`);
  console.log(
    `sum of the files' worker CPU: ${totalCpu.toFixed(1)} s; whole run CPU (vitest and all workers): ${childrenCpu.toFixed(1)} s`,
  );
  console.log(`wall: ${wall.toFixed(1)} s`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
