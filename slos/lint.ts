// Checks Datadog's OpenAPI schema cannot make on an SLO body: the schema does not parse its
// queries or its tags. Runs on every synth (tools/verify.ts) over the SLOs as they would be sent.
import type { MetricContract } from "../config/contract";
import { monitorNamePrefix, RESOURCE_TAG, tagValue } from "../config/names";
import { contractMetric, extractMetricTerms, scopeTagKey, termProblems } from "../config/query";
import { SLO_OBJECTIVES, SLO_WINDOWS } from "../config/slo";
import type { DatadogSlo } from "./definition";

export interface SloLintContext {
  contract: MetricContract;
  env: string;
}

/** Every problem with one SLO body; empty when it is fine. */
export function lintSlo(body: DatadogSlo, ctx: SloLintContext): string[] {
  const problems: string[] = [];
  const prefix = `${monitorNamePrefix(ctx.env)} `;
  if (!body.name?.startsWith(prefix)) problems.push(`name must start with "${prefix}" (got ${JSON.stringify(body.name)})`);
  if (/[\p{Cc}\p{Zl}\p{Zp}@]|\{\{|\}\}/u.test(body.name ?? "")) problems.push(`name must be one line without "@", "{{" or "}}"`);
  if (body.type !== "metric") problems.push(`type must be "metric" (got ${JSON.stringify(body.type)})`);
  for (const key of [RESOURCE_TAG.team, RESOURCE_TAG.feature, RESOURCE_TAG.env, RESOURCE_TAG.service, RESOURCE_TAG.objective]) {
    if (!tagValue(body.tags ?? [], key)) problems.push(`tags: missing "${key}:<value>"`);
  }
  const objective = tagValue(body.tags ?? [], RESOURCE_TAG.objective);
  if (objective !== undefined && !(SLO_OBJECTIVES as readonly string[]).includes(objective))
    problems.push(`tags: objective must be one of ${SLO_OBJECTIVES.join(", ")} (got "${objective}")`);
  if (body.thresholds?.length !== 1) problems.push(`thresholds must hold one target (got ${body.thresholds?.length ?? 0})`);
  for (const t of body.thresholds ?? []) {
    if (!(SLO_WINDOWS as readonly string[]).includes(t.timeframe))
      problems.push(`thresholds: timeframe must be one of ${SLO_WINDOWS.join(", ")}`);
  }
  problems.push(...lintQueries(body.query, ctx.contract));
  return problems;
}

/**
 * Good over total, both from the metric contract: only `sum:` of counts `.as_count()` (the API's
 * ServiceLevelObjectiveQuery: "Datadog only allows the sum by aggregator", vendor/datadog/openapi-v1.yaml),
 * on tags each metric carries, and the good events a subset of the total: every filter of the total
 * is a filter of the good events too.
 */
function lintQueries(query: DatadogSlo["query"] | undefined, contract: MetricContract): string[] {
  const problems: string[] = [];
  const sides = { numerator: query?.numerator, denominator: query?.denominator };
  const scopes: Record<string, string[]> = {};
  for (const [side, text] of Object.entries(sides)) {
    if (typeof text !== "string" || !text.trim()) {
      problems.push(`query.${side} is required`);
      continue;
    }
    const terms = extractMetricTerms(text);
    if (terms.length !== 1) problems.push(`query.${side} must be one sum of a contract count (got ${terms.length} terms): ${text}`);
    for (const term of terms) {
      if (term.aggregation !== "sum" || !term.asCount) problems.push(`query.${side}: Datadog only sums counts in a metric SLO: ${text}`);
      const metric = contractMetric(contract, term.metric);
      if (typeof metric === "string") {
        problems.push(`query.${side}: ${metric}`);
        continue;
      }
      const tags = [...term.scope.flatMap((e) => scopeTagKey(e).tag ?? []).map((tag) => ({ tag, how: "filter" }))];
      const found = termProblems(contract, metric, { aggregation: term.aggregation, asCount: term.asCount, tags });
      problems.push(...found.map((p) => `query.${side}: ${p}`));
      scopes[side] = term.scope;
    }
  }
  const missing = (scopes.denominator ?? []).filter((e) => !(scopes.numerator ?? []).includes(e));
  if (scopes.numerator && missing.length)
    problems.push(`query.numerator must keep every filter of the denominator (missing ${missing.join(", ")})`);
  return problems;
}
