// `npm run check`: the policy pack's real rules over a synthesized plan, with no Pulumi CLI
// and no credentials. Each resource goes through each resource rule with the inputs the
// engine would pass; the stack rules run once over the whole plan.
//
//   npm run check -- [--plan out/<stack>/plan.json] [--org-plan out/<org stack>/plan.json] [--json] [--config policy-config.json]
//
// `--org-plan` is the plan of the stack with `ownsOrgResources` (the Datadog org's tag
// configurations and monitor tag policy): the checked stack's queries and monitors are held to
// it, which no single-stack check (and no CrossGuard policy, which sees one stack) can do. A plan
// that owns the org's resources is always held to its own.
//
// The rules read this checkout's catalog, so a plan made from other inputs (a feature added since
// synth) is refused before any rule runs, with the fix: re-run synth (tools/plan-inputs.ts).
//
// Exit codes: 0 no mandatory violation, 1 at least one, 2 the plan (or config) cannot be read, the
// plan is stale, or a rule crashed.
import * as fs from "node:fs";
import * as path from "node:path";
import { ENFORCEMENT_LEVELS, type PolicyPackConfig, PolicyCrashError, runPolicies, type Violation } from "../policies/offline";
import { PACK_NAME, packArgs, type Rule } from "../policies/rules";
import { costFromCatalog, type CostSource, CUSTOM_METRIC_BUDGET_POLICY, customMetricBudgetPolicy } from "../policies/rules/cardinality";
import { checkAgainstOrg } from "../providers/check";
import { ORG_CONSTRAINTS, ownsOrgResources } from "../providers/org";
import { type Plan, PlanError, readPlan } from "../plan/plan";
import { consoleIo, type Io, parseCli, runCli, UsageError } from "./cli";
import { describeResourceCount } from "../plan/resource-count";
import { assertCurrentPlan } from "./plan-inputs";

export { UsageError };
export type { Io };

/** Where `npm run synth` writes the default stack's plan (its defaults: `--stack prod --out out`). */
export const DEFAULT_PLAN = path.join("out", "prod", "plan.json");

export interface CheckOptions {
  plan: string;
  json: boolean;
  config?: string;
  /** Plan of the stack that owns the Datadog org's shared resources. */
  orgPlan?: string;
}

export interface CheckReport {
  plan: Plan;
  violations: Violation[];
  policiesRun: number;
}

export const CHECK_USAGE = `usage: npm run check -- [options]

Runs the policy pack's rules over a synthesized plan, offline.

  --plan <file>         the plan to check (default: ${DEFAULT_PLAN})
  --org-plan <file>     the plan of the stack that owns the Datadog org's shared resources
  --json                print the violations as JSON
  --config <file>       policy config, the format of --policy-pack-config
  -h, --help            print this help

A plan whose inputs changed since synth (catalog, stack file, code) is refused: re-run synth.
Exit codes: 0 no mandatory violation, 1 a mandatory violation, 2 bad usage, an unreadable or stale plan, or a bad config.`;

const CHECK_OPTIONS = {
  plan: { type: "string", default: DEFAULT_PLAN },
  json: { type: "boolean", default: false },
  config: { type: "string" },
  "org-plan": { type: "string" },
} as const;

/** The command line, or the exit code when it asks for help or is wrong. */
export function parseCheckArgs(argv: string[], io: Io = consoleIo) {
  return parseCli({ command: "check", usage: CHECK_USAGE, options: CHECK_OPTIONS }, argv, io, (values): CheckOptions => ({
    plan: values.plan!,
    json: values.json!,
    config: values.config,
    orgPlan: values["org-plan"],
  }));
}

