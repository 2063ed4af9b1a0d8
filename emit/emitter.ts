// The runtime side of the metric contract: an application records its LLM calls, judge
// scores and retrievals here and the emitter writes exactly the DogStatsD metrics the
// dashboards and monitors query. No Pulumi here: this module runs in the request path.
import { createRequire } from "node:module";
import { type ClientOptions, StatsD } from "hot-shots";
import {
  flagTagKey,
  type MetricContract,
  type MetricDefinition,
  metricContract,
  STATUS_VALUES,
  TAG,
  type ValueRange,
  VERDICT_VALUES,
} from "../config/contract";
import { latencyThresholds, resolveSlo, type SloSettings } from "../config/slo";
import { BUCKET, closedSet, type Guarded, isTagSafe, ModelGuard, type ModelPolicy, TenantGuard, type TenantPolicy } from "./guards";
import { clip, consoleLogger, type EmitterLogger, quote, RateLimitedLog } from "./log";
import { costUsd, PriceBook, priceTableProblems, type PriceTable, roundUsd } from "./price";

/** What the emitter needs to know of a feature. An entry of features.ts (validated or not) fits as is. */
export interface EmitterFeature {
  id: string;
  providers: readonly string[];
  flags?: readonly string[];
  retrieval?: { indexes: readonly string[] };
  quality?: { judgeModel?: string };
  /** The p95 thresholds its latency SLI judges each successful call against (the chapter's 800 / 5000 ms when absent). */
  latency?: { ttftP95Ms?: number; totalP95Ms?: number };
  /** Its SLOs as in features.ts: the pass score its quality SLI judges each score against; `false` sends no SLI events. */
  slo?: false | SloSettings;
}

export interface EmitterOptions {
  /** The features this process records; calls for any other feature are rejected. */
  features: readonly EmitterFeature[];
  /** Metric prefix; must equal the stack's `metricPrefix`. Default `llm`. */
  prefix?: string;
  /** `env` tag. The DogStatsD client reads DD_ENV (unified service tagging), which wins over this. */
  env?: string;
  tenants?: TenantPolicy;
  models?: ModelPolicy;
  /** USD per million tokens by model; used when a call's `costUsd` is undefined. */
  prices?: PriceTable;
  /** Allowed string states per flag; booleans always map to `on` / `off`. Default `["on", "off"]`. */
  flagValues?: Readonly<Record<string, readonly string[]>>;
  /** Where rejected and bucketed calls are reported (rate-limited). Default: console.warn. */
  logger?: EmitterLogger;
  /** Minimum time between two log lines for the same reason. Default 60 s. */
  logIntervalMs?: number;
  /** Receives one record per judge score (see `recordJudgeScore`). Default: one JSON line on stdout. */
  judgeLog?: (record: JudgeLogRecord) => void;
  /**
   * The Datadog agent tags every DogStatsD series with its own hostname, which multiplies the
   * custom-metric count by the number of hosts. By default the emitter sends an empty `host:`
   * tag, which the agent reads as "no host" (datadog-agent comp/dogstatsd/server enrich.go,
   * extractTagsMetadata). Set true to keep per-host series.
   */
  keepHostTag?: boolean;
  /**
   * The stack's `monitoring.slo` (Pulumi.<stack>.yaml), when it sets any: the SLI verdicts of a
   * feature whose own `slo` is silent use it, then the documented defaults (config/slo.ts), exactly
   * as the stack's SLOs do. Pass the same values the stack sets, or its SLOs count the wrong events.
   */
  slo?: SloSettings;
  /** hot-shots options (host, port, protocol, path, maxBufferSize, ...). */
  statsd?: ClientOptions;
  /** An existing hot-shots client; the emitter then neither configures nor closes it. */
  client?: StatsD;
  /** Clock for log rate limiting and judge-log timestamps. */
  now?: () => number;
  /**
   * Longest wait of `flush()` and `close()` when given no timeout. Default 2000 ms: well inside
   * the 30 s Kubernetes gives a pod between SIGTERM and SIGKILL, so a shutdown handler that
   * awaits `close()` still finishes when the agent is unreachable.
   */
  flushTimeoutMs?: number;
}

