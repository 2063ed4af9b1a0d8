// Monitors as recorded in a plan, turned back into the API body Datadog receives.
import { type Plan, type PlanResource, resourcesOfType, TYPE } from "../tools/plan";
import { monitorBodyFromInputs } from "./args";
import type { DatadogMonitor } from "./definition";

export interface PlannedMonitor {
  /** The resource name, e.g. `monitor-extract-clause-cost-budget`. */
  id: string;
  resource: PlanResource;
  body: DatadogMonitor;
}

export function monitorsOf(plan: Plan): PlannedMonitor[] {
  return resourcesOfType(plan, TYPE.monitor).map((r) => ({ id: r.name, resource: r, body: monitorBodyFromInputs(r.inputs) }));
}
