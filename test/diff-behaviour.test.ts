// npm run diff's behaviour section, with exact output: the scenarios that read each added or
// changed monitor, their outcome on the base and on the head, and (with --series) how often the
// monitor would have paged in exported history on each side. Plans are made by synth's own code,
// in process, from the fixture catalog (test/fixtures/diff-catalog.ts) with extract-clause's budget
// raised from $40 to $100 and a feature added; scenario files and exports are written here, small
// enough that every run takes well under a second.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FeatureInput } from "../config/schema";
import { type Plan, planJson, readPlan } from "../plan/plan";
import { reviewBehaviour } from "../tools/diff/behaviour";
import { main as diffMain, runDiff } from "../tools/diff/cli";
import { comparePlans } from "../tools/diff/compare";
import { renderMarkdown } from "../tools/diff/markdown";
import { readPlanDir } from "../tools/diff/sources";
import { synth, writeArtifacts } from "../tools/synth";
import { FIXTURE_FEATURES, FIXTURE_STACK_FILES, FIXTURE_TEAMS } from "./fixtures/diff-catalog";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "llmobs-behaviour-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** prod owns the org's tag configurations here, so its percentile monitors read data as they would. */
const PROD = `${FIXTURE_STACK_FILES.prod}  llm-observability:ownsOrgResources: true
  llm-observability:orgBudget:
    customMetrics: 5000
`;

const DRAFT_LETTER: FeatureInput = {
  id: "draft-letter",
  name: "Letter drafting",
  owner: "platform",
  budgetUsdPerDay: 30,
  providers: ["anthropic"],
  sentryProject: "contracts-api",
};
const HEAD_FEATURES = [...FIXTURE_FEATURES.map((f) => (f.id === "extract-clause" ? { ...f, budgetUsdPerDay: 100 } : f)), DRAFT_LETTER];

async function synthesize(variant: string, features: FeatureInput[]): Promise<string> {
  const dir = path.join(scratch, variant);
  fs.mkdirSync(dir, { recursive: true });
  const file = (name: string, content: string) => (fs.writeFileSync(path.join(dir, name), content), path.join(dir, name));
  const result = await synth({
    stack: "prod",
    configFile: file("Pulumi.prod.yaml", PROD),
    featuresFile: file("features.json", JSON.stringify(features)),
    teamsFile: file("teams.json", JSON.stringify(FIXTURE_TEAMS)),
  });
  writeArtifacts(path.join(dir, "out", "prod"), result.artifacts);
  return path.join(dir, "out");
}

/** Two days of one feature's traffic at a daily spend, with one expectation about its cost-budget monitor. */
function spendScenario(name: string, feature: string, usdPerDay: number, expectation: string): string {
  const perMinute = 10;
  return [
    `name: ${name}`,
    "start: 2026-03-02T00:00:00Z",
    "duration: 2d",
    "traffic:",
    `  - feature: ${feature}`,
    "    tenants: 4",
    `    requestsPerMinute: ${perMinute}`,
    `    costUsdPerRequest: ${usdPerDay / (perMinute * 1440)}`,
    "expect:",
    "  - monitor: cost-budget",
    `    group: {feature: ${feature}}`,
    expectation,
    "",
  ].join("\n");
}

const SCENARIOS: Record<string, string> = {
  "extract-clause-at-150.yaml": spendScenario(
    "extract-clause spending $150 a day alerts its cost monitor",
    "extract-clause",
    150,
    "    state: alert\n    within: [25h, 2d]",
  ),
  "extract-clause-at-30.yaml": spendScenario(
    "extract-clause spending $30 a day never alerts",
    "extract-clause",
    30,
    "    state: alert\n    never: true",
  ),
  "draft-letter-overspends.yaml": spendScenario(
    "draft-letter spending $90 a day alerts its cost monitor",
    "draft-letter",
    90,
    "    state: alert\n    within: [25h, 2d]",
  ),
  "broken.yaml":
    "name: a scenario with a typo\nstart: 2026-03-02T00:00:00Z\nduration: 2 days\nexpect:\n  - monitor: cost-budget\n    state: alert\n",
};

/** Datadog's GET /api/v1/query response for one ungrouped count query, one point a minute, a daily spend per day. */
function costExport(query: string, from: number, usdPerDay: number[]): string {
  const pointlist = usdPerDay.flatMap((usd, d) =>
    Array.from({ length: 1440 }, (_, i) => [(from + d * 86_400 + i * 60) * 1000, usd / 1440]),
  );
  const to = from + usdPerDay.length * 86_400;
  return JSON.stringify({
    status: "ok",
    query,
    from_date: from * 1000,
    to_date: to * 1000,
    series: [{ metric: "llm.cost.usd", scope: "env:prod,feature:extract-clause", tag_set: [], expression: query, interval: 60, pointlist }],
  });
}

