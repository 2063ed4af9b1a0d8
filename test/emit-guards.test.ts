// The emitter's guards and price computation, table-driven, against hot-shots' mock client
// (the wire format itself is covered by emit-udp.test.ts).
import { StatsD } from "hot-shots";
import { describe, expect, it } from "vitest";
import {
  BUCKET,
  costUsd,
  createEmitter,
  type EmitterOptions,
  type LlmCall,
  looksUnbounded,
  type ModelPrice,
  normalizeModelId,
} from "../emit";
import { CALL, EXTRACT_CLAUSE, mockEmitter } from "./fixtures/emit";

const FEATURES: EmitterOptions["features"] = [EXTRACT_CLAUSE, { id: "intake-classify", providers: ["openai"] }];

function setup(overrides: Partial<EmitterOptions> = {}) {
  const { emitter, client, lines, warnings, judged } = mockEmitter(FEATURES, overrides);
  /** The value of `tag` on the first line of `metric`. */
  const tagOf = (metric: string, tag: string) => {
    const line = lines().find((l) => l.startsWith(`${metric}:`));
    if (line === undefined) return undefined;
    const tags = (line.split("|#")[1] ?? "").split(",");
    return tags.find((t) => t.startsWith(`${tag}:`))?.slice(tag.length + 1) ?? null;
  };
  return { emitter, client, lines, tagOf, warnings, judged };
}

describe("cost computation", () => {
  const sonnet: ModelPrice = { input: 3, output: 15, cachedInput: 0.3 };
  it.each<[string, ModelPrice, [number, number, number], number]>([
    ["bills input, output and cache reads at their own rates", sonnet, [1200, 350, 800], 0.00909],
    ["bills cache reads at the input rate when the table has no cache price", { input: 2, output: 8 }, [1000, 0, 1000], 0.004],
    ["costs nothing for a call without tokens", sonnet, [0, 0, 0], 0],
    ["keeps a single token's cost instead of rounding it to zero", { input: 0.1, output: 0.4 }, [1, 0, 0], 1e-7],
    ["reaches whole dollars for a million tokens each way", sonnet, [1_000_000, 1_000_000, 0], 18],
    ["rounds away float noise (0.1 + 0.2)", { input: 0.1, output: 0.2 }, [1_000_000, 1_000_000, 0], 0.3],
  ])("%s", (_, price, [inputTokens, outputTokens, cachedTokens], expected) => {
    expect(costUsd(price, { inputTokens, outputTokens, cachedTokens })).toBe(expected);
  });

  it.each<[string, Partial<LlmCall>, EmitterOptions["prices"], string | undefined]>([
    ["uses the given costUsd even when the model is priced", { costUsd: 0.5 }, { "claude-sonnet-4-5": { input: 3, output: 15 } }, "0.5"],
    [
      "computes the cost from the price table when costUsd is undefined",
      { costUsd: undefined },
      { "claude-sonnet-4-5": { input: 3, output: 15 } },
      "0.006",
    ],
    [
      "finds a price keyed by the provider's dated id when the tag is normalized",
      { costUsd: undefined, model: "claude-sonnet-4-5-20250929" },
      { "claude-sonnet-4-5-20250929": { input: 3, output: 15 } },
      "0.006",
    ],
    ["emits no cost line for an unpriced model", { costUsd: undefined, model: "gpt-4.1" }, {}, undefined],
    ["emits no cost line for a free call", { costUsd: 0 }, undefined, undefined],
  ])("%s", (_, call, prices, costValue) => {
    const { emitter, lines } = setup({ prices, models: { normalize: normalizeModelId } });
    emitter.recordLlmCall({ ...CALL, ...call });
    const line = lines().find((l) => l.startsWith("llm.cost.usd:"));
    expect(line?.split("|")[0].split(":")[1]).toBe(costValue);
  });

  it("counts an unpriced call once and says which model has no price", () => {
    const { emitter, warnings } = setup({
      prices: { "gpt-4.1": { input: 2, output: 8 } },
      models: { allow: ["gpt-4.1", "claude-sonnet-4-5"] },
    });
    expect(emitter.recordLlmCall({ ...CALL, costUsd: undefined })).toBe("bucketed");
    expect(emitter.stats().unpriced).toBe(1);
    expect(warnings[0].message).toContain('no price for model "claude-sonnet-4-5"');
  });
});

