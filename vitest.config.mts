import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "policies/**/*.test.ts"],
    // Each file gets a fresh Pulumi runtime (setMocks state is process-global).
    pool: "forks",
    // One temporary directory per run, removed at the end; a test that leaves files there fails the run.
    globalSetup: ["test/temp-dir.setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
