// Required by tools/ts-hook.cjs: the offline tools load three parts of the Pulumi SDK only when used.
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
// `@pulumi/pulumi/index.js` requires the Automation API (`./automation`: the CLI driver, never used by
// a program) only to expose it as `pulumi.automation`; it becomes a module that loads on first use.
const SDK_INDEX = /[\\/]node_modules[\\/]@pulumi[\\/]pulumi[\\/]index\.js$/;
const checked = new Map();

/** Whether the SDK that `index` (its index.js or runtime/index.js) belongs to is the version these stand-ins were written for. */
function isPinnedSdk(index) {
  const dir = path.dirname(index);
  const pkg = path.join(path.basename(dir) === "runtime" ? path.dirname(dir) : dir, "package.json");
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

/** A stand-in for a whole ES-style module (`__esModule`, read by the SDK's `__importStar`): any other use loads it. */
function lazyNamespace(loadReal) {
  let real;
  const module = () => (real ??= loadReal());
  return new Proxy(
    {},
    {
      get: (_, key) => (key === "__esModule" ? true : module()[key]),
      has: (_, key) => key in module(),
      ownKeys: () => Reflect.ownKeys(module()),
      getOwnPropertyDescriptor: (_, key) => {
        const d = Reflect.getOwnPropertyDescriptor(module(), key);
        // Reported as configurable: the stand-in itself holds no property (a Proxy invariant).
        return d && { ...d, configurable: true };
      },
      set: (_, key, value) => Reflect.set(module(), key, value),
      defineProperty: (_, key, d) => Reflect.defineProperty(module(), key, d),
      deleteProperty: (_, key) => Reflect.deleteProperty(module(), key),
    },
  );
}

const load = Module._load;
Module._load = function lazySdkLoad(request, parent, isMain) {
  if (request === "./automation" && parent?.filename && SDK_INDEX.test(parent.filename) && isPinnedSdk(parent.filename)) {
    return lazyNamespace(() => load.call(Module, request, parent, isMain));
  }
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
