// Checks run on every synth before anything is written: generated definitions must
// validate against Datadog's spec, use only the metric contract, page only services that
// exist in the same stack, and meet every constraint the pinned providers and the services'
// APIs enforce (providers/constraints.ts), so what synth accepts, `pulumi up` deploys.
import { pagerdutyHandleOf, TYPE } from "../config/names";
import { type DatadogMonitor, referencedMonitors } from "../monitors/definition";
import type { Catalog } from "../config/validate";
import { lintDashboard } from "../dashboards/lint";
import { monitorsOf } from "../plan/monitors";
import { MONITOR_KINDS, type MonitorKindSpec } from "../monitors/kinds";
import { lintMonitor } from "../monitors/lint";
import { danglingPagerdutyHandles } from "../plan/oncall";
import { checkPlan, formatBreach } from "../providers/check";
import { formatSpecErrors, validateDashboard, validateMonitor, validateSlo } from "./datadog-spec";
import { sloBodiesOf, slosOf } from "../plan/slos";
import { lintSlo } from "../slos/lint";
import { dashboardsOf } from "../plan/dashboards";
import { type Plan } from "../plan/plan";
import { mockResourceId } from "./mocks";

/** Every problem, each naming its resource; `kinds` is the monitor-kind registry the lint holds monitors to. */
export function verifyPlan(plan: Plan, catalog: Catalog, kinds: readonly MonitorKindSpec[] = MONITOR_KINDS): string[] {
  const problems: string[] = [];
  for (const d of dashboardsOf(plan)) {
    const errors = validateDashboard(d.body);
    if (errors.length) problems.push(`dashboard ${d.id} does not match Datadog's Dashboard schema:\n${formatSpecErrors(errors)}`);
    const lint = lintDashboard(d.body, catalog.contract);
    if (lint.length) problems.push(`dashboard ${d.id} breaks the metric contract:\n${lint.map((p) => `  ${p}`).join("\n")}`);
  }
  for (const d of danglingPagerdutyHandles(plan)) {
    problems.push(
      `${d.resource} pages ${pagerdutyHandleOf(d.serviceName)}, but no PagerDuty service object of that name exists in this stack`,
    );
  }
  let monitors: ReturnType<typeof monitorsOf>;
  try {
    monitors = monitorsOf(plan);
  } catch (e) {
    return [...problems, `monitor inputs cannot be mapped back to the API body: ${(e as Error).message}`];
  }
  let slos: ReturnType<typeof sloBodiesOf>;
  try {
    slos = sloBodiesOf(plan);
  } catch (e) {
    return [...problems, `SLO inputs cannot be mapped back to the API body: ${(e as Error).message}`];
  }
  for (const s of slos) {
    const errors = validateSlo(s.body);
    if (errors.length)
      problems.push(`SLO ${s.id} does not match Datadog's ServiceLevelObjectiveRequest schema:\n${formatSpecErrors(errors)}`);
    for (const p of lintSlo(s.body, { contract: catalog.contract, env: catalog.stack.env })) problems.push(`SLO ${s.id}: ${p}`);
  }
  const watched = slosOf(plan);
  // A composite's query references its constituents by the ids the mocks give them (or by placeholder).
  const byRef = new Map(monitors.flatMap((m) => [[mockResourceId(m.id, TYPE.monitor), m.body] as const, [m.id, m.body] as const]));
  const constituents = (c: DatadogMonitor) =>
    [...(referencedMonitors(c.query).length ? referencedMonitors(c.query) : (c.query.match(/\d+/g) ?? []))].flatMap(
      (ref) => byRef.get(ref) ?? [],
    );
  for (const m of monitors) {
    const errors = validateMonitor(m.body);
    if (errors.length) problems.push(`monitor ${m.id} does not match Datadog's Monitor schema:\n${formatSpecErrors(errors)}`);
    for (const p of lintMonitor(m.body, { contract: catalog.contract, stack: catalog.stack, kinds, slos: watched, constituents }))
      problems.push(`monitor ${m.id}: ${p}`);
  }
  for (const b of checkPlan(plan, { ownsOrgResources: catalog.stack.ownsOrgResources })) problems.push(formatBreach(b));
  return problems;
}
