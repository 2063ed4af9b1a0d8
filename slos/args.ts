// API body (snake_case) <-> @pulumi/datadog ServiceLevelObjective inputs. Both directions know
// exactly the fields this package sets and throw on anything else, like monitors/args.ts: a field
// one side does not map silently never reaches Datadog.
import type { DatadogSlo } from "./definition";

/** Resolved provider inputs, shaped like `datadog.ServiceLevelObjectiveArgs` (component.ts checks the assignment). */
export interface SloInputs {
  name: string;
  type: string;
  description: string;
  tags: string[];
  thresholds: { timeframe: string; target: number }[];
  query: { numerator: string; denominator: string };
}

const KEYS = ["name", "type", "description", "tags", "thresholds", "query"] as const;
const THRESHOLD_KEYS = ["timeframe", "target"];
const QUERY_KEYS = ["numerator", "denominator"];

export function toSloInputs(body: DatadogSlo): SloInputs {
  rejectUnknown(body, KEYS, "SLO body");
  body.thresholds.forEach((t, i) => rejectUnknown(t, THRESHOLD_KEYS, `SLO thresholds[${i}]`));
  rejectUnknown(body.query, QUERY_KEYS, "SLO query");
  return {
    name: body.name,
    type: body.type,
    description: body.description,
    tags: [...body.tags],
    thresholds: body.thresholds.map((t) => ({ timeframe: t.timeframe, target: t.target })),
    query: { numerator: body.query.numerator, denominator: body.query.denominator },
  };
}

/** The API body Datadog receives for these inputs (a plan resource's recorded inputs). */
export function sloBodyFromInputs(inputs: Record<string, unknown>): DatadogSlo {
  rejectUnknown(inputs, KEYS, "SLO inputs");
  const i = inputs as unknown as SloInputs;
  const thresholds = Array.isArray(i.thresholds) ? i.thresholds : [];
  thresholds.forEach((t, n) => rejectUnknown(t, THRESHOLD_KEYS, `SLO inputs thresholds[${n}]`));
  rejectUnknown(i.query ?? {}, QUERY_KEYS, "SLO inputs query");
  return {
    name: i.name,
    type: i.type as DatadogSlo["type"],
    description: i.description,
    tags: [...(i.tags ?? [])],
    thresholds: thresholds.map((t) => ({ timeframe: t.timeframe as DatadogSlo["thresholds"][number]["timeframe"], target: t.target })),
    query: { numerator: i.query?.numerator, denominator: i.query?.denominator },
  };
}

function rejectUnknown(obj: object, known: readonly string[], what: string): void {
  const unknown = Object.keys(obj).filter((k) => !known.includes(k) && (obj as Record<string, unknown>)[k] !== undefined);
  if (unknown.length)
    throw new Error(`${what}: no mapping for ${unknown.map((k) => `"${k}"`).join(", ")}; add it to slos/args.ts in both directions`);
}
