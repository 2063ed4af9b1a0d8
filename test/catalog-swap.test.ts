// Tests belong to the package, not to the example (issue 12). Users edit features.ts, teams.ts and
// Pulumi.<stack>.yaml; a pull request that adds a feature must stay green. So:
// - only the tests in test/catalog/ read the user's catalog, and they check invariants that hold
//   for any valid catalog. The list is the directory, never a hand-kept list here;
// - every other test reads a fixture catalog (test/fixtures/) explicitly. The guard below reads the
//   import graph of every test and fails on one that can reach the user's catalog: importing
//   features.ts, teams.ts or test/catalog/, joining the repository root with a catalog file, or
//   loading a module of the package that imports the catalog (the policy pack's context) without
//   mocking it with a fixture repository;
// - the proof: a copy of this checkout whose features.ts, teams.ts and stack files are a different,
//   generated catalog (other teams, ids, counts, owners, budgets, flags, retrieval indexes), where
//   `npm run snapshots` runs and then vitest runs test/catalog/. It must pass there as it does here.
//   The copy lives in one temporary directory, the child processes' own temporary files with it,
//   and it is removed when the file ends.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLO_OBJECTIVES } from "../config/slo";
import { featureKinds } from "../monitors/kinds";
import { featuresModule, teamsModule } from "./fixtures/diff-catalog";
import { generatedCatalog } from "./fixtures/generated";
import { type CatalogFiles, checkoutFiles, copyRepo } from "./fixtures/repo-copy";
import { type ChildResult, ROOT, runChild } from "./helpers";
import { type Import, importsOf, target } from "./imports";

const CATALOG_TESTS_DIR = "test/catalog/";
/** The user's catalog at the repository root. */
const USER_CATALOG = ["features.ts", "teams.ts"];
/** Identifiers the tests give the repository root. */
const ROOT_NAMES = new Set(["ROOT", "REPO", "REPO_ROOT", "CHECKOUT"]);
/** A file or folder at the root that is, or is made from, the user's catalog. */
const USER_FILE = /^(features\.ts|teams\.ts|Pulumi\.[^/]*\.yaml|snapshots)$/;

/** What the guard needs of the repository: file texts by repo-relative path. */
type Sources = Map<string, string>;

/** Parsing is the guard's whole cost: each module is read once per set of sources. */
const memo = new WeakMap<Sources, Map<string, unknown>>();
function cached<T>(sources: Sources, key: string, make: () => T): T {
  let m = memo.get(sources);
  if (!m) memo.set(sources, (m = new Map()));
  if (!m.has(key)) m.set(key, make());
  return m.get(key) as T;
}

function repoSources(): Sources {
  const files = checkoutFiles().filter((f) => /\.(ts|mts|cts)$/.test(f) && !f.endsWith(".d.ts"));
  return new Map(files.map((f) => [f, fs.readFileSync(path.join(ROOT, f), "utf8")]));
}

/** The test files vitest runs (vitest.config.mts `include`). */
function testFiles(sources: Sources): string[] {
  return [...sources.keys()].filter((f) => /^(test|policies)\/.*\.test\.ts$/.test(f)).sort();
}

const isTestModule = (f: string) => f.startsWith("test/");

/**
 * A test module's imports, type-only ones told apart (test/imports.ts); a package module's from the
 * compiler's quick pre-scan, which is 3x cheaper and counts a type-only import as a load: it can
 * only find more paths to the user's catalog, never fewer.
 */
function importsIn(file: string, text: string): Import[] {
  if (isTestModule(file)) return importsOf(file, text);
  const { importedFiles } = ts.preProcessFile(text, true, true);
  return importedFiles.map((f) => ({ file, line: text.slice(0, f.pos).split("\n").length, specifier: f.fileName }));
}

/** The imports of a module that load code (type-only imports are erased), resolved to repo files. */
function loads(file: string, sources: Sources): { imp: Import; to: string }[] {
  const exists = (rel: string) => sources.has(rel);
  return cached(sources, `loads ${file}`, () =>
    importsIn(file, sources.get(file) ?? "")
      .filter((imp) => !imp.typeOnly)
      .flatMap((imp) => {
        const to = target(file, imp.specifier, exists);
        return to !== undefined && exists(to) ? [{ imp, to }] : [];
      }),
  );
}

