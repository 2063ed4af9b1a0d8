// What a plan records of its inputs and how a later change to them is told (tools/plan-inputs.ts),
// on a small throwaway package tree, and how a plan file's format is read (plan/plan.ts).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PlanError, readPlan } from "../plan/plan";
import { codeFiles, inputChanges, planInputs, resynthCommand } from "../tools/plan-inputs";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "llmobs-inputs-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

let n = 0;
/** A package tree: package.json, a builder, a test, the policy pack, a diff tool, the catalog and a stack file. */
function tree(): string {
  const root = path.join(scratch, `t${n++}`);
  const files: Record<string, string> = {
    "package.json": JSON.stringify({ name: "llm-observability", version: "0.1.0" }),
    "package-lock.json": "{}",
    "monitors/per-feature.ts": "export const critical = 2;\n",
    "test/monitors.test.ts": "// a test\n",
    "policies/rules/stack.ts": "// a rule\n",
    "tools/diff/markdown.ts": "// reads plans\n",
    "tools/synth.ts": "// makes plans\n",
    "node_modules/x/index.ts": "// a dependency's source\n",
    "tsconfig.json": "{}",
    "eslint.config.mjs": "export default [];\n",
    "config/generated-validator.cjs": "module.exports = {};\n",
    "features.ts": "export const features = [];\n",
    "teams.ts": "export const teams = [];\n",
    "Pulumi.prod.yaml": "config: {}\n",
  };
  for (const [f, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    fs.writeFileSync(path.join(root, f), content);
  }
  return root;
}

const inputsOf = (root: string) =>
  planInputs(
    { features: path.join(root, "features.ts"), teams: path.join(root, "teams.ts"), stack: path.join(root, "Pulumi.prod.yaml") },
    root,
  );

describe("a plan's inputs", () => {
  it("cover the code synth runs and the lockfile, not tests, dependencies, tool configs, the catalog or code that only reads plans", () => {
    expect(codeFiles(tree())).toEqual(["config/generated-validator.cjs", "monitors/per-feature.ts", "package-lock.json", "tools/synth.ts"]);
  });

  it("record the catalog and stack files relative to the checkout, and the same files give the same hash", () => {
    const root = tree();
    const a = inputsOf(root);
    expect(a.files.map((f) => [f.role, f.path])).toEqual([
      ["features", "features.ts"],
      ["teams", "teams.ts"],
      ["stack", "Pulumi.prod.yaml"],
    ]);
    expect([a.package, a.code.files]).toEqual(["0.1.0", 4]);
    expect(inputsOf(root)).toEqual(a);
  });

  it.each<[string, (root: string) => void, string[]]>([
    ["nothing changed", () => {}, []],
    [
      "a test, a rule of the policy pack and a diff tool changed",
      (r) =>
        ["test/monitors.test.ts", "policies/rules/stack.ts", "tools/diff/markdown.ts"].forEach((f) =>
          fs.appendFileSync(path.join(r, f), "// edit\n"),
        ),
      [],
    ],
    ["features.ts gained a comment", (r) => fs.appendFileSync(path.join(r, "features.ts"), "// note\n"), ["features.ts changed"]],
    ["teams.ts is gone", (r) => fs.rmSync(path.join(r, "teams.ts")), ["teams.ts is gone"]],
    [
      "the stack file changed",
      (r) => fs.writeFileSync(path.join(r, "Pulumi.prod.yaml"), "config: { a: 1 }\n"),
      ["Pulumi.prod.yaml changed"],
    ],
    [
      "a builder changed",
      (r) => fs.writeFileSync(path.join(r, "monitors/per-feature.ts"), "export const critical = 3;\n"),
      ["the package's code changed"],
    ],
    ["a builder was added", (r) => fs.writeFileSync(path.join(r, "monitors/slo.ts"), "export {};\n"), ["the package's code changed"]],
    [
      "the lockfile changed (a provider upgrade)",
      (r) => fs.writeFileSync(path.join(r, "package-lock.json"), '{"v":2}'),
      ["the package's code changed"],
    ],
    [
      "the package version changed",
      (r) => fs.writeFileSync(path.join(r, "package.json"), JSON.stringify({ version: "0.2.0" })),
      ["the package version changed (0.1.0 → 0.2.0)"],
    ],
  ])("are told apart from the checkout when %s", (_, edit, changes) => {
    const root = tree();
    const recorded = inputsOf(root);
    edit(root);
    expect(inputChanges(recorded, root)).toEqual(changes);
  });

  it.each<[string, string, string[], string]>([
    ["the defaults", "out/prod/plan.json", [], "npm run synth -- --stack prod"],
    ["another output root", "build/prod/plan.json", [], "npm run synth -- --stack prod --out build"],
    [
      "JSON catalog files",
      "out/prod/plan.json",
      ["/tmp/f.json", "/tmp/t.json"],
      "npm run synth -- --stack prod --features /tmp/f.json --teams /tmp/t.json",
    ],
  ])("name the synth command that makes the plan again, for %s", (_, file, catalog, command) => {
    const files = [
      { role: "features" as const, path: catalog[0] ?? "features.ts", sha256: "" },
      { role: "teams" as const, path: catalog[1] ?? "teams.ts", sha256: "" },
      { role: "stack" as const, path: "Pulumi.prod.yaml", sha256: "" },
    ];
    expect(resynthCommand({ stack: "prod", inputs: { hash: "", package: "0.1.0", files, code: { sha256: "", files: 0 } } }, file)).toBe(
      command,
    );
  });
});

describe("reading a plan file's format", () => {
  const write = (name: string, doc: unknown) => {
    const file = path.join(scratch, name);
    fs.writeFileSync(file, JSON.stringify(doc));
    return file;
  };
  const base = { project: "llm-observability", stack: "prod", resources: [] };

  const volume = { customMetrics: 10, pricePer100: 5, monthlyUsd: 0.5 };
  const v1 = {
    ...base,
    formatVersion: 1,
    inputs: {
      hash: "h",
      package: "0.1.0",
      files: [{ role: "features", path: "features.ts", sha256: "s" }],
      code: { sha256: "c", files: 1 },
    },
    features: [{ id: "a", name: "A", owner: "platform", budgetUsdPerDay: 5 }],
    cost: { scale: {}, budget: 100, indexed: volume, ingested: volume, monthlyUsd: 1, features: [], metrics: [] },
  };

  it("reads a plan from before formatVersion existed as data, with none of the records, and a formatVersion 1 plan with them", () => {
    expect(readPlan(write("legacy.json", base))).toEqual(base);
    expect(readPlan(write("v1.json", v1))).toEqual(v1);
  });

  it.each<[string, unknown, RegExp]>([
    [
      "a newer formatVersion",
      { ...base, formatVersion: 2 },
      /has formatVersion 2, which this llm-observability cannot read \(it reads formatVersion 1/,
    ],
    [
      "a formatVersion that is not a number",
      { ...base, formatVersion: "1" },
      /has formatVersion "1", which this llm-observability cannot read/,
    ],
    ["formatVersion 1 without its records", { ...base, formatVersion: 1 }, /is malformed: inputs needs hash, package, files\[\] and code/],
    [
      "a cost record whose count is text",
      { ...v1, cost: { ...v1.cost, indexed: { ...volume, customMetrics: "10" } } },
      /is malformed: cost needs budget, indexed, ingested and monthlyUsd/,
    ],
    [
      "an input file of an unknown role",
      { ...v1, inputs: { ...v1.inputs, files: [{ role: "code", path: "x", sha256: "s" }] } },
      /every inputs.files\[\] needs role/,
    ],
    [
      "a feature record without its owner",
      { ...v1, features: [{ id: "a", name: "A", budgetUsdPerDay: 5 }] },
      /features\[\] needs id, name, owner/,
    ],
  ])("refuses %s", (_, doc, message) => {
    expect(() => readPlan(write("bad.json", doc))).toThrow(PlanError);
    expect(() => readPlan(write("bad.json", doc))).toThrow(message);
  });
});
