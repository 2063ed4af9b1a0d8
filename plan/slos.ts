// SLOs as recorded in a plan: the API body Datadog receives, and what a reader needs of each
// (feature, objective, target, window, owner), found by the SLO's own tags. The `slo alert`
// monitors of a plan are matched to their SLO the same way (feature and objective tags), never
// by id: an id exists only once Datadog has created the SLO. Shared by synth's checks, the
// review, the preview and the policy pack's offline run. Pure: plan in, plain data out.
import { RESOURCE_TAG, TYPE, tagValue } from "../config/names";
import { sloBodyFromInputs } from "../slos/args";
import type { DatadogSlo } from "../slos/definition";
import { type Plan, type PlanResource, resourcesOfType } from "./plan";
import { arr, num, obj, str } from "./read";

export interface PlannedSlo {
  /** The resource name, e.g. `slo-extract-clause-availability`. */
  id: string;
  resource: PlanResource;
  featureId?: string;
  objective?: string;
  team?: string;
  /** The first threshold's target and timeframe (the builder sets one). */
  target?: number;
  timeframe?: string;
}

/** Every SLO of the plan, read from its recorded inputs without throwing (a plan from any commit). */
export function slosOf(plan: Plan): PlannedSlo[] {
  return resourcesOfType(plan, TYPE.serviceLevelObjective).map((r) => {
    const tags = arr(r.inputs.tags).map(str);
    const threshold = obj(arr(r.inputs.thresholds)[0]);
    return {
      id: r.name,
      resource: r,
      featureId: tagValue(tags, RESOURCE_TAG.feature),
      objective: tagValue(tags, RESOURCE_TAG.objective),
      team: tagValue(tags, RESOURCE_TAG.team),
      target: num(threshold.target),
      timeframe: str(threshold.timeframe) || undefined,
    };
  });
}

/** Each SLO's API body, mapped back from its recorded provider inputs; throws on an input slos/args.ts does not map. */
export function sloBodiesOf(plan: Plan): { id: string; body: DatadogSlo }[] {
  return resourcesOfType(plan, TYPE.serviceLevelObjective).map((r) => ({ id: r.name, body: sloBodyFromInputs(r.inputs) }));
}

/** The SLO a `slo alert` monitor with these tags watches: same feature, same objective. */
export function sloOfMonitor(slos: readonly PlannedSlo[], tags: readonly string[]): PlannedSlo | undefined {
  const feature = tagValue(tags, RESOURCE_TAG.feature);
  const objective = tagValue(tags, RESOURCE_TAG.objective);
  if (feature === undefined || objective === undefined) return undefined;
  return slos.find((s) => s.featureId === feature && s.objective === objective);
}
