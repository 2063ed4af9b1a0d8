// When the diff calls a removed and an added feature a likely rename (tools/diff/renames.ts), on
// crafted plans of the diff fixture catalog: plans from before formatVersion 1 (owner and budget
// read back from the monitors) and plans that record the catalog's features (display name too).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { FeatureInput } from "../config/schema";
import type { Plan } from "../plan/plan";
import { comparePlans } from "../tools/diff/compare";
import { craftPlan } from "./diff-fixtures";
import { FIXTURE_FEATURES, fixtureCatalog } from "./fixtures/diff-catalog";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "llmobs-renames-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** A crafted prod plan; with `records`, it also records the catalog's features as synth does. */
function plan(features: FeatureInput[], records = false): Plan {
  const catalog = fixtureCatalog("prod", features, scratch);
  const p = craftPlan(catalog, "prod");
  if (!records) return p;
  return { ...p, features: catalog.features.map((f) => ({ id: f.id, name: f.name, owner: f.owner, budgetUsdPerDay: f.budgetUsdPerDay })) };
}

const edit = (changes: Record<string, Partial<FeatureInput>>) => FIXTURE_FEATURES.map((f) => ({ ...f, ...(changes[f.id] ?? {}) }));

describe("a likely rename", () => {
  it.each<[string, Plan, Plan, [string, string, string][]]>([
    [
      "an older plan's id renamed with its owner and budget kept is one, found by owner and budget",
      plan(FIXTURE_FEATURES),
      plan(edit({ "legal-chat": { id: "legal-research" } })),
      [["legal-chat", "legal-research", "owner"]],
    ],
    [
      "an id renamed with a new budget in an older plan is not one: nothing else ties them",
      plan(FIXTURE_FEATURES),
      plan(edit({ "legal-chat": { id: "legal-research", budgetUsdPerDay: 99 } })),
      [],
    ],
    [
      "a recorded display name ties them even when the owner's budget changed",
      plan(FIXTURE_FEATURES, true),
      plan(edit({ "legal-chat": { id: "legal-research", budgetUsdPerDay: 99 } }), true),
      [["legal-chat", "legal-research", "name"]],
    ],
    [
      "two removed features that both match one added feature give one rename, the first by id",
      plan(edit({ "legal-chat": { budgetUsdPerDay: 40 } })),
      plan([{ ...FIXTURE_FEATURES[0], id: "clause-extraction" }]),
      [["extract-clause", "clause-extraction", "owner"]],
    ],
    [
      "an added feature alone is no rename",
      plan(FIXTURE_FEATURES, true),
      plan(edit({}).concat({ ...FIXTURE_FEATURES[0], id: "draft" }), true),
      [],
    ],
  ])("%s", (_, base, head, expected) => {
    const renames = comparePlans(base, head).renames;
    expect(renames.map((r) => [r.from, r.to, "displayName" in r.match ? "name" : "owner"])).toEqual(expected);
  });

  it("lists what the old id loses: its monitors and Sentry rules", () => {
    const [r] = comparePlans(plan(FIXTURE_FEATURES), plan(edit({ "legal-chat": { id: "legal-research" } }))).renames;
    expect(r.monitors).toEqual([
      "monitor-legal-chat-cost-budget",
      "monitor-legal-chat-quality-drop",
      "monitor-legal-chat-total-latency-p95",
      "monitor-legal-chat-ttft-p95",
    ]);
    expect(r.sentryRules).toEqual(["sentry-issue-alert-legal-chat", "sentry-metric-alert-legal-chat"]);
  });
});
