// `llm-observability/emit`: what an application imports to emit the metric contract.
// Built to dist/ by `npm run build:emit`; it must never import Pulumi (checked by a test).
export {
  type CallStatus,
  createEmitter,
  type Emitter,
  EmitterConfigError,
  type EmitterFeature,
  type EmitterOptions,
  type EmitterStats,
  type JudgeLogRecord,
  type JudgeScale,
  type JudgeScore,
  type LlmCall,
  type Outcome,
  type Retrieval,
} from "./emitter";
export { BUCKET, DECISION_CACHE_BYTES, looksUnbounded, type ModelPolicy, normalizeModelId, type TenantPolicy } from "./guards";
export type { EmitterLogger } from "./log";
export { costUsd, type ModelPrice, type PriceTable, type TokenCounts } from "./price";
export { flagTagKey, METRIC_RANGES, metricContract, type MetricContract, type ValueRange } from "../config/contract";