/**
 * The scale the judge scored on. The contract's `judge.score` is 0-100; a "0-1" score is
 * multiplied by 100. There is no default: 0.83 on 0-1 and 0.83 on 0-100 are both plausible.
 */
export type JudgeScale = "0-1" | "0-100";

const JUDGE_SCALES: ReadonlyMap<unknown, number> = new Map<JudgeScale, number>([
  ["0-1", 100],
  ["0-100", 1],
]);

export type CallStatus = (typeof STATUS_VALUES)[number];

export interface LlmCall {
  feature: string;
  tenant: string;
  provider: string;
  /** The model id the provider reports, e.g. `claude-sonnet-4-5-20250929`. */
  model: string;
  status: CallStatus;
  /** Time to first token; omit for non-streaming calls or calls that failed before any token. */
  ttftMs?: number;
  durationMs: number;
  /** Uncached input tokens (OpenAI: prompt_tokens - cached_tokens; Anthropic: input_tokens). */
  inputTokens: number;
  outputTokens: number;
  /** Input tokens read from the prompt cache (OpenAI: cached_tokens; Anthropic: cache_read_input_tokens). */
  cachedTokens?: number;
  /** Spend in USD; undefined means "compute it from the price table". */
  costUsd?: number;
  /** Feature-flag states at call time, by flag slug (`clause-prompt-v2`). */
  flags?: Readonly<Record<string, boolean | string>>;
}

export interface JudgeScore {
  feature: string;
  tenant: string;
  /** On `scale`; sent (and logged) on the contract's 0-100. */
  score: number;
  /** Required: what `score` is out of. */
  scale: JudgeScale;
  /**
   * The judged trace's id in your trace tool, exactly as its URL shows it:
   * Langfuse `/project/<projectId>/traces/<traceId>`, Braintrust `logs?r=<root_span_id>`.
   */
  traceId: string;
  /** Pinned judge model; default: the feature's `quality.judgeModel`. */
  judgeModel?: string;
}

export interface Retrieval {
  feature: string;
  index: string;
  durationMs: number;
}

/** One structured log per judged trace; trace ids are unbounded, so they live here and never on a metric. */
export type JudgeLogRecord = Record<string, string | number>;

/** `sent`: emitted as given; `bucketed`: emitted with some value replaced or dropped; `rejected`: nothing emitted. */
export type Outcome = "sent" | "bucketed" | "rejected";

export interface EmitterStats {
  calls: number;
  sent: number;
  bucketed: number;
  rejected: number;
  /** LLM calls emitted without a cost because neither `costUsd` nor a price was available. */
  unpriced: number;
  /** Transport errors reported by the DogStatsD client. */
  sendErrors: number;
  /** Count by reason code (`unknown_feature`, `tenant_unbounded`, ...). */
  reasons: Record<string, number>;
}

export interface Emitter {
  recordLlmCall(call: LlmCall): Outcome;
  recordJudgeScore(score: JudgeScore): Outcome;
  recordRetrieval(retrieval: Retrieval): Outcome;
  stats(): EmitterStats;
  /**
   * Sends anything buffered; resolves once handed to the transport, or after `timeoutMs`
   * (default `flushTimeoutMs`, 2 s), whichever comes first. Never rejects.
   */
  flush(timeoutMs?: number): Promise<void>;
  /**
   * Flushes and closes the client (unless it was passed in), within `timeoutMs` like `flush`.
   * Calls after close are rejected. Calling it again returns the same promise.
   */
  close(timeoutMs?: number): Promise<void>;
  readonly contract: MetricContract;
}

const TRACE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** A judge model id as a log attribute: printable, no longer than a trace id. */
const JUDGE_MODEL = /^[\x21-\x7e]{1,128}$/;
const DEFAULT_FLUSH_TIMEOUT_MS = 2000;
/** Node fires a longer setTimeout after 1 ms instead (TimeoutOverflowWarning): nodejs.org/api/timers.html#settimeoutcallback-delay-args */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

