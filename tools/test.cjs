// `npm test`: ESLint + Prettier, the type check and vitest, run at once. They are independent, and
// on a 2-core machine the suite alone leaves a core idle while its files wait on child processes,
// so running them together takes the wall time of the longest instead of the sum (docs/benchmarks.md).
// vitest prints as it goes; the other two print their whole output when they end. The exit code is
// non-zero when any of the three fails. Arguments go to vitest (`npm test -- test/synth.test.ts`).
"use strict";
const { spawn } = require("node:child_process");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const bin = (name) => path.join(ROOT, "node_modules", ".bin", name);

/** Runs a command; resolves with its exit code and, unless `inherit`, its combined output. */
function run(label, cmd, args, inherit) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: inherit ? "inherit" : ["ignore", "pipe", "pipe"] });
    let output = "";
    if (!inherit) for (const s of [child.stdout, child.stderr]) s.on("data", (d) => (output += d));
    child.on("error", (e) => resolve({ label, code: 1, output: `${output}${e.message}\n` }));
    child.on("close", (code, signal) => resolve({ label, code: code ?? (signal ? 1 : 0), output }));
  });
}

async function main() {
  const checks = [
    run("lint (npm run lint)", "npm", ["run", "-s", "lint"], false),
    run("type check (tsc -p .)", bin("tsc"), ["-p", "."], false),
    run("vitest", bin("vitest"), ["run", ...process.argv.slice(2)], true),
  ];
  const results = await Promise.all(checks);
  for (const r of results.filter((x) => x.output !== undefined && x.output !== "")) {
    process.stdout.write(`\n── ${r.label} ──\n${r.output}`);
  }
  const failed = results.filter((r) => r.code !== 0);
  for (const r of results) process.stdout.write(`${r.code === 0 ? "ok  " : "FAIL"}  ${r.label}\n`);
  process.exitCode = failed.length ? 1 : 0;
}

main();