const dirs = { base: "", head: "", scenarios: "", series: "", legacy: "" };
beforeAll(async () => {
  dirs.base = await synthesize("base", FIXTURE_FEATURES);
  dirs.head = await synthesize("head", HEAD_FEATURES);
  dirs.scenarios = path.join(scratch, "scenarios");
  fs.mkdirSync(dirs.scenarios);
  for (const [name, text] of Object.entries(SCENARIOS)) fs.writeFileSync(path.join(dirs.scenarios, name), text);
  // Three days of extract-clause's spend: $60, then $150 (over the base's $80 alert, under the head's $200), then $60.
  dirs.series = path.join(scratch, "series");
  fs.mkdirSync(dirs.series);
  const query = "sum:llm.cost.usd{feature:extract-clause,env:prod}.as_count()";
  fs.writeFileSync(path.join(dirs.series, "export-1.json"), costExport(query, Date.parse("2026-03-02T00:00:00Z") / 1000, [60, 150, 60]));
  // The base as a synth from before plans recorded their catalog.
  dirs.legacy = path.join(scratch, "legacy");
  fs.mkdirSync(path.join(dirs.legacy, "prod"), { recursive: true });
  const { evaluation, ...old } = readPlan(path.join(dirs.base, "prod", "plan.json"));
  void evaluation;
  fs.writeFileSync(path.join(dirs.legacy, "prod", "plan.json"), planJson(old as Plan));
}, 120_000);

