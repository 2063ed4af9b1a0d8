// `node -r ./tools/ts-hook.cjs tools/synth.ts`: runs the offline tools' TypeScript on plain Node.
//
// Why not tsx, as `pulumi up` does (Pulumi.yaml): tsx reads every .js file that is require()d to
// scan it for ESM syntax, and switches source maps on for the whole process, so loading
// @pulumi/pulumi and the three providers cost 1.2 s of CPU under tsx against 0.5 s in plain node,
// before any of our code ran (bench/synth.ts measures both). This hook touches only .ts files: it
// strips their types with esbuild (the transform tsx itself uses, given the same tsconfig) and
// caches the result under node_modules/.cache, keyed by the file's content, so a run with no edits
// never starts esbuild. Each cached file carries an inline source map: run with
// `node --enable-source-maps -r ./tools/ts-hook.cjs ...` to see stacks in the .ts sources.
"use strict";
// The same loader also defers the SDK's function-serialization modules, which no offline tool calls (lazy-sdk.cjs).
require("./lazy-sdk.cjs");
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
// Next to the spec validator (tools/datadog-spec.ts TOOLS_CACHE), both named after the project.
const { name } = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
const CACHE_DIR = path.join(ROOT, "node_modules", ".cache", name, "ts");
const TRANSFORM = {
  loader: "ts",
  format: "cjs",
  target: `node${process.versions.node}`,
  sourcemap: "inline",
  sourcesContent: false,
  // import() of a .ts module becomes require(), which this hook serves; Node's own import() knows no .ts.
  supported: { "dynamic-import": false },
  tsconfigRaw: fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8"),
};
const VERSION = `${require("esbuild/package.json").version}\0${JSON.stringify(TRANSFORM)}`;

/** The CommonJS for one .ts file: from the cache, or transformed (and cached) now. */
function compile(source, filename) {
  const key = crypto.createHash("sha256").update(`${VERSION}\0${filename}\0`).update(source).digest("hex");
  const cached = path.join(CACHE_DIR, `${key.slice(0, 32)}.js`);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    // Not cached yet.
  }
  const { code } = require("esbuild").transformSync(source, { ...TRANSFORM, sourcefile: filename });
  try {
    // A temp file per process, then a rename: concurrent runs never read a half-written file.
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, code);
    fs.renameSync(tmp, cached);
  } catch {
    // A read-only node_modules only costs the transform next time.
  }
  return code;
}

require.extensions[".ts"] = (module, filename) => module._compile(compile(fs.readFileSync(filename, "utf8"), filename), filename);
