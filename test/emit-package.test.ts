// `llm-observability/emit` as an application sees it: compiled by tsconfig.emit.json,
// resolved through package.json "exports" from a node_modules folder, loaded by plain node.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "./helpers";

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));

describe("the llm-observability/emit package entry", () => {
  let app: string;
  let installed: string;

  beforeAll(() => {
    // An app with the package installed: its package.json, the compiled dist/, and hot-shots.
    app = fs.mkdtempSync(path.join(os.tmpdir(), "emit-app-"));
    installed = path.join(app, "node_modules", "llm-observability");
    fs.mkdirSync(installed, { recursive: true });
    fs.copyFileSync(path.join(ROOT, "package.json"), path.join(installed, "package.json"));
    execFileSync(
      process.execPath,
      [require.resolve("typescript/bin/tsc"), "-p", path.join(ROOT, "tsconfig.emit.json"), "--outDir", path.join(installed, "dist")],
      {
        cwd: ROOT,
        stdio: "pipe",
      },
    );
    fs.symlinkSync(path.dirname(require.resolve("hot-shots/package.json")), path.join(app, "node_modules", "hot-shots"), "dir");
  });

  afterAll(() => fs.rmSync(app, { recursive: true, force: true }));

  const node = (args: string[]) =>
    execFileSync(process.execPath, args, { cwd: app, encoding: "utf8", env: { PATH: process.env.PATH ?? "" } });

  it("exports ./emit with types and a default entry that exist after the build", () => {
    expect(pkg.scripts["build:emit"]).toBe("tsc -p tsconfig.emit.json");
    const entry = pkg.exports["./emit"];
    expect(entry).toEqual({ types: "./dist/emit/index.d.ts", default: "./dist/emit/index.js" });
    expect(fs.existsSync(path.join(installed, entry.default))).toBe(true);
    expect(fs.existsSync(path.join(installed, entry.types))).toBe(true);
  });

  it("loads with plain node (require) and pulls in neither Pulumi nor zod", () => {
    const out = node([
      "-e",
      `const e = require("llm-observability/emit");
       const loaded = Object.keys(require.cache).filter((f) => /node_modules[\\\\/](@pulumi|zod)/.test(f));
       const emitter = e.createEmitter({ features: [{ id: "extract-clause", providers: ["anthropic"] }], statsd: { mock: true } });
       const outcome = emitter.recordLlmCall({ feature: "extract-clause", tenant: "acme", provider: "anthropic",
         model: "claude-sonnet-4-5", status: "ok", durationMs: 900, inputTokens: 10, outputTokens: 5, costUsd: 0.001 });
       emitter.close().then(() => console.log(JSON.stringify({ exports: Object.keys(e).sort(), loaded, outcome })));`,
    ]);
    const result = JSON.parse(out);
    expect(result.loaded).toEqual([]);
    expect(result.outcome).toBe("sent");
    expect(result.exports).toEqual(expect.arrayContaining(["createEmitter", "normalizeModelId", "costUsd", "metricContract"]));
  });

  it("loads from an ES module too", () => {
    const out = node([
      "--input-type=module",
      "-e",
      `import { createEmitter } from "llm-observability/emit"; console.log(typeof createEmitter);`,
    ]);
    expect(out.trim()).toBe("function");
  });

  it("requires nothing but node built-ins, hot-shots and its own files", () => {
    const specifiers = new Set<string>();
    const walk = (dir: string) => {
      for (const f of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, f.name);
        if (f.isDirectory()) walk(p);
        else if (p.endsWith(".js")) for (const m of fs.readFileSync(p, "utf8").matchAll(/require\("([^"]+)"\)/g)) specifiers.add(m[1]);
      }
    };
    walk(path.join(installed, "dist"));
    const external = [...specifiers].filter((s) => !s.startsWith(".") && !s.startsWith("node:"));
    expect(external).toEqual(["hot-shots"]);
  });
});
