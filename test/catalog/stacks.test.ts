// The user's own stacks (features.ts, teams.ts, every Pulumi.<stack>.yaml), held to what must be
// true of ANY valid catalog: synth accepts them, every feature has its monitors and Sentry rules,
// every team its on-call, counts follow the catalog and the monitor-kind registry, every handle
// resolves, `npm run check` passes, and the committed snapshots are what `npm run snapshots`
// writes. No number or id of the example is pinned here; test/catalog-swap.test.ts runs this file
// on a different, generated catalog to prove it. Each stack is synthesized once for the file.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RESOURCE_TAG, slackHandle, tagValue } from "../../config/names";
import { linksIn } from "../../config/links";
import { buildDashboards } from "../../dashboards";
import { featureSlo, SLO_OBJECTIVES } from "../../config/slo";
import type { Catalog } from "../../config/validate";
import { featureKinds, kindSpec, MONITOR_KINDS, type MonitorKindSpec, orgKinds, stackKinds } from "../../monitors/kinds";
import { dashboardsOf } from "../../plan/dashboards";
import { monitorViews } from "../../plan/monitors";
import { onCallTeamIds, sentryRuleViews, teamOnCallView } from "../../plan/oncall";
import { planJson } from "../../plan/plan";
import { main as checkMain } from "../../tools/check";
import { readSnapshots, SNAPSHOT_STACKS, snapshotFiles } from "../../tools/snapshots";
import { verifyPlan } from "../../tools/verify";
import { countRawWidgets } from "../helpers";
import { legalCatalog } from "../fixtures/legal";
import { REPO, USER_STACKS, userSynth } from "./user-catalog";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "llmobs-catalog-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** A feature's notifying monitors of a per-feature kind: one, or one per SLO objective for an SLO kind (none with `slo: false`). */
function monitorsPerKind(kind: MonitorKindSpec, f: Catalog["features"][number], catalog: Catalog): number {
  if (!("sloAlert" in kind && kind.sloAlert)) return 1;
  return featureSlo(f, catalog.stack) ? SLO_OBJECTIVES.length : 0;
}

/** A building block of a composite (`part:<name>`): muted, so not one of its kind's notifying monitors. */
const isPart = (tags: string[]) => tagValue(tags, RESOURCE_TAG.part) !== undefined;

