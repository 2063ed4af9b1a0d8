// No CLI can be made to delete or write outside its output root (issue 11, "--stack is a path"):
// stack names follow Pulumi's own rule, output paths resolve under their root, and a directory
// is replaced only when the tool wrote it. The CLI cases run the real commands against victim
// directories, which the tools before this change deleted.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { planJson } from "../plan/plan";
import { OWNER_MARK, OutputPathError, replaceOwnedDir, resolveUnder, stackNameProblem } from "../tools/paths";
import { craftPlan } from "./diff-fixtures";
import { type ChildResult, runScript } from "./helpers";
import { LEGAL_DIR, legalCatalog } from "./fixtures/legal";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "llmobs-paths-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

let n = 0;
/** A fresh directory under the scratch root. */
function fresh(): string {
  const dir = path.join(scratch, String(n++));
  fs.mkdirSync(dir);
  return dir;
}

/** A directory holding one file the tools never write, i.e. something a user cares about. */
function victim(dir: string): string {
  fs.mkdirSync(path.join(dir, "keep"), { recursive: true });
  fs.writeFileSync(path.join(dir, "keep", "thesis.tex"), "four years of work");
  return dir;
}

/** What a tool says when it refuses to replace a directory holding someone's work. */
const refusal = (tool: string, dir: string) =>
  `${tool}: ${dir} was not written by ${tool} (it holds keep/thesis.tex); refusing to replace it. ` +
  "Choose another output directory, or remove it yourself.";
const intact = (dir: string) => fs.readFileSync(path.join(dir, "keep", "thesis.tex"), "utf8") === "four years of work";

/** A CLI of the package, run from the legal fixture's directory: its defaults (features.ts, Pulumi.<stack>.yaml) read the fixture. */
function tool(script: string, args: string[], cwd = LEGAL_DIR): Promise<ChildResult> {
  return runScript(script, args, { cwd });
}

describe("a stack name", () => {
  it.each([
    ["prod", undefined],
    ["staging-eu_2.blue", undefined],
    ["x".repeat(100), undefined],
    ["", "a stack name may not be empty"],
    ["x".repeat(101), "a stack name cannot exceed 100 characters"],
    ["../../victim", 'a stack name may only contain alphanumeric, hyphens, underscores, or periods: invalid character "/" at position 2'],
    ["acme/prod", 'a stack name may only contain alphanumeric, hyphens, underscores, or periods: invalid character "/" at position 4'],
    ["prod stack", 'a stack name may only contain alphanumeric, hyphens, underscores, or periods: invalid character " " at position 4'],
    ["..", '".." names a directory, not a stack'],
    [".", '"." names a directory, not a stack'],
  ])("%j is judged by Pulumi's rule: %s.", (name, problem) => {
    expect(stackNameProblem(name)).toBe(problem);
  });
});

describe("an output path under its root", () => {
  it.each([
    ["../victim", /leaves the output root/],
    ["a/../../victim", /leaves the output root/],
    ["/etc", /is not a relative path/],
    ["", /is not a relative path/],
    [".", /names the output root itself/],
  ])("%j is refused.", (rel, message) => {
    expect(() => resolveUnder(fresh(), rel)).toThrow(message);
  });

  it("resolves a plain name to a path inside the root.", () => {
    const root = fresh();
    expect(resolveUnder(root, "prod")).toBe(path.join(root, "prod"));
  });

  it("refuses to go through a symbolic link, which could point anywhere.", () => {
    const root = fresh();
    fs.symlinkSync(victim(fresh()), path.join(root, "prod"));
    expect(() => resolveUnder(root, "prod")).toThrow(/is a symbolic link; refusing to write through it/);
  });
});

