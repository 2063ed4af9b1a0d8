// What `npm run synth` prints: resources by type, dashboards, monitors per team, on-call, Sentry
// rules and the cost estimate, read from the plan (what would be created) with the catalog only
// supplying names people recognise.
import { cardinalitySummary } from "../cardinality";
import { HANDLE_PREFIX, idFromName, isPagerdutyHandle, pagerdutyHandleOf, RESOURCE_TAG, TYPE, tag, tagValue } from "../config/names";
import type { Catalog } from "../config/validate";
import { WEEK_SECONDS } from "../oncall/build";
import { stackCardinality } from "../org/build";
import { countWidgets, dashboardViews } from "../plan/dashboards";
import { type MonitorView, monitorsOf, monitorViews } from "../plan/monitors";
import { danglingPagerdutyHandles, sentryRuleViews, teamOnCallView } from "../plan/oncall";
import { type Plan, resourcesOfType } from "../plan/plan";
import { slosOf } from "../plan/slos";
import { featureSlo } from "../config/slo";
import { describeResourceCount } from "../plan/resource-count";
import type { Artifact } from "./artifacts";

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
  if (!catalog.stack.paging) {
    const count = plan.resources.filter((r) => [TYPE.schedule, TYPE.service, TYPE.pagerdutyServiceObject].includes(r.type as never)).length;
    lines.push(`  paging off: ${count} PagerDuty resources; monitors route to Slack`);
    return lines;
  }
  // Under mocks a schedule's id is `<resource name>-id` (tools/mocks.ts); escalation rules name schedules by id.
  const scheduleOwner = new Map(
    plan.resources.filter((r) => r.type === TYPE.schedule).map((r) => [`${r.name}-id`, idFromName("schedule", r.name) ?? "?"]),
  );
  const width = Math.max(...catalog.teams.map((t) => t.id.length));
  for (const team of catalog.teams) {
    const {
      schedule,
      escalationPolicy: policy,
      service,
      serviceIntegration,
      pagerdutyServiceObject: object,
    } = teamOnCallView(plan, team.id);
    const layer = (schedule?.inputs.layers as LayerInputs[] | undefined)?.[0];
    const weekly = layer?.rotationTurnLengthSeconds === WEEK_SECONDS ? "weekly" : `every ${layer?.rotationTurnLengthSeconds}s`;
    const { handoff } = team.onCall;
    const rotation = schedule
      ? `${weekly}, ${layer?.users?.length ?? 0} engineers, one at a time; ` +
        `handoff ${handoff.day} ${handoff.time} ${schedule.inputs.timeZone}, first ${layer?.start}`
      : "NO SCHEDULE";
    lines.push(`  ${team.id.padEnd(width)}  ${rotation}`);
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
      ? `service ${service.inputs.name} (urgency ${urgency}, ack ${Number(service.inputs.acknowledgementTimeout) / 60} min, ` +
        `auto-resolve ${Number(service.inputs.autoResolveTimeout) / 3600} h)`
      : "NO SERVICE";
    const wiring =
      serviceIntegration && object ? `Datadog → ${pagerdutyHandleOf(String(object.inputs.serviceName))}` : "NOT WIRED TO DATADOG";
    lines.push(`  ${"".padEnd(width)}  ${serviceLine}; ${wiring}`);
  }
  const dangling = danglingPagerdutyHandles(plan);
  const monitors = plan.resources.filter((r) => r.type === TYPE.monitor).length;
  lines.push(
    dangling.length
      ? `  DANGLING HANDLES: ${dangling.map((d) => `${d.resource} → ${pagerdutyHandleOf(d.serviceName)}`).join(", ")}`
      : `  every ${HANDLE_PREFIX.pagerduty} handle in ${monitors} monitor${monitors === 1 ? "" : "s"} resolves to a service object`,
  );
  return lines;
}

export function sentrySummary(plan: Plan, catalog: Catalog): string[] {
  const lines = [`Errors (Sentry, org ${catalog.stack.sentryOrganization}, environment ${catalog.stack.env}):`];
  const rules = sentryRuleViews(plan);
  const rule = (featureId: string, role: (typeof rules)[number]["role"]) =>
    rules.find((r) => r.featureId === featureId && r.role === role)?.resource;
  const width = Math.max(...catalog.features.map((f) => f.id.length));
  for (const f of catalog.features) {
    const m = rule(f.id, "sentryMetricAlert");
    const triggers = (m?.inputs.triggers as { label?: string; alertThreshold?: number; actions?: { type?: string }[] }[] | undefined) ?? [];
    const trigger = (label: string) => triggers.find((t) => t.label === label);
    const pages = (label: string) => (trigger(label)?.actions ?? []).some((a) => a.type === "pagerduty");
    const level = (label: string) => `> ${trigger(label)?.alertThreshold} ${pages(label) ? "pages" : "emails"}`;
    const parts = [
      rule(f.id, "sentryIssueAlert") ? "new/regressed issue emails" : "NO ISSUE ALERT",
      rule(f.id, "sentryIssuePage") ? "high-priority issue pages" : undefined,
      m ? `errors/10 min ${level("critical")}, ${level("warning")}` : "NO METRIC ALERT",
    ].filter(Boolean);
    lines.push(`  ${f.id.padEnd(width)}  ${f.sentryProject.padEnd(16)} → ${f.owner}: ${parts.join(", ")}`);
  }
  return lines;
}

