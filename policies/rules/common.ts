// Helpers shared by the rule modules: reading tags and links out of monitor definitions, and
// resolving each rule's settings (policy config first, then the repository the pack runs from).
// Handles are read with the one message grammar (config/names.ts). No rule logic lives here.
import type { Catalog } from "../../config/validate";
import { repoCatalog, stackFromUrn } from "../context";

/** The stack's validated catalog when the pack runs from this repo and the stack file exists. */
export function catalogForUrn(urn: string | undefined): Catalog | undefined {
  const stack = urn ? stackFromUrn(urn) : undefined;
  return stack ? repoCatalog(stack) : undefined;
}

export function asStringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function quoteList(values: readonly string[]): string {
  return values.length ? values.join(", ") : "(none)";
}

/** Datadog priority as a number 1-5, or undefined when absent or not a valid priority. */
export function parsePriority(value: unknown): number | undefined {
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : "";
  return /^[1-5]$/.test(text) ? Number(text) : undefined;
}