describe("unbounded-looking values", () => {
  it.each<[string, ReturnType<typeof looksUnbounded>]>([
    ["acme-legal", undefined],
    ["globex", undefined],
    ["tenant-42", undefined],
    ["eu-west-1", undefined],
    ["internationalization", undefined],
    ["0f8fad5b-d9cb-469f-a165-70867728950e", "uuid"],
    ["0F8FAD5BD9CB469FA16570867728950E", "uuid"],
    ["jane@acme.com", "email"],
    ["123456", "number"],
    ["507f1f77bcf86cd799439011", "hex"],
    ["tn_5f2b9c0d1e3a4b6c7d", "hex"],
    ["01ARZ3NDEKTSV4RRFFQ69G5FAV", "random-id"],
    ["cus_NffrFeUfNV2Hib", "random-id"],
    ["a".repeat(65), "too-long"],
  ])("classifies %j as %s", (value, kind) => {
    expect(looksUnbounded(value)).toBe(kind);
  });
});

describe("the tenant tag", () => {
  const UUID = "0f8fad5b-d9cb-469f-a165-70867728950e";
  it.each<[string, EmitterOptions["tenants"], string, string, string | undefined]>([
    ["passes a slug in open mode", undefined, "acme-legal", "acme-legal", undefined],
    ["lowercases like Datadog does", undefined, "Acme-Legal", "acme-legal", undefined],
    ["buckets a UUID in open mode", undefined, UUID, BUCKET, "tenant_unbounded"],
    ["buckets an email in open mode", undefined, "ops@acme.com", BUCKET, "tenant_unbounded"],
    ["buckets an empty tenant", undefined, "", BUCKET, "tenant_invalid"],
    ["buckets characters Datadog would mangle", undefined, "acme legal", BUCKET, "tenant_invalid"],
    ["passes a UUID that is on the allow list", { allow: [UUID.toUpperCase()] }, UUID, UUID, undefined],
    ["buckets a slug outside the allow list", { allow: ["acme-legal"] }, "globex", BUCKET, "tenant_not_allowed"],
    ["passes an id matching the configured pattern", { pattern: /^t-\d{6}$/ }, "t-004211", "t-004211", undefined],
    ["buckets an id that misses the configured pattern", { pattern: /^t-\d{6}$/ }, "t-12", BUCKET, "tenant_not_allowed"],
  ])("%s", (_, tenants, tenant, expected, reason) => {
    const { emitter, tagOf } = setup({ tenants });
    emitter.recordLlmCall({ ...CALL, tenant });
    expect(tagOf("llm.requests", "tenant")).toBe(expected);
    expect(tagOf("llm.cost.usd", "tenant")).toBe(expected);
    expect(emitter.stats().reasons).toEqual(reason ? { [reason]: 1 } : {});
  });

  it("sends newcomers beyond maxDistinct as the bucket value while known tenants keep their tag", () => {
    const { emitter, lines } = setup({ tenants: { maxDistinct: 2 } });
    for (const tenant of ["a-corp", "b-corp", "c-corp", "a-corp"]) emitter.recordLlmCall({ ...CALL, tenant, costUsd: 0 });
    const tenants = lines()
      .map((l) => /tenant:([^,|]+)/.exec(l)?.[1])
      .filter(Boolean);
    expect(tenants).toEqual(["a-corp", "b-corp", BUCKET, "a-corp"]);
    expect(emitter.stats().reasons).toEqual({ tenant_overflow: 1 });
  });
});

