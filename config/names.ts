// The conventions module: the names and grammars that several modules must agree on. A
// handle, a message state block or a resource-name prefix is spelled here and nowhere else,
// so the builders that write them and the lint, policy pack, diff and evaluator that read
// them back cannot drift apart.
//
// This part holds Datadog's notification-message grammar: conditional blocks and handles.
// One parser, `parseMessage`, and one question asked of it, "which handles does this
// message notify in this transition" (`handlesFor`), answered the way Datadog answers it:
// render the template for the transition, then read the handles off the rendered text.

/** Monitor states a notification moves between (docs monitors/status/status_page: OK, Warn, Alert, No Data, Unknown). */
export type MonitorState = "ok" | "warn" | "alert" | "no data" | "unknown";

/** One notification: the transition that sends it (or a renotification of `to`), and the monitor's priority. */
export interface NotificationContext {
  from: MonitorState;
  to: MonitorState;
  /** A renotification of a monitor that stayed in `to` (docs monitors/notify: renotify_interval). */
  renotify?: boolean;
  /** 1-5; needed only by `{{#is_priority 'Pn'}}`. */
  priority?: number;
}

/**
 * Conditional variables of monitor messages, and when each holds. Source: Datadog docs
 * "Notification variables" (docs.datadoghq.com/monitors/notify/variables, Conditional variables):
 *   is_alert: the monitor alerts; is_warning: it warns; is_no_data: triggered for missing data;
 *   is_recovery: it recovers from ALERT, WARNING, UNKNOWN or NO DATA; is_alert_recovery: from ALERT
 *   to OK; is_warning_recovery: from WARNING to OK; is_alert_to_warning: from ALERT to WARNING;
 *   is_no_data_recovery: it recovers from NO DATA; is_renotify: it is renotifying; is_unknown: it is
 *   in the unknown state; is_priority 'value': its priority is value (P1-P5).
 * Same page, note under is_alert_recovery: "For ALERT to WARNING transitions, {{#is_alert_recovery}}
 * recipients receive notifications without message bodies" — so those handles are notified then too
 * (this is how a PagerDuty incident opened by an alert resolves when the monitor drops to warning).
 * is_match / is_exact_match depend on the group's tag values, which a message alone cannot know:
 * they evaluate as undefined (see `HandleQuery.unknown`).
 */
