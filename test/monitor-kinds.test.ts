// The monitor-kind registry (monitors/kinds.ts) is the one place a kind is declared. A dummy kind,
// added the way a maintainer adds one (an entry, its builder, its runbook), flows through every
// reader: the builders, synth's lint, the policy pack, the diff, the preview page and the
// runbook check. One synthesized plan for the whole file.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { TAG } from "../config/contract";
import { monitorName, RESOURCE_TAG, tag, TYPE } from "../config/names";
import { metricQuery } from "../config/query";
import { buildMonitors } from "../monitors";
import { defineMonitor } from "../monitors/frame";
import { featureKinds, type FeatureKind, MONITOR_KINDS, reviewColumns } from "../monitors/kinds";
import { lintMonitor } from "../monitors/lint";
import { thresholdQuery } from "../monitors/queries";
import { thresholdReview } from "../monitors/review";
import { monitorsOf } from "../plan/monitors";
import type { Plan } from "../plan/plan";
import { policyConfigFor } from "../policies/config";
import { runPolicies } from "../policies/offline";
import { featureHasAllMonitors } from "../policies/rules/stack";
import { buildObservability } from "../program";
import { comparePlans } from "../tools/diff/compare";
import { renderMarkdown } from "../tools/diff/markdown";
import { synthesize } from "../tools/mocks";
import { renderPreview } from "../tools/preview/html";
import { verifyPlan } from "../tools/verify";
import { ROOT } from "./helpers";
import { legalCatalog, legalStackConfig } from "./fixtures/legal";
import { runbookProblems } from "./runbook-check";

// The policy pack reads the legal fixture as its repository's catalog, never the user's (test/fixtures/legal-context.ts).
vi.mock("../policies/context", async (importOriginal) =>
  (await import("./fixtures/legal-context")).legalRepoContext(await importOriginal()),
);

const FLOOR = 42;

/** A per-feature kind as a maintainer would add it: judge score below a floor for an hour. */
const dummy: FeatureKind = {
  kind: "judge-floor",
  scope: "feature",
  required: true,
  signal: "quality",
  priority: 3,
  title: "judge score below its floor",
  dashboard: "quality",
  runbook: "judge-floor.md",
  build: (f, catalog) =>
    defineMonitor(f, {
      query: thresholdQuery(
        `avg(last_1h):${metricQuery(catalog.contract, catalog.contract.metrics.judgeScore, {
          aggregation: "avg",
          filters: { [TAG.feature]: f.feature.id, [TAG.env]: catalog.stack.env },
        })}`,
        "<",
        FLOOR,
      ),
      thresholds: { critical: FLOOR },
      options: { on_missing_data: "show_no_data", require_full_window: false },
      message: {
        summary: `The judge score of **${f.feature.name}** averaged {{value}} over the last hour (floor ${FLOOR}).`,
        dashboard: { label: `Quality: ${f.feature.name}`, url: f.dashboardUrl() },
        firstSteps: ["Open the bottom-20 traces of the hour."],
        recovery: "the hourly judge score is back above its floor.",
      },
    }),
  review: thresholdReview({ key: "judgeFloor", header: "judge floor", unit: "points", noun: "judge floor alert" }),
};
const KINDS = [...MONITOR_KINDS, dummy];

const catalog = legalCatalog("prod");
const isDummy = (name: string) => name.endsWith(`-${dummy.kind}`);
let head: Plan;
/** The same stack before the kind was added. */
let base: Plan;

beforeAll(async () => {
  head = await synthesize({
    stack: "prod",
    config: legalStackConfig("prod"),
    program: () => buildObservability(catalog, { monitorKinds: KINDS }),
  });
  base = { ...head, resources: head.resources.filter((r) => !isDummy(r.name)) };
});

