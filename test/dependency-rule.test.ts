// The dependency rule of the README ("Layout"), enforced over the import graph: every import of
// every source file (static, `export ... from`, dynamic `import()` and `require()`, read with the
// TypeScript compiler API) is checked against what its layer may import, and each offending
// import is named with its file, line and the rule it breaks.
//
//   config  <-  builders  <-  org  <-  components  <-  program  <-  tools
//   config  <-  emit          config, builders  <-  plan  <-  providers  <-  tools
//   config, catalog, builders, org  <-  policies  <-  tools
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers";
import { type Import, importsOf, target } from "./imports";

/** The layers, from a repo-relative path. Builders are domain folders; a folder's component.ts is its Pulumi layer. */
type Layer =
  | "config"
  | "catalog"
  | "builder"
  | "org"
  | "component"
  | "program"
  | "plan"
  | "providers"
  | "evaluator"
  | "policies"
  | "emit"
  | "tools"
  | "free"
  | "unplaced";

const BUILDER_FOLDERS = ["dashboards", "monitors", "slos", "oncall", "errors", "cardinality"];
/** Folders that are one layer each; test/ and bench/ may import anything. */
const TOP_LEVEL: Record<string, Layer> = {
  config: "config",
  plan: "plan",
  providers: "providers",
  evaluator: "evaluator",
  policies: "policies",
  emit: "emit",
  tools: "tools",
  test: "free",
  bench: "free",
};

function layerOf(file: string): Layer {
  const parts = file.split("/");
  const [top, rest] = [parts[0], parts.slice(1).join("/")];
  if (file === "features.ts" || file === "teams.ts") return "catalog";
  if (file === "program.ts" || file === "index.ts") return "program";
  // The pack's publishing CLI (`npx tsx policies/bundle.ts`) sits with the pack but is a tool; it is never bundled.
  if (file === "policies/bundle.ts") return "tools";
  if (BUILDER_FOLDERS.includes(top)) return rest === "component.ts" ? "component" : "builder";
  // org/ composes the builders' output into the Datadog org's shared resources (one stack creates them).
  if (top === "org") return rest === "component.ts" ? "component" : "org";
  if (parts.length === 1) return /\.config\.(mts|mjs|ts)$/.test(file) ? "free" : "unplaced";
  return TOP_LEVEL[top] ?? "unplaced";
}

/** Which layers each layer may import; `own` = the same domain folder only. */
const MAY_IMPORT: Record<Layer, readonly (Layer | "own")[]> = {
  config: ["config"],
  catalog: ["config"],
  // A builder reads config and its own folder, never another domain: shared conventions live in config/.
  builder: ["config", "own"],
  // A component turns its own folder's definitions into resources.
  component: ["config", "own"],
  // The org's resources are derived from every domain's definitions (what the queries read).
  org: ["config", "builder", "org"],
  program: ["config", "catalog", "builder", "org", "component", "program"],
  // Plan reading knows the builders' shapes (monitor args, the kind registry), never Pulumi.
  plan: ["config", "builder", "plan"],
  // Provider constraints are checked over plans: what the pinned providers would accept.
  providers: ["config", "builder", "org", "plan", "providers"],
  // The alert evaluator (issue 15) replays monitors over simulated or exported series.
  evaluator: ["config", "builder", "plan", "evaluator"],
  // The pack reads the catalog and the conventions; it never runs the program.
  policies: ["config", "catalog", "builder", "org", "policies"],
  // The runtime emitter ships on its own (llm-observability/emit): the metric contract only.
  emit: ["config", "emit"],
  tools: ["config", "catalog", "builder", "org", "component", "program", "plan", "providers", "evaluator", "policies", "emit", "tools"],
  free: [
    "config",
    "catalog",
    "builder",
    "org",
    "component",
    "program",
    "plan",
    "providers",
    "evaluator",
    "policies",
    "emit",
    "tools",
    "free",
  ],
  // A folder the rule does not place yet: place it here and in the README's layout before anything imports it.
  unplaced: [],
};

/** Packages a layer must not import: builders, config, plan and emit stay free of Pulumi (pure and testable). */
const PULUMI_FREE: readonly Layer[] = ["config", "catalog", "builder", "org", "plan", "providers", "evaluator", "emit"];

/** Imports inside tools/ that would make two tools depend on each other: the diff renders the preview, not the reverse. */
const TOOL_RULES: { from: string; to: string; why: string }[] = [
  { from: "tools/preview/", to: "tools/diff/", why: "the preview renders plain highlights; the diff turns its result into them" },
];

