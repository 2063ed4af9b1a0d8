// What the SLO builder produces: Datadog service level objectives in the API's own (snake_case)
// shape, exactly what `POST /api/v1/slo` takes (vendor/datadog/openapi-v1.yaml,
// ServiceLevelObjectiveRequest). No Pulumi here; slos/args.ts maps this shape to the provider's
// inputs and back.
import type { SloObjective, SloWindow } from "../config/slo";

/** A count-based (metric) SLO: good events over total events, both sums of counts. */
export interface DatadogSlo {
  name: string;
  type: "metric";
  description: string;
  tags: string[];
  /** One threshold: the objective's target over its rolling window. */
  thresholds: { timeframe: SloWindow; target: number }[];
  query: { numerator: string; denominator: string };
}

export interface SloDefinition {
  /** `slo-<featureId>-<objective>`: the resource name, and what `@@slo-id:<id>@@` placeholders name. */
  id: string;
  featureId: string;
  objective: SloObjective;
  /** Team id that owns it: the feature's owner (its `team:` tag). */
  owner: string;
  body: DatadogSlo;
}
