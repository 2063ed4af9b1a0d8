// The shape of a provider constraint and the few checks the table is written with. A
// constraint reads the inputs of one resource exactly as the Pulumi engine hands them to the
// provider (camelCase, as recorded in plan.json) and names every value that breaks it.

/** A Pulumi resource as the plan records it: type token, logical name, inputs. */
export interface CheckedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

/** Where a rule is written down: provider source at the pinned version, or the API's own docs or code. */
export interface Source {
  /** `PagerDuty/terraform-provider-pagerduty v2.4.0 pagerduty/resource_pagerduty_schedule.go:111`, a docs page, ... */
  ref: string;
  url?: string;
}

/** Who rejects a breach: the provider at `pulumi preview` (before any API call), or the service's API on create/update. */
export type EnforcedBy = "provider" | "api";

/** One value of one resource that breaks one constraint. */
export interface Finding {
  /** Concrete input path, e.g. `layers[0].rotationTurnLengthSeconds`. */
  field: string;
  /** What is wrong with the value, e.g. `has 156 characters`. */
  problem: string;
}

export interface ResourceConstraint {
  /** Stable id, `<provider>.<resource>.<field>.<rule>`. */
  id: string;
  /** Pulumi type token of the resource it applies to. */
  type: string;
  /** Input path as documented (`[]` for every element of a list). */
  field: string;
  /** The rule in words, e.g. `1-64 characters`. */
  rule: string;
  enforcedBy: EnforcedBy;
  source: Source;
  /** Why it matters or how the provider applies it, when the rule alone does not say. */
  note?: string;
  check(inputs: Record<string, unknown>): Finding[];
}

export interface Breach {
  constraint: string;
  rule: string;
  enforcedBy: EnforcedBy;
  source: Source;
  type: string;
  resource: string;
  field: string;
  problem: string;
}

/** Values at a documented path: `a.b`, `layers[].users`, `triggers[].actions[].type`. Absent values are skipped. */
export function valuesAt(inputs: unknown, path: string): { field: string; value: unknown }[] {
  let current: { field: string; value: unknown }[] = [{ field: "", value: inputs }];
  for (const segment of path.split(".")) {
    const each = segment.endsWith("[]");
    const key = each ? segment.slice(0, -2) : segment;
    const next: { field: string; value: unknown }[] = [];
    for (const { field, value } of current) {
      if (value === null || typeof value !== "object" || Array.isArray(value)) continue;
      const child = (value as Record<string, unknown>)[key];
      if (child === undefined) continue;
      const at = field ? `${field}.${key}` : key;
      if (!each) next.push({ field: at, value: child });
      else if (Array.isArray(child)) child.forEach((v, i) => next.push({ field: `${at}[${i}]`, value: v }));
    }
    current = next;
  }
  return current;
}

type Spec = Omit<ResourceConstraint, "check" | "rule"> & { rule?: string };

function constraint(spec: Spec, rule: string, test: (value: unknown) => string | undefined): ResourceConstraint {
  return {
    ...spec,
    rule: spec.rule ?? rule,
    check: (inputs) =>
      valuesAt(inputs, spec.field).flatMap(({ field, value }) => {
        const problem = test(value);
        return problem ? [{ field, problem }] : [];
      }),
  };
}

const shown = (v: unknown) => {
  const s = typeof v === "string" ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
};

/**
 * A string of min..max characters. Go providers count bytes (terraform-plugin-sdk's
 * validation.StringLenBetween compares `len(v)`), Python APIs count characters.
 */
export function lengthBetween(spec: Spec, min: number, max: number): ResourceConstraint {
  const unit = spec.enforcedBy === "provider" ? "bytes" : "characters";
  return constraint(spec, `${min}-${max} ${unit === "bytes" ? "bytes (characters, for ASCII)" : "characters"}`, (v) => {
    if (typeof v !== "string") return `is ${shown(v)}, not a string`;
    const n = unit === "bytes" ? Buffer.byteLength(v, "utf8") : [...v].length;
    return n < min || n > max ? `has ${n} ${unit}: ${shown(v)}` : undefined;
  });
}

export function oneOf(spec: Spec, values: readonly (string | number)[]): ResourceConstraint {
  return constraint(spec, `one of ${values.map((v) => JSON.stringify(v)).join(", ")}`, (v) =>
    values.includes(v as string | number) ? undefined : `is ${shown(v)}`,
  );
}

/** An integer in [min, max]; `asString` for fields the provider takes as a decimal string (it parses them itself). */
export function integerBetween(spec: Spec, min: number, max: number, opts: { asString?: boolean } = {}): ResourceConstraint {
  const range = max === Infinity ? `an integer >= ${min}` : `an integer in ${min}..${max}`;
  return constraint(spec, opts.asString ? `${range}, written as a decimal string` : range, (v) => {
    if (opts.asString && (typeof v !== "string" || !/^-?\d+$/.test(v))) return `is ${shown(v)}, not a decimal integer string`;
    const n = opts.asString ? Number(v) : v;
    if (typeof n !== "number" || !Number.isInteger(n)) return `is ${shown(v)}, not an integer`;
    return n < min || n > max ? `is ${n}` : undefined;
  });
}

export function matches(spec: Spec, pattern: RegExp, rule: string): ResourceConstraint {
  return constraint(spec, rule, (v) => (typeof v === "string" && pattern.test(v) ? undefined : `is ${shown(v)}`));
}

/** Anything a single-value test cannot say: gets the whole inputs, returns findings. */
export function custom(spec: Omit<ResourceConstraint, "check">, check: (inputs: Record<string, unknown>) => Finding[]): ResourceConstraint {
  return { ...spec, check };
}

export { shown };
