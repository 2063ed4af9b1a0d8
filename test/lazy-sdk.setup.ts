// Every test file runs in a fresh worker process (vitest.config.mts), and most load the Pulumi SDK.
// The offline tools' loader defers the SDK parts no program or test calls (tools/lazy-sdk.cjs:
// function serialization, which pulls in the TypeScript compiler and npm's arborist, and the
// Automation API); the suite loads the SDK the same way, so each file stops paying for them.
import { createRequire } from "node:module";

createRequire(__filename)("../tools/lazy-sdk.cjs");
