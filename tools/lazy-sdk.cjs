// Required by tools/ts-hook.cjs: the offline tools load two modules of the Pulumi SDK only if called.
//
// `@pulumi/pulumi/runtime/index.js` (3.248.0) requires `./closure/serializeClosure` and
// `./closure/codePaths` at import, only to re-export `serializeFunction`, `serializeFunctionAsync`
// and `computeCodePaths`: function serialization for dynamic providers and callbacks, which this
// package never uses. They pull in the TypeScript compiler and npm's arborist, most of the CPU time
// of importing the SDK (docs/benchmarks.md). Under this hook those three exports are stand-ins that
// require the real module on their first call, so nothing changes for a caller; the rest of the SDK
// loads as usual. `pulumi up` does not use this file (Pulumi.yaml loads the program with tsx).
// Any other SDK version loads unchanged: the stand-ins name the exports of this version.
"use strict";
const Module = require("node:module");
const path = require("node:path");

const SDK_VERSION = "3.248.0";
const LAZY = {
  "./closure/serializeClosure": ["serializeFunctionAsync", "serializeFunction"],
  "./closure/codePaths": ["computeCodePaths"],
};
const RUNTIME_INDEX = /[\\/]node_modules[\\/]@pulumi[\\/]pulumi[\\/]runtime[\\/]index\.js$/;
const checked = new Map();

function isPinnedSdk(runtimeIndex) {
  const pkg = path.join(path.dirname(runtimeIndex), "..", "package.json");
  if (!checked.has(pkg)) {
    let version;
    try {
      version = JSON.parse(require("node:fs").readFileSync(pkg, "utf8")).version;
    } catch {
      version = undefined;
    }
    checked.set(pkg, version === SDK_VERSION);
  }
  return checked.get(pkg);
}

const load = Module._load;
Module._load = function lazySdkLoad(request, parent, isMain) {
  const names = Object.hasOwn(LAZY, request) ? LAZY[request] : undefined;
  if (!names || !parent?.filename || !RUNTIME_INDEX.test(parent.filename) || !isPinnedSdk(parent.filename)) {
    return load.apply(this, arguments);
  }
  let real;
  const module = () => (real ??= load.call(Module, request, parent, isMain));
  return Object.fromEntries(
    names.map((name) => [
      name,
      function (...args) {
        return module()[name].apply(this, args);
      },
    ]),
  );
};
