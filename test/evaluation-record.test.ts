// The catalog record a plan keeps for the evaluator (plan.evaluation, evaluator/catalog.ts): it
// carries each feature's resolved SLO, so `npm run diff` replays SLO scenarios on a side it only
// holds as a plan, and a record from before SLOs replays as a program that sent no SLI events.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { featureSlo } from "../config/slo";
import { catalogFromRecord, evaluationRecord } from "../evaluator/catalog";
import { errorShare } from "../evaluator/scenario";
import { type EvaluationRecord, planJson, readPlan } from "../plan/plan";
import { loadCatalog, stackConfigFromPulumi } from "../config/validate";
import { legalCatalog, legalFeatures, legalStackConfig, legalTeams, recordedPlan } from "./fixtures/legal";
import { planOf } from "./fixtures/policy-args";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "evaluation-record-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

// The legal fixture with its stack's default SLO raised, one feature opted out and one with its own targets.
const features = legalFeatures().map((f, i) => (i === 1 ? { ...f, slo: false as const } : f));
const catalog = loadCatalog({
  features,
  teams: legalTeams(),
  config: stackConfigFromPulumi(legalStackConfig("prod", { monitoring: { slo: { availability: 99.9, window: "7d" } } })),
});

describe("the evaluation record of a plan", () => {
  const replayed = catalogFromRecord(evaluationRecord(catalog));

  it("replays every feature with the SLO the catalog resolves for it, opted-out features without any", () => {
    expect(replayed.features.map((f) => featureSlo(f, replayed.stack))).toEqual(catalog.features.map((f) => featureSlo(f, catalog.stack)));
    expect(replayed.features.map((f) => featureSlo(f, replayed.stack) === undefined)).toEqual(features.map((f) => f.slo === false));
  });

  it("gives an opted-out feature the stack's availability target for a scenario's `errorRate: Nx`", () => {
    const optedOut = replayed.features[1];
    expect(errorShare("10x", optedOut, replayed)).toBeCloseTo(0.01, 10);
    expect(errorShare("10x", optedOut, replayed)).toBe(errorShare("10x", catalog.features[1], catalog));
  });

  it("replays a record from before SLOs (no SLI counter, no slo) as features without SLOs", () => {
    const record = evaluationRecord(legalCatalog("prod")) as EvaluationRecord;
    const { sloEvents: _, ...metrics } = record.metrics;
    const old: EvaluationRecord = {
      ...record,
      stack: { ...record.stack, slo: undefined },
      metrics,
      features: record.features.map(({ slo: _s, ...f }) => f),
    };
    const c = catalogFromRecord(JSON.parse(JSON.stringify(old)));
    expect(c.features.map((f) => featureSlo(f, c.stack))).toEqual(c.features.map(() => undefined));
  });

  it.each<[string, (r: EvaluationRecord) => void, string]>([
    [
      "a window Datadog has no SLOs for",
      (r) => (r.features[0].slo = { ...(r.features[0].slo as object), window: "1d" as never }),
      "evaluation.features[0].slo: needs window (7d, 30d, 90d)",
    ],
    [
      "a target given as a fraction of 1 above 100",
      (r) => (r.stack.slo = { ...r.stack.slo, availability: 995 }),
      "evaluation.stack.slo: needs window (7d, 30d, 90d), availability, latency and quality.target in (0, 100)",
    ],
    [
      "a pass score missing",
      (r) => (r.features[2].slo = { ...(r.features[2].slo as object), quality: { target: 95 } }),
      "evaluation.features[2].slo: needs",
    ],
  ])("refuses a plan whose record has %s, naming the field", (_, spoil, message) => {
    const plan = recordedPlan(planOf([]));
    spoil(plan.evaluation!);
    const file = path.join(scratch, "plan.json");
    fs.writeFileSync(file, planJson(plan));
    expect(() => readPlan(file)).toThrow(message);
  });

  it("accepts the record synth writes", () => {
    const file = path.join(scratch, "clean.json");
    fs.writeFileSync(file, planJson(recordedPlan(planOf([]))));
    expect(readPlan(file).evaluation?.features.every((f) => f.slo !== undefined)).toBe(true);
  });
});