export function summarize(plan: Plan, catalog: Catalog, artifacts: Artifact[], dir: string): string {
  const lines: string[] = [];
  const custom = plan.resources.filter((r) => r.custom);
  lines.push(`llm-observability · stack ${plan.stack} (env ${catalog.stack.env}, paging ${catalog.stack.paging ? "on" : "off"})`);
  lines.push(`${catalog.features.length} features, ${catalog.teams.length} teams → ${describeResourceCount(plan)}`);
  lines.push("");
  lines.push("Resources by type:");
  const byType = new Map<string, number>();
  for (const r of custom) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
  const width = Math.max(...[...byType.keys()].map((t) => t.length));
  for (const [type, n] of [...byType].sort()) lines.push(`  ${type.padEnd(width)}  ${String(n).padStart(3)}`);
  lines.push("");
  lines.push("Dashboards:");
  for (const d of dashboardViews(plan)) {
    lines.push(`  ${d.id.padEnd(10)} ${String(countWidgets(d.widgets)).padStart(3)} widgets  ${d.title}`);
  }
  lines.push("");
  lines.push(...monitorSummary(plan, catalog));
  lines.push(...sloSummary(plan, catalog));
  lines.push("");
  lines.push(...orgSummary(plan, catalog));
  lines.push("");
  lines.push(...onCallSummary(plan, catalog), "", ...sentrySummary(plan, catalog));
  lines.push("");
  lines.push(...cardinalitySummary(stackCardinality(catalog)));
  lines.push("");
  lines.push(`Wrote ${artifacts.length} files to ${dir}/`);
  return lines.join("\n");
}

/** One line per owning team: how many monitors, how many of them page, and by which priority. */
function monitorSummary(plan: Plan, catalog: Catalog): string[] {
  const monitors = monitorViews(plan);
  // A composite's building blocks are muted monitors (monitors/definition.ts `muted`): counted apart.
  const isPart = (m: MonitorView) => tagValue(m.tags, RESOURCE_TAG.part) !== undefined;
  const parts = monitors.filter(isPart).length;
  const perFeature = monitors.filter((m) => m.feature && !isPart(m)).length;
  const pages = (m: MonitorView) => m.handles.some((h) => isPagerdutyHandle(h.handle));
  const paging = catalog.stack.paging ? "" : " (paging off: all to Slack)";
  const blocks = parts ? `, ${parts} muted building block${parts === 1 ? "" : "s"} of composites` : "";
  const lines = [
    `Monitors: ${monitors.length} (${perFeature} per feature, ${monitors.length - perFeature - parts} cross-feature${blocks}), ` +
      `${monitors.filter(pages).length} page${paging}`,
  ];
  const teams = [...new Set(monitors.map((m) => m.team ?? "?"))].sort();
  const width = Math.max(0, ...teams.map((t) => t.length));
  for (const team of teams) {
    const own = monitors.filter((m) => (m.team ?? "?") === team);
    const byPriority = [1, 2, 3, 4, 5]
      .map((p) => [p, own.filter((m) => m.priority === String(p)).length] as const)
      .filter(([, n]) => n > 0)
      .map(([p, n]) => `P${p}x${n}`)
      .join(" ");
    lines.push(
      `  ${team.padEnd(width)}  ${String(own.length).padStart(3)} monitors, ${String(own.filter(pages).length).padStart(2)} ` +
        `paging  (${byPriority})`,
    );
  }
  return lines;
}

/** SLOs per objective, and the features that opted out (docs/slo.md). */
function sloSummary(plan: Plan, catalog: Catalog): string[] {
  const slos = slosOf(plan);
  const optedOut = catalog.features.filter((f) => !featureSlo(f, catalog.stack));
  const objectives = [...new Set(slos.map((s) => s.objective ?? "?"))];
  return [
    `SLOs: ${slos.length} (${objectives.map((o) => `${slos.filter((s) => s.objective === o).length} ${o}`).join(", ") || "none"})` +
      (optedOut.length
        ? `; no SLOs: ${optedOut.map((f) => `${f.id} (${f.sloOptOutReason ? `"${f.sloOptOutReason}"` : "no reason given"})`).join(", ")}`
        : ""),
  ];
}

/** What this stack creates of the Datadog org's shared resources (docs/org-resources.md). */
function orgSummary(plan: Plan, catalog: Catalog): string[] {
  if (!catalog.stack.ownsOrgResources) {
    return [
      "Org resources: none here (ownsOrgResources is off); check this stack against the org stack with",
      `  npm run check -- --plan out/${plan.stack}/plan.json --org-plan out/<org stack>/plan.json`,
    ];
  }
  const configs = resourcesOfType(plan, TYPE.metricTagConfiguration);
  const percentiles = configs.filter((r) => r.inputs.includePercentiles === true).map((r) => String(r.inputs.metricName));
  const policy = resourcesOfType(plan, TYPE.monitorConfigPolicy).length > 0;
  const cost = monitorsOf(plan).find((m) => m.body.tags.includes(tag(RESOURCE_TAG.monitor, "observability-cost")));
  const t = cost?.body.options.thresholds;
  return [
    `Org resources (ownsOrgResources): ${configs.length} metric tag configurations, percentiles on ${percentiles.join(", ") || "none"}; ` +
      `${policy ? "team tag policy" : "no tag policy (monitoring.teamTagPolicy is off)"}`,
    t
      ? `  observability-cost: alert above ${t.critical.toLocaleString("en-US")} indexed custom metrics org-wide, ` +
        (t.warning === undefined
          ? "NO warning: the org budget does not cover the planned steady state"
          : `warning above ${t.warning.toLocaleString("en-US")}`)
      : "  observability-cost: missing",
  ];
}