function isTimeout(ms: unknown): ms is number {
  return typeof ms === "number" && Number.isFinite(ms) && ms >= 0 && ms <= MAX_TIMEOUT_MS;
}

interface FeatureInfo {
  providers: ReadonlySet<string>;
  flags: ReadonlyMap<string, string>;
  indexes: ReadonlySet<string>;
  judgeModel?: string;
  /** What its SLIs judge against; absent for a feature with `slo: false` (no SLI events). */
  sli?: { ttftMs: number; totalMs: number; passScore: number };
}

/** Thrown only by createEmitter, at startup, for options that can never work. */
export class EmitterConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid emitter options:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EmitterConfigError";
  }
}

export function createEmitter(options: EmitterOptions): Emitter {
  const problems = optionProblems(options);
  if (problems.length) throw new EmitterConfigError(problems);

  const now = options.now ?? Date.now;
  const log = new RateLimitedLog(options.logger ?? consoleLogger, options.logIntervalMs ?? 60_000, now);
  const contract = metricContract({ prefix: options.prefix, flags: options.features.flatMap((f) => f.flags ?? []) });
  const { requests, cost, tokens, ttft, duration, judgeScore, retrievalDuration, sloEvents } = contract.metrics;
  const features = new Map(options.features.map((f) => [f.id, featureInfo(f, options.slo)]));
  const flagValues = new Map(
    Object.entries(options.flagValues ?? {}).map(([flag, values]) => [flag, new Set(values.map((v) => v.toLowerCase()))]),
  );
  const prices = new PriceBook(options.prices);
  const tenants = new TenantGuard(options.tenants);
  const models = new ModelGuard(options.models ?? {}, prices.models);
  const judgeLog = options.judgeLog ?? ((record: JudgeLogRecord) => process.stdout.write(`${JSON.stringify(record)}\n`));

  const stats: EmitterStats = { calls: 0, sent: 0, bucketed: 0, rejected: 0, unpriced: 0, sendErrors: 0, reasons: {} };
  const count = (reason: string) => (stats.reasons[reason] = (stats.reasons[reason] ?? 0) + 1);

  const onSendError = (err: Error) => {
    stats.sendErrors++;
    count("send_error");
    log.warn("send_error", `DogStatsD send failed: ${err?.message ?? err}`);
  };
  const ownsClient = options.client === undefined;
  const client =
    options.client ??
    createClient(options, onSendError, (problem) => {
      count("transport_unavailable");
      log.warn("transport_unavailable", problem);
    });
  const defaultTimeoutMs = options.flushTimeoutMs ?? DEFAULT_FLUSH_TIMEOUT_MS;
  let closed: Promise<void> | undefined;

  /**
   * Runs one transport operation and resolves when it calls back or after `timeoutMs`,
   * whichever comes first. hot-shots waits for the socket without a limit: a DNS lookup that
   * never answers, or a stream that never drains, would otherwise hold a shutdown forever.
   */
  const bounded = (what: "flush" | "close", timeoutMs: number | undefined, start: (done: () => void) => void): Promise<void> =>
    new Promise<void>((resolve) => {
      let ms = timeoutMs ?? defaultTimeoutMs;
      if (!isTimeout(ms)) {
        count("invalid_timeout");
        log.warn(
          "invalid_timeout",
          `${what}(timeoutMs): must be 0 to ${MAX_TIMEOUT_MS} ms (got ${quote(ms)}); used ${defaultTimeoutMs} ms`,
        );
        ms = defaultTimeoutMs;
      }
      const timer = setTimeout(() => {
        count(`${what}_timeout`);
        log.warn(
          `${what}_timeout`,
          `${what}() gave up after ${ms} ms: the DogStatsD transport did not finish (is the agent host resolvable and reachable?); ` +
            "metrics buffered since the last flush may be lost",
        );
        resolve();
      }, ms);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      try {
        start(done);
      } catch {
        done();
      }
    });

  /** Tags for `metric`, in contract order, taking only the keys the contract lists for it. */
  const tagsFor = (metric: MetricDefinition, values: Readonly<Record<string, string | undefined>>): string[] => {
    const out: string[] = [];
    for (const key of metric.tags) {
      const v = values[key];
      if (v !== undefined) out.push(`${key}:${v}`);
    }
    return out;
  };

  /** `llm.slo.events` tags: no tenant, provider or model, so a feature costs 4 series (objective x verdict). */
  const sliTags = (featureId: string, objective: "latency" | "quality", good: boolean): string[] =>
    tagsFor(sloEvents, { [TAG.feature]: featureId, [TAG.objective]: objective, [TAG.verdict]: good ? GOOD : BAD });

  /** Runs one record* call: counts it, never throws, and reports what happened. */
  const guarded = (kind: string, body: (c: Call) => void): Outcome => {
    stats.calls++;
    const call = new Call();
    try {
      if (closed) call.reject("closed", "the emitter is closed");
      else body(call);
    } catch (e) {
      if (e !== REJECTED) call.rejectQuietly("internal_error", clip(String((e as Error)?.message ?? e), 200));
    }
    const outcome: Outcome = call.rejected ? "rejected" : call.notes.length ? "bucketed" : "sent";
    stats[outcome]++;
    for (const n of call.notes) {
      count(n.reason);
      const verb = outcome === "rejected" ? "rejected" : "bucketed";
      log.warn(n.reason, `${kind} ${verb}: ${n.message}`, n.detail ? { detail: n.detail } : {});
    }
    return outcome;
  };

  const known = knownList([...features.keys()]);
  const feature = (call: Call, id: unknown): [string, FeatureInfo] => {
    const info = typeof id === "string" ? features.get(id) : undefined;
    if (!info) call.reject("unknown_feature", `unknown feature ${quote(id)} (known: ${known})`);
    return [id as string, info!];
  };

  const note = (call: Call, tag: string, g: Guarded): string => {
    if (g.reason) call.note(g.reason, `${tag} sent as "${g.value}"`, g.detail);
    return g.value;
  };

  return {
    contract,

    recordLlmCall(c: LlmCall): Outcome {
      return guarded("recordLlmCall", (call) => {
        const [featureId, info] = feature(call, c?.feature);
        if (!(STATUS_VALUES as readonly unknown[]).includes(c.status)) {
          call.reject("invalid_status", `status must be ${STATUS_VALUES.join(" or ")} (got ${quote(c.status)})`);
        }
        const durationMs = call.number("durationMs", c.durationMs, duration.range);
        const ttftMs = c.ttftMs === undefined ? undefined : call.number("ttftMs", c.ttftMs, ttft.range);
        const counts = {
          inputTokens: call.number("inputTokens", c.inputTokens, tokens.range),
          outputTokens: call.number("outputTokens", c.outputTokens, tokens.range),
          cachedTokens: c.cachedTokens === undefined ? 0 : call.number("cachedTokens", c.cachedTokens, tokens.range),
        };
        const given = c.costUsd === undefined ? undefined : call.number("costUsd", c.costUsd, cost.range);

        const tenant = note(call, TAG.tenant, tenants.check(c.tenant));
        const provider = note(call, TAG.provider, closedSet(c.provider, info.providers, "unknown_provider"));
        const model = models.check(c.model);
        note(call, TAG.model, model);
        const flagTags = flagStates(call, featureId, info, c.flags);

        let spend = given;
        if (spend === undefined) {
          const price = prices.find(model.raw, model.value === BUCKET ? undefined : model.value);
          if (price) spend = call.number("costUsd (from the price table)", costUsd(price, counts), cost.range);
          else {
            stats.unpriced++;
            call.note("unpriced_model", `no cost: costUsd undefined and no price for model ${JSON.stringify(c.model)}`);
          }
        }

        // One value per tag key; each metric takes only the keys its contract entry lists.
        const values: Record<string, string> = { ...flagTags };
        values[TAG.feature] = featureId;
        values[TAG.tenant] = tenant;
        values[TAG.provider] = provider;
        values[TAG.model] = model.value;
        values[TAG.status] = c.status;
        client.increment(requests.name, 1, { tags: tagsFor(requests, values) });
        if (spend !== undefined && spend > 0) client.increment(cost.name, roundUsd(spend), { tags: tagsFor(cost, values) });
        for (const [tokenType, n] of [
          ["input", counts.inputTokens],
          ["output", counts.outputTokens],
          ["cached", counts.cachedTokens],
        ] as const) {
          if (n <= 0) continue;
          values[TAG.tokenType] = tokenType;
          client.increment(tokens.name, n, { tags: tagsFor(tokens, values) });
        }
        if (ttftMs !== undefined) client.distribution(ttft.name, ms(ttftMs), { tags: tagsFor(ttft, values) });
        client.distribution(duration.name, ms(durationMs), { tags: tagsFor(duration, values) });
        // The latency SLI counts successful calls (failed ones are availability's): good when the
        // first token and the whole answer both arrive within the feature's p95 thresholds.
        if (info.sli && c.status === OK) {
          const good = durationMs <= info.sli.totalMs && (ttftMs === undefined || ttftMs <= info.sli.ttftMs);
          client.increment(sloEvents.name, 1, { tags: sliTags(featureId, "latency", good) });
        }
      });
    },

    recordJudgeScore(s: JudgeScore): Outcome {
      return guarded("recordJudgeScore", (call) => {
        const [featureId, info] = feature(call, s?.feature);
        const factor =
          JUDGE_SCALES.get(s.scale) ??
          call.reject(
            "judge_scale_missing",
            `scale must be "0-1" or "0-100" (got ${quote(s.scale)}); the score cannot be placed on the 0-100 contract without it`,
          );
        const given = call.number("score", s.score);
        const { min, max } = judgeScore.range;
        if (given < min / factor || given > max / factor) {
          call.reject("invalid_score", `score must be between ${min / factor} and ${max / factor} on scale ${s.scale} (got ${given})`);
        }
        // 0.83 * 100 is 83.00000000000001: the rounding keeps the wire and the log line exact.
        const score = Math.round(given * factor * 1000) / 1000;
        const tenant = note(call, TAG.tenant, tenants.check(s.tenant));
        const traceOk = typeof s.traceId === "string" && TRACE_ID.test(s.traceId);
        if (!traceOk) {
          call.note(
            "invalid_trace_id",
            "trace id left out of the judge log (it must be 1-128 URL-safe characters: letters, digits, . _ -)",
            quote(s.traceId),
          );
        }
        let judgeModel = info.judgeModel;
        if (s.judgeModel !== undefined) {
          if (typeof s.judgeModel === "string" && JUDGE_MODEL.test(s.judgeModel)) judgeModel = s.judgeModel;
          else {
            judgeModel = undefined;
            call.note(
              "invalid_judge_model",
              "judge model left out of the judge log (it must be 1-128 printable characters)",
              quote(s.judgeModel),
            );
          }
        }

        client.distribution(judgeScore.name, score, { tags: tagsFor(judgeScore, { [TAG.feature]: featureId, [TAG.tenant]: tenant }) });
        // The quality SLI: a judged trace is good at or above the feature's pass score (on 0-100, after conversion).
        if (info.sli) client.increment(sloEvents.name, 1, { tags: sliTags(featureId, "quality", score >= info.sli.passScore) });

        // The same converted score as the metric: the bottom-20 table sorts on this attribute.
        const a = contract.judgeLog.attributes;
        const record: JudgeLogRecord = {
          timestamp: new Date(now()).toISOString(),
          service: contract.judgeLog.service,
          message: `judge score ${score} for ${featureId}`,
          [a.feature]: featureId,
          [a.tenant]: tenant,
          [a.score]: score,
        };
        if (traceOk) record[a.traceId] = s.traceId;
        if (judgeModel) record[a.judgeModel] = judgeModel;
        try {
          judgeLog(record);
        } catch (e) {
          call.note("judge_log_failed", `the judge-log sink threw: ${clip(String((e as Error)?.message ?? e), 200)}`);
        }
      });
    },

    recordRetrieval(r: Retrieval): Outcome {
      return guarded("recordRetrieval", (call) => {
        const [featureId, info] = feature(call, r?.feature);
        const durationMs = call.number("durationMs", r.durationMs, retrievalDuration.range);
        const index = note(call, TAG.index, closedSet(r.index, info.indexes, "unknown_index"));
        client.distribution(retrievalDuration.name, ms(durationMs), {
          tags: tagsFor(retrievalDuration, { [TAG.feature]: featureId, [TAG.index]: index }),
        });
      });
    },

    stats: () => ({ ...stats, reasons: { ...stats.reasons } }),

    flush: (timeoutMs?: number) => bounded("flush", timeoutMs, (done) => client.flush(() => done())),

    close(timeoutMs?: number): Promise<void> {
      closed ??= bounded("close", timeoutMs, (done) => (ownsClient ? client.close(() => done()) : client.flush(() => done())));
      return closed;
    },
  };

  function flagStates(call: Call, featureId: string, info: FeatureInfo, states: LlmCall["flags"]): Record<string, string> {
    const out: Record<string, string> = {};
    if (states === undefined || states === null) return out;
    for (const [flag, state] of Object.entries(states)) {
      const key = info.flags.get(flag);
      if (!key) {
        call.note("unknown_flag", `flag ${quote(flag)} is not declared for ${featureId} in features.ts; its tag was dropped`);
        continue;
      }
      if (typeof state === "boolean") out[key] = state ? "on" : "off";
      else out[key] = note(call, key, closedSet(state, flagValues.get(flag) ?? ON_OFF, "flag_value"));
    }
    return out;
  }
}

