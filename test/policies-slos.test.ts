// The SLO policy (feature-has-slos) on fake whole-stack resource lists, AWSGuard style, and the
// monitor rules of the pack over `slo alert` monitors: the example's pass, each broken one fails.
import { describe, expect, it, vi } from "vitest";
import { legalFeatures } from "./fixtures/legal";
import { monitorHasOwner, monitorHasPriority } from "../policies/rules/monitors";
import { monitorHasEscalationPath } from "../policies/rules/paging";
import { monitorHasRunbook } from "../policies/rules/runbooks";
import { featureHasSlos, SLO_ALERT_KINDS } from "../policies/rules/slos";
import { monitorThresholdMatchesQuery, monitorThresholdsOrdered } from "../policies/rules/thresholds";
import { noUnboundedGroupBy } from "../policies/rules/queries";
import type { CheckedResource } from "../policies/offline";
import { cleanStack, runResourcePolicy, runStackPolicy } from "./fixtures/policy-args";

// The policy pack reads the legal fixture as its repository's catalog, never the user's (test/fixtures/legal-context.ts).
vi.mock("../policies/context", async (importOriginal) =>
  (await import("./fixtures/legal-context")).legalRepoContext(await importOriginal()),
);

const stack = () => cleanStack();
const tagsOf = (r: CheckedResource) => r.props.tags as string[] | undefined;
const without = (name: string) => stack().filter((r) => r.name !== name);
const features = legalFeatures();
const [first] = features;

