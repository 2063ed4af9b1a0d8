// The emitter's bounds (issue 11, item 5): what it sends, how long it can hold a shutdown, how
// much memory and log a hostile or careless caller can make it use, which bucket value it
// sends, and when a transport that cannot work is reported.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { Writable } from "node:stream";
import * as v8 from "node:v8";
import * as vm from "node:vm";
import { StatsD } from "hot-shots";
import { afterEach, describe, expect, it, vi } from "vitest";
import { METRIC_RANGES } from "../config/contract";
import { BUCKET, createEmitter, type Emitter, type EmitterOptions, type LlmCall } from "../emit";
import { DECISION_CACHE_BYTES, DecisionCache } from "../emit/guards";
import { CALL as EXAMPLE_CALL, EXTRACT_CLAUSE, mockEmitter } from "./fixtures/emit";
import { ROOT } from "./helpers";
import { legalCatalog, LEGAL_STACKS } from "./fixtures/legal";
import { renderCardinalityReport } from "../cardinality";
import { stackCardinality } from "../org/build";

const FEATURES: EmitterOptions["features"] = [EXTRACT_CLAUSE];

const CALL: LlmCall = { ...EXAMPLE_CALL, cachedTokens: 0 };

function setup(overrides: Partial<EmitterOptions> = {}) {
  return mockEmitter(FEATURES, overrides);
}

/** The value of each line: `llm.duration:1200|d|#...` -> 1200. */
const valueOf = (line: string) => Number(line.split("|")[0].split(":")[1]);

