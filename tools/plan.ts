// The plan file (`out/<stack>/plan.json`): every resource the program registers, with its
// inputs as the engine receives them. Written by synth; read by check, diff and preview.
import * as fs from "node:fs";

export interface PlanResource {
  urn: string;
  /** Pulumi type token, e.g. `datadog:index/monitor:Monitor`. */
  type: string;
  /** Logical name. */
  name: string;
  parent: string | null;
  custom: boolean;
  /** Inputs as registered (camelCase); secrets replaced by "[secret]". */
  inputs: Record<string, unknown>;
}

export interface Plan {
  project: string;
  stack: string;
  resources: PlanResource[];
}

/** How secret values appear in a plan. */
export const SECRET = "[secret]";

export const TYPE = {
  dashboard: "datadog:index/dashboardJson:DashboardJson",
  dashboardList: "datadog:index/dashboardList:DashboardList",
  monitor: "datadog:index/monitor:Monitor",
  monitorConfigPolicy: "datadog:index/monitorConfigPolicy:MonitorConfigPolicy",
  metricTagConfiguration: "datadog:index/metricTagConfiguration:MetricTagConfiguration",
  serviceLevelObjective: "datadog:index/serviceLevelObjective:ServiceLevelObjective",
  pagerdutyServiceObject: "datadog:pagerduty/serviceObject:ServiceObject",
  schedule: "pagerduty:index/schedule:Schedule",
  escalationPolicy: "pagerduty:index/escalationPolicy:EscalationPolicy",
  service: "pagerduty:index/service:Service",
  serviceIntegration: "pagerduty:index/serviceIntegration:ServiceIntegration",
  sentryIssueAlert: "sentry:index/sentryIssueAlert:SentryIssueAlert",
  sentryMetricAlert: "sentry:index/sentryMetricAlert:SentryMetricAlert",
} as const;

export function resourcesOfType(plan: Plan, type: string): PlanResource[] {
  return plan.resources.filter((r) => r.type === type);
}

/** Dashboard id (`quality`) from its resource (`dashboard-quality`), and its parsed JSON. */
export function dashboardsOf(plan: Plan): { id: string; resource: PlanResource; body: Record<string, unknown> }[] {
  return resourcesOfType(plan, TYPE.dashboard).map((r) => ({
    id: r.name.replace(/^dashboard-/, ""),
    resource: r,
    body: JSON.parse(String(r.inputs.dashboard)) as Record<string, unknown>,
  }));
}

/** Deterministic JSON: object keys sorted at every level, 2-space indent, trailing newline. */
export function canonicalJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

/** plan.json in its documented key order, with inputs canonicalized, so two runs are byte-identical. */
export function planJson(plan: Plan): string {
  const ordered = {
    project: plan.project,
    stack: plan.stack,
    resources: plan.resources.map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      parent: r.parent,
      custom: r.custom,
      inputs: sortKeys(r.inputs),
    })),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/** The same value with object keys sorted at every level, so equal values serialize equally. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export class PlanError extends Error {}

/** Reads and shape-checks a plan file; throws PlanError with a clear message when missing or malformed. */
export function readPlan(file: string): Plan {
  if (!fs.existsSync(file)) throw new PlanError(`plan file ${file} not found; run \`npm run synth\` first`);
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new PlanError(`plan file ${file} is not valid JSON: ${(e as Error).message}`);
  }
  const plan = doc as Partial<Plan>;
  if (typeof plan?.project !== "string" || typeof plan.stack !== "string" || !Array.isArray(plan.resources)) {
    throw new PlanError(`plan file ${file} is malformed: expected {project, stack, resources[]}`);
  }
  plan.resources.forEach((r, i) => {
    if (
      typeof r?.urn !== "string" ||
      typeof r.type !== "string" ||
      typeof r.name !== "string" ||
      typeof r.inputs !== "object" ||
      r.inputs === null
    ) {
      throw new PlanError(`plan file ${file} is malformed: resources[${i}] needs urn, type, name and inputs`);
    }
  });
  return plan as Plan;
}
