// The stack a scenario, a backtest or the diff's behaviour section runs against, read from a plan:
// its monitors as Datadog receives them, the building blocks muted by a downtime, and the org's
// tag configurations. No Pulumi here: the diff reads plans that child processes synthesized.
import { TYPE } from "../config/names";
import { catalogFromRecord, type ScenarioCatalog } from "../evaluator/catalog";
import { compositeConstituents } from "../evaluator/monitor";
import type { StackUnderTest } from "../evaluator/run";
import { monitorsOf } from "../plan/monitors";
import { type Plan, resourcesOfType } from "../plan/plan";
import { sloBodiesOf } from "../plan/slos";
import { mockResourceId } from "./mock-ids";

/** The stack of a plan that records its catalog (`evaluation`, plan/plan.ts); undefined for a plan from before the record. */
export function stackFromRecordedPlan(plan: Plan): StackUnderTest | undefined {
  return plan.evaluation ? stackFromPlan(plan.stack, plan, catalogFromRecord(plan.evaluation)) : undefined;
}

export function stackFromPlan(name: string, plan: Plan, catalog: ScenarioCatalog): StackUnderTest {
  const monitors = monitorsOf(plan).map((m) => ({ id: m.id, body: m.body }));
  const monitorById = new Map(monitors.map((m) => [mockResourceId(m.id, TYPE.monitor), m.id]));
  const muted = mutedMonitors(plan, monitorById);
  // Building blocks: the constituents muted by a downtime. A constituent that notifies on its own
  // (tenant-spend-anomaly's all-tenants detector) is one of its kind's monitors like any other.
  const constituents = new Set(
    monitors.flatMap((m) => compositeConstituents(m).map((id) => monitorById.get(id) ?? id)).filter((id) => muted.has(id)),
  );
  // An slo alert names its SLO by the id Datadog gave it; under synth's mocks, the id mocks.ts gives the SLO resource.
  const slos = new Map(sloBodiesOf(plan).map(({ id, body }) => [mockResourceId(id, TYPE.serviceLevelObjective), { id, body }]));
  return withOrgConfigurations({ name, catalog, monitors, percentiles: new Set(), monitorById, muted, constituents, slos }, plan);
}

/**
 * Monitors muted for good by a downtime: one that names the monitor by id, covers every group
 * (scope `*`) and never ends. Any other downtime is a form the scenarios do not model.
 */
export function mutedMonitors(plan: Plan, monitorById: ReadonlyMap<string, string>): Set<string> {
  const muted = new Set<string>();
  for (const r of resourcesOfType(plan, TYPE.downtimeSchedule)) {
    const id = (r.inputs.monitorIdentifier as { monitorId?: unknown } | undefined)?.monitorId;
    const once = r.inputs.oneTimeSchedule as { end?: unknown } | undefined;
    const target = id === undefined ? undefined : monitorById.get(String(id));
    if (!target || r.inputs.scope !== "*" || r.inputs.recurringSchedule !== undefined || (once && once.end !== undefined)) {
      throw new Error(`downtime ${r.name}: the scenarios model only a downtime of one monitor, scope *, without end`);
    }
    muted.add(target);
  }
  return muted;
}

/**
 * Adds a plan's Datadog tag configurations: the distributions they enable percentiles on (docs
 * metrics/distributions: pNN queries return no data until then) and the tags they leave
 * queryable (docs metrics/metrics-without-limits: only the allow-listed tags can be queried).
 */
export function withOrgConfigurations(stack: StackUnderTest, plan: Plan): StackUnderTest {
  const configurations = resourcesOfType(plan, TYPE.metricTagConfiguration);
  const percentiles = new Set(stack.percentiles);
  const queryable = new Map(stack.queryableTags ?? []);
  for (const r of configurations) {
    const metric = String(r.inputs.metricName);
    if (r.inputs.includePercentiles === true) percentiles.add(metric);
    if (Array.isArray(r.inputs.tags)) queryable.set(metric, new Set(r.inputs.tags.map(String)));
  }
  return { ...stack, percentiles, queryableTags: queryable };
}