describe("replacing an output directory", () => {
  const owns = (p: string) => /^(plan\.json|dashboards\/[^/]+\.json)$/.test(p);
  const files = [{ path: "plan.json", content: "{}\n" }];

  it("creates an absent directory with the files and the owner mark.", () => {
    const dir = path.join(fresh(), "prod");
    replaceOwnedDir(dir, files, { tool: "synth", owns });
    expect(fs.readdirSync(dir).sort()).toEqual([OWNER_MARK, "plan.json"]);
  });

  it("replaces a directory it marked, stale files included, and leaves no temporary sibling.", () => {
    const parent = fresh();
    const dir = path.join(parent, "prod");
    replaceOwnedDir(dir, [...files, { path: "dashboards/old.json", content: "{}" }], { tool: "synth", owns });
    replaceOwnedDir(dir, files, { tool: "synth", owns });
    expect(fs.readdirSync(dir).sort()).toEqual([OWNER_MARK, "plan.json"]);
    expect(fs.readdirSync(parent)).toEqual(["prod"]);
  });

  it("replaces an unmarked directory that holds only files the tool writes (an older run, a committed snapshot).", () => {
    const dir = fresh();
    fs.mkdirSync(path.join(dir, "dashboards"));
    fs.writeFileSync(path.join(dir, "dashboards", "cost.json"), "{}");
    replaceOwnedDir(dir, files, { tool: "snapshots", owns, mark: false });
    expect(fs.readdirSync(dir)).toEqual(["plan.json"]);
  });

  it("refuses a directory holding anything else, says what, and leaves it as it was.", () => {
    const dir = victim(fresh());
    expect(() => replaceOwnedDir(dir, files, { tool: "synth", owns })).toThrow(new OutputPathError(refusal("synth", dir)));
    expect(intact(dir)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(["keep"]);
  });

  it.each([
    ["is a symbolic link", (dir: string) => fs.symlinkSync(victim(fresh()), dir), /is a symbolic link; refusing to replace it/],
    ["is a file", (dir: string) => fs.writeFileSync(dir, "x"), /exists and is not a directory/],
    [
      "contains a symbolic link",
      (dir: string) => (fs.mkdirSync(dir), fs.symlinkSync(victim(fresh()), path.join(dir, "plan.json"))),
      /contains a symbolic link \(plan\.json\)/,
    ],
  ])("refuses a target that %s.", (_case, make, message) => {
    const dir = path.join(fresh(), "prod");
    make(dir);
    expect(() => replaceOwnedDir(dir, files, { tool: "synth", owns })).toThrow(message);
  });

  it("keeps the old directory and leaves no temporary sibling when a file would land outside it.", () => {
    const parent = fresh();
    const dir = path.join(parent, "prod");
    replaceOwnedDir(dir, files, { tool: "synth", owns });
    expect(() => replaceOwnedDir(dir, [{ path: "../escaped.json", content: "{}" }], { tool: "synth", owns })).toThrow(
      /leaves the output root/,
    );
    expect(fs.readdirSync(parent)).toEqual(["prod"]);
    expect(fs.readFileSync(path.join(dir, "plan.json"), "utf8")).toBe("{}\n");
  });
});

describe.concurrent("the CLIs keep to their output root", () => {
  it("synth --stack ../../victim refuses the name and leaves the victim directory alone.", async ({ expect }) => {
    const t = fresh();
    const target = victim(path.join(t, "victim"));
    const r = await tool("tools/synth.ts", ["--out", path.join(t, "a", "out"), "--stack", "../../victim", "--config", "Pulumi.prod.yaml"]);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe(
      'synth: --stack "../../victim": a stack name may only contain alphanumeric, hyphens, underscores, or periods: invalid ' +
        'character "/" at position 2',
    );
    expect(r.stderr).toContain("usage: npm run synth");
    expect(intact(target)).toBe(true);
    expect(fs.readdirSync(t).sort()).toEqual(["victim"]);
  });

  it.for(["../..", ".."])("synth --stack %s refuses and empties no parent directory.", async (stack, { expect }) => {
    const out = path.join(fresh(), "a", "b", "out");
    fs.mkdirSync(out, { recursive: true });
    // The directory the name points at, which the tools before this change emptied.
    const target = victim(path.resolve(out, stack));
    const r = await tool("tools/synth.ts", ["--out", out, "--stack", stack, "--config", "Pulumi.prod.yaml"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^synth: --stack "\.\.(\/\.\.)?": /);
    expect(r.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
    expect(intact(target)).toBe(true);
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it("synth refuses an out/<stack> it did not write before synthesizing anything.", async ({ expect }) => {
    const out = fresh();
    const target = victim(path.join(out, "prod"));
    const r = await tool("tools/synth.ts", ["--out", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(refusal("synth", target) + "\n");
    expect(intact(target)).toBe(true);
  });

  it("diff --html-dir refuses a directory it did not write and leaves it alone.", async ({ expect }) => {
    const t = fresh();
    fs.mkdirSync(path.join(t, "plans", "prod"), { recursive: true });
    fs.writeFileSync(path.join(t, "plans", "prod", "plan.json"), planJson(craftPlan(legalCatalog("prod"), "prod")));
    const target = victim(path.join(t, "site"));
    const r = await tool("tools/diff/cli.ts", ["--base", path.join(t, "plans"), "--head", path.join(t, "plans"), "--html-dir", target]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(refusal("diff", target) + "\n");
    expect(intact(target)).toBe(true);
  });

  it("the policy bundle refuses an --out it did not write and leaves it alone.", async ({ expect }) => {
    const target = victim(fresh());
    const r = await tool("policies/bundle.ts", ["--out", target]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(refusal("bundle", target) + "\n");
    expect(intact(target)).toBe(true);
  });
});
