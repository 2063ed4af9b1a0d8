// `npm test` runs the repository's own alert scenarios (scenarios/) for every stack of the user,
// in process, against the stacks synthesized from the user's catalog: every scenario holds for
// any valid catalog (docs/scenarios.md, "Why the repository's own scenarios use feature: \"*\""),
// which test/catalog-swap.test.ts proves by running this file on a generated catalog.
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import type { StackUnderTest } from "../../evaluator/run";
import { formatResults, runScenarioDir, scenarioFiles } from "../../tools/scenarios";
import { stackFromPlan, withOrgConfigurations } from "../../tools/scenario-stack";
import { RESOURCE_TAG, tagValue } from "../../config/names";
import { REPO, USER_STACKS, userSynth } from "./user-catalog";

const DIR = path.join(REPO, "scenarios");
const stacks = new Map<string, StackUnderTest>();

beforeAll(async () => {
  const synthesized = [];
  for (const name of USER_STACKS) synthesized.push({ name, ...(await userSynth(name)) });
  // The stacks share one Datadog org: its tag configurations come from the stack that owns them (synthStack does the same).
  const org = synthesized.filter((s) => s.catalog.stack.ownsOrgResources);
  for (const s of synthesized) {
    let stack = stackFromPlan(s.name, s.plan, s.catalog);
    for (const o of org) if (o !== s) stack = withOrgConfigurations(stack, o.plan);
    stacks.set(s.name, stack);
  }
});

describe("the repository's alert scenarios hold on every stack of the user", () => {
  it("has at least two scenarios about every monitor kind of the stacks.", () => {
    const monitors = [...stacks.values()].flatMap((s) => s.monitors);
    const kinds = new Set(monitors.flatMap((m) => tagValue(m.body.tags, RESOURCE_TAG.monitor) ?? []));
    const about = (kind: string) =>
      scenarioFiles(DIR).filter((f) => {
        const doc = parseYaml(fs.readFileSync(f, "utf8")) as { expect: { monitor?: string }[] };
        return doc.expect.some((x) => x.monitor === kind);
      });
    for (const kind of kinds) expect(about(kind).length, kind).toBeGreaterThanOrEqual(2);
  });

  it.each(USER_STACKS)("every scenario passes on %s.", (name) => {
    const results = runScenarioDir(DIR, stacks.get(name)!);
    const bad = results.filter((r) => r.status !== "passed");
    expect(bad.length, formatResults(bad, `scenarios that do not pass on ${name}:`)).toBe(0);
  });
});
