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
  type JudgeScore,
  type LlmCall,
  type Outcome,
  type Retrieval,
} from "./emitter";
export { BUCKET, looksUnbounded, type ModelPolicy, normalizeModelId, type TenantPolicy } from "./guards";
export type { EmitterLogger } from "./log";
export { costUsd, type ModelPrice, type PriceTable, type TokenCounts } from "./price";
export { flagTagKey, metricContract, type MetricContract } from "../config/contract";