describe("calls the guards reject or bucket", () => {
  type Case = [string, (e: ReturnType<typeof setup>["emitter"]) => unknown, "sent" | "bucketed" | "rejected", string | undefined];
  it.each<Case>([
    ["rejects an unknown feature", (e) => e.recordLlmCall({ ...CALL, feature: "contract-redline" }), "rejected", "unknown_feature"],
    ["rejects a call with no argument at all", (e) => e.recordLlmCall(undefined as unknown as LlmCall), "rejected", "unknown_feature"],
    ["rejects a status outside ok / error", (e) => e.recordLlmCall({ ...CALL, status: "timeout" as "ok" }), "rejected", "invalid_status"],
    ["rejects a NaN duration", (e) => e.recordLlmCall({ ...CALL, durationMs: Number.NaN }), "rejected", "invalid_number"],
    ["rejects a negative TTFT", (e) => e.recordLlmCall({ ...CALL, ttftMs: -1 }), "rejected", "invalid_number"],
    [
      "rejects a token count passed as a string",
      (e) => e.recordLlmCall({ ...CALL, inputTokens: "12" as unknown as number }),
      "rejected",
      "invalid_number",
    ],
    ["rejects an infinite cost", (e) => e.recordLlmCall({ ...CALL, costUsd: Number.POSITIVE_INFINITY }), "rejected", "invalid_number"],
    [
      "buckets a provider the feature does not declare",
      (e) => e.recordLlmCall({ ...CALL, provider: "mistral" }),
      "bucketed",
      "unknown_provider",
    ],
    [
      "drops the tag of a flag the feature does not declare",
      (e) => e.recordLlmCall({ ...CALL, flags: { "chat-tool-use": true } }),
      "bucketed",
      "unknown_flag",
    ],
    [
      "buckets a flag state outside on / off",
      (e) => e.recordLlmCall({ ...CALL, flags: { "clause-prompt-v2": "v3" } }),
      "bucketed",
      "flag_value",
    ],
    [
      "passes a flag state from the configured flagValues",
      (e) => e.recordLlmCall({ ...CALL, flags: { "clause-prompt-v2": "Shadow" } }),
      "sent",
      undefined,
    ],
    [
      "buckets an index the feature does not declare",
      (e) => e.recordRetrieval({ feature: "extract-clause", index: "case-law", durationMs: 5 }),
      "bucketed",
      "unknown_index",
    ],
    [
      "buckets any index of a feature without retrieval",
      (e) => e.recordRetrieval({ feature: "intake-classify", index: "clause-library", durationMs: 5 }),
      "bucketed",
      "unknown_index",
    ],
    [
      "rejects a judge score above 100",
      (e) => e.recordJudgeScore({ feature: "extract-clause", tenant: "acme", score: 101, scale: "0-100", traceId: "t1" }),
      "rejected",
      "invalid_score",
    ],
    [
      "rejects a negative judge score",
      (e) => e.recordJudgeScore({ feature: "extract-clause", tenant: "acme", score: -1, scale: "0-100", traceId: "t1" }),
      "rejected",
      "invalid_number",
    ],
    [
      "keeps a score whose trace id is not URL-safe, without the id",
      (e) => e.recordJudgeScore({ feature: "extract-clause", tenant: "acme", score: 40, scale: "0-100", traceId: "a b/c" }),
      "bucketed",
      "invalid_trace_id",
    ],
  ])("%s", (_, act, outcome, reason) => {
    const { emitter, lines } = setup({ flagValues: { "clause-prompt-v2": ["shadow", "on", "off"] } });
    expect(act(emitter)).toBe(outcome);
    expect(emitter.stats().reasons).toEqual(reason ? { [reason]: 1 } : {});
    if (outcome === "rejected") expect(lines()).toEqual([]);
    else expect(lines().length).toBeGreaterThan(0);
  });

  it("writes the judge log without a trace id rather than with one the dashboard cannot link", () => {
    const { emitter, judged } = setup();
    emitter.recordJudgeScore({ feature: "extract-clause", tenant: "acme", score: 40, scale: "0-100", traceId: "../../admin" });
    expect(judged).toHaveLength(1);
    expect(judged[0]).not.toHaveProperty("trace_id");
    expect(judged[0].judge_model).toBe("claude-opus-4-1-20250805");
  });

  it("never puts the trace id on the judge score metric", () => {
    const { emitter, lines } = setup();
    emitter.recordJudgeScore({
      feature: "extract-clause",
      tenant: "acme",
      score: 77,
      scale: "0-100",
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      judgeModel: "gpt-5-2025-08-07",
    });
    expect(lines()).toEqual([
      "llm.judge.score:77|d|#feature:extract-clause,tenant:acme",
      "llm.slo.events:1|c|#feature:extract-clause,objective:quality,verdict:good",
    ]);
  });
});

