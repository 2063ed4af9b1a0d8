// The stack a scenario or a backtest runs against: synthesized exactly as `npm run synth` does
// (tools/synth.ts), then read back from the plan as Datadog would receive it.
import * as fs from "node:fs";
import * as path from "node:path";
import { readStackFile } from "../config/load";
import { CONFIG_NAMESPACE, TYPE } from "../config/names";
import type { Catalog } from "../config/validate";
import { compositeConstituents } from "../evaluator/monitor";
import type { StackUnderTest } from "../evaluator/run";
import { mockResourceId } from "./mocks";
import { monitorsOf } from "../plan/monitors";
import { sloBodiesOf } from "../plan/slos";
import { type Plan, resourcesOfType } from "../plan/plan";
import { synth, type SynthOptions } from "./synth";

export interface StackOptions extends SynthOptions {
  /**
   * The stack whose plan holds the org's tag configurations (`ownsOrgResources: true`), when it
   * is not this one. Default: the sibling `Pulumi.<stack>.yaml` that sets it.
   */
  orgStack?: string;
}

/** Synthesizes the stack, and the org stack when this one does not own the org's tag configurations. */
export async function synthStack(opts: StackOptions): Promise<StackUnderTest> {
  const { plan, catalog } = await synth(opts);
  const stack = stackFromPlan(opts.stack, plan, catalog);
  if (catalog.stack.ownsOrgResources) return stack;
  const org = opts.orgStack ?? orgStackBeside(opts.configFile);
  if (!org || org === opts.stack) return stack;
  const orgPlan = await synth({ ...opts, stack: org, configFile: path.join(path.dirname(opts.configFile), `Pulumi.${org}.yaml`) });
  return withOrgConfigurations(stack, orgPlan.plan);
}

/** The stack among the `Pulumi.<stack>.yaml` files next to `configFile` that owns the org's resources. */
export function orgStackBeside(configFile: string): string | undefined {
  const dir = path.dirname(configFile);
  for (const f of fs.readdirSync(dir).sort()) {
    const m = /^Pulumi\.(.+)\.yaml$/.exec(f);
    if (!m) continue;
    const { config } = readStackFile(path.join(dir, f));
    if (config[`${CONFIG_NAMESPACE}ownsOrgResources`] === "true") return m[1];
  }
  return undefined;
}

export function stackFromPlan(name: string, plan: Plan, catalog: Catalog): StackUnderTest {
  const monitors = monitorsOf(plan).map((m) => ({ id: m.id, body: m.body }));
  const monitorById = new Map(monitors.map((m) => [mockResourceId(m.id, TYPE.monitor), m.id]));
  const constituents = new Set(monitors.flatMap((m) => compositeConstituents(m).map((id) => monitorById.get(id) ?? id)));
  // An slo alert names its SLO by the id Datadog gave it; under synth's mocks, the id mocks.ts gives the SLO resource.
  const slos = new Map(sloBodiesOf(plan).map(({ id, body }) => [mockResourceId(id, TYPE.serviceLevelObjective), { id, body }]));
  return withOrgConfigurations(
    { name, catalog, monitors, percentiles: new Set(), monitorById, muted: mutedMonitors(plan, monitorById), constituents, slos },
    plan,
  );
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
