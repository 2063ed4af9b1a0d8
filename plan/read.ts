// Readers of untyped plan JSON (plan inputs are whatever the program registered): each returns
// a usable value or an empty one, never throws, so a plan from any commit can be read.
import { sortKeys } from "./plan";

/** JSON with sorted keys and no whitespace: equal values give equal strings. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/** A scalar as text; objects and arrays as stable JSON; nothing as "". */
export function str(v: unknown): string {
  if (v === undefined || v === null) return "";
  return typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : stableJson(v);
}

/** The value as an object, or an empty one: plan inputs are untyped JSON. */
export function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** A finite number from a number or numeric string, else undefined. */
export function num(v: unknown): number | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  const n = typeof v === "number" ? v : Number(v);
  return Number.isFinite(n) ? n : undefined;
}
