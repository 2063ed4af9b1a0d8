// Runs the constraint table over a plan: every resource against the constraints of its type,
// and the stack's queries and monitors against the org's shared resources.
import { RESOURCE_CONSTRAINTS } from "./constraints";
import { ORG_CONSTRAINTS, type PlanResources } from "./org";
import type { Breach, CheckedResource, ResourceConstraint } from "./rules";

/** Breaches of the per-resource constraints, in plan order. */
export function checkResources(
  resources: readonly CheckedResource[],
  constraints: readonly ResourceConstraint[] = RESOURCE_CONSTRAINTS,
): Breach[] {
  const byType = new Map<string, ResourceConstraint[]>();
  for (const c of constraints) byType.set(c.type, [...(byType.get(c.type) ?? []), c]);
  return resources.flatMap((r) =>
    (byType.get(r.type) ?? []).flatMap((c) =>
      c.check(r.inputs).map((f) => ({
        constraint: c.id,
        rule: c.rule,
        enforcedBy: c.enforcedBy,
        source: c.source,
        type: r.type,
        resource: r.name,
        field: f.field,
        problem: f.problem,
      })),
    ),
  );
}

/** Breaches of the org constraints: `stack` against the org's resources in `org` (pass the same plan twice on the org stack). */
export function checkAgainstOrg(stack: PlanResources, org: PlanResources): Breach[] {
  return ORG_CONSTRAINTS.flatMap((c) => c.check(stack, org));
}

/**
 * What synth checks before it writes anything: every resource, and, on the stack that owns the
 * org's resources, its own queries and monitors against them. Another stack's queries can only
 * be held to the org stack's resources when both plans exist (`npm run check -- --org-plan`).
 */
export function checkPlan(plan: PlanResources, opts: { ownsOrgResources: boolean }): Breach[] {
  return [...checkResources(plan.resources), ...(opts.ownsOrgResources ? checkAgainstOrg(plan, plan) : [])];
}

/** One line per breach: `<resource> <field>: <problem>; <rule> (<who>: <source>) [<constraint>]`. */
export function formatBreach(b: Breach): string {
  const who = b.enforcedBy === "provider" ? "the provider rejects it at preview" : "the API rejects or ignores it";
  return `${shortType(b.type)} ${b.resource} ${b.field}: ${b.problem}; must be ${b.rule} (${who}; ${b.source.ref}) [${b.constraint}]`;
}

/** `sentry:index/sentryIssueAlert:SentryIssueAlert` -> `SentryIssueAlert`. */
export function shortType(type: string): string {
  return type.slice(type.lastIndexOf(":") + 1);
}
