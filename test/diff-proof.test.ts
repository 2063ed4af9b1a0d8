// The issue's proof, on the real program: a temporary copy of the legal fixture's config is changed
// the way a pull request would change it, both sides are synthesized under mocks, and the
// diff must say exactly what changed for the on-call engineer and the dashboard reader.
import { featureKinds, sloKinds } from "../monitors/kinds";
import { SLO_OBJECTIVES } from "../config/slo";
import { beforeAll, describe, expect, it } from "vitest";
import { comparePlans, leafChanges } from "../tools/diff/compare";
import { code } from "../tools/diff/markdown";
import { dashboardsOf } from "../plan/dashboards";
import { type Plan } from "../plan/plan";
import { TYPE } from "../config/names";
import { diffMarkdown, linesMatching, monitorRows, widgetId } from "./diff-fixtures";
import { legalFeatures, legalTeams, synthLegal } from "./fixtures/legal";

let base: Plan;
beforeAll(async () => {
  base = await synthLegal("prod");
});

type Widget = {
  id?: number;
  definition: { type: string; widgets?: Widget[] } & Record<string, unknown>;
  layout: { x: number; y: number; width: number; height: number };
};

/** Re-flows a container the way the builders do (left to right, wrap at 12 columns; groups get a header row). */
function reflow(widgets: Widget[]): number {
  let x = 0;
  let y = 0;
  let row = 0;
  for (const w of widgets) {
    if (w.definition.type === "group") w.layout.height = reflow(w.definition.widgets ?? []) + 1;
    if (x + w.layout.width > 12) {
      y += row;
      x = 0;
      row = 0;
    }
    w.layout.x = x;
    w.layout.y = y;
    x += w.layout.width;
    row = Math.max(row, w.layout.height);
  }
  return y + row;
}

describe("the diff of a pull request against the legal fixture's config, on the real program", () => {
  it("turns a raised budget into exactly the cost monitor's query and threshold lines and a cost alert from $80 to $100.", async () => {
    const features = legalFeatures();
    expect(features[0]).toMatchObject({ id: "extract-clause", budgetUsdPerDay: 40 });
    features[0].budgetUsdPerDay = 50;
    const md = diffMarkdown(base, await synthLegal("prod", { features }));
    const query = String(base.resources.find((r) => r.name === "monitor-extract-clause-cost-budget")!.inputs.query);
    expect(query).toMatch(/ > 80$/);
    expect(linesMatching(md, /^#### `monitor-/)).toHaveLength(1);
    expect(monitorRows(md, "monitor-extract-clause-cost-budget")).toEqual([
      `| query | ${code(query)} | ${code(query.replace(/ > 80$/, " > 100"))} |`,
      "| critical threshold | `80` | `100` |",
      "| warning threshold | `40` | `50` |",
    ]);
    expect(linesMatching(md, /^- `extract-clause`/)).toEqual([
      "- `extract-clause`: cost alert moves from $80 to $100 a day (2× its daily budget, which moves from $40 to $50).",
    ]);
  });

  it("reports a widget inserted into a dashboard as exactly one addition.", () => {
    const head = structuredClone(base);
    const resource = head.resources.find((r) => r.type === TYPE.dashboard && r.name === "dashboard-cost")!;
    const body = JSON.parse(String(resource.inputs.dashboard)) as { widgets: Widget[] };
    const group = body.widgets.find((w) => w.definition.type === "group" && (w.definition.widgets ?? []).length > 1);
    expect(group, "the cost dashboard has a group with several widgets").toBeDefined();
    group!.definition.widgets!.splice(1, 0, {
      id: widgetId("cost", "review/inserted"),
      definition: { type: "note", content: "A widget a pull request inserts." },
      layout: { x: 0, y: 0, width: 4, height: 2 },
    });
    reflow(body.widgets);
    resource.inputs.dashboard = JSON.stringify(body);
    const md = diffMarkdown(base, head);
    expect(linesMatching(md, /^- \*\*added\*\*/)).toEqual([
      expect.stringMatching(/^- \*\*added\*\* "A widget a pull request inserts\." \(note\) in group /),
    ]);
    expect(linesMatching(md, /^- \*\*(removed|moved|changed)\*\*/)).toEqual([]);
  });

  it("keeps every resource, and changes only what shows the name, when a feature's display name changes.", async () => {
    const features = legalFeatures();
    const before = features[0].name;
    const after = "Clause extraction (v2, renamed)";
    features[0].name = after;
    const head = await synthLegal("prod", { features, teams: legalTeams() });
    const diff = comparePlans(base, head);
    expect(diff.replacements).toEqual([]);
    expect(diff.counts.map((c) => [c.label, c.added, c.removed, c.replaced])).toEqual(diff.counts.map((c) => [c.label, 0, 0, 0]));
    expect(diff.counts.reduce((n, c) => n + c.changed, 0)).toBeGreaterThan(0);
    expect(head.resources.map((r) => r.urn)).toEqual(base.resources.map((r) => r.urn));
    // Every changed input is the old text with the name swapped: nothing else moved.
    for (const r of head.resources) {
      const old = base.resources.find((b) => b.urn === r.urn)!;
      for (const c of leafChanges(old.inputs, r.inputs)) {
        expect((c.after ?? "").split(after).join(before), `${r.name} ${c.field}`).toBe(c.before);
      }
    }
    const md = diffMarkdown(base, head);
    expect(md).not.toMatch(/\*\*(added|removed|moved)\*\*|Replaced/);
  });

  it("lists every monitor, SLO and Sentry rule of a removed feature as removed.", async () => {
    const features = legalFeatures().filter((f) => f.id !== "cite-check");
    const md = diffMarkdown(base, await synthLegal("prod", { features }));
    const gone = base.resources
      .filter((r) =>
        /^(downtime-)?monitor-cite-check-|^slo-cite-check-|^sentry-(issue-alert|metric-alert|issue-page)-cite-check$/.test(r.name),
      )
      .map((r) => r.name);
    // One monitor per per-feature kind, one per objective (three) of each SLO kind, and the fast burn's building
    // blocks: a burn-rate block per objective and one traffic guard.
    const monitors = featureKinds().length + 2 * sloKinds().length + SLO_OBJECTIVES.length + 1;
    expect(gone.filter((n) => n.startsWith("monitor-"))).toHaveLength(monitors);
    expect(gone.filter((n) => n.startsWith("slo-"))).toHaveLength(3);
    const removed = linesMatching(md, /^- \*\*removed\*\*/);
    for (const name of gone)
      expect(
        removed.filter((l) => l.includes(code(name))),
        name,
      ).toHaveLength(1);
    expect(removed.filter((l) => l.includes("cite-check"))).toHaveLength(gone.length);
    expect(linesMatching(md, new RegExp(`^- \`cite-check\` is removed: its ${monitors} monitors .* and 3 SLOs`))).toHaveLength(1);
  });

  it("finds a widget id on every widget of every legal fixture dashboard, so none is matched by position.", () => {
    const missing: string[] = [];
    const walk = (d: string, ws: Widget[]) => {
      for (const w of ws) {
        if (typeof w.id !== "number") missing.push(`${d}: ${String(w.definition.title ?? w.definition.type)}`);
        walk(d, w.definition.widgets ?? []);
      }
    };
    for (const d of dashboardsOf(base)) walk(d.id, (d.body.widgets as Widget[]) ?? []);
    expect(missing).toEqual([]);
  });
});
