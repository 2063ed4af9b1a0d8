// The emitter against a real DogStatsD listener on loopback: the exact lines an agent would
// receive for a realistic sequence of calls, including the ones the guards bucket or drop.
import * as dgram from "node:dgram";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createEmitter, type Emitter, type JudgeLogRecord, normalizeModelId } from "../emit";
import { legalCatalog } from "./fixtures/legal";

interface Listener {
  port: number;
  lines: string[];
  /** Resolves once `n` lines arrived (the socket is real, so delivery is asynchronous). */
  received(n: number): Promise<string[]>;
  close(): Promise<void>;
}

function listen(): Promise<Listener> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket("udp4");
    const lines: string[] = [];
    const waiters: { n: number; resolve: (l: string[]) => void }[] = [];
    socket.on("message", (msg) => {
      lines.push(...msg.toString("utf8").split("\n").filter(Boolean));
      for (const w of waiters.filter((w) => lines.length >= w.n)) w.resolve(lines);
    });
    socket.bind(0, "127.0.0.1", () =>
      resolve({
        port: socket.address().port,
        lines,
        received: (n) => (lines.length >= n ? Promise.resolve(lines) : new Promise((r) => waiters.push({ n, resolve: r }))),
        close: () => new Promise((r) => socket.close(() => r())),
      }),
    );
  });
}

