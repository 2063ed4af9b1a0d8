// Helpers shared by the rule modules: reading tags, links and who each notification reaches out
// of monitor definitions. Handles are read with the one message grammar (config/names.ts), the
// way Datadog renders a message for each notification; nothing here parses a handle itself.
// No rule logic lives here.
import {
  type Handle,
  handlesFor,
  isPagerdutyHandle,
  NOTIFICATIONS,
  type NotificationContext,
  type ParsedMessage,
  RESOURCE_TAG,
} from "../../config/names";
import { linksIn } from "../../config/links";

export { tagValues } from "../../config/names";

/** Datadog's ownership tag (`team:<id>`) and the tag naming a monitor's kind (`monitor:<kind>`), pinned in config/names.ts. */
export const TEAM_TAG = RESOURCE_TAG.team;
export const MONITOR_KIND_TAG = RESOURCE_TAG.monitor;

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

/** A handle and the notifications (labels of NOTIFICATIONS) that MAY carry it. */
export interface Reach {
  handle: Handle;
  labels: string[];
}

/**
 * Every handle any notification of a monitor MAY carry (conditions a message alone cannot decide
 * count as holding), each with the notifications that may carry it. The escalation message is sent
 * with renotifications (Datadog API `escalation_message`: "A message to include with a
 * re-notification"), so its handles reach the renotify notifications. Handles differing only in
 * case are one handle: Datadog reads the integration name case-insensitively
 * (`handlesIn` in config/names.ts).
 */
export function reachOf(message: ParsedMessage, escalation: ParsedMessage | undefined, priority: number | undefined): Reach[] {
  const reach = new Map<string, Reach>();
  for (const { label, ctx } of NOTIFICATIONS) {
    const sent = [
      ...handlesFor(message, { ...ctx, priority }),
      ...(escalation && ctx.renotify ? handlesFor(escalation, { ...ctx, priority }) : []),
    ];
    for (const handle of sent) {
      const key = handle.raw.toLowerCase();
      const r = reach.get(key) ?? { handle, labels: [] };
      if (!r.labels.includes(label)) r.labels.push(label);
      reach.set(key, r);
    }
  }
  return [...reach.values()];
}

/** The first alert notification, the one that must page (NOTIFICATIONS' "alert"). */
export const ALERT: NotificationContext = NOTIFICATIONS.find((n) => n.label === "alert")!.ctx;

/** Handles CERTAINLY in a notification: undecidable conditions count as not holding. */
export function surelyIn(message: ParsedMessage, ctx: NotificationContext, priority: number | undefined): Handle[] {
  return handlesFor(message, { ...ctx, priority }, { unknown: false });
}

/** A PagerDuty handle, whatever its case (config/names.ts). */
export const isPagerduty = isPagerdutyHandle;

/** `@pagerduty-x` (alert, alert renotify). */
export function describeReach(r: Reach): string {
  return `${r.handle.raw} (${r.labels.join(", ")})`;
}

/** A Markdown link `[text](target)` in a message. */
export interface MarkdownLink {
  text: string;
  target: string;
}

const MARKDOWN_LINK = /\[([^\]\n]*)\]\(\s*(https?:\/\/[^\s)]+)\s*\)/g;
const trimUrl = (url: string) => url.replace(/[.,;:!?]+$/, "");

/**
 * The links of a message: Markdown links with their text, and bare URLs. A URL written as a
 * Markdown link's text is not a link of its own: what the reader clicks is the target.
 */
export function messageLinks(message: string): { markdown: MarkdownLink[]; urls: string[] } {
  const markdown = [...message.matchAll(MARKDOWN_LINK)].map((m) => ({ text: m[1].trim(), target: trimUrl(m[2]) }));
  const rest = message.replace(MARKDOWN_LINK, " ");
  const urls = linksIn(rest);
  return { markdown, urls: [...markdown.map((l) => l.target), ...urls] };
}
