// The on-call and Sentry part of the `npm run synth` summary, read from the plan (what
// would be created) with the catalog only supplying names people recognise.
import type { Catalog } from "../config/validate";
import { type Plan, type PlanResource, TYPE } from "../tools/plan";
import { danglingPagerdutyHandles } from "./handles";
import { WEEK_SECONDS } from "./build";

function byName(plan: Plan, type: string): Map<string, PlanResource> {
  return new Map(plan.resources.filter((r) => r.type === type).map((r) => [r.name, r]));
}

interface LayerInputs {
  start?: string;
  rotationTurnLengthSeconds?: number;
  users?: unknown[];
}
interface RuleInputs {
  escalationDelayInMinutes?: number;
  targets?: { type?: string; id?: string }[];
}

export function onCallSummary(plan: Plan, catalog: Catalog): string[] {
  const lines = ["On-call (PagerDuty):"];
  const schedules = byName(plan, TYPE.schedule);
  const policies = byName(plan, TYPE.escalationPolicy);
  const services = byName(plan, TYPE.service);
  const integrations = byName(plan, TYPE.serviceIntegration);
  const serviceObjects = byName(plan, TYPE.pagerdutyServiceObject);
  if (!catalog.stack.paging) {
    lines.push(`  paging off: ${schedules.size + services.size + serviceObjects.size} PagerDuty resources; monitors route to Slack`);
    return lines;
  }
  const scheduleOwner = new Map([...schedules.keys()].map((name) => [`${name}-id`, name.replace(/^schedule-/, "")]));
  const width = Math.max(...catalog.teams.map((t) => t.id.length));
  for (const team of catalog.teams) {
    const schedule = schedules.get(`schedule-${team.id}`);
    const policy = policies.get(`escalation-${team.id}`);
    const service = services.get(`service-${team.id}`);
    const object = serviceObjects.get(`pagerduty-service-${team.id}`);
    const layer = (schedule?.inputs.layers as LayerInputs[] | undefined)?.[0];
    const weekly = layer?.rotationTurnLengthSeconds === WEEK_SECONDS ? "weekly" : `every ${layer?.rotationTurnLengthSeconds}s`;
    const { handoff } = team.onCall;
    lines.push(
      `  ${team.id.padEnd(width)}  ${schedule ? `${weekly}, ${layer?.users?.length ?? 0} engineers, one at a time; handoff ${handoff.day} ${handoff.time} ${schedule.inputs.timeZone}, first ${layer?.start}` : "NO SCHEDULE"}`,
    );
    const rules = (policy?.inputs.rules as RuleInputs[] | undefined) ?? [];
    const levels = rules.map((r, i) => {
      const who = (r.targets ?? []).map((t) =>
        t.type === "schedule_reference" ? `${scheduleOwner.get(String(t.id)) ?? "?"} on-call` : (team.onCall.secondary ?? "a user"),
      );
      return `${i === 0 ? "" : `after ${rules[i - 1].escalationDelayInMinutes} min `}${who.join(" + ")}`;
    });
    lines.push(`  ${"".padEnd(width)}  escalation: ${policy ? `${levels.join(" → ")}, ${policy.inputs.numLoops} loops` : "NONE"}`);
    const urgency = (service?.inputs.incidentUrgencyRule as { urgency?: string } | undefined)?.urgency;
    const serviceLine = service
      ? `service ${service.inputs.name} (urgency ${urgency}, ack ${Number(service.inputs.acknowledgementTimeout) / 60} min, auto-resolve ${Number(service.inputs.autoResolveTimeout) / 3600} h)`
      : "NO SERVICE";
    const wiring =
      integrations.has(`integration-datadog-${team.id}`) && object
        ? `Datadog → @pagerduty-${object.inputs.serviceName}`
        : "NOT WIRED TO DATADOG";
    lines.push(`  ${"".padEnd(width)}  ${serviceLine}; ${wiring}`);
  }
  const dangling = danglingPagerdutyHandles(plan);
  const monitors = plan.resources.filter((r) => r.type === TYPE.monitor).length;
  lines.push(
    dangling.length
      ? `  DANGLING HANDLES: ${dangling.map((d) => `${d.resource} → @pagerduty-${d.serviceName}`).join(", ")}`
      : `  every @pagerduty- handle in ${monitors} monitor${monitors === 1 ? "" : "s"} resolves to a service object`,
  );
  return lines;
}

export function sentrySummary(plan: Plan, catalog: Catalog): string[] {
  const lines = [`Errors (Sentry, org ${catalog.stack.sentryOrganization}, environment ${catalog.stack.env}):`];
  const issue = byName(plan, TYPE.sentryIssueAlert);
  const metric = byName(plan, TYPE.sentryMetricAlert);
  const width = Math.max(...catalog.features.map((f) => f.id.length));
  for (const f of catalog.features) {
    const m = metric.get(`sentry-metric-alert-${f.id}`);
    const triggers = (m?.inputs.triggers as { label?: string; alertThreshold?: number; actions?: { type?: string }[] }[] | undefined) ?? [];
    const trigger = (label: string) => triggers.find((t) => t.label === label);
    const pages = (label: string) => (trigger(label)?.actions ?? []).some((a) => a.type === "pagerduty");
    const level = (label: string) => `> ${trigger(label)?.alertThreshold} ${pages(label) ? "pages" : "emails"}`;
    const parts = [
      issue.has(`sentry-issue-alert-${f.id}`) ? "new/regressed issue emails" : "NO ISSUE ALERT",
      issue.has(`sentry-issue-page-${f.id}`) ? "high-priority issue pages" : undefined,
      m ? `errors/10 min ${level("critical")}, ${level("warning")}` : "NO METRIC ALERT",
    ].filter(Boolean);
    lines.push(`  ${f.id.padEnd(width)}  ${f.sentryProject.padEnd(16)} → ${f.owner}: ${parts.join(", ")}`);
  }
  return lines;
}