describe("a bad call never throws into the caller", () => {
  const fail = (what: string) => () => {
    throw new Error(what);
  };
  it.each<[string, Partial<EmitterOptions>]>([
    ["when the logger throws", { logger: { warn: fail("log sink down") } }],
    ["when the judge-log sink throws", { judgeLog: fail("stdout closed") }],
  ])("%s", (_, overrides) => {
    const { emitter } = setup(overrides);
    expect(() => emitter.recordLlmCall({ ...CALL, feature: "nope" })).not.toThrow();
    expect(() =>
      emitter.recordJudgeScore({ feature: "extract-clause", tenant: "acme", score: 50, scale: "0-100", traceId: "t1" }),
    ).not.toThrow();
  });

  it("when the DogStatsD client itself throws, counting the call as an internal error", () => {
    const client = new StatsD({ mock: true });
    client.increment = () => {
      throw new Error("socket exploded");
    };
    const emitter = createEmitter({ features: FEATURES, client, logger: { warn: () => {} } });
    expect(emitter.recordLlmCall(CALL)).toBe("rejected");
    expect(emitter.stats().reasons).toEqual({ internal_error: 1 });
  });
});

describe("logging of bad calls", () => {
  it("logs one line per reason per interval and reports how many it stood for", () => {
    let t = 0;
    const { emitter, warnings } = setup({ now: () => t, logIntervalMs: 60_000 });
    for (let i = 0; i < 5; i++) emitter.recordLlmCall({ ...CALL, feature: "nope" });
    emitter.recordLlmCall({ ...CALL, status: "later" as "ok" });
    t = 60_000;
    emitter.recordLlmCall({ ...CALL, feature: "nope" });
    expect(warnings.map((w) => [w.fields.reason, w.fields.suppressed])).toEqual([
      ["unknown_feature", undefined],
      ["invalid_status", undefined],
      ["unknown_feature", 4],
    ]);
    expect(warnings[2].message).toContain("(4 more like this since the last report)");
    expect(emitter.stats().reasons.unknown_feature).toBe(6);
  });
});

describe("createEmitter", () => {
  it.each<[string, Partial<EmitterOptions>, string]>([
    ["no features", { features: [] }, "features: must list at least one feature"],
    ["a duplicate feature", { features: [FEATURES[0], FEATURES[0]] }, 'features[1].id: duplicate feature "extract-clause"'],
    ["a feature without providers", { features: [{ id: "x", providers: [] }] }, "features[0].providers: must list at least one provider"],
    [
      "a negative price",
      { prices: { "gpt-4.1": { input: -2, output: 8 } } },
      'prices["gpt-4.1"].input: must be a number >= 0 (USD per million tokens) (got -2)',
    ],
    ["a bad prefix", { prefix: "LLM-Metrics" }, 'prefix: must be a Datadog metric prefix such as llm (got "LLM-Metrics")'],
  ])("fails fast at startup on %s, naming the option", (_, overrides, problem) => {
    expect(() => setup(overrides)).toThrow(problem);
  });

  it("names every metric from the contract, so a custom prefix moves them all", () => {
    const { emitter, lines } = setup({ prefix: "acme.llm" });
    emitter.recordLlmCall(CALL);
    expect(new Set(lines().map((l) => l.split(":")[0]))).toEqual(
      new Set(["acme.llm.requests", "acme.llm.cost.usd", "acme.llm.tokens", "acme.llm.ttft", "acme.llm.duration", "acme.llm.slo.events"]),
    );
  });
});
