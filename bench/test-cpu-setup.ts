// Setup file of `npm run bench:tests` (bench/test-cpu.ts), never of the suite itself: when a test
// file finishes, it appends the CPU time its worker process spent (user + system, its reaped
// children included: CLIs, git, chromium) to the file named by BENCH_TEST_CPU_FILE.
import * as fs from "node:fs";
import { afterAll } from "vitest";

/** utime + stime + cutime + cstime of this process, in seconds (proc(5): fields 14-17, in clock ticks). */
function cpuSeconds(): number {
  const stat = fs.readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state), so field n is fields[n - 3].
  const ticks = [14, 15, 16, 17].reduce((sum, n) => sum + Number(fields[n - 3]), 0);
  return ticks / 100; // USER_HZ is 100 on Linux
}

// Files that share a worker (vitest.config.mts: the "shared" project) run one after another in the
// same process, so a file's CPU time is what the process spent since the previous file ended.
const key = Symbol.for("llm-observability.bench.cpuAtLastFile");
const store = globalThis as unknown as Record<symbol, number | undefined>;
const start = store[key] ?? 0;

// eslint-disable-next-line no-empty-pattern -- vitest reads the first parameter as a fixture pattern; the suite is the second
afterAll(({}, suite) => {
  const out = process.env.BENCH_TEST_CPU_FILE;
  const file = (suite as { filepath?: string }).filepath;
  const now = cpuSeconds();
  store[key] = now;
  if (out && file) fs.appendFileSync(out, JSON.stringify({ file, cpuSeconds: now - start }) + "\n");
});
