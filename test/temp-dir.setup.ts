// Issue 12: the suite leaves nothing behind in the temporary directory. Every test that makes
// files removes them itself; this global setup is the guarantee on top. It points TMPDIR (and so
// os.tmpdir() in every worker and every child process the tests start) at one directory of this
// run, removes it when the run ends, and fails the run naming anything a test left there. Caches
// the tools keep across runs in the temporary directory (tsx's `tsx-<uid>`) are not leaks.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const TOOL_CACHES = /^tsx-\d+$/;

/** Set to the run's directory, so the setup of each vitest project (vitest.config.mts) makes one, not one inside another. */
const MARK = "LLMOBS_VITEST_TMPDIR";

export default function setup(): () => void {
  if (process.env[MARK] !== undefined && process.env[MARK] === process.env.TMPDIR) return () => {};
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "llmobs-vitest-"));
  process.env.TMPDIR = dir;
  process.env[MARK] = dir;
  return () => {
    const left = fs.readdirSync(dir).filter((name) => !TOOL_CACHES.test(name));
    fs.rmSync(dir, { recursive: true, force: true });
    if (left.length === 0) return;
    // vitest reports an error thrown here but still exits 0, so the exit code is set as well.
    console.error(`FAIL: tests left ${left.length} entries in the temporary directory: ${left.sort().join(", ")}`);
    process.exitCode = 1;
  };
}
