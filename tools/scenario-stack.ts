// The stack a scenario or a backtest runs against: synthesized exactly as `npm run synth` does
// (tools/synth.ts), then read back from the plan as Datadog would receive it.
import type { Catalog } from "../config/validate";
import { monitorBodyFromInputs } from "../monitors/args";
import type { StackUnderTest } from "../evaluator/run";
import { mockResourceId } from "./mocks";
import { type Plan, resourcesOfType, TYPE } from "./plan";
import { synth, type SynthOptions } from "./synth";

/** Pulumi type of Datadog's per-metric tag configuration (`includePercentiles` enables pNN queries). */
export const METRIC_TAG_CONFIGURATION = "datadog:index/metricTagConfiguration:MetricTagConfiguration";

export async function synthStack(opts: SynthOptions): Promise<StackUnderTest> {
  const { plan, catalog } = await synth(opts);
  return stackFromPlan(opts.stack, plan, catalog);
}

export function stackFromPlan(name: string, plan: Plan, catalog: Catalog): StackUnderTest {
  const monitors = resourcesOfType(plan, TYPE.monitor).map((r) => ({ id: r.name, body: monitorBodyFromInputs(r.inputs) }));
  // docs metrics/distributions: percentiles are computed only for metrics a tag configuration enables them on.
  const percentiles = new Set(
    resourcesOfType(plan, METRIC_TAG_CONFIGURATION)
      .filter((r) => r.inputs.includePercentiles === true)
      .map((r) => String(r.inputs.metricName)),
  );
  const monitorById = new Map(monitors.map((m) => [mockResourceId(m.id), m.id]));
  return { name, catalog, monitors, percentiles, monitorById };
}