/** Reads a `--policy-pack-config` style file and checks it against each policy's configSchema. */
export function readPolicyConfig(file: string, policies: readonly Rule[]): PolicyPackConfig {
  if (!fs.existsSync(file)) throw new UsageError(`policy config ${file} not found`);
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new UsageError(`policy config ${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc))
    throw new UsageError(`policy config ${file} must be a JSON object keyed by policy name`);
  const names = new Set(policies.map((p) => p.name));
  const problems: string[] = [];
  for (const [name, value] of Object.entries(doc as Record<string, unknown>)) {
    const where = `${file}: ${name}`;
    if (name !== "all" && !names.has(name)) {
      problems.push(`${where}: unknown policy (policies: ${[...names].join(", ")})`);
      continue;
    }
    const level = typeof value === "string" ? value : (value as { enforcementLevel?: unknown } | null)?.enforcementLevel;
    if (level !== undefined && !ENFORCEMENT_LEVELS.includes(level as never)) {
      problems.push(`${where}.enforcementLevel: must be one of ${ENFORCEMENT_LEVELS.join(", ")} (got ${JSON.stringify(level)})`);
    }
    if (typeof value === "string" || name === "all") continue;
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      problems.push(`${where}: must be an enforcement level or an object`);
      continue;
    }
    const properties = policies.find((p) => p.name === name)?.configSchema?.properties ?? {};
    for (const [key, setting] of Object.entries(value as Record<string, unknown>)) {
      if (key === "enforcementLevel") continue;
      const schema = properties[key] as { type?: string } | undefined;
      if (!schema) {
        problems.push(`${where}.${key}: not a setting of this policy (settings: ${Object.keys(properties).join(", ") || "none"})`);
      } else if (!matchesType(setting, schema.type)) {
        const article = schema.type === "array" || schema.type === "object" || schema.type === "integer" ? "an" : "a";
        problems.push(`${where}.${key}: must be ${article} ${schema.type} (got ${JSON.stringify(setting)})`);
      }
    }
  }
  if (problems.length) throw new UsageError(problems.join("\n"));
  return doc as PolicyPackConfig;
}

function matchesType(value: unknown, type: string | undefined): boolean {
  switch (type) {
    case "array":
      return Array.isArray(value);
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number";
    case "boolean":
      return typeof value === "boolean";
    case "string":
      return typeof value === "string";
    case "object":
      return value !== null && typeof value === "object" && !Array.isArray(value);
    default:
      return true;
  }
}

/** Runs every policy of the pack over the plan's resources. Throws PlanError / UsageError / PolicyCrashError. */
export async function check(
  opts: Pick<CheckOptions, "plan" | "config" | "orgPlan">,
  policies: Rule[] = packArgs.policies,
): Promise<CheckReport> {
  const plan = readPlan(opts.plan);
  // The rules read this checkout's catalog: a plan made from other inputs would be judged against
  // the wrong one (a feature added since synth "has no monitors"), so it is refused with the fix.
  assertCurrentPlan(plan, opts.plan);
  const orgPlan = opts.orgPlan ? readPlan(opts.orgPlan) : undefined;
  if (orgPlan) assertCurrentPlan(orgPlan, opts.orgPlan!);
  if (orgPlan && !ownsOrgResources(orgPlan)) {
    throw new UsageError(
      `org plan ${opts.orgPlan} (stack ${orgPlan.stack}) creates no tag configuration or monitor tag policy; ` +
        "pass the plan of the stack with llm-observability:ownsOrgResources: true",
    );
  }
  const config = opts.config ? readPolicyConfig(opts.config, policies) : {};
  policies = policies.map((p) => (p.name === CUSTOM_METRIC_BUDGET_POLICY ? customMetricBudgetPolicy(costFromPlan(plan, orgPlan)) : p));
  const resources = plan.resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, parent: r.parent, props: r.inputs }));
  const { violations, policiesRun } = await runPolicies(resources, { policies, packEnforcementLevel: packArgs.enforcementLevel, config });
  const org = orgPlan ?? (ownsOrgResources(plan) ? plan : undefined);
  if (org) violations.push(...orgViolations(plan, org));
  return { plan, violations, policiesRun: policiesRun + (org ? ORG_CONSTRAINTS.length : 0) };
}

/**
 * The custom-metric budget policy's view of a plan: the estimate synth recorded in it, and the
 * org-wide monitor's numbers from the plan that owns the org's resources (this one, or --org-plan).
 * Policy config that changes the scale needs a new estimate, which only the catalog can give.
 */
export function costFromPlan(plan: Plan, orgPlan?: Plan): CostSource {
  return (stack, config) => {
    if (config.tenants !== undefined || config.models !== undefined || config.flagVariants !== undefined) {
      return costFromCatalog(stack, config);
    }
    if (!plan.cost) return { notApplicable: `${plan.stack}'s plan records no cost estimate` };
    const cost = { ...plan.cost, budget: config.customMetricBudget ?? plan.cost.budget };
    const ownerPlan = plan.cost.org ? plan : orgPlan?.cost?.org ? orgPlan : undefined;
    const owner = ownerPlan && { stack: ownerPlan.stack, indexed: ownerPlan.cost!.indexed.customMetrics, org: ownerPlan.cost!.org! };
    const others = owner && owner.stack !== plan.stack ? [{ stack: plan.stack, indexed: plan.cost.indexed.customMetrics }] : [];
    return { stack, cost, owner, others };
  };
}

