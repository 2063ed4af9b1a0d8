// Everything `npm run synth` writes under out/<stack>/, rendered in memory from the plan.
import { renderCardinalityReport } from "../cardinality";
import type { Catalog } from "../config/validate";
import { evaluationRecord } from "../evaluator/catalog";
import { stackCardinality, stackCostRecord } from "../org/build";
import { dashboardsOf } from "../plan/dashboards";
import { monitorsOf } from "../plan/monitors";
import { sloBodiesOf } from "../plan/slos";
import { type Plan, PLAN_FORMAT_VERSION, type PlanInputs, planJson } from "../plan/plan";
import { renderPreview } from "./preview/html";

export interface Artifact {
  /** Relative to out/<stack>/. */
  path: string;
  content: string;
}

/**
 * The plan with what readers that hold only plans need (docs/architecture.md#plan-files): its
 * format, the inputs it was made from, the catalog's features, the cost estimate and what scenarios need of the catalog.
 */
export function recordPlan(plan: Plan, catalog: Catalog, inputs: PlanInputs): Plan {
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    project: plan.project,
    stack: plan.stack,
    inputs,
    features: catalog.features.map((f) => ({ id: f.id, name: f.name, owner: f.owner, budgetUsdPerDay: f.budgetUsdPerDay })),
    cost: stackCostRecord(catalog),
    evaluation: evaluationRecord(catalog),
    resources: plan.resources,
  };
}

export function renderArtifacts(plan: Plan, catalog: Catalog): Artifact[] {
  const artifacts: Artifact[] = [{ path: "plan.json", content: planJson(plan) }];
  artifacts.push({ path: "cardinality.md", content: renderCardinalityReport(stackCardinality(catalog)) });
  for (const d of dashboardsOf(plan)) {
    // Exactly the body sent to Datadog, only pretty-printed (key order kept as built).
    artifacts.push({ path: `dashboards/${d.id}.json`, content: `${JSON.stringify(d.body, null, 2)}\n` });
  }
  for (const m of monitorsOf(plan)) {
    // The API body mapped back from the recorded provider inputs: what Datadog receives.
    artifacts.push({ path: `monitors/${m.id}.json`, content: `${JSON.stringify(m.body, null, 2)}\n` });
  }
  for (const s of sloBodiesOf(plan)) {
    // The same for each SLO: the body `POST /api/v1/slo` receives.
    artifacts.push({ path: `slos/${s.id}.json`, content: `${JSON.stringify(s.body, null, 2)}\n` });
  }
  // What a reviewer opens: every dashboard on its grid, the monitors, on-call and Sentry rules.
  artifacts.push({ path: "preview/index.html", content: renderPreview(plan, { catalog }) });
  return artifacts;
}
