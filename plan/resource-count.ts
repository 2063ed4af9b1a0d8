// How every tool counts a plan's resources, so synth, check and the preview page say the same
// number: resources are what the providers create (custom), components only group them.
import type { Plan } from "./plan";

export interface ResourceCount {
  /** Custom resources: what the providers create (monitors, dashboards, services, ...). */
  resources: number;
  /** ComponentResources: groupings with no cloud object of their own. */
  components: number;
}

export function countResources(plan: Pick<Plan, "resources">): ResourceCount {
  const resources = plan.resources.filter((r) => r.custom).length;
  return { resources, components: plan.resources.length - resources };
}

/** `62 resources (+9 components)`: the phrase synth and check print. */
export function describeResourceCount(plan: Pick<Plan, "resources">): string {
  const { resources, components } = countResources(plan);
  return `${resources} resource${resources === 1 ? "" : "s"} (+${components} component${components === 1 ? "" : "s"})`;
}
