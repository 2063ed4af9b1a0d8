// The plan file (`out/<stack>/plan.json`): every resource the program registers, with its
// inputs as the engine receives them. Written by synth; read by check, diff, preview and the
// summaries, through the views next to this file (plan/).
import * as fs from "node:fs";
import { SECRET, TYPE } from "../config/names";

export interface PlanResource {
  urn: string;
  /** Pulumi type token, e.g. `datadog:index/monitor:Monitor`. */
  type: string;
  /** Logical name. */
  name: string;
  parent: string | null;
  custom: boolean;
  /** Inputs as registered (camelCase); secrets replaced by SECRET (config/names.ts). */
  inputs: Record<string, unknown>;
}

export interface Plan {
  project: string;
  stack: string;
  resources: PlanResource[];
}

export function resourcesOfType(plan: Plan, type: string): PlanResource[] {
  return plan.resources.filter((r) => r.type === type);
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

/** Resource types in the words a reviewer uses. */
export const TYPE_LABELS: Record<string, string> = {
  [TYPE.dashboard]: "Datadog dashboard",
  [TYPE.dashboardList]: "Datadog dashboard list",
  [TYPE.monitor]: "Datadog monitor",
  [TYPE.monitorConfigPolicy]: "Datadog monitor tag policy",
  [TYPE.serviceLevelObjective]: "Datadog SLO",
  [TYPE.pagerdutyServiceObject]: "Datadog PagerDuty service object",
  [TYPE.schedule]: "PagerDuty schedule",
  [TYPE.escalationPolicy]: "PagerDuty escalation policy",
  [TYPE.service]: "PagerDuty service",
  [TYPE.serviceIntegration]: "PagerDuty service integration",
  [TYPE.sentryIssueAlert]: "Sentry issue alert",
  [TYPE.sentryMetricAlert]: "Sentry metric alert",
};

export function typeLabel(type: string): string {
  return TYPE_LABELS[type] ?? type;
}

/** Whether any input of the resource is a secret (its value cannot be compared offline). */
export function holdsSecrets(r: PlanResource): boolean {
  return JSON.stringify(r.inputs).includes(JSON.stringify(SECRET));
}