describe("feature-has-slos", () => {
  it("passes a paging stack where every feature has its three SLOs and each their three monitors", async () => {
    expect(await runStackPolicy(featureHasSlos, stack())).toEqual({ violations: [], notApplicable: false });
  });

  it("rejects a feature missing an SLO, naming the objective and the resource it expected", async () => {
    const { violations } = await runStackPolicy(featureHasSlos, without(`slo-${first.id}-latency`));
    expect(violations.map((v) => v.message)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^feature "${first.id}" has no latency SLO: no datadog.ServiceLevelObjective is tagged feature:${first.id} with ` +
            `objective:latency \\(expected "slo-${first.id}-latency"\\)`,
        ),
      ),
    ]);
  });

  it.each(SLO_ALERT_KINDS)("rejects a feature whose quality objective lacks its %s monitor", async (kind) => {
    const { violations } = await runStackPolicy(featureHasSlos, without(`monitor-${first.id}-${kind}-quality`));
    expect(violations.map((v) => v.message)).toEqual([
      expect.stringContaining(`feature "${first.id}" lacks 1 SLO monitor (monitor-${first.id}-${kind}-quality)`),
    ]);
  });

  it("does not count a composite's muted building block as the objective's monitor", async () => {
    const name = `monitor-${first.id}-slo-fast-burn-quality`;
    const resources = stack().map((r) =>
      r.name === name
        ? { ...r, name: `${name}-burn`, props: { ...r.props, tags: [...(r.props.tags as string[]), "part:quality-burn"] } }
        : r,
    );
    const { violations } = await runStackPolicy(featureHasSlos, resources);
    expect(violations.map((v) => v.message)).toEqual([expect.stringContaining(`feature "${first.id}" lacks 1 SLO monitor (${name})`)]);
  });

  it("rejects a feature that opted out without a reason", async () => {
    const resources = stack().filter((r) => !r.name.startsWith(`slo-${first.id}-`) && !r.name.startsWith(`monitor-${first.id}-slo-`));
    const { violations } = await runStackPolicy(featureHasSlos, resources, { sloOptOuts: { [first.id]: " " } });
    expect(violations.map((v) => v.message)).toEqual([
      expect.stringMatching(
        new RegExp(`^feature "${first.id}" has no SLOs \\(slo: false\\) and no sloOptOutReason, on a stack that pages`),
      ),
    ]);
  });

  it("accepts a feature that opted out with a reason", async () => {
    const resources = stack().filter((r) => !r.name.startsWith(`slo-${first.id}-`) && !r.name.startsWith(`monitor-${first.id}-slo-`));
    expect(
      await runStackPolicy(featureHasSlos, resources, { sloOptOuts: { [first.id]: "internal tool, no user-facing promise" } }),
    ).toEqual({
      violations: [],
      notApplicable: false,
    });
    // Without the opt-out the same stack is missing that feature's SLOs.
    expect((await runStackPolicy(featureHasSlos, resources)).violations).toHaveLength(2);
  });

  it("does not apply to a stack that may not page", async () => {
    expect(await runStackPolicy(featureHasSlos, [], { paging: false })).toMatchObject({ notApplicable: true });
    expect(await runStackPolicy(featureHasSlos, without(`slo-${first.id}-latency`), { paging: false })).toEqual({
      violations: [],
      notApplicable: true,
    });
  });

  it("checks the features its config names, not only those of the catalog", async () => {
    const { violations } = await runStackPolicy(featureHasSlos, stack(), { features: [...features.map((f) => f.id), "new-feature"] });
    expect(violations.map((v) => v.message)).toEqual([
      expect.stringContaining('feature "new-feature" has no availability, latency, quality SLOs'),
      expect.stringContaining('feature "new-feature" lacks 9 SLO monitors'),
    ]);
  });
});

describe("the monitor rules judge the SLO monitors like any monitor", () => {
  const sloMonitors = stack().filter((r) => (tagsOf(r) ?? []).some((t) => t.startsWith("monitor:slo-")));
  const byName = (suffix: string) => sloMonitors.find((r) => r.name === `monitor-${first.id}-${suffix}`)!;
  // The fast burn pages through its composite; its burn-rate `slo alert` and traffic guard are muted building blocks.
  const fast = byName("slo-fast-burn-availability");
  const burnBlock = byName("slo-fast-burn-availability-burn");
  const trafficBlock = byName("slo-fast-burn-traffic");
  const slow = byName("slo-slow-burn-availability");
  const budget = byName("slo-budget-availability");
  const change = (r: CheckedResource, props: Record<string, unknown>): CheckedResource => ({ ...r, props: { ...r.props, ...props } });
  const rules = [
    monitorHasOwner,
    monitorHasPriority,
    monitorHasRunbook,
    monitorHasEscalationPath,
    monitorThresholdMatchesQuery,
    monitorThresholdsOrdered,
    noUnboundedGroupBy,
  ];

  it("the fixture's fast burn is a paging composite, as the program builds it", () => {
    expect([fast.props.type, fast.props.priority, burnBlock.props.type, trafficBlock.props.type]).toEqual([
      "composite",
      "2",
      "slo alert",
      "query alert",
    ]);
  });

  it.each(rules.map((r) => [r.name, r]))(
    "%s accepts the fixture's fast-burn composite, its building blocks, slow burn and budget",
    async (_, rule) => {
      for (const r of [fast, burnBlock, trafficBlock, slow, budget])
        expect(await runResourcePolicy(rule, r), r.name).toEqual({ violations: [], notApplicable: false });
    },
  );

  it.each<[string, CheckedResource, string]>([
    [
      "a burn rate that is not the critical threshold",
      change(burnBlock, { monitorThresholds: { critical: "6" } }),
      "monitor-threshold-matches-query",
    ],
    ["a slo alert query without a comparison", change(slow, { query: 'burn_rate("x").over("30d")' }), "monitor-threshold-matches-query"],
    [
      "a budget warning above its alert",
      change(budget, { monitorThresholds: { critical: "100", warning: "120" } }),
      "monitor-thresholds-ordered",
    ],
    [
      "a fast-burn composite that pages no one",
      change(fast, { message: `${String(fast.props.message).split("\n")[0]}\n{{#is_alert}}@slack-x{{/is_alert}}` }),
      "monitor-has-escalation-path",
    ],
    [
      "a fast-burn composite without owner",
      change(fast, { tags: (fast.props.tags as string[]).filter((t) => !t.startsWith("team:")) }),
      "monitor-has-owner",
    ],
    [
      "a fast-burn composite without runbook",
      change(fast, { message: String(fast.props.message).split("\n").slice(1).join("\n") }),
      "monitor-has-runbook",
    ],
    ["a fast-burn composite without priority", change(fast, { priority: undefined }), "monitor-has-priority"],
    [
      "a budget monitor without runbook",
      change(budget, { message: "{{#is_alert}}@slack-ai-platform-alerts{{/is_alert}}" }),
      "monitor-has-runbook",
    ],
  ])("rejects %s", async (_, r, policy) => {
    const rule = rules.find((x) => x.name === policy)!;
    expect((await runResourcePolicy(rule, r)).violations.length).toBeGreaterThan(0);
  });
});
