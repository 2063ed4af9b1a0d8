// Checks run on every synth before anything is written: generated definitions must
// validate against Datadog's spec and use only the metric contract.
import type { Catalog } from "../config/validate";
import { lintDashboard } from "../dashboards/lint";
import { formatSpecErrors, validateDashboard } from "./datadog-spec";
import { dashboardsOf, type Plan } from "./plan";

export function verifyPlan(plan: Plan, catalog: Catalog): string[] {
  const problems: string[] = [];
  for (const d of dashboardsOf(plan)) {
    const errors = validateDashboard(d.body);
    if (errors.length) problems.push(`dashboard ${d.id} does not match Datadog's Dashboard schema:\n${formatSpecErrors(errors)}`);
    const lint = lintDashboard(d.body, catalog.contract);
    if (lint.length) problems.push(`dashboard ${d.id} breaks the metric contract:\n${lint.map((p) => `  ${p}`).join("\n")}`);
  }
  return problems;
}