/** Modules a test file loads, itself included, through every relative import. */
function closure(file: string, sources: Sources): string[] {
  const seen = new Set([file]);
  const queue = [file];
  while (queue.length) {
    for (const { to } of loads(queue.shift()!, sources)) {
      if (seen.has(to)) continue;
      seen.add(to);
      queue.push(to);
    }
  }
  return [...seen];
}

/** `vi.mock("<specifier>", ...)` of a test file, resolved. */
function mocked(file: string, sources: Sources): Set<string> {
  const sf = ts.createSourceFile(file, sources.get(file)!, ts.ScriptTarget.Latest, true);
  const out = new Set<string>();
  const visit = (node: ts.Node) => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.getText(sf) === "vi.mock" &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      const to = target(file, node.arguments[0].text, (rel) => sources.has(rel));
      if (to) out.add(to);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/**
 * The user's files by path: `path.join(ROOT, "features.ts")`, `path.resolve(REPO, \`Pulumi.${s}.yaml\`)`,
 * `` `${ROOT}/Pulumi.${s}.yaml` ``.
 */
function rootPaths(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const where = (node: ts.Node) => `${file}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const head = (arg: ts.Expression) =>
    ts.isStringLiteralLike(arg)
      ? arg.text
      : ts.isTemplateExpression(arg)
        ? `${arg.head.text}\${}${arg.templateSpans.map((s) => s.literal.text).join("${}")}`
        : undefined;
  const firstSegment = (p: string) =>
    p
      .replace(/^\/+/, "")
      .split("/")[0]
      .replace(/\$\{\}/g, "x");
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && /^path\.(join|resolve)$/.test(node.expression.getText(sf))) {
      const [first, second] = node.arguments;
      const rest = second && head(second);
      if (first && ts.isIdentifier(first) && ROOT_NAMES.has(first.text) && rest !== undefined && USER_FILE.test(firstSegment(rest)))
        out.push(`${where(node)} reads ${node.getText(sf)}`);
    }
    if (ts.isTemplateExpression(node) && node.head.text === "" && ts.isIdentifier(node.templateSpans[0].expression)) {
      const [span] = node.templateSpans;
      const name = (span.expression as ts.Identifier).text;
      if (ROOT_NAMES.has(name) && USER_FILE.test(firstSegment(`${span.literal.text}${node.templateSpans.length > 1 ? "${}" : ""}`)))
        out.push(`${where(node)} reads ${node.getText(sf)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Why a test outside test/catalog/ can reach the user's catalog; empty when it cannot. */
function catalogReaches(file: string, sources: Sources): string[] {
  const problems: string[] = [];
  const mocks = mocked(file, sources);
  for (const module of closure(file, sources)) {
    for (const { imp, to } of loads(module, sources)) {
      const at = `${imp.file}:${imp.line} imports "${imp.specifier}"`;
      if (isTestModule(module) && to.startsWith(CATALOG_TESTS_DIR))
        problems.push(`${at}: the user's catalog is read in ${CATALOG_TESTS_DIR} only`);
      if (!USER_CATALOG.includes(to)) continue;
      if (isTestModule(module)) problems.push(`${at}: load a fixture catalog from test/fixtures/ instead`);
      else if (!mocks.has(module))
        problems.push(
          `${file} loads ${module}, which reads the user's catalog (${at}), without vi.mock-ing it: mock it with a fixture ` +
            `repository (test/fixtures/legal-context.ts), or move the test to ${CATALOG_TESTS_DIR}`,
        );
    }
    if (isTestModule(module)) problems.push(...cached(sources, `paths ${module}`, () => rootPaths(module, sources.get(module) ?? "")));
  }
  return [...new Set(problems)];
}

describe("the tests that read the user's catalog", () => {
  const sources = repoSources();
  const tests = testFiles(sources);
  const catalogTests = tests.filter((f) => f.startsWith(CATALOG_TESTS_DIR));

  it(`are the test files in ${CATALOG_TESTS_DIR}, and there are some.`, () => {
    expect(catalogTests.length).toBeGreaterThan(0);
    expect(catalogTests).toContain("test/catalog/stacks.test.ts");
  });

  it("are the only ones: no other test can reach features.ts, teams.ts, the stack files or the snapshots made from them.", () => {
    const others = tests.filter((f) => !f.startsWith(CATALOG_TESTS_DIR));
    expect(others.length).toBeGreaterThan(40);
    expect(others.flatMap((f) => catalogReaches(f, sources))).toEqual([]);
  });

  const sample = (files: Record<string, string>): Sources =>
    new Map([...Object.entries(files), ["features.ts", "export const features = [];"], ["teams.ts", "export const teams = [];"]]);
  it.each<[string, Record<string, string>, string]>([
    [
      "imports features.ts",
      { "test/a.test.ts": 'import { features } from "../features";' },
      'test/a.test.ts:1 imports "../features": load a fixture',
    ],
    [
      "imports a helper that imports teams.ts",
      { "test/a.test.ts": 'import { x } from "./h";', "test/h.ts": 'import { teams } from "../teams";\nexport const x = teams;' },
      'test/h.ts:1 imports "../teams": load a fixture',
    ],
    [
      "imports the user catalog's helper",
      { "test/a.test.ts": 'import { userSynth } from "./catalog/user-catalog";', "test/catalog/user-catalog.ts": "" },
      'test/a.test.ts:1 imports "./catalog/user-catalog": the user\'s catalog is read in test/catalog/ only',
    ],
    [
      "loads the policy pack, whose context imports features.ts, without mocking it",
      {
        "test/a.test.ts": 'import { rules } from "../policies/rules";',
        "policies/rules.ts": 'import "./context";',
        "policies/context.ts": 'import { features } from "../features";',
      },
      "test/a.test.ts loads policies/context.ts, which reads the user's catalog",
    ],
    [
      "joins the root with a stack file",
      { "test/a.test.ts": "const f = path.join(ROOT, `Pulumi.${stack}.yaml`);" },
      "test/a.test.ts:1 reads path.join(ROOT, `Pulumi.${stack}.yaml`)",
    ],
    [
      "reads the snapshots",
      { "test/a.test.ts": 'const d = path.join(ROOT, "snapshots", stack);' },
      'test/a.test.ts:1 reads path.join(ROOT, "snapshots", stack)',
    ],
    [
      "names a root file in a template",
      { "test/a.test.ts": "readStackFile(`${ROOT}/Pulumi.staging.yaml`);" },
      "test/a.test.ts:1 reads `${ROOT}/Pulumi.staging.yaml`",
    ],
  ])("catch a test that %s.", (_, files, problem) => {
    expect(catalogReaches("test/a.test.ts", sample(files))).toEqual([expect.stringContaining(problem)]);
  });

  it.each<[string, Record<string, string>]>([
    [
      "imports only a type of the catalog's module",
      {
        "test/a.test.ts": 'import type { Repo } from "../policies/context";',
        "policies/context.ts": 'import { features } from "../features";',
      },
    ],
    [
      "mocks the policy pack's context with a fixture repository",
      {
        "test/a.test.ts": 'import { rules } from "../policies/rules";\nvi.mock("../policies/context", async () => ({}));',
        "policies/rules.ts": 'import "./context";',
        "policies/context.ts": 'import { features } from "../features";',
      },
    ],
    [
      "joins a scratch directory with a stack file",
      { "test/a.test.ts": 'fs.writeFileSync(path.join(scratch, "Pulumi.prod.yaml"), text);' },
    ],
    ["reads a fixture's stack file", { "test/a.test.ts": 'const f = path.join(LEGAL_DIR, "Pulumi.prod.yaml");' }],
  ])("let a test through that %s.", (_, files) => {
    expect(catalogReaches("test/a.test.ts", sample(files))).toEqual([]);
  });
});

/** The generated catalog as files at a repository root. */
function generatedCatalogFiles(): { files: CatalogFiles; catalog: ReturnType<typeof generatedCatalog> } {
  const catalog = generatedCatalog();
  return { catalog, files: { features: featuresModule(catalog.features), teams: teamsModule(catalog.teams), stacks: catalog.stackFiles } };
}

describe("with a different, generated catalog in place of the user's", () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "llmobs-catalog-swap-"));
  const repo = path.join(scratch, "repo");
  // The children's own temporary files (vitest's, the tests' scratch directories) land in the scratch directory too.
  const env = { ...process.env, TMPDIR: path.join(scratch, "tmp") };
  const report = path.join(scratch, "report.json");
  const { catalog, files } = generatedCatalogFiles();
  const catalogTests = checkoutFiles()
    .filter((f) => f.startsWith(CATALOG_TESTS_DIR) && f.endsWith(".test.ts"))
    .sort();
  let snapshots: ChildResult;
  let vitest: ChildResult;

  beforeAll(async () => {
    fs.mkdirSync(env.TMPDIR);
    copyRepo(repo, files, (f) => !f.startsWith("bench/"));
    snapshots = await runChild("npm", ["run", "-s", "snapshots"], { cwd: repo, env });
    // One worker, files not isolated: the files of test/catalog/ share its synthesis of each stack (user-catalog.ts caches it).
    const [oneWorker, json] = [
      ["--no-isolate", "--no-file-parallelism", "--maxWorkers=1"],
      ["--reporter=json", `--outputFile=${report}`],
    ];
    vitest = await runChild(
      process.execPath,
      [path.join(ROOT, "node_modules/vitest/vitest.mjs"), "run", ...catalogTests, ...oneWorker, ...json],
      {
        cwd: repo,
        env,
      },
    );
  }, 240_000);

  afterAll(() => {
    fs.rmSync(scratch, { recursive: true, force: true });
    expect(fs.existsSync(scratch), `${scratch} is removed`).toBe(false);
  });

  it("is a catalog of its own: other team ids, other feature ids, other counts.", () => {
    expect(catalog.teams.map((t) => t.id).every((id) => id.startsWith("squad-"))).toBe(true);
    expect(catalog.features.map((f) => f.id).every((id) => id.startsWith("gen-"))).toBe(true);
    expect([catalog.teams.length, catalog.features.length]).toEqual([4, 4]);
    expect(new Set(catalog.features.map((f) => f.owner)).size).toBe(4);
    expect(catalog.features.filter((f) => f.flags?.length).length).toBeGreaterThan(0);
    expect(catalog.features.filter((f) => f.retrieval).length).toBeGreaterThan(0);
  });

  it("`npm run snapshots` rewrites the snapshots from it.", () => {
    expect(snapshots.code, snapshots.stderr).toBe(0);
    const monitors = fs.readdirSync(path.join(repo, "snapshots", "prod", "monitors"));
    // An SLO kind has a monitor per objective of the feature's SLOs, and the fast burn 4 muted building blocks
    // (a burn-rate block per objective, one traffic guard).
    let expected = 0;
    for (const f of catalog.features) {
      // Whether a feature has SLOs depends on its own `slo` only (config/slo.ts resolveSlo).
      const slo = f.slo !== false;
      for (const k of featureKinds()) {
        const names = !k.sloAlert
          ? [`monitor-${f.id}-${k.kind}.json`]
          : slo
            ? SLO_OBJECTIVES.map((o) => `monitor-${f.id}-${k.kind}-${o}.json`)
            : [];
        for (const name of names) expect(monitors).toContain(name);
        expected += names.length;
      }
      if (slo) expected += SLO_OBJECTIVES.length + 1;
    }
    expect(monitors.filter((m) => /^monitor-gen-/.test(m))).toHaveLength(expected);
  });

  it(`then every test in ${CATALOG_TESTS_DIR} passes on it.`, () => {
    expect(catalogTests.length).toBeGreaterThan(0);
    const result = JSON.parse(fs.readFileSync(report, "utf8")) as {
      numTotalTests: number;
      numFailedTests: number;
      numPendingTests: number;
      testResults: { name: string; status: string; message: string }[];
    };
    const failures = result.testResults.filter((r) => r.status !== "passed").map((r) => `${r.name}: ${r.message}`);
    expect(failures, vitest.stderr).toEqual([]);
    expect(vitest.code).toBe(0);
    expect(result.testResults.map((r) => path.relative(repo, r.name)).sort()).toEqual(catalogTests);
    expect(result.numTotalTests).toBeGreaterThan(catalogTests.length);
    expect([result.numFailedTests, result.numPendingTests]).toEqual([0, 0]);
  });
});