describe("numbers the emitter sends", () => {
  const DAY_MS = 86_400_000;
  type Case = [string, (e: Emitter) => unknown];
  it.each<Case>([
    ["a duration of 1e308, which rounds to Infinity", (e) => e.recordLlmCall({ ...CALL, durationMs: 1e308 })],
    [
      "a duration longer than a day (an epoch timestamp passed as a duration)",
      (e) => e.recordLlmCall({ ...CALL, durationMs: 1772445600000 }),
    ],
    ["a time to first token of 1e308", (e) => e.recordLlmCall({ ...CALL, ttftMs: 1e308 })],
    ["a negative duration", (e) => e.recordLlmCall({ ...CALL, durationMs: -5 })],
    ["a NaN cost", (e) => e.recordLlmCall({ ...CALL, costUsd: Number.NaN })],
    ["a negative cost", (e) => e.recordLlmCall({ ...CALL, costUsd: -0.01 })],
    ["a cost above USD 10,000 for one call", (e) => e.recordLlmCall({ ...CALL, costUsd: 1e6 })],
    ["a negative token count", (e) => e.recordLlmCall({ ...CALL, outputTokens: -1 })],
    ["a NaN cached-token count", (e) => e.recordLlmCall({ ...CALL, cachedTokens: Number.NaN })],
    ["a token count above 100 million", (e) => e.recordLlmCall({ ...CALL, inputTokens: 1e12 })],
    [
      "a cost the price table computes beyond the range",
      (e) => e.recordLlmCall({ ...CALL, costUsd: undefined, model: "gpt-4.1", inputTokens: 100_000_000 }),
    ],
    ["a retrieval duration of 1e308", (e) => e.recordRetrieval({ feature: "extract-clause", index: "clause-library", durationMs: 1e308 })],
  ])("rejects %s: nothing is sent, the call is counted and logged, and nothing throws", (_, act) => {
    const { emitter, lines, warnings } = setup({ prices: { "gpt-4.1": { input: 1e300, output: 8 } } });
    let outcome: unknown;
    expect(() => (outcome = act(emitter))).not.toThrow();
    expect(outcome).toBe("rejected");
    expect(lines()).toEqual([]);
    expect(emitter.stats().reasons).toEqual({ invalid_number: 1 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toMatch(/must be a finite number (from|>=)/);
  });

  it("sends the largest values the contract allows, as finite numbers within each metric's range", () => {
    const { emitter, lines } = setup();
    const { ttft, duration, tokens, cost, retrievalDuration } = METRIC_RANGES;
    const big: LlmCall = {
      ...CALL,
      ttftMs: ttft.max,
      durationMs: duration.max,
      inputTokens: tokens.max,
      outputTokens: tokens.max,
      cachedTokens: tokens.max,
      costUsd: cost.max,
    };
    expect(emitter.recordLlmCall(big)).toBe("sent");
    expect(emitter.recordRetrieval({ feature: "extract-clause", index: "clause-library", durationMs: retrievalDuration.max })).toBe("sent");
    const ranges = Object.values(emitter.contract.metrics);
    for (const line of lines()) {
      const metric = ranges.find((m) => line.startsWith(`${m.name}:`))!;
      const v = valueOf(line);
      expect(Number.isFinite(v), line).toBe(true);
      expect(v, line).toBeGreaterThanOrEqual(metric.range.min);
      expect(v, line).toBeLessThanOrEqual(metric.range.max);
    }
    expect(lines().map(valueOf)).toContain(DAY_MS);
  });

  it.each<[string, number]>([
    ["1e308", 1e308],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["NaN", Number.NaN],
  ])("rejects a judge score of %s, outside the 0-100 the contract allows", (_, score) => {
    const { emitter, lines, judged } = setup();
    expect(emitter.recordJudgeScore({ feature: "extract-clause", tenant: "acme", score, scale: "0-100", traceId: "t1" })).toBe("rejected");
    expect(lines()).toEqual([]);
    expect(judged).toEqual([]);
  });
});

describe("flush() and close() against a transport that never finishes", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** hot-shots options whose socket never completes a send: a DNS lookup that never answers, or a stream that never drains. */
  const stuck: Record<string, () => EmitterOptions["statsd"]> = {
    "an agent host whose DNS lookup never answers": () => ({
      host: "dd-agent.unresolvable.invalid",
      udpSocketOptions: { type: "udp4", lookup: () => {} },
    }),
    "a socket that never drains": () => ({ protocol: "stream", stream: new Writable({ write: () => {} }) }),
  };

  /** Whether `p` has settled after the fake clock moved `ms`. */
  async function settledAfter(p: Promise<void>, ms: number): Promise<boolean> {
    let settled = false;
    void p.then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(ms);
    return settled;
  }

  it.each(Object.keys(stuck))("flush() resolves after its default 2 s with %s, counting and logging the timeout", async (name) => {
    vi.useFakeTimers();
    const { emitter, warnings } = setup({ client: undefined, statsd: stuck[name]() });
    emitter.recordLlmCall(CALL);
    const flushed = emitter.flush();
    expect(await settledAfter(flushed, 1_999)).toBe(false);
    expect(await settledAfter(flushed, 1)).toBe(true);
    expect(emitter.stats().reasons).toMatchObject({ flush_timeout: 1 });
    expect(warnings.map((w) => w.fields.reason)).toContain("flush_timeout");
  });

  it.each(Object.keys(stuck))("close() resolves within the timeout it is given with %s, and rejects later calls", async (name) => {
    vi.useFakeTimers();
    const { emitter } = setup({ client: undefined, statsd: stuck[name]() });
    emitter.recordLlmCall(CALL);
    const closing = emitter.close(300);
    expect(emitter.close()).toBe(closing);
    expect(await settledAfter(closing, 300)).toBe(true);
    expect(emitter.stats().reasons).toMatchObject({ close_timeout: 1 });
    expect(emitter.recordLlmCall(CALL)).toBe("rejected");
  });

  it("close() resolves when a client passed in never calls back from flush", async () => {
    vi.useFakeTimers();
    const client = new StatsD({ mock: true });
    client.flush = () => {};
    const { emitter } = setup({ client, flushTimeoutMs: 50 });
    expect(await settledAfter(emitter.close(), 50)).toBe(true);
  });

  it.each([Number.POSITIVE_INFINITY, -1, 2 ** 31])("rejects a flushTimeoutMs of %s at startup (node would fire it at once)", (ms) => {
    expect(() => setup({ flushTimeoutMs: ms })).toThrow("flushTimeoutMs: must be 0 to 2147483647 milliseconds");
  });

  it("uses the default timeout when flush() is given one that is not a number of milliseconds, counting it", async () => {
    vi.useFakeTimers();
    const { emitter } = setup({ client: undefined, statsd: stuck["a socket that never drains"]() });
    emitter.recordLlmCall(CALL);
    const flushed = emitter.flush(Number.NaN);
    expect(await settledAfter(flushed, 1_999)).toBe(false);
    expect(await settledAfter(flushed, 1)).toBe(true);
    expect(emitter.stats().reasons).toMatchObject({ invalid_timeout: 1, flush_timeout: 1 });
  });

  it("lets a SIGTERM handler that awaits close() finish when the agent host never resolves", async () => {
    // The app's HTTP server is the interval: it keeps the process alive until the handler ends it.
    const app = `
      const { createEmitter } = require(${JSON.stringify(path.join(ROOT, "emit", "index.ts"))});
      const llm = createEmitter({
        features: [{ id: "extract-clause", providers: ["anthropic"] }],
        statsd: {
          host: "dd-agent.unresolvable.invalid",
          udpSocketOptions: { type: "udp4", lookup: () => {} },
          bufferFlushInterval: 600000,
        },
        flushTimeoutMs: 200,
        logger: { warn: () => {} },
      });
      const server = setInterval(() => {}, 1000);
      process.on("SIGTERM", async () => {
        await llm.close();
        clearInterval(server);
        console.log("closed " + JSON.stringify(llm.stats().reasons));
      });
      llm.recordLlmCall(${JSON.stringify(CALL)});
      console.log("ready");`;
    const child = spawn(process.execPath, ["--import", "tsx", "-e", app], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await new Promise<void>((resolve) =>
      child.stdout.on("data", (d) => {
        out += String(d);
        if (out.includes("ready")) resolve();
      }),
    );
    child.kill("SIGTERM");
    const hung = setTimeout(() => child.kill("SIGKILL"), 10_000);
    const code = await exited;
    clearTimeout(hung);
    expect(out).toContain('closed {"close_timeout":1}');
    expect(code).toBe(0);
  });
});

describe("memory a caller can make the decision caches hold", () => {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as () => void;

  const templates = new Map<string, Buffer>();
  /** Distinct flat strings of `chars` characters; two-byte ones hold a non-Latin-1 character, as a name in any script does. */
  function distinct(i: number, chars: number, twoByte: boolean): string {
    const encoding = twoByte ? "utf16le" : "latin1";
    const key = `${chars}/${encoding}`;
    let buf = templates.get(key);
    if (!buf) templates.set(key, (buf = twoByte ? Buffer.alloc(chars * 2, "€", "utf16le") : Buffer.alloc(chars, "a")));
    buf.write(`v${String(i).padStart(7, "0")}`, 0, encoding);
    return buf.toString(encoding);
  }

  /** Heap still used after a full GC, in MB, once `feed` has run against a live emitter. */
  function retainedMb(feed: (e: Emitter) => void, options: Partial<EmitterOptions> = {}): number {
    // A client that formats nothing: the mock client's record of every line would dwarf the caches.
    const client = new StatsD({ mock: true });
    client.increment = () => {};
    client.distribution = () => {};
    const { emitter } = setup({ client, logger: { warn: () => {} }, ...options });
    gc();
    const before = process.memoryUsage().heapUsed;
    feed(emitter);
    gc();
    const after = process.memoryUsage().heapUsed;
    expect(emitter.stats().calls).toBeGreaterThan(0); // the emitter, and its caches, are still alive here
    return (after - before) / 1e6;
  }

  it("evicts its oldest decisions to stay within its byte budget, and never keeps a raw value over 256 characters", () => {
    const cache = new DecisionCache(10_000);
    for (let i = 0; i < 1_000; i++) cache.remember(`tenant-${i}`, { value: `tenant-${i}` });
    expect(cache.estimatedBytes).toBeLessThanOrEqual(10_000);
    expect(cache.size).toBeGreaterThan(10);
    expect(cache.get("tenant-999")).toEqual({ value: "tenant-999" });
    expect(cache.get("tenant-0")).toBeUndefined();
    const long = "a".repeat(257);
    expect(cache.remember(long, { value: BUCKET })).toEqual({ value: BUCKET });
    expect(cache.get(long)).toBeUndefined();
  });

  // Both guards' caches at their budget, the tenant and model sets at their caps, and GC noise.
  const LIMIT_MB = (2 * DECISION_CACHE_BYTES) / 1e6 + 4;

  it.each<[string, (e: Emitter) => void, Partial<EmitterOptions>]>([
    [
      "20,000 distinct 10 kB tenants",
      (e) => {
        for (let i = 0; i < 20_000; i++) e.recordLlmCall({ ...CALL, tenant: distinct(i, 10_000, false) });
      },
      {},
    ],
    [
      "20,000 distinct 10,000-character models outside Latin-1",
      (e) => {
        for (let i = 0; i < 20_000; i++) e.recordLlmCall({ ...CALL, model: distinct(i, 10_000, true) });
      },
      { models: { maxDistinct: 20 } },
    ],
    [
      "1,000 tenants cut from 100 kB request bodies (a substring keeps its whole string alive)",
      (e) => {
        for (let i = 0; i < 1_000; i++) {
          const body = distinct(i, 100_000, false).replace("v", `"tenant":"customer-${String(i).padStart(6, "0")}-eu","x":"`);
          const at = body.indexOf("customer-");
          e.recordLlmCall({ ...CALL, tenant: body.slice(at, at + "customer-000000-eu".length) });
        }
      },
      {},
    ],
    [
      "50,000 distinct UUID tenants, which fill the tenant cache to its budget",
      (e) => {
        for (let i = 0; i < 50_000; i++) e.recordLlmCall({ ...CALL, tenant: `0f8fad5b-d9cb-469f-a165-${String(i).padStart(12, "0")}` });
      },
      {},
    ],
  ])("stays within the byte budget after %s", (_, feed, options) => {
    expect(retainedMb(feed, options)).toBeLessThan(LIMIT_MB);
  });
});

describe("strings the emitter logs", () => {
  const huge = "x".repeat(10_000);
  type Case = [string, (e: Emitter) => unknown];
  const judge = { feature: "extract-clause", tenant: "acme", score: 50, scale: "0-100" as const, traceId: "t1" };
  it.each<Case>([
    ["a 10 kB feature name", (e) => e.recordLlmCall({ ...CALL, feature: huge })],
    ["a 10 kB status", (e) => e.recordLlmCall({ ...CALL, status: huge as "ok" })],
    ["a 10 kB tenant", (e) => e.recordLlmCall({ ...CALL, tenant: huge })],
    ["a 10 kB provider", (e) => e.recordLlmCall({ ...CALL, provider: huge })],
    ["a 10 kB model", (e) => e.recordLlmCall({ ...CALL, model: huge })],
    ["a 10 kB flag name", (e) => e.recordLlmCall({ ...CALL, flags: { [huge]: true } })],
    ["a 10 kB flag state", (e) => e.recordLlmCall({ ...CALL, flags: { "clause-prompt-v2": huge } })],
    ["a duration passed as a 10 kB string", (e) => e.recordLlmCall({ ...CALL, durationMs: huge as unknown as number })],
    ["a 10 kB index", (e) => e.recordRetrieval({ feature: "extract-clause", index: huge, durationMs: 5 })],
    ["a 10 kB judge trace id", (e) => e.recordJudgeScore({ ...judge, traceId: huge })],
    ["a 10 kB judge model", (e) => e.recordJudgeScore({ ...judge, judgeModel: huge })],
    ["a 10 kB judge scale", (e) => e.recordJudgeScore({ ...judge, scale: huge as "0-1" })],
  ])("clips %s in the message and in every field", (_, act) => {
    const { emitter, warnings, judged } = setup();
    act(emitter);
    expect(warnings.length).toBeGreaterThan(0);
    for (const w of warnings) {
      expect(w.message.length).toBeLessThanOrEqual(400);
      expect(w.message).not.toContain("x".repeat(100));
      for (const v of Object.values(w.fields)) if (typeof v === "string") expect(v.length).toBeLessThanOrEqual(200);
    }
    for (const record of judged) for (const v of Object.values(record)) expect(String(v).length).toBeLessThanOrEqual(128);
  });

  it.each<[string, Partial<EmitterOptions>, (e: Emitter) => unknown]>([
    [
      "the judge-log sink",
      {
        judgeLog: () => {
          throw new Error(huge);
        },
      },
      (e) => e.recordJudgeScore(judge),
    ],
    [
      "the model normalizer",
      {
        models: {
          normalize: () => {
            throw new Error(huge);
          },
        },
      },
      (e) => e.recordLlmCall(CALL),
    ],
  ])("clips a 10 kB error message thrown by %s", (_, options, act) => {
    const { emitter, warnings } = setup(options);
    act(emitter);
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0]).length).toBeLessThan(1000);
  });
});