const CONDITIONS: Record<string, (c: NotificationContext, arg: string | undefined) => boolean | undefined> = {
  is_alert: (c) => c.to === "alert",
  is_warning: (c) => c.to === "warn",
  is_no_data: (c) => c.to === "no data",
  is_unknown: (c) => c.to === "unknown",
  is_recovery: (c) => c.to === "ok" && c.from !== "ok",
  is_alert_recovery: (c) => c.from === "alert" && (c.to === "ok" || c.to === "warn"),
  is_warning_recovery: (c) => c.from === "warn" && c.to === "ok",
  is_alert_to_warning: (c) => c.from === "alert" && c.to === "warn",
  is_no_data_recovery: (c) => c.from === "no data" && c.to !== "no data",
  is_renotify: (c) => c.renotify === true,
  is_priority: (c, arg) =>
    c.priority === undefined || arg === undefined ? undefined : arg.replace(/['"]/g, "").toUpperCase() === `P${c.priority}`,
  is_match: () => undefined,
  is_exact_match: () => undefined,
};

/** The state conditions a message can branch on (every conditional variable but the tag matchers). */
export const STATE_CONDITIONS = Object.keys(CONDITIONS).filter((n) => n !== "is_match" && n !== "is_exact_match");

export type TemplateNode = TextNode | BlockNode;
export interface TextNode {
  kind: "text";
  text: string;
  /** Offset in the source message. */
  offset: number;
}
export interface BlockNode {
  kind: "block";
  /** Conditional variable, e.g. `is_alert`. */
  name: string;
  /** `{{^is_alert}}`: shown when the condition does not hold. */
  negated: boolean;
  /** Arguments as written, e.g. `'P1'` or `"tenant.name" "acme"`. */
  args?: string;
  body: TemplateNode[];
  /** After `{{else}}`: shown when the body is not. */
  elseBody: TemplateNode[];
  offset: number;
}

export interface ParsedMessage {
  source: string;
  nodes: TemplateNode[];
  /** Structural problems: unclosed, unopened or mismatched blocks, unknown conditional variables. */
  problems: string[];
}

// `{{#name args}}`, `{{^name args}}`, `{{/name}}` and `{{else}}`. Any other `{{...}}` (a variable
// such as `{{value}}` or `{{tenant.name}}`) is text.
const TAG = /\{\{\s*(?:([#^/])\s*([A-Za-z_][\w.]*)((?:\s+(?:'[^']*'|"[^"]*"|[^\s}]+))*)\s*|(else)\s*)\}\}/g;

/** Parses a Datadog monitor message into its conditional blocks; never throws. */
export function parseMessage(message: string): ParsedMessage {
  const problems: string[] = [];
  const root: TemplateNode[] = [];
  const stack: { block: BlockNode; inElse: boolean }[] = [];
  const target = () => {
    const top = stack[stack.length - 1];
    return top ? (top.inElse ? top.block.elseBody : top.block.body) : root;
  };
  let last = 0;
  const pushText = (end: number) => {
    if (end > last) target().push({ kind: "text", text: message.slice(last, end), offset: last });
  };
  for (const m of message.matchAll(TAG)) {
    const at = m.index!;
    pushText(at);
    last = at + m[0].length;
    const [, sigil, name, args, isElse] = m;
    if (isElse) {
      const top = stack[stack.length - 1];
      if (!top) problems.push(`{{else}} at offset ${at} is outside any block`);
      else if (top.inElse) problems.push(`second {{else}} in {{#${top.block.name}}} at offset ${at}`);
      else top.inElse = true;
      continue;
    }
    if (sigil === "/") {
      const top = stack.pop();
      if (!top) problems.push(`{{/${name}}} at offset ${at} closes no block`);
      else if (top.block.name !== name) {
        problems.push(
          `{{/${name}}} at offset ${at} closes {{${top.block.negated ? "^" : "#"}${top.block.name}}} opened at offset ${top.block.offset}`,
        );
      }
      continue;
    }
    if (!(name in CONDITIONS)) problems.push(`unknown conditional variable {{${sigil}${name}}} at offset ${at}`);
    const block: BlockNode = {
      kind: "block",
      name,
      negated: sigil === "^",
      ...(args.trim() ? { args: args.trim() } : {}),
      body: [],
      elseBody: [],
      offset: at,
    };
    target().push(block);
    stack.push({ block, inElse: false });
  }
  pushText(message.length);
  for (const { block } of stack.reverse())
    problems.push(`{{${block.negated ? "^" : "#"}${block.name}}} at offset ${block.offset} is never closed`);
  return { source: message, nodes: root, problems };
}

export interface HandleQuery {
  /**
   * How to read conditions a message alone cannot decide (`is_match`, unknown variables,
   * `is_priority` without a priority): `true` renders them as holding (the handles that MAY be
   * notified; use it to prove a handle is never reached), `false` as not holding (handles that
   * are CERTAINLY notified; use it to prove a handle is reached). Default true.
   */
  unknown?: boolean;
}

/** Whether a block's body is shown in this notification (undefined conditions resolved by `unknown`). */
function shows(block: BlockNode, ctx: NotificationContext, unknown: boolean): boolean {
  const holds = CONDITIONS[block.name]?.(ctx, block.args);
  if (holds === undefined) return unknown;
  return block.negated ? !holds : holds;
}

/** The message text Datadog sends for this notification: blocks resolved, variables left as written. */
export function renderMessage(parsed: ParsedMessage, ctx: NotificationContext, query: HandleQuery = {}): string {
  const unknown = query.unknown ?? true;
  const render = (nodes: TemplateNode[]): string =>
    nodes
      .map((n) => {
        if (n.kind === "text") return n.text;
        const holds = CONDITIONS[n.name]?.(ctx, n.args);
        // An undecidable condition shows both branches when reading what MAY be sent, neither when reading what surely is.
        if (holds === undefined) return unknown ? `${render(n.body)} ${render(n.elseBody)}` : "";
        return shows(n, ctx, unknown) ? render(n.body) : render(n.elseBody);
      })
      .join("");
  return render(parsed.nodes);
}

export interface Handle {
  /** As written, e.g. `@pagerduty-llm-prod-contracts-ai`. */
  raw: string;
  /** Lowercased integration (`pagerduty`, `slack`, `webhook`, ...) or `email` for `@jane@example.com`. */
  integration: string;
  /** What follows `@<integration>-` (the service, channel, ...), or the email address. */
  target: string;
  /**
   * Glued to the character before it. A handle needs a preceding space (docs
   * monitors/guide/notification-message-best-practices; handles with parentheses are not parsed at
   * all, DataDog/documentation layouts/shortcodes/notifications-integrations.md), so a glued handle
   * may silently notify no one: lint and policy treat it as an error, never as a safe non-handle.
   */
  glued: boolean;
}

// A handle is `@` then everything up to whitespace (an email handle keeps its second `@`).
// Sentence punctuation after it is not part of it (`@slack-x.`). Handles are read off rendered
// text, where conditional tags are already gone; variables (`@slack-{{tenant.name}}`) stay.
const HANDLE = /@([^\s@]+(?:@[^\s@]+)?)/g;
const EMAIL = /^[^\s@]+@[\w-]+(?:\.[\w-]+)+$/;

/** Every handle in a rendered text, in order. `@` inside an email address or a URL is not a handle. */
export function handlesIn(text: string): Handle[] {
  const out: Handle[] = [];
  for (const m of text.matchAll(HANDLE)) {
    const at = m.index!;
    const before = at > 0 ? text[at - 1] : "";
    // `jane@example.com` written as plain text: the `@` belongs to the address, not a handle.
    if (before && /[\w.+-]/.test(before)) continue;
    const body = m[1].replace(/[.,;:!?)\]]+$/, "");
    if (!body) continue;
    const raw = `@${body}`;
    if (EMAIL.test(body)) {
      out.push({ raw, integration: "email", target: body, glued: before !== "" && !/\s/.test(before) });
      continue;
    }
    const dash = body.indexOf("-");
    const integration = (dash > 0 ? body.slice(0, dash) : body).toLowerCase();
    out.push({ raw, integration, target: dash > 0 ? body.slice(dash + 1) : "", glued: before !== "" && !/\s/.test(before) });
  }
  return out;
}

/** The handles a message notifies in this notification, each once, in order of appearance. */
export function handlesFor(message: string | ParsedMessage, ctx: NotificationContext, query: HandleQuery = {}): Handle[] {
  const parsed = typeof message === "string" ? parseMessage(message) : message;
  const seen = new Set<string>();
  return handlesIn(renderMessage(parsed, ctx, query)).filter((h) => {
    const key = h.raw.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Every notification a query alert can send, named for reports (diff, preview, policy messages). */
export const NOTIFICATIONS: readonly { label: string; ctx: NotificationContext }[] = [
  { label: "alert", ctx: { from: "ok", to: "alert" } },
  { label: "alert renotify", ctx: { from: "alert", to: "alert", renotify: true } },
  { label: "warning", ctx: { from: "ok", to: "warn" } },
  { label: "alert to warning", ctx: { from: "alert", to: "warn" } },
  { label: "warning renotify", ctx: { from: "warn", to: "warn", renotify: true } },
  { label: "no data", ctx: { from: "ok", to: "no data" } },
  { label: "no data renotify", ctx: { from: "no data", to: "no data", renotify: true } },
  { label: "recovery from alert", ctx: { from: "alert", to: "ok" } },
  { label: "recovery from warning", ctx: { from: "warn", to: "ok" } },
  { label: "recovery from no data", ctx: { from: "no data", to: "ok" } },
];

/**
 * Per handle, the notifications that may reach it (labels of `NOTIFICATIONS`), in order of first
 * appearance. `priority` resolves `{{#is_priority}}` blocks.
 */
export function handleReach(message: string | ParsedMessage, priority?: number): Map<string, string[]> {
  const parsed = typeof message === "string" ? parseMessage(message) : message;
  const reach = new Map<string, string[]>();
  for (const { label, ctx } of NOTIFICATIONS) {
    for (const h of handlesFor(parsed, { ...ctx, priority })) {
      const labels = reach.get(h.raw) ?? [];
      labels.push(label);
      reach.set(h.raw, labels);
    }
  }
  return reach;
}

/** Handles that sit outside every conditional block, so every notification carries them. */
export function unconditionalHandles(parsed: ParsedMessage): Handle[] {
  return handlesIn(
    parsed.nodes
      .filter((n): n is TextNode => n.kind === "text")
      .map((n) => n.text)
      .join("\n"),
  );
}
