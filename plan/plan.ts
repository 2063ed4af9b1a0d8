// The plan file (`out/<stack>/plan.json`): every resource the program registers, with its
// inputs as the engine receives them. Written by synth; read by check, diff, preview and the
// summaries, through the views next to this file (plan/).
import * as fs from "node:fs";
import type { CostRecord } from "../cardinality/record";
import { SECRET, TYPE } from "../config/names";
import { SLO_WINDOWS, type SloSettings } from "../config/slo";

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

/**
 * The plan format this code writes and reads. Plans without `formatVersion` (written before it
 * existed) are read as data, without the records below. Bump it when a reader of the old format
 * would misread the new one; docs/architecture.md#plan-files lists what each key holds.
 */
export const PLAN_FORMAT_VERSION = 1;

/** One file the plan was made from, as synth loaded it. */
export interface PlanInputFile {
  role: "features" | "teams" | "stack";
  /** Relative to the checkout that made the plan (`/`-separated), or absolute when outside it. */
  path: string;
  sha256: string;
}

/** What the plan was made from: enough to tell, later, that it no longer matches (tools/plan-inputs.ts). */
export interface PlanInputs {
  /** sha256 over the package version, every file below and the code hash. */
  hash: string;
  /** `version` of package.json. */
  package: string;
  files: PlanInputFile[];
  /** sha256 over the package's own source files and lockfile, and how many files that is. */
  code: { sha256: string; files: number };
}

/** A feature of the catalog as the plan was made from it: what the diff needs to recognise a renamed id. */
export interface FeatureRecord {
  id: string;
  name: string;
  owner: string;
  budgetUsdPerDay: number;
}

/**
 * What the alert evaluator needs of the catalog to replay scenarios against this plan's monitors
 * (evaluator/catalog.ts): the stack's switches, the metric contract's names and types, and each
 * feature's providers and limits. The diff's behaviour section reads it: its sides are plans.
 */
export interface EvaluationRecord {
  stack: { env: string; paging: boolean; ownsOrgResources: boolean; datadogSite: string; retrievalP95Ms: number; slo?: SloSettings };
  metrics: Record<string, { name: string; type: "count" | "distribution" }>;
  features: {
    id: string;
    providers: string[];
    budgetUsdPerDay: number;
    ttftP95Ms: number;
    totalP95Ms: number;
    judgeSampleRate: number;
    maxWeeklyDropPoints: number;
    indexes: string[];
    /** The feature's resolved SLOs, or false (`slo: false`); absent on plans from before SLOs. */
    slo?: SloSettings | false;
  }[];
}

export interface Plan {
  /** Absent on plans written before formatVersion existed; they carry none of the optional records. */
  formatVersion?: number;
  project: string;
  stack: string;
  inputs?: PlanInputs;
  features?: FeatureRecord[];
  /** The cost estimate (cardinality/record.ts). */
  cost?: CostRecord;
  /** What scenarios need of the catalog; absent on plans synthesized before it was recorded. */
  evaluation?: EvaluationRecord;
  resources: PlanResource[];
}

export function resourcesOfType(plan: Plan, type: string): PlanResource[] {
  return plan.resources.filter((r) => r.type === type);
}