describe("the bucket value", () => {
  it("is not a value a real tenant can be sent as, so a tenant named other keeps its own series", () => {
    const { emitter, lines } = setup({ tenants: { maxDistinct: 1 } });
    emitter.recordLlmCall({ ...CALL, tenant: "other", costUsd: 0 });
    emitter.recordLlmCall({ ...CALL, tenant: "globex", costUsd: 0 }); // beyond maxDistinct: bucketed
    const tenants = lines()
      .filter((l) => l.startsWith("llm.requests:"))
      .map((l) => /tenant:([^,|]+)/.exec(l)?.[1]);
    expect(tenants).toEqual(["other", BUCKET]);
    expect(BUCKET).not.toBe("other");
  });

  it.each<[string, Partial<EmitterOptions>]>([
    ["in open mode", {}],
    ["matching a pattern that accepts anything", { tenants: { pattern: /.*/ } }],
  ])("is never taken by a caller who passes it as a tenant %s", (_, options) => {
    const { emitter } = setup(options);
    expect(emitter.recordLlmCall({ ...CALL, tenant: BUCKET })).toBe("bucketed");
    expect(emitter.stats().reasons).toEqual({ tenant_invalid: 1 });
  });

  it("leaves a model named other on the allow list as its own series", () => {
    const { emitter, lines } = setup({ models: { allow: ["other", "gpt-4.1"] } });
    emitter.recordLlmCall({ ...CALL, model: "other" });
    emitter.recordLlmCall({ ...CALL, model: "mystery-model" });
    const models = lines()
      .filter((l) => l.startsWith("llm.requests:"))
      .map((l) => /model:([^,|]+)/.exec(l)?.[1]);
    expect(models).toEqual(["other", BUCKET]);
  });

  it.each<[string, Partial<EmitterOptions>, string]>([
    ["an allow-listed tenant", { tenants: { allow: ["acme", BUCKET] } }, "tenants.allow[1]"],
    ["an allow-listed model", { models: { allow: [BUCKET.toUpperCase()] } }, "models.allow[0]"],
    ["a provider", { features: [{ id: "x", providers: [BUCKET] }] }, "features[0].providers[0]"],
    [
      "an index",
      { features: [{ id: "x", providers: ["openai"], retrieval: { indexes: ["Case Law"] } }] },
      "features[0].retrieval.indexes[0]",
    ],
    ["a flag state", { flagValues: { "clause-prompt-v2": ["on", "off", BUCKET] } }, 'flagValues["clause-prompt-v2"][2]'],
    ["a value Datadog would strip to another (trailing _)", { tenants: { allow: ["acme_"] } }, "tenants.allow[0]"],
  ])("cannot be configured as %s: createEmitter names the option", (_, options, at) => {
    expect(() => setup(options)).toThrow(`${at}: `);
  });

  it("is the value every doc and report that names the bucket spells", () => {
    // The cardinality report and the policy's remediation text interpolate BUCKET_VALUE; the report is rendered here, per stack.
    const texts: [string, string][] = ["docs/contract.md", "emit/README.md"].map((f) => [f, fs.readFileSync(path.join(ROOT, f), "utf8")]);
    for (const stack of LEGAL_STACKS)
      texts.push([`cardinality.md of ${stack}`, renderCardinalityReport(stackCardinality(legalCatalog(stack)))]);
    // "as `other`", "sent as `other`", "bucketed as `other`", "the `other` bucket"; not "a tenant named `other`".
    const naming = /\b(?:as|bucket\w*)\s+`(_*other)`|`(_*other)`\s+bucket/gi;
    const spelled = texts.flatMap(([f, text]) => [...text.matchAll(naming)].map((m) => `${f}: ${m[1] ?? m[2]}`));
    expect(spelled.length).toBeGreaterThan(0);
    for (const s of spelled) expect(s).toMatch(new RegExp(`: ${BUCKET}$`));
  });
});

describe("a transport that cannot work", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));

  it("is a uds transport here: unix-dgram is never built in this repository", () => {
    // package.json allowScripts keeps unix-dgram's native build from running, so it cannot load.
    expect(pkg.allowScripts["unix-dgram"]).toBe(false);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loading the native module is the point: it must fail
    expect(() => require(require.resolve("unix-dgram", { paths: [path.dirname(require.resolve("hot-shots"))] }))).toThrow();
  });

  it.each<[string, EmitterOptions["statsd"], string]>([
    ["uds without its native module", { protocol: "uds", path: "/var/run/datadog/dsd.socket" }, 'statsd.protocol: "uds" needs'],
    ["an unknown protocol", { protocol: "quic" as "udp" }, "Unsupported protocol"],
    ["a UDP socket type node does not know", { udpSocketOptions: { type: "udp5" as "udp4" } }, "statsd: the DogStatsD udp transport"],
    ["the stream protocol without a stream", { protocol: "stream" }, "statsd: the DogStatsD stream transport"],
  ])("fails createEmitter, not every send, with %s", (_, statsd, problem) => {
    expect(() => createEmitter({ features: FEATURES, statsd, logger: { warn: () => {} } })).toThrow(problem);
  });
});
