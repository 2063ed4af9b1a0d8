import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "policies/**/*.test.ts"],
    // Each file gets a fresh Pulumi runtime (setMocks state is process-global).
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