/** The org constraints (providers/org.ts) as violations, one per breach, named by constraint id. */
function orgViolations(plan: Plan, org: Plan): Violation[] {
  const urnOf = new Map(plan.resources.map((r) => [`${r.type}::${r.name}`, r.urn]));
  const description = new Map(ORG_CONSTRAINTS.map((c) => [c.id, c.rule]));
  return checkAgainstOrg(plan, org).map((b) => ({
    policyName: b.constraint,
    enforcementLevel: "mandatory" as const,
    description: `${description.get(b.constraint) ?? b.rule} (${b.source.ref})`,
    message: `${b.field}: ${b.problem}`,
    urn: urnOf.get(`${b.type}::${b.resource}`),
    resourceName: b.resource,
    resourceType: b.type,
  }));
}

/** Violations grouped by policy (mandatory first), each with its resource, then a count line. */
export function formatReport(report: CheckReport, planFile: string): string {
  const { plan, violations } = report;
  const lines = [`${PACK_NAME}: ${report.policiesRun} policies over ${planFile} (stack ${plan.stack}, ${describeResourceCount(plan)})`];
  const groups = new Map<string, Violation[]>();
  for (const v of violations) groups.set(v.policyName, [...(groups.get(v.policyName) ?? []), v]);
  const ordered = [...groups.values()].sort((a, b) => rank(a[0]) - rank(b[0]));
  for (const group of ordered) {
    const first = group[0];
    lines.push("", `${first.enforcementLevel.toUpperCase()}  ${first.policyName} (${group.length})`, `  ${first.description}`);
    for (const v of group) {
      lines.push(`  - ${v.resourceName ?? "(stack)"}  ${v.urn ?? `urn:pulumi:${plan.stack}::${plan.project}`}`);
      lines.push(`      ${v.message}`);
    }
  }
  const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
  const advisory = violations.length - mandatory;
  lines.push("", `${violations.length} violation${violations.length === 1 ? "" : "s"}: ${mandatory} mandatory, ${advisory} advisory.`);
  return lines.join("\n");
}

function rank(v: Violation): number {
  return v.enforcementLevel === "mandatory" ? 0 : 1;
}

export async function main(argv: string[], io: Io = consoleIo): Promise<number> {
  const parsed = parseCheckArgs(argv, io);
  if (!parsed.ok) return parsed.code;
  const opts = parsed.value;
  let report: CheckReport;
  try {
    report = await check(opts);
  } catch (e) {
    if (e instanceof PlanError || e instanceof UsageError || e instanceof PolicyCrashError) {
      io.err(`check: ${e.message}`);
      return 2;
    }
    throw e;
  }
  io.out(opts.json ? JSON.stringify(report.violations, null, 2) : formatReport(report, opts.plan));
  return report.violations.some((v) => v.enforcementLevel === "mandatory") ? 1 : 0;
}

if (require.main === module) runCli(() => main(process.argv.slice(2)), 2);
