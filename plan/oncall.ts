// On-call and Sentry as recorded in a plan: per team its schedule, escalation policy, service
// and Datadog wiring; per feature its Sentry rules; and the contract between monitors and
// on-call, that every `@pagerduty-X` handle names a Datadog service object X of the same stack.
// Shared by synth's checks and summary, the diff and the preview page.
import { idFromName, type NamedRole, pagerdutyServicesIn, parseSentryRuleName, ROLE_TYPE, type SentryRole, TYPE } from "../config/names";
import type { Plan, PlanResource } from "./plan";

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
    [...new Set(pagingTexts(r).flatMap((t) => pagerdutyServicesIn(t)))]
      .filter((name) => !known.has(name))
      .map((serviceName) => ({ resource: r.name, type: r.type, serviceName })),
  );
}

const TEAM_ROLES = ["schedule", "escalationPolicy", "service", "serviceIntegration", "pagerdutyServiceObject"] as const;
type TeamRole = (typeof TEAM_ROLES)[number] & NamedRole;

/** A team's PagerDuty resources, by role; absent where the plan has none. */
export type TeamOnCallView = { teamId: string } & Partial<Record<TeamRole, PlanResource>>;

/** The resource of this role for this id, if the plan has it. */
export function named(plan: Plan, role: NamedRole, id: string): PlanResource | undefined {
  return plan.resources.find((r) => r.type === ROLE_TYPE[role] && idFromName(role, r.name) === id);
}

export function teamOnCallView(plan: Plan, teamId: string): TeamOnCallView {
  const view: TeamOnCallView = { teamId };
  for (const role of TEAM_ROLES) {
    const r = named(plan, role, teamId);
    if (r) view[role] = r;
  }
  return view;
}

/** Team ids that own some PagerDuty resource in the plan, in order of first appearance. */
export function onCallTeamIds(plan: Plan): string[] {
  const ids = plan.resources.flatMap((r) =>
    TEAM_ROLES.filter((role) => r.type === ROLE_TYPE[role]).flatMap((role) => idFromName(role, r.name) ?? []),
  );
  return [...new Set(ids)];
}

export interface SentryRuleView {
  featureId: string;
  role: SentryRole;
  resource: PlanResource;
}

/** Every Sentry rule of the plan with the feature it belongs to, read from its resource name. */
export function sentryRuleViews(plan: Plan): SentryRuleView[] {
  return plan.resources.flatMap((r) => {
    if (r.type !== TYPE.sentryIssueAlert && r.type !== TYPE.sentryMetricAlert) return [];
    const parsed = parseSentryRuleName(r.name);
    return parsed ? [{ ...parsed, resource: r }] : [];
  });
}
