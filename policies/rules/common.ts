// Helpers shared by the rule modules: reading notification handles, tags and links out of
// monitor definitions, and resolving each rule's settings (policy config first, then the
// repository the pack runs from). No rule logic lives here.
import type { Catalog } from "../../config/validate";
import { MONITOR_TAG } from "../../monitors/kinds";
import { repoCatalog, stackFromUrn } from "../context";

/** The stack's validated catalog when the pack runs from this repo and the stack file exists. */
export function catalogForUrn(urn: string | undefined): Catalog | undefined {
  const stack = urn ? stackFromUrn(urn) : undefined;
  return stack ? repoCatalog(stack) : undefined;
}

/** Datadog's ownership tag (`team:<id>`) and the tag naming a monitor's kind (`monitor:<kind>`), pinned in monitors/kinds.ts. */
export const TEAM_TAG = MONITOR_TAG.team;
export const MONITOR_KIND_TAG = MONITOR_TAG.monitor;

export function asStringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Values of every `<key>:<value>` tag (Datadog tags are `key:value`; a bare key has no value). */
export function tagValues(tags: readonly string[], key: string): string[] {
  const prefix = `${key}:`;
  return tags.filter((t) => t.startsWith(prefix)).map((t) => t.slice(prefix.length));
}

/**
 * Notification handles in a Datadog message: `@slack-x`, `@pagerduty-x`, `@webhook-x`,
 * `@jane@example.com`. A handle starts after whitespace, a line start, `(`, or a closing
 * `}}` of a conditional block (`{{#is_alert}}@pagerduty-x{{/is_alert}}`), and ends at
 * whitespace or the next `{{`. An `@` inside an email address or a URL is not a handle.
 */
export function notificationHandles(message: string): string[] {
  const out: string[] = [];
  for (const m of message.matchAll(/(?<=^|[\s(}])@([A-Za-z0-9_][\w.+-]*(?:@[\w-]+(?:\.[\w-]+)+)?)/g)) {
    out.push(`@${m[1].replace(/[.,;:]+$/, "")}`);
  }
  return out;
}

/**
 * PagerDuty service names a text notifies (`@pagerduty-llm-prod-x` -> `llm-prod-x`), parsed
 * exactly as synth's own dangling-handle check parses them.
 */
export { pagerdutyHandlesIn as pagerdutyServices } from "../../oncall/handles";

/** http(s) links in a message, including those inside Markdown `[text](url)`. */
export function links(message: string): string[] {
  return [...message.matchAll(/https?:\/\/[^\s)<>\]"'|`]+/g)].map((m) => m[0].replace(/[.,;:]+$/, ""));
}

export function quoteList(values: readonly string[]): string {
  return values.length ? values.join(", ") : "(none)";
}

/** Datadog priority as a number 1-5, or undefined when absent or not a valid priority. */
export function parsePriority(value: unknown): number | undefined {
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : "";
  return /^[1-5]$/.test(text) ? Number(text) : undefined;
}
