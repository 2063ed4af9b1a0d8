// When the observability's own cost crosses a line someone drew: the stack's
// `monitoring.customMetricBudget`, or the org-wide observability-cost monitor's warning or alert
// (docs/cost.md, docs/org-resources.md). One judgement, three readers: `npm run diff` (head, and
// the monitor as it stands before the change), `npm run check` (a plan's recorded estimate) and the
// advisory policy under `pulumi preview` (the catalog's estimate).
//
// The monitor watches the whole org: the owning stack's estimate plus every other stack's real
// usage, which its plan counts as `orgBudget.otherStacksCustomMetrics`. When the caller holds other
// stacks' estimates (the diff of several stacks, check with --org-plan), the org's expected usage
// counts the larger of that declared figure and their sum: a stack that outgrew what the org plan
// declares for it makes the monitor warn although each stack's own plan looks fine.
import type { CostRecord, OrgCost } from "./record";

export interface OrgOwner {
  /** The stack with `ownsOrgResources`, where the observability-cost monitor lives. */
  stack: string;
  /** Its own indexed estimate. */
  indexed: number;
  org: OrgCost;
}

export interface StackIndexed {
  stack: string;
  indexed: number;
}

export interface CostSituation {
  stack: string;
  cost: CostRecord;
  /** The org-wide monitor's stack and numbers, when known (this stack's own when it owns them). */
  owner?: OrgOwner;
  /** Indexed estimates of stacks other than the owner held by the caller (this stack among them when it is not the owner). */
  others?: StackIndexed[];
  /** The diff only: the monitor's warning before the change; `null` when it had none, undefined when unknown. */
  warningBefore?: number | null;
}

export type CrossingKind = "stack-budget" | "org-budget" | "no-warning" | "warning" | "warning-before";

export interface CostCrossing {
  kind: CrossingKind;
  /** One sentence, ending with a period. */
  text: string;
}

export interface OrgUsage {
  total: number;
  /** The other stacks' share: the declared figure, or the sum of the estimates at hand when larger. */
  others: number;
  /** How `total` is made up, in words: `prod 23,824 + other stacks 2,584`. */
  breakdown: string;
}

const count = (x: number) => x.toLocaleString("en-US");

/** `$1,191.20`, `$50`: whole dollars without cents, otherwise cents. */
export function usd(x: number): string {
  const whole = Number.isInteger(x);
  return `$${x.toLocaleString("en-US", { minimumFractionDigits: whole ? 0 : 2, maximumFractionDigits: whole ? 0 : 2 })}`;
}

/** What the observability-cost monitor will see once the stacks at hand run at their estimates. */
export function expectedOrgUsage(owner: OrgOwner, others: readonly StackIndexed[] = []): OrgUsage {
  const counted = others.filter((o) => o.stack !== owner.stack);
  const sum = counted.reduce((n, o) => n + o.indexed, 0);
  const declared = owner.org.otherStacks;
  if (counted.length === 0 || sum <= declared) {
    return {
      total: owner.indexed + declared,
      others: declared,
      breakdown: `${owner.stack} ${count(owner.indexed)} + other stacks ${count(declared)}`,
    };
  }
  const parts = [owner, ...counted].map((s) => `${s.stack} ${count(s.indexed)}`);
  return { total: owner.indexed + sum, others: sum, breakdown: parts.join(" + ") };
}

/** Every line the situation crosses, most serious first; empty when it crosses none. */
export function costCrossings(s: CostSituation): CostCrossing[] {
  const out: CostCrossing[] = [];
  const { cost } = s;
  if (cost.indexed.customMetrics > cost.budget) {
    out.push({
      kind: "stack-budget",
      text:
        `${count(cost.indexed.customMetrics)} indexed custom metrics exceed stack ${s.stack}'s budget of ${count(cost.budget)} ` +
        `(\`monitoring.customMetricBudget\`) by ${count(cost.indexed.customMetrics - cost.budget)}.`,
    });
  }
  if (!s.owner) return out;
  const { org } = s.owner;
  const usage = expectedOrgUsage(s.owner, s.others);
  const monitor = `the observability-cost monitor (stack ${s.owner.stack})`;
  if (usage.total > org.budget) {
    out.push({
      kind: "org-budget",
      text:
        `The org's expected ${count(usage.total)} indexed custom metrics (${usage.breakdown}) exceed the org budget of ` +
        `${count(org.budget)} (\`orgBudget.customMetrics\`): ${monitor} will alert.`,
    });
  }
  const undercount =
    usage.others > org.otherStacks
      ? ` With the other stacks at their estimates the org expects ${count(usage.total)} (${usage.breakdown}): ` +
        `\`orgBudget.otherStacksCustomMetrics\` counts ${count(org.otherStacks)} for them.`
      : "";
  if (org.warning === undefined) {
    out.push({
      kind: "no-warning",
      text:
        `${capitalize(monitor)} has no warning: the org's plan of ${count(org.planned)} plus 10 % reaches its budget of ` +
        `${count(org.budget)}, so it alerts with no warning first.${usage.total > org.budget ? "" : undercount}`,
    });
  } else if (usage.total > org.warning && usage.total <= org.budget) {
    out.push({
      kind: "warning",
      text:
        `The org's expected ${count(usage.total)} indexed custom metrics (${usage.breakdown}) cross the warning of ${monitor} ` +
        `at ${count(org.warning)}: \`orgBudget.otherStacksCustomMetrics\` counts ${count(org.otherStacks)} for the other stacks, ` +
        `which estimate ${count(usage.others)}.`,
    });
  }
  const before = s.warningBefore;
  const crossedBefore = typeof before === "number" && usage.total > before;
  if (crossedBefore && !out.some((c) => c.kind !== "stack-budget")) {
    out.push({
      kind: "warning-before",
      text:
        `The org's expected ${count(usage.total)} indexed custom metrics (${usage.breakdown}) cross the warning ${monitor} has ` +
        `today, ${count(before)}: more growth than its 10 % margin for the unplanned. Deploying this change moves the warning to ` +
        `${count(org.warning!)}.`,
    });
  }
  return out;
}

/**
 * The advisory policy's message: the estimate, the budget and the monitor's warning, then every
 * line crossed. Undefined when nothing is crossed.
 */
export function costViolation(s: CostSituation): string | undefined {
  const crossings = costCrossings(s);
  if (!crossings.length) return undefined;
  const { cost } = s;
  const largest = cost.metrics
    .slice(0, 3)
    .map((m) => `${m.name} ${count(m.indexed)}`)
    .join(", ");
  const warning = !s.owner
    ? "the observability-cost monitor's warning is not judged here (it lives in the stack with ownsOrgResources)"
    : s.owner.org.warning === undefined
      ? `the observability-cost monitor (stack ${s.owner.stack}) has no warning and alerts above ${count(s.owner.org.budget)}`
      : `the observability-cost monitor (stack ${s.owner.stack}) warns above ${count(s.owner.org.warning)} and alerts above ` +
        `${count(s.owner.org.budget)}`;
  return (
    `stack ${s.stack}: estimated ${count(cost.indexed.customMetrics)} indexed custom metrics ≈ ${usd(cost.indexed.monthlyUsd)}/month ` +
    `(largest: ${largest}; plus ${count(cost.ingested.customMetrics)} ingested ≈ ${usd(cost.ingested.monthlyUsd)}/month); ` +
    `budget ${count(cost.budget)} (monitoring.customMetricBudget); ${warning}. ${crossings.map((c) => c.text).join(" ")}`
  );
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