describe("the registry itself", () => {
  it("names each kind once, and each review column once.", () => {
    const kinds = MONITOR_KINDS.map((k) => k.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    const columns = reviewColumns().map((c) => c.key);
    expect(new Set(columns).size).toBe(columns.length);
  });

  it("gives every built monitor the tags, priority and runbook of its entry.", () => {
    for (const m of buildMonitors(catalog)) {
      const spec = MONITOR_KINDS.find((k) => k.kind === m.kind)!;
      expect(m.body.tags).toContain(tag(RESOURCE_TAG.monitor, spec.kind));
      expect([spec.signal].flat().map((s) => tag(RESOURCE_TAG.signal, s))).toContain(
        m.body.tags.find((t) => t.startsWith(`${RESOURCE_TAG.signal}:`)),
      );
      // A composite's muted building block is informational, P5 (monitors/lint.ts); the monitor that notifies has the entry's priority.
      expect(m.body.priority).toBe(m.muted ? 5 : spec.priority);
      expect(m.body.message).toContain(`${catalog.stack.runbookBaseUrl}/${spec.runbook}`);
    }
  });
});

describe("a kind added as one entry, a builder and a runbook flows everywhere", () => {
  it("The builders make one monitor of it per feature, named, tagged and routed by its entry.", () => {
    const built = buildMonitors(catalog, KINDS).filter((m) => m.kind === dummy.kind);
    expect(built.map((m) => m.id)).toEqual(catalog.features.map((f) => monitorName(dummy.kind, f.id)));
    for (const m of built) {
      expect(m.body.tags).toEqual(expect.arrayContaining([tag(RESOURCE_TAG.monitor, dummy.kind), tag(RESOURCE_TAG.feature, m.featureId!)]));
      expect(m.body.priority).toBe(3);
      expect(m.body.message).toContain(`${catalog.stack.runbookBaseUrl}/judge-floor.md`);
    }
    expect(featureKinds(KINDS).map((k) => k.kind)).toContain(dummy.kind);
  });

  it("The Pulumi program creates them, and synth's checks accept them against the registry that declares the kind.", () => {
    expect(head.resources.filter((r) => r.type === TYPE.monitor && isDummy(r.name))).toHaveLength(catalog.features.length);
    expect(verifyPlan(head, catalog, KINDS)).toEqual([]);
  });

  it("Synth's lint rejects it against a registry that does not declare it.", () => {
    const body = monitorsOf(head).find((m) => isDummy(m.id))!.body;
    expect(lintMonitor(body, { contract: catalog.contract, stack: catalog.stack })).toContain(
      `tags: unknown monitor kind "${dummy.kind}" (not in monitors/kinds.ts)`,
    );
  });

  it("The policy pack requires it of every feature: satisfied by the plan, violated once a feature loses it.", async () => {
    const resources = (plan: Plan) => plan.resources.map((r) => ({ ...r, props: r.inputs }));
    const run = (plan: Plan) =>
      runPolicies(resources(plan), { policies: [featureHasAllMonitors], config: policyConfigFor(catalog, KINDS) });
    expect((await run(head)).violations).toEqual([]);
    const lost = monitorName(dummy.kind, catalog.features[0].id);
    const { violations } = await run({ ...head, resources: head.resources.filter((r) => r.name !== lost) });
    expect(violations.map((v) => v.message)).toEqual([expect.stringContaining(`"${lost}"`)]);
  });

  it("The diff names the monitors it adds, its column and its sentence.", () => {
    const changedFloor: Plan = structuredClone(head);
    const first = monitorName(dummy.kind, catalog.features[0].id);
    const r = changedFloor.resources.find((x) => x.name === first)!;
    r.inputs.query = String(r.inputs.query).replace(`< ${FLOOR}`, "< 40");
    (r.inputs.monitorThresholds as Record<string, string>).critical = "40";
    const added = renderMarkdown([comparePlans(base, head, KINDS)], { baseLabel: "base", headLabel: "head", kinds: KINDS }).markdown;
    expect(added).toContain(`gains 1 monitor (\`${first}\`)`);
    const changed = renderMarkdown([comparePlans(head, changedFloor, KINDS)], { baseLabel: "a", headLabel: "b", kinds: KINDS }).markdown;
    expect(changed).toContain(`- \`${catalog.features[0].id}\`: judge floor alert moves from 42 points to 40 points.`);
    expect(changed).toMatch(/\| feature \| owner \| .*\| judge floor \|/);
  });

  it("The preview shows its column in the thresholds table and its sentence on each of its monitors.", () => {
    const html = renderPreview(head, { catalog, kinds: KINDS });
    expect(html).toContain("<th>judge floor</th>");
    expect(html.split("judge floor alert at 42 points").length - 1).toBe(catalog.features.length);
  });

  it("The runbook check asks for its runbook, and accepts it once written.", () => {
    const runbooks = path.join(ROOT, "runbooks");
    expect(runbookProblems(KINDS, runbooks)).toEqual([`${dummy.kind}: runbooks/judge-floor.md does not exist`]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "runbooks-"));
    fs.cpSync(runbooks, dir, { recursive: true });
    const section = (title: string) =>
      `## ${title}\n\n${`The ${tag(RESOURCE_TAG.monitor, dummy.kind)} monitor fired; read the quality dashboard. `.repeat(5)}\n`;
    fs.writeFileSync(
      path.join(dir, "judge-floor.md"),
      ["Symptom", "Dashboards", "Checks", "Mitigation", "Escalation", "Follow-up"].map(section).join("\n"),
    );
    fs.appendFileSync(path.join(dir, "README.md"), "\n[judge-floor.md](judge-floor.md)\n");
    try {
      expect(runbookProblems(KINDS, dir)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