async function diff(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await diffMain([...args, "--html-dir", fs.mkdtempSync(path.join(scratch, "html-"))], {
    out: (t) => out.push(`${t}\n`),
    err: (t) => err.push(`${t}\n`),
  });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

/** The behaviour section of the prod diff, heading included, up to the next section. */
function behaviourSection(markdown: string): string {
  const start = markdown.indexOf("### Behaviour: scenarios on base and head");
  if (start === -1) return "";
  const end = markdown.indexOf("\n### ", start + 1);
  return markdown.slice(start, end === -1 ? undefined : end).trim();
}

const BUDGET_ROWS = [
  "| scenario | base | head |",
  "|---|---|---|",
  '| `draft-letter-overspends.yaml` "draft-letter spending $90 a day alerts its cost monitor" | n/a (no `feature draft-letter`) | pass |',
  '| `extract-clause-at-150.yaml` "extract-clause spending $150 a day alerts its cost monitor" | pass | **fail**: ' +
    "`expect[0]: expected cost-budget {feature:extract-clause} to be alert at some evaluation within [25h, 2d]; it never was.` |",
  '| `extract-clause-at-30.yaml` "extract-clause spending $30 a day never alerts" | pass | pass |',
];

describe("npm run diff: the behaviour section", () => {
  it(
    "runs the head's scenarios on both sides for every added or changed monitor: a scenario about a feature the base lacks is n/a " +
      "there, an invalid one is named once, and monitors with the same outcomes share one table.",
    async () => {
      const r = await diff(["--base", dirs.base, "--head", dirs.head, "--scenarios", dirs.scenarios]);
      expect(r.code).toBe(0);
      expect(behaviourSection(r.stdout)).toBe(
        [
          "### Behaviour: scenarios on base and head",
          "",
          `Scenarios from \`${dirs.scenarios}\`, evaluated against each side's monitors (\`npm run scenarios\`, docs/scenarios.md). ` +
            "A scenario about a feature or monitor one side does not have is _n/a_ on that side.",
          "",
          "> 1 scenario file(s) are invalid on both sides and judge nothing: broken.yaml (duration: must be a duration such as 14d " +
            '(<int><s|m|h|d|w>) (got "2 days")).',
          "",
          "#### `monitor-draft-letter-cost-budget` (new), `monitor-extract-clause-cost-budget`",
          "",
          ...BUDGET_ROWS,
          "",
          // The org-wide cost monitor changes too: its budget counts the new feature's custom metrics.
          // So do the new feature's SLO monitors: 9 that notify and the fast burn's 4 building blocks (docs/slo.md).
          "#### `monitor-draft-letter-quality-drop` (new), `monitor-draft-letter-slo-budget-availability` (new), " +
            "`monitor-draft-letter-slo-budget-latency` (new), `monitor-draft-letter-slo-budget-quality` (new), " +
            "`monitor-draft-letter-slo-fast-burn-availability` (new), `monitor-draft-letter-slo-fast-burn-availability-burn` (new) " +
            "and 11 more",
          "",
          "No scenario reads it.",
        ].join("\n"),
      );
    },
  );

  it("with --series says how often each changed monitor would have paged in the exported days, on the head and on the base.", async () => {
    const r = await diff(["--base", dirs.base, "--head", dirs.head, "--scenarios", dirs.scenarios, "--series", dirs.series]);
    expect(r.code).toBe(0);
    const section = behaviourSection(r.stdout);
    expect(section).toContain(
      [
        ...BUDGET_ROWS,
        "",
        `- Backtest (\`${dirs.series}\`) of \`monitor-extract-clause-cost-budget\`: would have paged 0 times in the exported 3 days; ` +
          "base: 1.",
        "",
        "####",
      ].join("\n"),
    );
    expect(section).toContain("> 6 of the 19 added or changed monitors read no query the exports hold: they are not replayed.");
    // An SLO's monitors read its good and total counts, which no export holds: each says so rather than replaying.
    expect(section).toContain(
      `- Backtest (\`${dirs.series}\`) of \`monitor-draft-letter-slo-budget-availability\`: not replayed: the evaluator does not ` +
        "model backtesting an slo alert monitor (its SLO's good and total counts are not exported)",
    );
  });

  it("says the base cannot be judged when its plan records no catalog (a synth from before the record), and judges the head.", async () => {
    const r = await diff(["--base", dirs.legacy, "--head", dirs.head, "--scenarios", dirs.scenarios]);
    expect(r.code).toBe(0);
    const section = behaviourSection(r.stdout);
    expect(section).toContain(
      "> Scenarios are not run on the base: the base's plan records no catalog for scenarios (synthesized before plans had an " +
        "evaluation record); re-synthesize it with this version to compare.",
    );
    expect(section).toContain(
      '| `extract-clause-at-150.yaml` "extract-clause spending $150 a day alerts its cost monitor" | — | **fail**: ' +
        "`expect[0]: expected cost-budget {feature:extract-clause} to be alert at some evaluation within [25h, 2d]; it never was.` |",
    );
  });

  it("says where the head's scenarios would come from when a plan directory made elsewhere has none, and runs nothing.", async () => {
    // As CI's artifact would be without scenario files: plans only, no mark of this checkout.
    const head = path.join(scratch, "artifact");
    fs.mkdirSync(path.join(head, "prod"), { recursive: true });
    fs.copyFileSync(path.join(dirs.head, "prod", "plan.json"), path.join(head, "prod", "plan.json"));
    const r = await diff(["--base", dirs.base, "--head", head]);
    expect(behaviourSection(r.stdout)).toContain(
      `> No scenario files: ${head} has no scenarios/ directory, and its plans were not made in this checkout (pass --scenarios <dir>).`,
    );
    expect(behaviourSection(r.stdout)).not.toContain("| scenario |");
  });

  it("reads a plan directory's own scenarios/ (as in CI's artifact), and refuses a --scenarios that is not a directory.", async () => {
    const head = path.join(scratch, "head-with-scenarios");
    fs.cpSync(dirs.head, head, { recursive: true });
    fs.mkdirSync(path.join(head, "scenarios"));
    fs.copyFileSync(path.join(dirs.scenarios, "extract-clause-at-30.yaml"), path.join(head, "scenarios", "only.yaml"));
    const r = await diff(["--base", dirs.base, "--head", head]);
    expect(behaviourSection(r.stdout)).toContain(`Scenarios from \`${head}/scenarios/\``);
    expect(behaviourSection(r.stdout)).toContain('| `only.yaml` "extract-clause spending $30 a day never alerts" | pass | pass |');
    const bad = await diff(["--base", dirs.base, "--head", dirs.head, "--scenarios", path.join(scratch, "nope")]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`diff: --scenarios ${path.join(scratch, "nope")}: not a directory\n`);
  });

  it(
    "stays within the comment's size cap: behaviour blocks are left out whole, after monitor changes and before dashboards, and " +
      "the summary says how many.",
    async () => {
      const base = readPlanDir(dirs.base, ["prod"]);
      const head = readPlanDir(dirs.head, ["prod"]);
      const diffs = [comparePlans(base.plans.get("prod")!, head.plans.get("prod")!)];
      const files = Object.entries(SCENARIOS).map(([name, text]) => ({ name, text }));
      const stacks = reviewBehaviour({ stacks: ["prod"], base, head, diffs, scenarios: { source: "fixtures", files } });
      const opts = { baseLabel: "base", headLabel: "head", fullDiffName: "out/diff/full.md", behaviour: { source: "fixtures", stacks } };
      const full = renderMarkdown(diffs, opts);
      expect(full.truncated).toBe(false);
      // Room for what precedes the last behaviour block, the on-call section (kept before monitors) and the room the packer
      // keeps for its notes (markdown.ts: 600 + 200 per section), but not for the last behaviour block or the dashboards.
      const cut = full.markdown.indexOf("#### `monitor-draft-letter-quality-drop` (new)");
      const others = full.markdown.length - full.markdown.indexOf("### On-call and error alerts");
      const maxChars = cut + others + 600 + 200 * 7 + 100;
      const short = renderMarkdown(diffs, { ...opts, maxChars });
      expect(short.truncated).toBe(true);
      expect(short.markdown.length).toBeLessThanOrEqual(maxChars);
      expect(short.markdown).toContain("#### `monitor-draft-letter-cost-budget` (new), `monitor-extract-clause-cost-budget`");
      expect(short.markdown).not.toContain("#### `monitor-draft-letter-quality-drop` (new)");
      expect(short.markdown).toMatch(
        /> \*\*Shortened\*\* to stay under [\d,]+ characters: left out 1 monitor behaviours, \d+ dashboard changes\./,
      );
      expect(short.markdown).toContain(
        "_… and 1 more monitor behaviours, left out to keep this comment short (all of them are in `out/diff/full.md`)._",
      );
    },
  );

  it("reports runs past the time budget as not run, and says how many, instead of holding up the review.", async () => {
    const base = readPlanDir(dirs.base, ["prod"]);
    const head = readPlanDir(dirs.head, ["prod"]);
    const diffs = [comparePlans(base.plans.get("prod")!, head.plans.get("prod")!)];
    const files = [{ name: "a.yaml", text: SCENARIOS["extract-clause-at-30.yaml"] }];
    const [prod] = reviewBehaviour({ stacks: ["prod"], base, head, diffs, scenarios: { source: "fixtures", files }, budgetMs: 0 });
    expect(prod.monitors.find((m) => m.id === "monitor-extract-clause-cost-budget")!.rows).toEqual([
      {
        file: "a.yaml",
        name: "extract-clause spending $30 a day never alerts",
        base: { kind: "not run", why: "time budget" },
        head: { kind: "not run", why: "time budget" },
      },
    ]);
    expect(prod.notes).toContain(
      "2 scenario run(s) were not run: the review's time budget of 0 s was spent (run `npm run scenarios` on each side for all of them).",
    );
  });

  it("does not run a scenario too large to finish within the review (a file a pull request controls), and says so.", async () => {
    const base = readPlanDir(dirs.base, ["prod"]);
    const head = readPlanDir(dirs.head, ["prod"]);
    const diffs = [comparePlans(base.plans.get("prod")!, head.plans.get("prod")!)];
    const huge = SCENARIOS["extract-clause-at-30.yaml"].replace("requestsPerMinute: 10", "requestsPerMinute: 1000000");
    const [prod] = reviewBehaviour({
      stacks: ["prod"],
      base,
      head,
      diffs,
      scenarios: { source: "fixtures", files: [{ name: "huge.yaml", text: huge }] },
    });
    const row = prod.monitors.find((m) => m.id === "monitor-extract-clause-cost-budget")!.rows[0];
    expect([row.base, row.head]).toEqual([
      { kind: "not run", why: "too large" },
      { kind: "not run", why: "too large" },
    ]);
    const md = renderMarkdown(diffs, { baseLabel: "b", headLabel: "h", behaviour: { source: "fixtures", stacks: [prod] } }).markdown;
    expect(md).toContain(
      '| `huge.yaml` "extract-clause spending $30 a day never alerts" | not run (too large for the review: run `npm run scenarios`) | ' +
        "not run (too large for the review: run `npm run scenarios`) |",
    );
  });

  it("runs nothing when no monitor changed.", async () => {
    const run = await runDiff({
      base: dirs.base,
      head: dirs.base,
      stacks: ["prod"],
      htmlDir: path.join(scratch, "same"),
      scenarios: dirs.scenarios,
    });
    expect(run.markdown).toBe("no changes");
  });
});