const ON_OFF: ReadonlySet<string> = new Set(["on", "off"]);
const [OK] = STATUS_VALUES;
const [GOOD, BAD] = VERDICT_VALUES;

/** Milliseconds to the microsecond: enough for latency, short on the wire. */
function ms(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** The same resolution as the stack's SLOs (config/slo.ts): the feature's `slo`, then the stack's, then the defaults. */
function featureInfo(f: EmitterFeature, stackSlo: SloSettings | undefined): FeatureInfo {
  const slo = resolveSlo(f.slo, stackSlo);
  const latency = latencyThresholds(f);
  return {
    providers: new Set(f.providers.map((p) => p.toLowerCase())),
    flags: new Map((f.flags ?? []).map((flag) => [flag, flagTagKey(flag)])),
    indexes: new Set((f.retrieval?.indexes ?? []).map((i) => i.toLowerCase())),
    judgeModel: f.quality?.judgeModel,
    ...(slo ? { sli: { ttftMs: latency.ttftP95Ms, totalMs: latency.totalP95Ms, passScore: slo.passScore } } : {}),
  };
}

/**
 * The hot-shots client, with its transport checked once, here, instead of on every send.
 * hot-shots reports a transport it cannot create to the error handler and then fails each
 * send with "Socket not created properly". A transport that can never work (an unknown
 * protocol, `uds` without its native module, a bad UDP socket type) makes createEmitter
 * throw. Only a `uds` socket that refuses to connect is reported instead (`unavailable`):
 * hot-shots retries a uds connection on each send (statsd.js sendMessage, trySetNewSocket),
 * so it recovers once the agent is up.
 */
function createClient(options: EmitterOptions, onSendError: (e: Error) => void, unavailable: (problem: string) => void): StatsD {
  const setupErrors: Error[] = [];
  let settingUp = true;
  const client = new StatsD(
    clientOptions(options, (err) => {
      if (settingUp) setupErrors.push(err);
      else onSendError(err);
    }),
  );
  settingUp = false;
  const { protocol, path } = client as unknown as { protocol?: string; path?: string };
  if (options.statsd?.mock || client.socket) {
    for (const err of setupErrors) onSendError(err);
    return client;
  }
  const cause = clip(setupErrors.map((e) => String(e?.message ?? e)).join("; ") || "no socket", 300);
  if (protocol === "uds" && udsModuleLoads()) {
    unavailable(
      `the agent's socket ${quote(path ?? "/var/run/datadog/dsd.socket")} did not accept a connection (${cause}); retrying on each send`,
    );
    return client;
  }
  try {
    client.close();
  } catch {
    // Nothing to release: the transport was never created.
  }
  const problem =
    protocol === "uds"
      ? `statsd.protocol: "uds" needs hot-shots' optional native module unix-dgram, which does not load here (${cause}); ` +
        `install and build unix-dgram, or use protocol "udp" (the default)`
      : `statsd: the DogStatsD ${protocol ?? ""} transport could not be created: ${cause}`;
  throw new EmitterConfigError([problem]);
}

/** Whether hot-shots can load unix-dgram: resolved from hot-shots' own location, as its transport.js does. */
function udsModuleLoads(): boolean {
  try {
    createRequire(require.resolve("hot-shots"))("unix-dgram");
    return true;
  } catch {
    return false;
  }
}

/** The known features for an `unknown_feature` message: a catalog of 200 features must not make it a page long. */
function knownList(ids: string[]): string {
  const shown = ids.slice(0, 10).join(", ");
  return ids.length > 10 ? `${shown} and ${ids.length - 10} more` : shown;
}

function clientOptions(options: EmitterOptions, errorHandler: (e: Error) => void): ClientOptions {
  const globalTags: string[] = [];
  if (options.env !== undefined) globalTags.push(`${TAG.env}:${options.env}`);
  if (!options.keepHostTag) globalTags.push("host:");
  return {
    // One datagram per metric costs a syscall each; 1432 bytes fits a typical MTU without fragmentation.
    maxBufferSize: 1432,
    ...options.statsd,
    globalTags: [...globalTags, ...asTagList(options.statsd?.globalTags)],
    errorHandler,
  };
}

function asTagList(tags: ClientOptions["globalTags"]): string[] {
  if (!tags) return [];
  return Array.isArray(tags) ? tags : Object.entries(tags).map(([k, v]) => `${k}:${v}`);
}

function optionProblems(o: EmitterOptions): string[] {
  const problems: string[] = [];
  if (!o || !Array.isArray(o.features) || o.features.length === 0) return ["features: must list at least one feature"];
  const seen = new Set<string>();
  o.features.forEach((f, i) => {
    if (!f || typeof f.id !== "string" || !f.id) problems.push(`features[${i}].id: must be the feature's slug from features.ts`);
    else if (seen.has(f.id)) problems.push(`features[${i}].id: duplicate feature "${f.id}"`);
    else seen.add(f.id);
    if (!f || !Array.isArray(f.providers) || f.providers.length === 0)
      problems.push(`features[${i}].providers: must list at least one provider`);
    for (const key of ["ttftP95Ms", "totalP95Ms"] as const) {
      const v = f?.latency?.[key];
      if (v !== undefined && !(typeof v === "number" && Number.isFinite(v) && v > 0))
        problems.push(`features[${i}].latency.${key}: must be a positive number of milliseconds (got ${quote(v)})`);
    }
    if (f?.slo !== undefined && f.slo !== false) problems.push(...passScoreProblems(`features[${i}].slo`, f.slo));
  });
  if (o.slo !== undefined) problems.push(...passScoreProblems("slo", o.slo));
  problems.push(...priceTableProblems(o.prices));
  if (o.prefix !== undefined && !/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/.test(o.prefix))
    problems.push(`prefix: must be a Datadog metric prefix such as llm (got ${quote(o.prefix)})`);
  if (o.tenants?.maxDistinct !== undefined && !(Number.isInteger(o.tenants.maxDistinct) && o.tenants.maxDistinct > 0)) {
    problems.push(`tenants.maxDistinct: must be a positive integer (got ${quote(o.tenants.maxDistinct)})`);
  }
  if (o.flushTimeoutMs !== undefined && !isTimeout(o.flushTimeoutMs)) {
    problems.push(`flushTimeoutMs: must be 0 to ${MAX_TIMEOUT_MS} milliseconds (got ${quote(o.flushTimeoutMs)})`);
  }
  problems.push(...tagValueProblems(o));
  return problems;
}

/** A pass score on the judge's 0-100 scale, where an SLO setting gives one. */
function passScoreProblems(at: string, slo: SloSettings): string[] {
  if (slo === null || typeof slo !== "object")
    return [`${at}: must be false or the feature's slo object from features.ts (got ${quote(slo)})`];
  const v = slo.quality?.passScore;
  return v === undefined || (typeof v === "number" && v >= 0 && v <= 100)
    ? []
    : [`${at}.quality.passScore: must be a judge score from 0 to 100 (got ${quote(v)})`];
}

/**
 * Every configured value the guards let through as a tag value must be one Datadog stores as
 * is, which also keeps it apart from the bucket value (`_other`, which no tag-safe value can be).
 */
function tagValueProblems(o: EmitterOptions): string[] {
  const problems: string[] = [];
  const check = (at: string, value: unknown) => {
    if (typeof value !== "string" || !isTagSafe(value.trim().toLowerCase())) {
      problems.push(
        `${at}: ${quote(value)} is not a tag value Datadog keeps as is (1-64 of a-z 0-9 _ . : / -, starting with a letter or digit, ` +
          `no "__", not ending in _ or :)`,
      );
    }
  };
  o.features.forEach((f, i) => {
    f?.providers?.forEach((p, j) => check(`features[${i}].providers[${j}]`, p));
    f?.retrieval?.indexes?.forEach((x, j) => check(`features[${i}].retrieval.indexes[${j}]`, x));
  });
  o.tenants?.allow?.forEach((t, i) => check(`tenants.allow[${i}]`, t));
  o.models?.allow?.forEach((m, i) => check(`models.allow[${i}]`, m));
  for (const [flag, values] of Object.entries(o.flagValues ?? {}))
    values.forEach((v, i) => check(`flagValues[${JSON.stringify(flag)}][${i}]`, v));
  return problems;
}

/** Control flow for a rejected call; never escapes `guarded`. Not an Error: no stack to capture on the hot path. */
const REJECTED: unique symbol = Symbol("rejected");

interface Note {
  reason: string;
  message: string;
  detail?: string;
}

/** What one record* call found wrong. Rejections abort the call before anything is sent. */
class Call {
  readonly notes: Note[] = [];
  rejected = false;

  note(reason: string, message: string, detail?: string): void {
    this.notes.push({ reason, message, detail });
  }

  reject(reason: string, message: string): never {
    this.rejectQuietly(reason, message);
    throw REJECTED;
  }

  rejectQuietly(reason: string, message: string): void {
    this.rejected = true;
    this.notes.push({ reason, message });
  }

  /**
   * A finite number within `range` (the contract's, for the metric it feeds; by default >= 0),
   * or the call is rejected: NaN, a negative latency or 1e308 (sent as Infinity once rounded)
   * would corrupt sums and percentiles.
   */
  number(field: string, value: unknown, range: ValueRange = { min: 0, max: Number.MAX_VALUE }): number {
    if (typeof value !== "number" || !Number.isFinite(value) || value < range.min || value > range.max) {
      const bounds = range.max === Number.MAX_VALUE ? `>= ${range.min}` : `from ${range.min} to ${range.max}`;
      this.reject("invalid_number", `${field} must be a finite number ${bounds} (got ${quote(value)})`);
    }
    return value as number;
  }
}