/** Every import that breaks the rule, in words. */
function violations(imports: Import[], exists: (rel: string) => boolean): string[] {
  const out: string[] = [];
  for (const imp of imports) {
    const from = layerOf(imp.file);
    const where = `${imp.file}:${imp.line} imports "${imp.specifier}"`;
    const to = target(imp.file, imp.specifier, exists);
    if (to === undefined) {
      if (PULUMI_FREE.includes(from) && imp.specifier.startsWith("@pulumi")) out.push(`${where}: ${from} code must not use Pulumi`);
      continue;
    }
    const toLayer = layerOf(to);
    const sameFolder = path.posix.dirname(to).split("/")[0] === imp.file.split("/")[0];
    const allowed = MAY_IMPORT[from].includes(toLayer) || (MAY_IMPORT[from].includes("own") && sameFolder && toLayer !== "component");
    const ownOnly = (toLayer === "builder" || toLayer === "component") && MAY_IMPORT[from].includes("own") && !sameFolder;
    if (!allowed || ownOnly) out.push(`${where}: ${from} (${imp.file.split("/")[0]}/) may not import ${toLayer} (${to})`);
    for (const rule of TOOL_RULES) {
      if (imp.file.startsWith(rule.from) && to.startsWith(rule.to))
        out.push(`${where}: ${rule.from} may not import ${rule.to}: ${rule.why}`);
    }
  }
  return out;
}

const SKIP = new Set(["node_modules", "out", "dist", "snapshots", "vendor", ".git", "test", "bench"]);

function sourceFiles(dir = ""): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) return SKIP.has(e.name) ? [] : sourceFiles(rel);
    return /\.(ts|mts|cts)$/.test(e.name) && !e.name.endsWith(".d.ts") ? [rel] : [];
  });
}

const exists = (rel: string) => fs.existsSync(path.join(ROOT, rel)) && fs.statSync(path.join(ROOT, rel)).isFile();

describe("the dependency rule", () => {
  const files = sourceFiles();

  it("sees every layer of the package, and places every source file in one.", () => {
    const layers = new Set(files.map(layerOf));
    for (const layer of ["config", "catalog", "builder", "org", "component", "program", "plan", "providers", "policies", "emit", "tools"]) {
      expect(layers).toContain(layer);
    }
    expect(files.filter((f) => layerOf(f) === "unplaced")).toEqual([]);
  });

  it("holds for every import of every source file.", () => {
    const imports = files.flatMap((f) => importsOf(f, fs.readFileSync(path.join(ROOT, f), "utf8")));
    expect(imports.length).toBeGreaterThan(200);
    expect(violations(imports, exists)).toEqual([]);
  });

  it.each([
    ["config/validate.ts", 'import { rotationAnchor } from "../oncall/time";', "config (config/) may not import builder (oncall/time.ts)"],
    [
      "monitors/routing.ts",
      'import { pagerdutyHandle } from "../oncall/names";',
      "builder (monitors/) may not import builder (oncall/names.ts)",
    ],
    ["oncall/summary.ts", 'import type { Plan } from "../tools/plan";', "builder (oncall/) may not import tools (tools/plan.ts)"],
    ["tools/preview/html.ts", 'import type { PlanDiff } from "../diff/compare";', "tools/preview/ may not import tools/diff/"],
    ["plan/plan.ts", 'import * as pulumi from "@pulumi/pulumi";', "plan code must not use Pulumi"],
    ["monitors/frame.ts", 'const x = require("./component");', "builder (monitors/) may not import component (monitors/component.ts)"],
    ["policies/rules/x.ts", 'import { runProgram } from "../../program";', "policies (policies/) may not import program (program.ts)"],
    ["emit/emitter.ts", 'const m = await import("../monitors");', "emit (emit/) may not import builder (monitors/index.ts)"],
    ["monitors/kinds.ts", 'import { stackCardinality } from "../org/build";', "builder (monitors/) may not import org (org/build.ts)"],
    ["providers/check.ts", 'import { synth } from "../tools/synth";', "providers (providers/) may not import tools (tools/synth.ts)"],
    ["tools/synth.ts", 'import { x } from "../newfolder/x";', "tools (tools/) may not import unplaced (newfolder/x.ts)"],
  ])("names the offending import when %s does `%s`.", (file, code, message) => {
    const found = violations(importsOf(file, code), (rel) => rel === "monitors/index.ts" || exists(rel));
    expect(found).toEqual([expect.stringContaining(message)]);
    expect(found[0]).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:1 imports`));
  });
});
