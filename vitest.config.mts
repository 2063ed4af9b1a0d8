import * as fs from "node:fs";
import { availableParallelism } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const ROOT = path.dirname(fileURLToPath(import.meta.url));
const TESTS = ["test/**/*.test.ts", "policies/**/*.test.ts"];

/**
 * Test files that replace modules (`vi.mock`, `vi.doMock`): they need a module registry of their
 * own, so they run isolated, one fresh worker each. Found by reading the files, so a test that
 * starts mocking is isolated without anyone editing this list.
 */
function filesThatMock(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, e.name);
      if (e.isDirectory() && e.name !== "fixtures") walk(rel);
      else if (e.name.endsWith(".test.ts") && /\bvi\.(do)?[mM]ock\(/.test(fs.readFileSync(path.join(ROOT, rel), "utf8"))) out.push(rel);
    }
  };
  for (const dir of ["test", "policies"]) walk(dir);
  return out.sort();
}

const mocking = filesThatMock();

export default defineConfig({
  test: {
    // vitest's default outside watch mode is one worker fewer than the cores: a single worker on
    // the 2-core CI machine. Many files wait on child processes (synth, git, chromium), so use them all.
    maxWorkers: availableParallelism(),
    pool: "forks",
    // One temporary directory per run, removed at the end; a test that leaves files there fails the run.
    globalSetup: ["test/temp-dir.setup.ts"],
    setupFiles: ["test/lazy-sdk.setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      // Files that mock modules get a fresh worker each.
      { extends: true, test: { name: "isolated", include: mocking, isolate: true } },
      // The rest share their worker's module cache: the SDK, the providers and the builders load
      // once per worker instead of once per file (about a third of the suite's CPU time). The Pulumi
      // mocks are set per synthesis (tools/mocks.ts), so no runtime state carries between files.
      { extends: true, test: { name: "shared", include: TESTS, exclude: mocking, isolate: false } },
    ],
  },
});
