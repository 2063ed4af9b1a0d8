// Per-call overhead of the emitter, in microseconds: `npx tsx bench/emitter.ts [calls]`.
// Measured in the caller's thread, which is what the request path pays; UDP delivery
// itself is asynchronous. Each case runs in rounds and reports the best and the median
// round, so a busy machine shows up as a gap between the two rather than as a slower emitter.
import * as dgram from "node:dgram";
import { performance } from "node:perf_hooks";
import { StatsD } from "hot-shots";
import { metricContract, TAG } from "../config/contract";
import { createEmitter, type EmitterOptions, type LlmCall, normalizeModelId } from "../emit";

const CONTRACT = metricContract();

const CALLS = Number(process.argv[2] ?? 100_000);
const ROUNDS = 5;
const WARMUP = Math.min(10_000, CALLS);

const features: EmitterOptions["features"] = [
  { id: "extract-clause", providers: ["anthropic", "openai"], flags: ["clause-prompt-v2"], retrieval: { indexes: ["clause-library"] } },
  {
    id: "legal-chat",
    providers: ["anthropic", "openai"],
    flags: ["chat-tool-use"],
    retrieval: { indexes: ["case-law", "clause-library"] },
  },
];
const tenants = Array.from({ length: 400 }, (_, i) => `tenant-${i}`);
const call = (i: number): LlmCall => ({
  feature: i % 2 ? "extract-clause" : "legal-chat",
  tenant: tenants[i % tenants.length],
  provider: "anthropic",
  model: "claude-sonnet-4-5-20250929",
  status: i % 50 ? "ok" : "error",
  ttftMs: 350 + (i % 400),
  durationMs: 2000 + (i % 3000),
  inputTokens: 1200,
  outputTokens: 350,
  cachedTokens: 800,
  costUsd: undefined,
  flags: i % 2 ? { "clause-prompt-v2": i % 3 === 0 } : { "chat-tool-use": true },
});
const common = {
  features,
  env: "bench",
  tenants: { maxDistinct: 1000 },
  models: { normalize: normalizeModelId },
  prices: { "claude-sonnet-4-5": { input: 3, output: 15, cachedInput: 0.3 } },
  logger: { warn: () => {} },
  judgeLog: () => {},
} satisfies Partial<EmitterOptions>;

interface Row {
  label: string;
  best: number;
  median: number;
}

function measure(label: string, fn: (i: number) => void): Row {
  for (let i = 0; i < WARMUP; i++) fn(i);
  const perRound = Math.ceil(CALLS / ROUNDS);
  const us: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now();
    for (let i = 0; i < perRound; i++) fn(r * perRound + i);
    us.push(((performance.now() - start) * 1000) / perRound);
  }
  us.sort((a, b) => a - b);
  return { label, best: us[0], median: us[Math.floor(ROUNDS / 2)] };
}

/** A hot-shots client that formats everything and sends nothing; its record is trimmed as it goes. */
function formattingOnly(): { client: StatsD; trim: (i: number) => void } {
  const client = new StatsD({ mock: true, globalTags: ["env:bench", "host:"] });
  return { client, trim: (i) => void (i % 1000 === 0 && client.mockBuffer && (client.mockBuffer.length = 0)) };
}

async function main() {
  const agent = dgram.createSocket("udp4");
  let datagrams = 0;
  agent.on("message", () => datagrams++);
  await new Promise<void>((r) => agent.bind(0, "127.0.0.1", () => r()));
  const port = agent.address().port;

  const rows: Row[] = [];

  const buffered = createEmitter({ ...common, statsd: { host: "127.0.0.1", port } });
  rows.push(measure("recordLlmCall, UDP, 1432-byte buffer (default)", (i) => buffered.recordLlmCall(call(i))));
  await buffered.close();

  const unbuffered = createEmitter({ ...common, statsd: { host: "127.0.0.1", port, maxBufferSize: 0 } });
  rows.push(measure("recordLlmCall, UDP, one datagram per metric", (i) => unbuffered.recordLlmCall(call(i))));
  await unbuffered.close();

  const mock = formattingOnly();
  const noTransport = createEmitter({ ...common, client: mock.client });
  rows.push(
    measure("recordLlmCall, no transport (guards + formatting)", (i) => {
      noTransport.recordLlmCall(call(i));
      mock.trim(i);
    }),
  );

  const raw = formattingOnly();
  rows.push(
    measure("baseline: the same 7 metrics through hot-shots directly", (i) => {
      const c = call(i);
      const { metrics } = CONTRACT;
      const tags = [`${TAG.feature}:${c.feature}`, `${TAG.provider}:${c.provider}`, `${TAG.model}:claude-sonnet-4-5`];
      const tenant = `${TAG.tenant}:${c.tenant}`;
      raw.client.increment(metrics.requests.name, 1, { tags: [...tags, tenant, `${TAG.status}:${c.status}`] });
      raw.client.increment(metrics.cost.name, 0.00909, { tags: [...tags, tenant] });
      raw.client.increment(metrics.tokens.name, c.inputTokens, { tags: [...tags, `${TAG.tokenType}:input`] });
      raw.client.increment(metrics.tokens.name, c.outputTokens, { tags: [...tags, `${TAG.tokenType}:output`] });
      raw.client.increment(metrics.tokens.name, c.cachedTokens ?? 0, { tags: [...tags, `${TAG.tokenType}:cached`] });
      raw.client.distribution(metrics.ttft.name, c.ttftMs ?? 0, { tags });
      raw.client.distribution(metrics.duration.name, c.durationMs, { tags });
      raw.trim(i);
    }),
  );

  const noop = new StatsD({ mock: true });
  noop.increment = () => {};
  noop.distribution = () => {};
  const guardsOnly = createEmitter({ ...common, client: noop });
  rows.push(measure("recordLlmCall, emitter only (client calls are no-ops)", (i) => guardsOnly.recordLlmCall(call(i))));

  const rejecting = createEmitter({ ...common, client: noop });
  rows.push(
    measure("rejected call (unknown feature), logged at most once a minute", (i) =>
      rejecting.recordLlmCall({ ...call(i), feature: "nope" }),
    ),
  );

  const judged = formattingOnly();
  const judge = createEmitter({ ...common, client: judged.client });
  rows.push(
    measure("recordJudgeScore, no transport, no-op log sink", (i) => {
      judge.recordJudgeScore({
        feature: "extract-clause",
        tenant: tenants[i % 400],
        score: i % 101,
        traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
        scale: "0-100",
      });
      judged.trim(i);
    }),
  );

  await new Promise((r) => setTimeout(r, 200));
  agent.close();

  const width = Math.max(...rows.map((r) => r.label.length));
  console.log(
    `emitter overhead per call, µs (${CALLS.toLocaleString("en-US")} calls in ${ROUNDS} rounds after ` +
      `${WARMUP.toLocaleString("en-US")} warm-up, node ${process.version})`,
  );
  console.log(`  ${"".padEnd(width)}     best   median`);
  for (const r of rows) console.log(`  ${r.label.padEnd(width)}  ${r.best.toFixed(2).padStart(7)}  ${r.median.toFixed(2).padStart(7)}`);
  // The agent shares this thread, so it reads only between cases; the kernel drops the rest.
  console.log(`  (the loopback agent read ${datagrams.toLocaleString("en-US")} datagrams between cases)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
