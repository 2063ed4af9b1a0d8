// The suite's config plus bench/test-cpu-setup.ts, for bench/test-cpu.ts only.
import { fileURLToPath } from "node:url";
import { defineConfig, mergeConfig } from "vitest/config";
import base from "../vitest.config.mts";

const root = fileURLToPath(new URL("..", import.meta.url));
export default mergeConfig(base, defineConfig({ test: { root, setupFiles: ["bench/test-cpu-setup.ts"] } }));