/** plan.json in its documented key order, with inputs canonicalized, so two runs are byte-identical. */
export function planJson(plan: Plan): string {
  const ordered = {
    ...(plan.formatVersion !== undefined ? { formatVersion: plan.formatVersion } : {}),
    project: plan.project,
    stack: plan.stack,
    ...(plan.inputs ? { inputs: plan.inputs } : {}),
    ...(plan.features ? { features: plan.features } : {}),
    ...(plan.cost ? { cost: sortKeys(plan.cost) } : {}),
    ...(plan.evaluation ? { evaluation: plan.evaluation } : {}),
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
  if (plan.formatVersion !== undefined && plan.formatVersion !== PLAN_FORMAT_VERSION) {
    throw new PlanError(
      `plan file ${file} has formatVersion ${JSON.stringify(plan.formatVersion)}, which this llm-observability cannot read ` +
        `(it reads formatVersion ${PLAN_FORMAT_VERSION} and plans from before formatVersion existed). Re-run \`npm run synth\` ` +
        "with this checkout, or read the plan with the version that wrote it.",
    );
  }
  const problem = plan.formatVersion === undefined ? undefined : recordProblem(plan);
  if (problem) throw new PlanError(`plan file ${file} is malformed: ${problem}`);
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

const isCount = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v >= 0;
const isText = (v: unknown) => typeof v === "string";
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * The first thing wrong with the records of a formatVersion 1 plan, or undefined. Plans are
 * data that may come from anywhere (a CI artifact: tools/ci/pr-plans.ts reads it with this), so
 * every value a reader uses is checked before it is trusted.
 */
function recordProblem(plan: Partial<Plan>): string | undefined {
  const inputs = plan.inputs as unknown;
  if (!isObject(inputs) || !isText(inputs.hash) || !isText(inputs.package) || !Array.isArray(inputs.files) || !isObject(inputs.code))
    return "inputs needs hash, package, files[] and code";
  if (
    inputs.files.some(
      (f) => !isObject(f) || !["features", "teams", "stack"].includes(f.role as string) || !isText(f.path) || !isText(f.sha256),
    )
  )
    return "every inputs.files[] needs role (features, teams or stack), path and sha256";
  if (!isText(inputs.code.sha256) || !isCount(inputs.code.files)) return "inputs.code needs sha256 and files";
  const features = plan.features as unknown;
  if (
    !Array.isArray(features) ||
    features.some((f) => !isObject(f) || !isText(f.id) || !isText(f.name) || !isText(f.owner) || !isCount(f.budgetUsdPerDay))
  )
    return "features[] needs id, name, owner and budgetUsdPerDay";
  const cost = plan.cost as unknown;
  const volume = (v: unknown) => isObject(v) && isCount(v.customMetrics) && isCount(v.pricePer100) && isCount(v.monthlyUsd);
  if (!isObject(cost) || !isCount(cost.budget) || !volume(cost.indexed) || !volume(cost.ingested) || !isCount(cost.monthlyUsd))
    return "cost needs budget, indexed, ingested and monthlyUsd";
  const tally = (list: unknown, key: "id" | "name") =>
    Array.isArray(list) && list.every((x) => isObject(x) && isText(x[key]) && isCount(x.indexed) && isCount(x.ingested));
  if (!tally(cost.features, "id") || !tally(cost.metrics, "name") || !isObject(cost.scale))
    return "cost needs scale, features[] {id, indexed, ingested} and metrics[] {name, indexed, ingested}";
  const org = cost.org;
  if (
    org !== undefined &&
    !(
      isObject(org) &&
      isCount(org.budget) &&
      isCount(org.otherStacks) &&
      isCount(org.planned) &&
      (org.warning === undefined || isCount(org.warning))
    )
  )
    return "cost.org needs budget, otherStacks, planned and an optional warning";
  return plan.evaluation === undefined ? undefined : evaluationProblem(plan.evaluation);
}

const METRIC_KEYS = ["requests", "cost", "tokens", "ttft", "duration", "judgeScore", "retrievalDuration"];

/** The first thing wrong with an `evaluation` record, or undefined: it drives the evaluator, so every value is checked. */
function evaluationProblem(e: unknown): string | undefined {
  const isNumber = (v: unknown) => typeof v === "number" && Number.isFinite(v);
  const isTexts = (v: unknown) => Array.isArray(v) && v.every(isText);
  if (!isObject(e) || !isObject(e.stack) || !isObject(e.metrics) || !Array.isArray(e.features))
    return "evaluation needs stack, metrics and features[]";
  const s = e.stack;
  if (!isText(s.env) || typeof s.paging !== "boolean" || typeof s.ownsOrgResources !== "boolean" || !isText(s.datadogSite))
    return "evaluation.stack needs env, paging, ownsOrgResources and datadogSite";
  if (!(isNumber(s.retrievalP95Ms) && (s.retrievalP95Ms as number) > 0)) return "evaluation.stack.retrievalP95Ms must be a positive number";
  for (const key of METRIC_KEYS) {
    const m = e.metrics[key];
    if (!isObject(m) || !isText(m.name) || !["count", "distribution"].includes(m.type as string))
      return `evaluation.metrics.${key} needs name and type (count or distribution)`;
  }
  const problem = e.features.findIndex(
    (f) =>
      !isObject(f) ||
      !isText(f.id) ||
      !isTexts(f.providers) ||
      !isTexts(f.indexes) ||
      ![f.budgetUsdPerDay, f.ttftP95Ms, f.totalP95Ms, f.maxWeeklyDropPoints].every((v) => isNumber(v) && (v as number) > 0) ||
      !(isNumber(f.judgeSampleRate) && (f.judgeSampleRate as number) > 0 && (f.judgeSampleRate as number) <= 1),
  );
  if (problem >= 0)
    return (
      `evaluation.features[${problem}] needs id, providers[], indexes[], positive budgetUsdPerDay, ttftP95Ms, totalP95Ms and ` +
      "maxWeeklyDropPoints, and judgeSampleRate in (0, 1]"
    );
  if (s.slo !== undefined && sloProblem(s.slo)) return `evaluation.stack.slo: ${sloProblem(s.slo)}`;
  const badSlo = e.features.findIndex((f) => f.slo !== undefined && f.slo !== false && sloProblem(f.slo));
  if (badSlo >= 0) return `evaluation.features[${badSlo}].slo: ${sloProblem(e.features[badSlo].slo)}`;
  return undefined;
}

/** What is wrong with a recorded SLO: every field set, targets in percent, the window one Datadog has. */
function sloProblem(slo: unknown): string | undefined {
  const isPct = (v: unknown) => typeof v === "number" && v > 0 && v < 100;
  if (
    !isObject(slo) ||
    !(SLO_WINDOWS as readonly unknown[]).includes(slo.window) ||
    !isPct(slo.availability) ||
    !isPct(slo.latency) ||
    !isObject(slo.quality) ||
    !isPct(slo.quality.target) ||
    !(typeof slo.quality.passScore === "number" && slo.quality.passScore >= 0 && slo.quality.passScore <= 100)
  )
    return `needs window (${SLO_WINDOWS.join(", ")}), availability, latency and quality.target in (0, 100), quality.passScore in [0, 100]`;
  return undefined;
}

/** Resource types in the words a reviewer uses. */
export const TYPE_LABELS: Record<string, string> = {
  [TYPE.dashboard]: "Datadog dashboard",
  [TYPE.dashboardList]: "Datadog dashboard list",
  [TYPE.monitor]: "Datadog monitor",
  [TYPE.monitorConfigPolicy]: "Datadog monitor tag policy",
  [TYPE.serviceLevelObjective]: "Datadog SLO",
  [TYPE.downtimeSchedule]: "Datadog downtime",
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
