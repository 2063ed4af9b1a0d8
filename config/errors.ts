// Turns schema issues into one line each: `<path>: <what is wrong> (got <value>)`.
import type { z } from "zod";

export type PathSegment = string | number;

export interface ConfigProblem {
  path: string;
  message: string;
}

/** Thrown by loadCatalog; the message lists every problem, one per line. */
export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(
      `invalid llm-observability configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${formatProblem(p)}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

export function formatProblem(p: ConfigProblem): string {
  return `${p.path}: ${p.message}`;
}

/** `features[2].latency.ttftP95Ms` from ["features", 2, "latency", "ttftP95Ms"]. */
export function formatPath(root: string, segments: readonly PathSegment[]): string {
  let out = root;
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else out += out === "" || out.endsWith(":") ? s : `.${s}`;
  }
  return out;
}

export function showValue(v: unknown): string {
  if (v === undefined) return "nothing";
  const s = typeof v === "string" ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function describeType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : showValue(v);
}

/** One problem per zod issue; unknown keys become one problem per key at the key's own path. */
export function problemsFromZod(root: string, issues: readonly z.core.$ZodIssue[]): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const issue of issues) {
    const path = issue.path as PathSegment[];
    const input = (issue as { input?: unknown }).input;
    switch (issue.code) {
      case "unrecognized_keys":
        for (const key of issue.keys) out.push({ path: formatPath(root, [...path, key]), message: "unknown field" });
        break;
      case "invalid_type":
        out.push({
          path: formatPath(root, path),
          message: input === undefined ? "required" : `must be ${article(issue.expected)} (got ${describeType(input)})`,
        });
        break;
      case "invalid_union":
        out.push({ path: formatPath(root, path), message: `is not valid (got ${describeType(input)})` });
        break;
      default: {
        const hasDefaultText = issue.message.startsWith("Invalid") || issue.message.startsWith("Too ");
        const message = hasDefaultText ? defaultMessage(issue) : issue.message;
        out.push({ path: formatPath(root, path), message: input === undefined ? message : `${message} (got ${showValue(input)})` });
      }
    }
  }
  return out;
}

function article(expected: string): string {
  const word = expected === "int" ? "integer" : expected;
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

function defaultMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "too_small": {
      const i = issue as z.core.$ZodIssueTooSmall;
      if (i.origin === "array") return `must have at least ${i.minimum} item${i.minimum === 1 ? "" : "s"}`;
      if (i.origin === "string") return `must be at least ${i.minimum} characters`;
      return i.inclusive ? `must be at least ${i.minimum}` : `must be greater than ${i.minimum}`;
    }
    case "too_big": {
      const i = issue as z.core.$ZodIssueTooBig;
      if (i.origin === "array") return `must have at most ${i.maximum} items`;
      if (i.origin === "string") return `must be at most ${i.maximum} characters`;
      return i.inclusive ? `must be at most ${i.maximum}` : `must be less than ${i.maximum}`;
    }
    case "invalid_value":
      return `must be one of ${(issue as z.core.$ZodIssueInvalidValue).values.map((v) => showValue(v)).join(", ")}`;
    case "invalid_format":
      return `must be a valid ${(issue as z.core.$ZodIssueInvalidStringFormat).format}`;
    case "not_multiple_of":
      return `must be a multiple of ${(issue as z.core.$ZodIssueNotMultipleOf).divisor}`;
    default:
      return issue.message;
  }
}
