// What the evaluator reads of a catalog: the features' traffic-shaping limits, the stack's few
// switches and the metric contract's names. `Catalog` (config/validate.ts) has all of it; so has
// a plan's `evaluation` record (plan/plan.ts), which is how `npm run diff` replays scenarios
// against sides it holds as plans only (its synths run in child processes: tools/diff/sources.ts).
import type { MetricKey, MetricType } from "../config/contract";
import type { EvaluationRecord } from "../plan/plan";

export interface ScenarioFeature {
  id: string;
  providers: readonly string[];
  budgetUsdPerDay: number;
  latency: { ttftP95Ms: number; totalP95Ms: number };
  quality: { judgeSampleRate: number; maxWeeklyDropPoints: number };
  retrieval?: { indexes: readonly string[] };
}

export interface ScenarioCatalog {
  features: readonly ScenarioFeature[];
  stack: {
    env: string;
    paging: boolean;
    ownsOrgResources: boolean;
    datadogSite: string;
    monitoring: { retrievalP95Ms: number };
  };
  contract: { metrics: Record<MetricKey, { name: string; type: MetricType }> };
}

/** The record a plan keeps of its catalog (tools/artifacts.ts writes it). */
export function evaluationRecord(catalog: ScenarioCatalog): EvaluationRecord {
  const { stack } = catalog;
  return {
    stack: {
      env: stack.env,
      paging: stack.paging,
      ownsOrgResources: stack.ownsOrgResources,
      datadogSite: stack.datadogSite,
      retrievalP95Ms: stack.monitoring.retrievalP95Ms,
    },
    metrics: Object.fromEntries(Object.entries(catalog.contract.metrics).map(([k, m]) => [k, { name: m.name, type: m.type }])),
    features: catalog.features.map((f) => ({
      id: f.id,
      providers: [...f.providers],
      budgetUsdPerDay: f.budgetUsdPerDay,
      ttftP95Ms: f.latency.ttftP95Ms,
      totalP95Ms: f.latency.totalP95Ms,
      judgeSampleRate: f.quality.judgeSampleRate,
      maxWeeklyDropPoints: f.quality.maxWeeklyDropPoints,
      indexes: [...(f.retrieval?.indexes ?? [])],
    })),
  };
}

/** The catalog a plan's `evaluation` record describes. */
export function catalogFromRecord(r: EvaluationRecord): ScenarioCatalog {
  const { retrievalP95Ms, ...stack } = r.stack;
  return {
    stack: { ...stack, monitoring: { retrievalP95Ms } },
    contract: { metrics: r.metrics as ScenarioCatalog["contract"]["metrics"] },
    features: r.features.map((f) => ({
      id: f.id,
      providers: f.providers,
      budgetUsdPerDay: f.budgetUsdPerDay,
      latency: { ttftP95Ms: f.ttftP95Ms, totalP95Ms: f.totalP95Ms },
      quality: { judgeSampleRate: f.judgeSampleRate, maxWeeklyDropPoints: f.maxWeeklyDropPoints },
      ...(f.indexes.length ? { retrieval: { indexes: f.indexes } } : {}),
    })),
  };
}
