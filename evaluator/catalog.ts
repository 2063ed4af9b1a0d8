// What the evaluator reads of a catalog: the features' traffic-shaping limits, the stack's few
// switches and the metric contract's names. `Catalog` (config/validate.ts) has all of it; so has
// a plan's `evaluation` record (plan/plan.ts), which is how `npm run diff` replays scenarios
// against sides it holds as plans only (its synths run in child processes: tools/diff/sources.ts).
import type { MetricKey, MetricType } from "../config/contract";
import { featureSlo, resolveSlo, type ResolvedSlo, type SloSettings } from "../config/slo";
import type { EvaluationRecord } from "../plan/plan";

export interface ScenarioFeature {
  id: string;
  providers: readonly string[];
  budgetUsdPerDay: number;
  latency: { ttftP95Ms: number; totalP95Ms: number };
  quality: { judgeSampleRate: number; maxWeeklyDropPoints: number };
  retrieval?: { indexes: readonly string[] };
  /** The feature's SLOs as features.ts sets them (config/slo.ts resolveSlo); `false`: none, and no SLI events. */
  slo?: SloSettings | false;
}

export interface ScenarioCatalog {
  features: readonly ScenarioFeature[];
  stack: {
    env: string;
    paging: boolean;
    ownsOrgResources: boolean;
    datadogSite: string;
    monitoring: { retrievalP95Ms: number; slo?: SloSettings };
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
      // Resolved, so that a plan replays with the SLOs it was synthesized with, whatever the defaults become.
      slo: settingsOf(resolveSlo(undefined, stack.monitoring.slo)!),
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
      slo: ((slo) => (slo ? settingsOf(slo) : false))(featureSlo(f, stack)),
    })),
  };
}

function settingsOf(slo: ResolvedSlo): Required<Omit<SloSettings, "quality">> & { quality: { target: number; passScore: number } } {
  const { window, targets, passScore } = slo;
  return { window, availability: targets.availability, latency: targets.latency, quality: { target: targets.quality, passScore } };
}

/**
 * The catalog a plan's `evaluation` record describes. A record without the SLI counter
 * (`metrics.sloEvents`) comes from a program before SLOs: its features send no SLI events.
 */
export function catalogFromRecord(r: EvaluationRecord): ScenarioCatalog {
  const { retrievalP95Ms, slo: stackSlo, ...stack } = r.stack;
  const hasSlis = r.metrics.sloEvents !== undefined;
  const metrics = hasSlis ? r.metrics : { ...r.metrics, sloEvents: { name: "(no SLI counter in this plan)", type: "count" as const } };
  return {
    stack: { ...stack, monitoring: { retrievalP95Ms, ...(stackSlo ? { slo: stackSlo } : {}) } },
    contract: { metrics: metrics as ScenarioCatalog["contract"]["metrics"] },
    features: r.features.map((f) => ({
      id: f.id,
      providers: f.providers,
      budgetUsdPerDay: f.budgetUsdPerDay,
      latency: { ttftP95Ms: f.ttftP95Ms, totalP95Ms: f.totalP95Ms },
      quality: { judgeSampleRate: f.judgeSampleRate, maxWeeklyDropPoints: f.maxWeeklyDropPoints },
      ...(f.indexes.length ? { retrieval: { indexes: f.indexes } } : {}),
      slo: hasSlis ? f.slo : false,
    })),
  };
}
