// The contract between monitors and on-call, checked over a whole plan: every
// `@pagerduty-X` handle in a monitor message must name a Datadog service object X in the
// same stack, or Datadog rejects the monitor (or, worse, the page goes nowhere).
import { type Plan, type PlanResource, TYPE } from "../tools/plan";

// Datadog ends a handle at whitespace; trailing sentence punctuation and a directly following
// template tag (`{{/is_alert}}`) are not part of a service name. Handles glued to the previous
// word are caught too: better a false alarm here than a page that silently goes nowhere.
const PAGERDUTY_HANDLE = /@pagerduty-([^\s,;:!?()<>{}]*[^\s,;:!?()<>{}.])/g;

/** Service names of every `@pagerduty-<name>` in `text`, in order of appearance, unique. */
export function pagerdutyHandlesIn(text: string): string[] {
  return [...new Set([...text.matchAll(PAGERDUTY_HANDLE)].map((m) => m[1]))];
}

export interface DanglingHandle {
  /** Logical name of the resource whose text carries the handle. */
  resource: string;
  type: string;
  serviceName: string;
}

/** Texts that may page: monitor messages (and their escalation messages). */
function pagingTexts(r: PlanResource): string[] {
  if (r.type !== TYPE.monitor) return [];
  return ["message", "escalationMessage"].map((k) => r.inputs[k]).filter((v): v is string => typeof v === "string");
}

/** Every handle with no service object of that name in the plan; empty when all resolve. */
export function danglingPagerdutyHandles(plan: Plan): DanglingHandle[] {
  const known = new Set(plan.resources.filter((r) => r.type === TYPE.pagerdutyServiceObject).map((r) => String(r.inputs.serviceName)));
  return plan.resources.flatMap((r) =>
    [...new Set(pagingTexts(r).flatMap(pagerdutyHandlesIn))]
      .filter((name) => !known.has(name))
      .map((serviceName) => ({ resource: r.name, type: r.type, serviceName })),
  );
}