describe.each(USER_STACKS)("the user's %s stack", (stack) => {
  it("is accepted by synth: Datadog's spec, the metric contract, the providers' constraints, handles that resolve.", async () => {
    const { plan, catalog } = await userSynth(stack);
    expect(verifyPlan(plan, catalog)).toEqual([]);
  });

  it("registers unique names and URNs, every resource under a component.", async () => {
    const { plan } = await userSynth(stack);
    expect(new Set(plan.resources.map((r) => r.urn)).size).toBe(plan.resources.length);
    expect(new Set(plan.resources.map((r) => `${r.type}::${r.name}`)).size).toBe(plan.resources.length);
    const components = new Set(plan.resources.filter((r) => !r.custom).map((r) => r.urn));
    for (const r of plan.resources.filter((x) => x.custom))
      expect(components.has(r.parent ?? ""), `${r.urn} has a component parent`).toBe(true);
  });

  it(
    "gives every feature one monitor of each per-feature kind of the registry (of an SLO kind, one per objective of its " +
      "SLOs), owned by its owner, and none to others.",
    async () => {
      const { plan, catalog } = await userSynth(stack);
      const monitors = monitorViews(plan).filter((m) => !isPart(m.tags));
      for (const f of catalog.features) {
        for (const k of featureKinds()) {
          const own = monitors.filter((m) => m.feature === f.id && m.kind === k.kind);
          expect(
            own.map((m) => m.team),
            `${f.id} ${k.kind}`,
          ).toEqual(Array(monitorsPerKind(k, f, catalog)).fill(f.owner));
        }
      }
      const known = new Set(catalog.features.map((f) => f.id));
      expect(monitors.filter((m) => m.feature !== undefined && !known.has(m.feature)).map((m) => m.name)).toEqual([]);
    },
  );

  // A stack kind may notify through more than one monitor (tenant-spend-anomaly: one per tenant
  // and one for all tenants at once), so the kinds are compared as a set.
  it("has the monitors of each stack kind, owned by the platform team and the org's kinds only if it owns the org resources.", async () => {
    const { plan, catalog } = await userSynth(stack);
    const monitors = monitorViews(plan).filter((m) => !isPart(m.tags));
    const kinds = [...stackKinds(), ...(catalog.stack.ownsOrgResources ? orgKinds() : [])].map((k) => k.kind);
    const crossFeature = monitors.filter((m) => m.feature === undefined);
    expect([...new Set(crossFeature.map((m) => m.kind))].sort()).toEqual([...kinds].sort());
    for (const m of crossFeature) expect(m.team, m.name).toBe(catalog.stack.platformTeam);
  });

  it("counts (per-feature kinds x features) per-feature monitors, SLO kinds per objective, besides muted building blocks.", async () => {
    const { plan, catalog } = await userSynth(stack);
    const notifying = monitorViews(plan).filter((m) => !isPart(m.tags));
    const expected = catalog.features.reduce((n, f) => n + featureKinds().reduce((k, kind) => k + monitorsPerKind(kind, f, catalog), 0), 0);
    expect(notifying.filter((m) => m.feature !== undefined)).toHaveLength(expected);
    for (const part of monitorViews(plan).filter((m) => isPart(m.tags))) {
      expect(
        notifying.map((m) => m.kind),
        `${part.name} belongs to a monitor of its kind`,
      ).toContain(part.kind);
    }
  });

  it("links every monitor to its kind's runbook, which exists.", async () => {
    const { plan, catalog } = await userSynth(stack);
    for (const m of monitorViews(plan)) {
      const runbook = kindSpec(MONITOR_KINDS, m.kind)?.runbook;
      expect(runbook, `${m.name} is of a registered kind`).toBeDefined();
      expect(linksIn(m.message), m.name).toContain(`${catalog.stack.runbookBaseUrl}/${runbook}`);
      expect(fs.existsSync(path.join(REPO, "runbooks", runbook!)), runbook).toBe(true);
    }
  });

  it("routes Slack only to the owning team's channel, or only to the stack's own channel when it sets one.", async () => {
    const { plan, catalog } = await userSynth(stack);
    const channel = catalog.stack.notifications?.slack;
    for (const m of monitorViews(plan).filter((x) => !isPart(x.tags))) {
      const team = catalog.teams.find((t) => t.id === m.team);
      expect(team, `${m.name} is owned by a team of teams.ts`).toBeDefined();
      const slack = m.handles.map((h) => h.handle.raw).filter((h) => h.startsWith("@slack-"));
      expect(new Set(slack), m.name).toEqual(new Set([slackHandle(channel ?? team!.slack)]));
    }
  });

  it("gives every team its PagerDuty schedule, escalation policy, service and Datadog wiring if paging, else none.", async () => {
    const { plan, catalog } = await userSynth(stack);
    if (!catalog.stack.paging) {
      expect(onCallTeamIds(plan)).toEqual([]);
      for (const m of monitorViews(plan))
        expect(
          m.handles.filter((h) => h.handle.raw.startsWith("@pagerduty-")),
          m.name,
        ).toEqual([]);
      return;
    }
    expect(onCallTeamIds(plan).sort()).toEqual(catalog.teams.map((t) => t.id).sort());
    for (const t of catalog.teams) {
      const view = teamOnCallView(plan, t.id);
      for (const role of ["schedule", "escalationPolicy", "service", "serviceIntegration", "pagerdutyServiceObject"] as const) {
        expect(view[role], `${t.id} ${role}`).toBeDefined();
      }
    }
  });

  it("gives every feature the same Sentry rules, an issue alert and a metric alert at least, and no other feature any.", async () => {
    const { plan, catalog } = await userSynth(stack);
    const rules = sentryRuleViews(plan);
    const rolesOf = (id: string) =>
      rules
        .filter((r) => r.featureId === id)
        .map((r) => r.role)
        .sort();
    const first = rolesOf(catalog.features[0].id);
    expect(first).toEqual(expect.arrayContaining(["sentryIssueAlert", "sentryMetricAlert"]));
    for (const f of catalog.features) expect(rolesOf(f.id), f.id).toEqual(first);
    expect(rules).toHaveLength(first.length * catalog.features.length);
  });

  it("has the dashboards the builder always makes (features are rows, never dashboards), each on the preview page.", async () => {
    const { plan, artifacts } = await userSynth(stack);
    const dashboards = dashboardsOf(plan);
    expect(dashboards.map((d) => d.id).sort()).toEqual(
      buildDashboards(legalCatalog("prod"))
        .map((d) => d.id)
        .sort(),
    );
    const page = artifacts.find((a) => a.path === "preview/index.html")!.content;
    for (const d of dashboards) {
      const n = countRawWidgets(d.body.widgets);
      expect(n, d.id).toBeGreaterThan(0);
      expect(page).toContain(`data-widget-count="${n}"`);
    }
  });

  it("passes `npm run check` (against the plan of the stack that owns the org's resources, when another one does).", async () => {
    const { plan, catalog } = await userSynth(stack);
    const write = (name: string, p: typeof plan) => {
      const file = path.join(scratch, `${name}.json`);
      fs.writeFileSync(file, planJson(p));
      return file;
    };
    const args = ["--plan", write(stack, plan)];
    if (!catalog.stack.ownsOrgResources) {
      for (const other of USER_STACKS.filter((s) => s !== stack)) {
        const o = await userSynth(other);
        if (o.catalog.stack.ownsOrgResources) args.push("--org-plan", write(`${stack}-org-${other}`, o.plan));
      }
    }
    const out: string[] = [];
    const code = await checkMain(args, { out: (t) => out.push(t), err: (t) => out.push(t) });
    expect(code, out.join("\n")).toBe(0);
    expect(out.join("\n")).toMatch(/ 0 mandatory, \d+ advisory\.$/);
  });
});

describe.each(SNAPSHOT_STACKS)("the committed snapshots of %s", (stack) => {
  it("are what `npm run snapshots` writes from the user's files today.", async () => {
    const generated = snapshotFiles((await userSynth(stack)).artifacts).sort((a, b) => a.path.localeCompare(b.path));
    const committed = readSnapshots(stack);
    expect(
      committed.map((a) => a.path),
      "snapshot files",
    ).toEqual(generated.map((a) => a.path));
    for (const g of generated) {
      expect(committed.find((c) => c.path === g.path)?.content, `snapshots/${stack}/${g.path} is stale; run \`npm run snapshots\``).toBe(
        g.content,
      );
    }
  });
});