describe("the emitter over UDP", () => {
  let agent: Listener;
  let emitter: Emitter;
  let judgeLogs: JudgeLogRecord[];
  let warnings: string[];
  const ddEnv = process.env.DD_ENV;

  beforeEach(async () => {
    // Unified-service-tagging variables would add tags to every line; this test pins them.
    delete process.env.DD_ENV;
    agent = await listen();
    judgeLogs = [];
    warnings = [];
    const catalog = legalCatalog("prod");
    emitter = createEmitter({
      features: catalog.features,
      prefix: catalog.stack.metricPrefix,
      env: "prod",
      statsd: { host: "127.0.0.1", port: agent.port },
      tenants: { allow: ["acme-legal", "globex"] },
      models: { normalize: normalizeModelId },
      prices: {
        "claude-sonnet-4-5-20250929": { input: 3, output: 15, cachedInput: 0.3 },
        "gpt-4.1": { input: 2, output: 8, cachedInput: 0.5 },
      },
      judgeLog: (r) => judgeLogs.push(r),
      logger: { warn: (m) => warnings.push(m) },
      now: () => Date.parse("2026-03-02T10:00:00Z"),
    });
  });

  afterEach(async () => {
    await emitter.close();
    await agent.close();
    if (ddEnv !== undefined) process.env.DD_ENV = ddEnv;
  });

  it("writes exactly the contract's DogStatsD lines for a realistic sequence of calls", async () => {
    const outcomes = [
      emitter.recordLlmCall({
        feature: "extract-clause",
        tenant: "acme-legal",
        provider: "anthropic",
        model: "claude-sonnet-4-5-20250929",
        status: "ok",
        ttftMs: 412,
        durationMs: 2300,
        inputTokens: 1200,
        outputTokens: 350,
        cachedTokens: 800,
        costUsd: undefined,
        flags: { "clause-prompt-v2": true },
      }),
      emitter.recordLlmCall({
        feature: "legal-chat",
        tenant: "Globex",
        provider: "openai",
        model: "gpt-4.1",
        status: "error",
        durationMs: 30000,
        inputTokens: 5000,
        outputTokens: 0,
        flags: { "chat-tool-use": false },
      }),
      emitter.recordRetrieval({ feature: "legal-chat", index: "case-law", durationMs: 87.5 }),
      emitter.recordJudgeScore({
        feature: "extract-clause",
        tenant: "acme-legal",
        score: 82,
        scale: "0-100",
        traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      }),
      emitter.recordLlmCall({
        feature: "summarize-contract",
        tenant: "0f8fad5b-d9cb-469f-a165-70867728950e",
        provider: "anthropic",
        model: "claude-opus-4-1-20250805",
        status: "ok",
        ttftMs: 1310.25,
        durationMs: 9800,
        inputTokens: 42000,
        outputTokens: 1800,
        costUsd: 0.0421,
        flags: { "summary-long-context": "shadow" },
      }),
      emitter.recordLlmCall({
        feature: "contract-redline",
        tenant: "acme-legal",
        provider: "openai",
        model: "gpt-4.1",
        status: "ok",
        durationMs: 1,
        inputTokens: 1,
        outputTokens: 1,
      }),
      emitter.recordLlmCall({
        feature: "intake-classify",
        tenant: "acme-legal",
        provider: "openai",
        model: "gpt-4.1",
        status: "timeout" as "ok",
        durationMs: 1,
        inputTokens: 1,
        outputTokens: 1,
      }),
    ];
    await emitter.flush();
    const lines = await agent.received(22);

    expect(outcomes).toEqual(["sent", "sent", "sent", "sent", "bucketed", "rejected", "rejected"]);
    const g = "env:prod,host:";
    expect(lines).toEqual([
      `llm.requests:1|c|#${g},feature:extract-clause,tenant:acme-legal,provider:anthropic,model:claude-sonnet-4-5,status:ok,` +
        "flag_clause_prompt_v2:on",
      `llm.cost.usd:0.00909|c|#${g},feature:extract-clause,tenant:acme-legal,provider:anthropic,model:claude-sonnet-4-5`,
      `llm.tokens:1200|c|#${g},feature:extract-clause,provider:anthropic,model:claude-sonnet-4-5,token_type:input`,
      `llm.tokens:350|c|#${g},feature:extract-clause,provider:anthropic,model:claude-sonnet-4-5,token_type:output`,
      `llm.tokens:800|c|#${g},feature:extract-clause,provider:anthropic,model:claude-sonnet-4-5,token_type:cached`,
      `llm.ttft:412|d|#${g},feature:extract-clause,provider:anthropic,model:claude-sonnet-4-5`,
      `llm.duration:2300|d|#${g},feature:extract-clause,provider:anthropic,model:claude-sonnet-4-5`,
      // Within both p95 thresholds (412 <= 800 ms, 2300 <= 5000 ms): a good event of the latency SLI.
      `llm.slo.events:1|c|#${g},feature:extract-clause,objective:latency,verdict:good`,

      `llm.requests:1|c|#${g},feature:legal-chat,tenant:globex,provider:openai,model:gpt-4.1,status:error,flag_chat_tool_use:off`,
      `llm.cost.usd:0.01|c|#${g},feature:legal-chat,tenant:globex,provider:openai,model:gpt-4.1`,
      `llm.tokens:5000|c|#${g},feature:legal-chat,provider:openai,model:gpt-4.1,token_type:input`,
      `llm.duration:30000|d|#${g},feature:legal-chat,provider:openai,model:gpt-4.1`,

      `llm.retrieval.duration:87.5|d|#${g},feature:legal-chat,index:case-law`,

      `llm.judge.score:82|d|#${g},feature:extract-clause,tenant:acme-legal`,
      // 82 is at or above the default pass score 70: a good event of the quality SLI.
      `llm.slo.events:1|c|#${g},feature:extract-clause,objective:quality,verdict:good`,

      `llm.requests:1|c|#${g},feature:summarize-contract,tenant:_other,provider:anthropic,model:_other,status:ok,` +
        "flag_summary_long_context:_other",
      `llm.cost.usd:0.0421|c|#${g},feature:summarize-contract,tenant:_other,provider:anthropic,model:_other`,
      `llm.tokens:42000|c|#${g},feature:summarize-contract,provider:anthropic,model:_other,token_type:input`,
      `llm.tokens:1800|c|#${g},feature:summarize-contract,provider:anthropic,model:_other,token_type:output`,
      `llm.ttft:1310.25|d|#${g},feature:summarize-contract,provider:anthropic,model:_other`,
      `llm.duration:9800|d|#${g},feature:summarize-contract,provider:anthropic,model:_other`,
      `llm.slo.events:1|c|#${g},feature:summarize-contract,objective:latency,verdict:good`,
    ]);

    expect(judgeLogs).toEqual([
      {
        timestamp: "2026-03-02T10:00:00.000Z",
        service: "llm-judge",
        message: "judge score 82 for extract-clause",
        feature: "extract-clause",
        tenant: "acme-legal",
        score: 82,
        trace_id: "4bf92f3577b34da6a3ce929d0e0e4736",
        judge_model: "claude-opus-4-1-20250805",
      },
    ]);
    expect(emitter.stats()).toEqual({
      calls: 7,
      sent: 4,
      bucketed: 1,
      rejected: 2,
      unpriced: 0,
      sendErrors: 0,
      reasons: { tenant_unbounded: 1, unknown_model: 1, flag_value: 1, unknown_feature: 1, invalid_status: 1 },
    });
    expect(warnings).toHaveLength(5);
    expect(warnings.join("\n")).not.toContain("0f8fad5b-d9cb-469f-a165-70867728950e");
  });

  it("keeps the agent's host tag only when asked to", async () => {
    const keeping = createEmitter({
      features: legalCatalog("prod").features,
      env: "staging",
      keepHostTag: true,
      statsd: { host: "127.0.0.1", port: agent.port },
      logger: { warn: () => {} },
    });
    keeping.recordRetrieval({ feature: "cite-check", index: "case-law", durationMs: 12 });
    await keeping.close();
    expect(await agent.received(1)).toEqual(["llm.retrieval.duration:12|d|#env:staging,feature:cite-check,index:case-law"]);
  });

  it("sends nothing after close and counts the late call as rejected", async () => {
    await emitter.close();
    const outcome = emitter.recordRetrieval({ feature: "cite-check", index: "case-law", durationMs: 12 });
    expect(outcome).toBe("rejected");
    expect(emitter.stats().reasons).toEqual({ closed: 1 });
  });
});
