// The SLI events the emitter sends for the latency and quality SLOs (llm.slo.events): each
// successful call judged against the feature's p95 thresholds, each judge score against the pass
// score, resolved like the stack's SLOs, none for a feature with `slo: false`.
import { describe, expect, it } from "vitest";
import { type EmitterOptions, type LlmCall } from "../emit";
import { CALL, EXTRACT_CLAUSE, mockEmitter } from "./fixtures/emit";

const SLI = "llm.slo.events:1|c|#feature:extract-clause";
const sli = (lines: string[]) => lines.filter((l) => l.startsWith("llm.slo.events"));

function call(
  overrides: Partial<LlmCall>,
  feature: Partial<EmitterOptions["features"][number]> = {},
  options: Partial<EmitterOptions> = {},
) {
  const { emitter, lines } = mockEmitter([{ ...EXTRACT_CLAUSE, ...feature }], options);
  expect(emitter.recordLlmCall({ ...CALL, ...overrides })).toBe("sent");
  return sli(lines());
}

function judged(score: number, feature: Partial<EmitterOptions["features"][number]> = {}, options: Partial<EmitterOptions> = {}) {
  const { emitter, lines } = mockEmitter([{ ...EXTRACT_CLAUSE, ...feature }], options);
  expect(emitter.recordJudgeScore({ feature: "extract-clause", tenant: "acme", score, scale: "0-100", traceId: "t-1" })).toBe("sent");
  return sli(lines());
}

describe("the latency SLI", () => {
  it.each<[string, Partial<LlmCall>, Partial<EmitterOptions["features"][number]>, "good" | "bad"]>([
    ["within both of the chapter's thresholds (800 ms, 5000 ms)", { ttftMs: 800, durationMs: 5000 }, {}, "good"],
    ["a first token 1 ms late", { ttftMs: 801, durationMs: 1000 }, {}, "bad"],
    ["a whole answer 1 ms late", { ttftMs: 100, durationMs: 5001 }, {}, "bad"],
    [
      "late by the chapter, within the feature's own thresholds",
      { ttftMs: 1400, durationMs: 11000 },
      { latency: { ttftP95Ms: 1500, totalP95Ms: 12000 } },
      "good",
    ],
    ["a non-streaming call judged on its total time alone", { ttftMs: undefined, durationMs: 4000 }, {}, "good"],
  ])("counts %s as %s", (_, overrides, feature, verdict) => {
    expect(call(overrides, feature)).toEqual([`${SLI},objective:latency,verdict:${verdict}`]);
  });

  it("counts no event for a failed call: failures spend the availability budget, from llm.requests", () => {
    expect(call({ status: "error", durationMs: 30_000 })).toEqual([]);
  });
});

describe("the quality SLI", () => {
  it.each<[string, number, Partial<EmitterOptions["features"][number]>, Partial<EmitterOptions>, "good" | "bad"]>([
    ["a score at the default pass score 70", 70, {}, {}, "good"],
    ["a score just under it", 69.9, {}, {}, "bad"],
    ["a score under the feature's own pass score", 75, { slo: { quality: { passScore: 80 } } }, {}, "bad"],
    ["a score at the stack's pass score, given as the slo option", 60, {}, { slo: { quality: { passScore: 60 } } }, "good"],
    [
      "the feature's pass score over the stack's",
      65,
      { slo: { quality: { passScore: 60 } } },
      { slo: { quality: { passScore: 90 } } },
      "good",
    ],
  ])("counts %s as %s", (_, score, feature, options, verdict) => {
    expect(judged(score, feature, options)).toEqual([`${SLI},objective:quality,verdict:${verdict}`]);
  });

  it("judges the converted score: 0.83 on 0-1 is 83, good", () => {
    const { emitter, lines } = mockEmitter([EXTRACT_CLAUSE]);
    emitter.recordJudgeScore({ feature: "extract-clause", tenant: "acme", score: 0.83, scale: "0-1", traceId: "t-1" });
    expect(sli(lines())).toEqual([`${SLI},objective:quality,verdict:good`]);
  });
});

describe("a feature without SLOs", () => {
  it("sends no SLI event at all, for calls or scores", () => {
    expect(call({}, { slo: false })).toEqual([]);
    expect(judged(90, { slo: false })).toEqual([]);
  });
});

describe("createEmitter", () => {
  it.each<[string, Partial<EmitterOptions>, Partial<EmitterOptions["features"][number]>, string]>([
    [
      "a pass score off the judge's scale",
      {},
      { slo: { quality: { passScore: 101 } } },
      "features[0].slo.quality.passScore: must be a judge score",
    ],
    ["a stack pass score off the scale", { slo: { quality: { passScore: -1 } } }, {}, "slo.quality.passScore: must be a judge score"],
    [
      "a latency threshold that is not a positive number",
      {},
      { latency: { ttftP95Ms: 0 } },
      "features[0].latency.ttftP95Ms: must be a positive",
    ],
  ])("refuses %s at startup, naming the option", (_, options, feature, problem) => {
    expect(() => mockEmitter([{ ...EXTRACT_CLAUSE, ...feature }], options)).toThrow(problem);
  });
});
