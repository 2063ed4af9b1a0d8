// Puts a PlanDiff into the words a reviewer needs: what changes for the on-call engineer and
// for the dashboard reader. Output goes into a PR comment, whose limit is 64,000 characters
// (pulumi/actions#1387), so it is built from blocks that can be left out whole, most
// important first, and says what it left out.
import { TAG } from "../../config/contract";
import { isPagingPriority, pagerdutyHandleOf, SECRET, tag, TYPE } from "../../config/names";
import { featureKinds, MONITOR_KINDS, type MonitorKindSpec, reviewColumns } from "../../monitors/kinds";
import { formatValue } from "../../monitors/review";
import { usd } from "../../cardinality";
import type { DashboardDiff, FeatureDiff, FieldChange, MonitorDiff, PlanDiff, ResourceDiff } from "./compare";
import { hasChanges } from "./compare";
import type { MonitorBehaviour, Outcome, StackBehaviour } from "./behaviour";
import { reviewCost, type StackCostReview } from "./cost";
import type { FeatureRename } from "./renames";
import { type FeatureView } from "../../plan/features";
import { typeLabel } from "../../plan/plan";

export const MAX_CHARS = 60_000;
export const NO_CHANGES = "no changes";

export interface MarkdownOptions {
  /** What the base was, e.g. `origin/main` or a plan directory. */
  baseLabel: string;
  /** What the head was, e.g. `working tree`. */
  headLabel: string;
  maxChars?: number;
  /** Where the unabridged diff can be found, named when something is left out. */
  fullDiffName?: string;
  /** The monitor-kind registry whose review columns and sentences describe features (default: monitors/kinds.ts). */
  kinds?: readonly MonitorKindSpec[];
  /** The scenario outcomes (and backtests) of added and changed monitors, per stack (tools/diff/behaviour.ts). */
  behaviour?: { source: string; series?: string; stacks: StackBehaviour[] };
}

export interface MarkdownResult {
  markdown: string;
  /** Everything, never shortened. */
  full: string;
  truncated: boolean;
}

// ---------------------------------------------------------------------------------------------
// Markdown atoms

/**
 * One line stays one line: every line terminator Markdown or a browser honours (CRLF, a bare CR,
 * LF, NEL, U+2028, U+2029) becomes `lineBreak`, and other control characters (NUL, ESC, ...)
 * U+FFFD. A bare CR left in a title ended the line in the PR comment and forged a heading.
 */
function oneLine(value: string, lineBreak: string): string {
  return value.replace(/\r\n|[\r\n\u0085\u2028\u2029]/g, lineBreak).replace(/(?!\t)\p{Cc}/gu, "\uFFFD");
}

/** A code span that survives any content: backticks, pipes (tables), newlines. */
export function code(value: string, max = 400): string {
  let s = oneLine(value, " ⏎ ");
  if (s.length > max) s = `${s.slice(0, max - 1)}…`;
  const longest = Math.max(0, ...[...s.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = s.startsWith("`") || s.endsWith("`") ? " " : "";
  return `${fence}${pad}${s.replace(/\|/g, "\\|")}${pad}${fence}`;
}

/** Quoted display text (titles): no Markdown or HTML interpretation. */
export function text(value: string): string {
  const s = oneLine(value, " ")
    .replace(/[\\`*_|~]/g, "\\$&")
    // `[x](y)` would become a link; a lone `[llm]` stays readable.
    .replace(/\]\(/g, "]\\(")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
  return `"${s}"`;
}

function val(v: string | undefined): string {
  return v === undefined ? "—" : code(v);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function list(items: string[]): string {
  return items.length ? items.map((i) => code(i)).join(", ") : "no one";
}

// ---------------------------------------------------------------------------------------------
// Blocks: the unit that is kept or left out whole

interface Block {
  text: string;
  /** Counted in "left out N <noun>" when dropped; structural blocks (headings) are not. */
  item: boolean;
}

interface Section {
  stack: string;
  kind: "summary" | "cost" | "features" | "monitors" | "behaviour" | "dashboards" | "others";
  /** Noun for what a dropped block is, e.g. "monitor changes". */
  noun: string;
  blocks: Block[];
}

/** Kept first when the output must shrink: who is paged and at what threshold matters most. */
const PRIORITY: Section["kind"][] = ["summary", "cost", "features", "others", "monitors", "behaviour", "dashboards"];
/** Reading order. */
const DISPLAY: Section["kind"][] = ["summary", "cost", "features", "monitors", "behaviour", "dashboards", "others"];

export function renderMarkdown(diffs: PlanDiff[], opts: MarkdownOptions): MarkdownResult {
  if (!diffs.some(hasChanges)) return { markdown: NO_CHANGES, full: NO_CHANGES, truncated: false };
  const multi = diffs.length > 1;
  const cost = reviewCost(diffs.map((d) => ({ stack: d.stack, cost: d.cost })));
  const sections = diffs.flatMap((d) => sectionsOf(d, opts, multi, cost.get(d.stack)));
  const full = compose(sections, DISPLAY, new Map(), opts, multi);
  const max = opts.maxChars ?? MAX_CHARS;
  if (full.length <= max) return { markdown: full, full, truncated: false };

  // Leave room for the notes that say what was cut.
  const reserve = 600 + 200 * sections.length;
  const kept = new Map<Section, number>();
  let used = 0;
  for (const kind of PRIORITY) {
    for (const s of sections.filter((x) => x.kind === kind)) {
      let n = 0;
      for (const b of s.blocks) {
        // The summary is never cut: it is what the reader needs first.
        if (kind !== "summary" && used + b.text.length + 1 > max - reserve) break;
        used += b.text.length + 1;
        n++;
      }
      kept.set(s, n);
    }
  }
  let markdown = compose(sections, DISPLAY, kept, opts, multi);
  // Notes and headings are estimates; if still over, drop whole blocks from the end of the least important kinds.
  for (const kind of [...PRIORITY].reverse()) {
    for (const s of sections.filter((x) => x.kind === kind && kind !== "summary").reverse()) {
      while (markdown.length > max && (kept.get(s) ?? 0) > 0) {
        kept.set(s, kept.get(s)! - 1);
        markdown = compose(sections, DISPLAY, kept, opts, multi);
      }
    }
  }
  return { markdown, full, truncated: true };
}

function compose(sections: Section[], order: Section["kind"][], kept: Map<Section, number>, opts: MarkdownOptions, multi: boolean): string {
  const out: string[] = [];
  const omitted: string[] = [];
  for (const s of sections) {
    const n = kept.get(s);
    if (n === undefined) continue;
    const dropped = s.blocks.slice(n).filter((b) => b.item).length;
    if (dropped) omitted.push(`${dropped} ${s.noun}${multi ? ` (${s.stack})` : ""}`);
  }
  const stacks = [...new Set(sections.map((s) => s.stack))];
  for (const stack of stacks) {
    for (const kind of order) {
      for (const s of sections.filter((x) => x.stack === stack && x.kind === kind)) {
        const n = kept.get(s) ?? s.blocks.length;
        const shown = s.blocks.slice(0, n);
        if (!shown.some((b) => b.item) && kind !== "summary") {
          if (s.blocks.some((b) => b.item))
            out.push(
              `\n### ${sectionTitle(kind)}\n\n_Left out to keep this comment under ` +
                `${(opts.maxChars ?? MAX_CHARS).toLocaleString("en-US")} characters._`,
            );
          continue;
        }
        out.push(...shown.map((b) => b.text));
        const dropped = s.blocks.slice(n).filter((b) => b.item).length;
        const where = opts.fullDiffName ? ` (all of them are in ${code(opts.fullDiffName)})` : "";
        if (dropped) out.push(`\n_… and ${dropped} more ${s.noun}, left out to keep this comment short${where}._`);
        if (kind === "summary" && omitted.length && stack === stacks[0]) {
          out.push(
            `\n> **Shortened** to stay under ${(opts.maxChars ?? MAX_CHARS).toLocaleString("en-US")} characters: ` +
              `left out ${omitted.join(", ")}.` +
              (opts.fullDiffName ? ` The full diff is ${code(opts.fullDiffName)} in the preview artifact.` : ""),
          );
        }
      }
    }
  }
  return `${out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim()}\n`;
}

function sectionTitle(kind: Section["kind"]): string {
  return {
    summary: "Summary",
    cost: "Custom metrics: what the observability costs",
    features: "Features: effective thresholds",
    monitors: "Monitors",
    behaviour: "Behaviour: scenarios on base and head",
    dashboards: "Dashboards",
    others: "On-call and error alerts",
  }[kind];
}

function sectionsOf(diff: PlanDiff, opts: MarkdownOptions, multi: boolean, cost?: StackCostReview): Section[] {
  const stack = diff.stack;
  if (!hasChanges(diff)) {
    return [
      {
        stack,
        kind: "summary",
        noun: "",
        blocks: [{ text: `${multi ? "\n" : ""}## ${multi ? `Stack \`${stack}\`: ` : ""}${NO_CHANGES}`, item: false }],
      },
    ];
  }
  return [
    { stack, kind: "summary", noun: "", blocks: summaryBlocks(diff, opts, multi) },
    { stack, kind: "cost", noun: "feature cost changes", blocks: costBlocks(diff, cost) },
    { stack, kind: "features", noun: "feature changes", blocks: featureBlocks(diff.features, opts.kinds ?? MONITOR_KINDS) },
    { stack, kind: "monitors", noun: "monitor changes", blocks: monitorBlocks(diff.monitors) },
    { stack, kind: "behaviour", noun: "monitor behaviours", blocks: behaviourBlocks(stack, opts.behaviour) },
    { stack, kind: "dashboards", noun: "dashboard changes", blocks: dashboardBlocks(diff.dashboards) },
    { stack, kind: "others", noun: "on-call and Sentry changes", blocks: otherBlocks(diff.others) },
  ].filter((s) => s.blocks.length > 0) as Section[];
}

// ---------------------------------------------------------------------------------------------
// Summary

function summaryBlocks(diff: PlanDiff, opts: MarkdownOptions, multi: boolean): Block[] {
  const lines: string[] = [];
  lines.push(`${multi ? "\n" : ""}## What this change does to \`${diff.stack}\``);
  lines.push("");
  lines.push(
    `Base: ${code(opts.baseLabel)} · head: ${code(opts.headLabel)}. Widgets are matched by their stable id, resources by their ` +
      `stable name.`,
  );
  lines.push("");
  lines.push("| resource type | added | changed | removed | replaced |");
  lines.push("|---|---:|---:|---:|---:|");
  for (const c of diff.counts) {
    if (c.added + c.changed + c.removed + c.replaced === 0) continue;
    lines.push(`| ${c.label} | ${c.added} | ${c.changed} | ${c.removed} | ${c.replaced} |`);
  }
  const total = diff.counts.reduce(
    (a, c) => ({
      added: a.added + c.added,
      changed: a.changed + c.changed,
      removed: a.removed + c.removed,
      replaced: a.replaced + c.replaced,
    }),
    { added: 0, changed: 0, removed: 0, replaced: 0 },
  );
  lines.push(`| **total** | **${total.added}** | **${total.changed}** | **${total.removed}** | **${total.replaced}** |`);
  if (diff.replacements.length) {
    lines.push("");
    lines.push("**Replaced** (deleted and created again; a replaced monitor loses its history, mutes and downtimes):");
    for (const r of diff.replacements) lines.push(`- ${typeLabel(r.type)} ${code(r.name)}: ${r.reason}`);
  }
  for (const r of diff.renames) lines.push("", ...renameLines(r));
  if (diff.secretsHidden) {
    lines.push("");
    lines.push(`_Secret inputs appear as \`${SECRET}\` in plans and are not compared._`);
  }
  return [{ text: lines.join("\n"), item: false }];
}

/** `a`, `a and b`, `a, b and c`. */
function listInWords(items: string[]): string {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** What a renamed id loses and how to keep it, said where nobody scrolls past it. */
function renameLines(r: FeatureRename): string[] {
  const why =
    "displayName" in r.match
      ? `same display name ${text(r.match.displayName)}`
      : `same owner \`${r.match.owner}\` and budget ${usd(r.match.budgetUsdPerDay)} a day`;
  const resources = [
    r.monitors.length ? plural(r.monitors.length, "monitor") : "",
    r.slos.length ? plural(r.slos.length, "SLO") : "",
    r.sentryRules.length ? plural(r.sentryRules.length, "Sentry rule") : "",
  ].filter(Boolean);
  return [
    `> **Looks like a rename: ${code(r.from)} → ${code(r.to)}** (${why}). A feature's id is its identity, so this change loses:`,
    `> - **its metric history**: Datadog keeps it under ${code(tag(TAG.feature, r.from))}, while the dashboards and monitors ` +
      `of ${code(r.to)} only see data sent with the new id (the emitter rejects calls that still pass ${code(r.from)}).`,
    `> - **its monitor history**: ${resources.length ? `its ${listInWords(resources)} are` : "its monitors are"} deleted and new ` +
      "ones created in their place, without their history, mutes or downtimes; monitors that compare with the past start " +
      "without a baseline.",
    ">",
    `> To keep both, keep the id ${code(r.from)} and change its \`name\` in features.ts instead.`,
  ];
}

// ---------------------------------------------------------------------------------------------
// Cost

const count = (n: number) => n.toLocaleString("en-US");
const signed = (n: number, show: (x: number) => string = count) => (n > 0 ? `+${show(n)}` : n < 0 ? `−${show(-n)}` : "0");
const rate = (x: number) => (Number.isInteger(x) ? usd(x) : `$${x.toFixed(2)}`);

/**
 * Custom metrics and $/month on both sides as synth estimated them (plan.json `cost`), the change
 * per feature, and a flag for every line the head crosses (cardinality/crossings.ts).
 */
function costBlocks(diff: PlanDiff, review?: StackCostReview): Block[] {
  const c = diff.cost;
  if (!c) return [];
  const { before: b, after: a } = c;
  const crossings = review?.crossings ?? [];
  const head = `\n### ${sectionTitle("cost")}\n`;
  if (b && a && !c.changed && !crossings.length) {
    return [
      {
        text:
          `${head}\nUnchanged: ${count(a.indexed.customMetrics)} indexed and ${count(a.ingested.customMetrics)} ingested custom ` +
          `metrics ≈ ${usd(a.monthlyUsd)}/month, within the budget of ${count(a.budget)}.`,
        item: false,
      },
    ];
  }
  const prices = (a ?? b)!;
  const cell = (r: typeof a, pick: (x: NonNullable<typeof a>) => number | undefined, show: (x: number) => string = count) => {
    const v = r ? pick(r) : undefined;
    return v === undefined ? "none" : show(v);
  };
  const delta = (pick: (x: NonNullable<typeof a>) => number | undefined, show: (x: number) => string = count) => {
    const x = b ? pick(b) : undefined;
    const y = a ? pick(a) : undefined;
    return x === undefined || y === undefined || !b || !a ? "—" : x === y ? "" : `**${signed(y - x, show)}**`;
  };
  const row = (label: string, pick: (x: NonNullable<typeof a>) => number | undefined, show: (x: number) => string = count) =>
    `| ${label} | ${b ? cell(b, pick, show) : "—"} | ${a ? cell(a, pick, show) : "—"} | ${delta(pick, show)} |`;
  const lines = [
    head,
    `Estimated at the stack's \`scale\` (Datadog bills a custom metric per tag-value combination: docs/cost.md).`,
    "",
    "| | base | head | change |",
    "|---|---:|---:|---:|",
    row(`indexed custom metrics (${rate(prices.indexed.pricePer100)} per 100)`, (x) => x.indexed.customMetrics),
    row(`ingested custom metrics (${rate(prices.ingested.pricePer100)} per 100)`, (x) => x.ingested.customMetrics),
    row("per month", (x) => x.monthlyUsd, usd),
    row("budget, indexed (`monitoring.customMetricBudget`)", (x) => x.budget),
  ];
  if (a?.org || b?.org) {
    lines.push(
      row("observability-cost monitor (org-wide): warns above", (x) => x.org?.warning),
      row("observability-cost monitor (org-wide): alerts above", (x) => x.org?.budget),
    );
  }
  const missing = [b ? "" : "base", a ? "" : "head"].filter(Boolean);
  for (const side of missing) {
    lines.push("", `_The ${side}'s plan records no estimate: a synth from before plan formatVersion 1 made it._`);
  }
  if (crossings.length) lines.push("", crossings.map((x) => `> **⚠** ${x.text}`).join("\n>\n"));
  else if (a && b && a.indexed.customMetrics > b.indexed.customMetrics && !review?.owner) {
    lines.push(
      "",
      "_The org-wide observability-cost monitor lives in the stack with `ownsOrgResources`; compare that stack too " +
        "(`--stack <name>`) to see this change against its warning._",
    );
  }
  const blocks: Block[] = [{ text: lines.join("\n"), item: false }];
  if (c.features.length) blocks.push({ text: "", item: false });
  for (const f of c.features) {
    const status = f.status === "added" ? " (new)" : f.status === "removed" ? " (removed)" : "";
    blocks.push({
      text:
        `- ${code(f.id)}${status}: ${signed(f.indexed)} indexed, ${signed(f.ingested)} ingested custom metrics ≈ ` +
        `${signed(f.monthlyUsd, usd)}/month`,
      item: true,
    });
  }
  return blocks;
}

// ---------------------------------------------------------------------------------------------
// Features

function featureBlocks(features: FeatureDiff[], kinds: readonly MonitorKindSpec[]): Block[] {
  if (!features.length) return [];
  const blocks: Block[] = [{ text: `\n### ${sectionTitle("features")}\n`, item: false }];
  for (const f of features) blocks.push({ text: `- ${featureSentence(f, kinds)}`, item: true });
  const columns = reviewColumns(kinds);
  const table = [
    "",
    `| feature | owner | ${columns.map((c) => c.header).join(" | ")} |`,
    `|---|---|${columns.map(() => "---:|").join("")}`,
    ...features.map((f) => {
      const cell = (pick: (v: FeatureView) => string) => {
        const a = f.before ? pick(f.before) : "—";
        const b = f.after ? pick(f.after) : "—";
        return a === b ? a : `**${a} → ${b}**`;
      };
      const values = columns.map((c) => cell((v) => formatValue(c.unit, v.values[c.key])));
      return `| \`${f.id}\`${f.status === "changed" ? "" : ` (${f.status})`} | ${cell((v) => v.team ?? "—")} | ${values.join(" | ")} |`;
    }),
  ].join("\n");
  blocks.push({ text: table, item: false });
  return blocks;
}

/** One line, in plain words, of what a feature's change means for the people it alerts; each kind says its own numbers. */
export function featureSentence(f: FeatureDiff, kinds: readonly MonitorKindSpec[] = MONITOR_KINDS): string {
  const reviews = featureKinds(kinds).flatMap((k) => k.review ?? []);
  const id = `\`${f.id}\``;
  if (f.status === "removed") {
    const b = f.before!;
    const what = [
      b.monitors.length ? `${plural(b.monitors.length, "monitor")} (${b.monitors.map((m) => code(m)).join(", ")})` : "",
      b.sentryRules.length ? `${plural(b.sentryRules.length, "Sentry rule")} (${b.sentryRules.map((m) => code(m)).join(", ")})` : "",
      b.slos.length ? `${plural(b.slos.length, "SLO")} (${b.slos.map((m) => code(m)).join(", ")})` : "",
    ].filter(Boolean);
    return what.length ? `${id} is removed: its ${what.join(" and ")} are removed.` : `${id} is removed.`;
  }
  if (f.status === "added") {
    const a = f.after!;
    const slos = a.slos.length ? `, ${plural(a.slos.length, "SLO")}` : "";
    const parts = [`${id} is new: ${plural(a.monitors.length, "monitor")}${slos} and ${plural(a.sentryRules.length, "Sentry rule")}`];
    const t = reviews.flatMap((r) => r.added(a.values, { id: a.id, name: a.name }) ?? []);
    if (t.length) parts.push(t.join(", "));
    if (a.team) parts.push(`owned by team \`${a.team}\``);
    parts.push(a.pages.length ? `pages ${list(a.pages)}` : "pages no one");
    return `${parts.join("; ")}.`;
  }
  const b = f.before!;
  const a = f.after!;
  const s = reviews.flatMap((r) => r.changed(b.values, a.values, { id: a.id, name: a.name ?? b.name }));
  if (b.name && a.name && b.name !== a.name) s.push(`display name moves from ${text(b.name)} to ${text(a.name)}`);
  if (b.team !== a.team) s.push(`owner moves from team \`${b.team ?? "none"}\` to team \`${a.team ?? "none"}\``);
  if (b.pages.join() !== a.pages.join()) {
    if (!a.pages.length) s.push(`**no longer pages anyone** (paged ${list(b.pages)})`);
    else if (!b.pages.length) s.push(`**now pages ${list(a.pages)}** (paged no one before)`);
    else s.push(`**now pages ${list(a.pages)}** instead of ${list(b.pages)}`);
  }
  if (b.notifies.join() !== a.notifies.join()) s.push(`now notifies ${list(a.notifies)} instead of ${list(b.notifies)}`);
  for (const label of [...new Set([...Object.keys(b.sentryErrors), ...Object.keys(a.sentryErrors)])].sort()) {
    if (b.sentryErrors[label] !== a.sentryErrors[label]) {
      s.push(`Sentry ${label} error alert moves from ${b.sentryErrors[label] ?? "none"} to ${a.sentryErrors[label] ?? "none"} errors`);
    }
  }
  if (b.sentryOwners.join() !== a.sentryOwners.join())
    s.push(`Sentry rules now owned by ${list(a.sentryOwners)} (was ${list(b.sentryOwners)})`);
  const gone = b.monitors.filter((m) => !a.monitors.includes(m));
  const came = a.monitors.filter((m) => !b.monitors.includes(m));
  if (gone.length) s.push(`loses ${plural(gone.length, "monitor")} (${gone.map((m) => code(m)).join(", ")})`);
  if (came.length) s.push(`gains ${plural(came.length, "monitor")} (${came.map((m) => code(m)).join(", ")})`);
  const goneSlos = b.slos.filter((m) => !a.slos.includes(m));
  const cameSlos = a.slos.filter((m) => !b.slos.includes(m));
  if (goneSlos.length) s.push(`loses ${plural(goneSlos.length, "SLO")} (${goneSlos.map((m) => code(m)).join(", ")})`);
  if (cameSlos.length) s.push(`gains ${plural(cameSlos.length, "SLO")} (${cameSlos.map((m) => code(m)).join(", ")})`);
  const goneRules = b.sentryRules.filter((m) => !a.sentryRules.includes(m));
  const cameRules = a.sentryRules.filter((m) => !b.sentryRules.includes(m));
  if (goneRules.length) s.push(`loses ${plural(goneRules.length, "Sentry rule")} (${goneRules.map((m) => code(m)).join(", ")})`);
  if (cameRules.length) s.push(`gains ${plural(cameRules.length, "Sentry rule")} (${cameRules.map((m) => code(m)).join(", ")})`);
  return `${id}: ${s.join("; ") || "its alert routing details change"}.`;
}

// ---------------------------------------------------------------------------------------------
// Monitors

function monitorBlocks(monitors: MonitorDiff[]): Block[] {
  if (!monitors.length) return [];
  const blocks: Block[] = [{ text: `\n### ${sectionTitle("monitors")}\n`, item: false }];
  for (const m of monitors.filter((x) => x.status === "changed")) {
    const rows = m.changes.map((c) => `| ${c.field}${note(c)} | ${val(c.before)} | ${val(c.after)} |`);
    blocks.push({
      text: [
        `\n#### ${code(m.name)}: ${text(m.title)}`,
        ...(m.replaced ? [`**Replaced**: ${m.replaced}.`] : []),
        "",
        "| what | before | after |",
        "|---|---|---|",
        ...rows,
      ].join("\n"),
      item: true,
    });
  }
  for (const m of monitors.filter((x) => x.status !== "changed")) {
    const v = m.monitor;
    const facts = [
      v.priority ? `P${v.priority}${isPagingPriority(Number(v.priority)) ? " (paging priority)" : ""}` : undefined,
      v.team ? `team \`${v.team}\`` : undefined,
      v.thresholds.critical !== undefined ? `critical ${code(v.thresholds.critical)}` : undefined,
      v.thresholds.warning !== undefined ? `warning ${code(v.thresholds.warning)}` : undefined,
      m.status === "added" ? `routes to ${v.handles.map((h) => code(h.text)).join(", ") || "no one"}` : undefined,
    ].filter(Boolean);
    blocks.push({ text: `- **${m.status}** ${code(m.name)} ${text(m.title)}: ${facts.join(", ")}`, item: true });
  }
  return blocks;
}

function note(c: FieldChange): string {
  if (c.field === "priority" && c.before && c.after) {
    const was = isPagingPriority(Number(c.before.slice(1)));
    const now = isPagingPriority(Number(c.after.slice(1)));
    if (was !== now) return now ? " (now pages)" : " (no longer pages)";
  }
  return "";
}

// ---------------------------------------------------------------------------------------------
// Behaviour

/**
 * Per added or changed monitor, the scenarios that read it with their outcome on each side, and
 * the backtest sentence. Monitors with the same scenario outcomes share one table (a change to a
 * kind's builder changes one monitor per feature).
 */
function behaviourBlocks(stack: string, behaviour: MarkdownOptions["behaviour"]): Block[] {
  const b = behaviour?.stacks.find((x) => x.stack === stack);
  if (!behaviour || !b || !b.monitors.length) return [];
  const intro = [
    `\n### ${sectionTitle("behaviour")}\n`,
    `Scenarios from ${code(behaviour.source)}, evaluated against each side's monitors (\`npm run scenarios\`, docs/scenarios.md). ` +
      "A scenario about a feature or monitor one side does not have is _n/a_ on that side.",
    ...b.notes.map((n) => `\n> ${oneLine(n, " ")}`),
  ];
  const blocks: Block[] = [{ text: intro.join("\n"), item: false }];
  const groups = new Map<string, MonitorBehaviour[]>();
  for (const m of b.monitors) {
    const key = JSON.stringify(m.rows);
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  for (const members of groups.values()) {
    const names = members.map((m) => `${code(m.id)}${m.status === "added" ? " (new)" : ""}`);
    const shown = names.length > 6 ? `${names.slice(0, 6).join(", ")} and ${names.length - 6} more` : names.join(", ");
    const lines = [`\n#### ${shown}`, ""];
    const rows = members[0].rows;
    if (!rows.length) lines.push("No scenario reads it.");
    else {
      lines.push("| scenario | base | head |", "|---|---|---|");
      for (const r of rows) lines.push(`| ${code(r.file)} ${text(r.name)} | ${outcomeText(r.base)} | ${outcomeText(r.head)} |`);
    }
    const replays = members.filter((m) => m.backtest !== undefined);
    if (replays.length) {
      lines.push("");
      const where = behaviour.series ? ` (${code(behaviour.series)})` : "";
      for (const m of replays)
        lines.push(`- Backtest${where}${members.length > 1 ? ` of ${code(m.id)}` : ""}: ${oneLine(m.backtest!, " ")}.`);
    }
    blocks.push({ text: lines.join("\n"), item: true });
  }
  return blocks;
}

function outcomeText(o: Outcome): string {
  const approx = (a: boolean) => (a ? " (approximate)" : "");
  const few = (items: string[]) =>
    `${items
      .slice(0, 2)
      .map((x) => code(x, 220))
      .join("; ")}${items.length > 2 ? ` and ${items.length - 2} more` : ""}`;
  switch (o.kind) {
    case "pass":
      return `pass${approx(o.approximate)}`;
    case "fail":
      return `**fail**${approx(o.approximate)}: ${few(o.failures)}`;
    case "n/a":
      return `n/a (no ${o.missing.map((m) => code(m)).join(", ")})`;
    case "invalid":
      return `invalid: ${few(o.problems)}`;
    case "not run":
      return o.why === "time budget"
        ? "not run (time budget)"
        : o.why === "too large"
          ? "not run (too large for the review: run `npm run scenarios`)"
          : "—";
  }
}

// ---------------------------------------------------------------------------------------------
// Dashboards

function dashboardBlocks(dashboards: DashboardDiff[]): Block[] {
  if (!dashboards.length) return [];
  const blocks: Block[] = [{ text: `\n### ${sectionTitle("dashboards")}`, item: false }];
  for (const d of dashboards) {
    if (d.status !== "changed") {
      blocks.push({
        text: `\n- **${d.status}** dashboard ${code(d.id)} ${text(d.title)} (${plural(d.widgetCount, "widget")})`,
        item: true,
      });
      continue;
    }
    const n = d.settings.length + d.added.length + d.removed.length + d.moved.length + d.changed.length;
    blocks.push({ text: `\n#### Dashboard ${code(d.id)}: ${text(d.title)} (${plural(n, "change")})\n`, item: false });
    for (const s of d.settings) blocks.push({ text: `- dashboard ${s.field}: ${changeText(s)}`, item: true });
    for (const w of d.added) blocks.push({ text: `- **added** ${widgetName(w)} ${w.where}`, item: true });
    for (const w of d.removed)
      blocks.push({ text: `- **removed** ${widgetName(w)}${w.group ? ` from group ${text(w.group)}` : ""}`, item: true });
    for (const w of d.moved) blocks.push({ text: `- **moved** ${widgetName(w)} ${w.how}`, item: true });
    for (const w of d.changed) {
      const lines = [`- **changed** ${widgetName(w)}${w.group ? ` in group ${text(w.group)}` : ""}:`];
      for (const c of w.changes) lines.push(`  - ${c.field}: ${changeText(c)}`);
      blocks.push({ text: lines.join("\n"), item: true });
    }
    if (d.shifted)
      blocks.push({
        text: `- ${plural(d.shifted, "other widget")} shift position on the grid to make room (content unchanged)`,
        item: false,
      });
  }
  return blocks;
}

function widgetName(w: { title: string; type: string }): string {
  return `${w.title ? text(w.title) : "untitled"} (${w.type})`;
}

function changeText(c: FieldChange): string {
  if (c.before === undefined) return `+ ${code(c.after ?? "")}`;
  if (c.after === undefined) return `− ${code(c.before)}`;
  return `${code(c.before)} → ${code(c.after)}`;
}

// ---------------------------------------------------------------------------------------------
// PagerDuty, Sentry, everything else

function otherBlocks(others: ResourceDiff[]): Block[] {
  if (!others.length) return [];
  const blocks: Block[] = [{ text: `\n### ${sectionTitle("others")}\n`, item: false }];
  for (const r of others) {
    const head = `- **${r.status}** ${typeLabel(r.type)} ${code(r.name)}`;
    if (r.status !== "changed") {
      blocks.push({ text: head, item: true });
      continue;
    }
    const sentences = plainWords(r);
    const lines = [`${head}${sentences.length ? `: ${sentences.join("; ")}` : ""}${r.replaced ? ` (**replaced**: ${r.replaced})` : ""}`];
    const shown = r.changes.slice(0, 12);
    for (const c of shown) lines.push(`  - ${code(c.field)}: ${changeText(c)}`);
    if (r.changes.length > shown.length) lines.push(`  - … and ${r.changes.length - shown.length} more input changes`);
    blocks.push({ text: lines.join("\n"), item: true });
  }
  return blocks;
}

/** What a changed input means, for the inputs people care about; the raw paths follow anyway. */
export function plainWords(r: ResourceDiff): string[] {
  const out: string[] = [];
  const pick = (re: RegExp) => r.changes.filter((c) => re.test(c.field));
  const n = (v?: string) => (v === undefined ? "unset" : v);
  if (r.type === TYPE.schedule) {
    const users = pick(/^layers\[\d+\]\.users\[\d+\]$/);
    if (users.length) out.push("the rotation's members change, which re-anchors it: who is on call this week may shift");
    for (const c of pick(/^layers\[\d+\]\.(start|rotationVirtualStart)$/))
      out.push(`rotation ${c.field.split(".").pop()} moves from ${n(c.before)} to ${n(c.after)}`);
    for (const c of pick(/^timeZone$/)) out.push(`time zone changes from ${n(c.before)} to ${n(c.after)}`);
    for (const c of pick(/rotationTurnLengthSeconds$/))
      out.push(`turns last ${Number(c.after) / 86400} days (was ${Number(c.before) / 86400})`);
  }
  if (r.type === TYPE.escalationPolicy) {
    for (const c of pick(/escalationDelayInMinutes$/)) out.push(`escalates after ${n(c.after)} minutes instead of ${n(c.before)}`);
    for (const c of pick(/^numLoops$/)) out.push(`repeats ${n(c.after)} times (was ${n(c.before)})`);
    if (pick(/targets\[\d+\]\.id$/).length) out.push("escalates to a different target");
  }
  if (r.type === TYPE.service) {
    for (const c of pick(/^(acknowledgementTimeout|autoResolveTimeout)$/))
      out.push(`${c.field} changes from ${n(c.before)} to ${n(c.after)} seconds`);
    if (pick(/^escalationPolicy$/).length) out.push("uses a different escalation policy");
    if (pick(/^incidentUrgencyRule/).length) out.push("its urgency rule changes (who gets woken up)");
  }
  if (r.type === TYPE.pagerdutyServiceObject) {
    for (const c of pick(/^serviceName$/))
      out.push(`monitors now page ${code(pagerdutyHandleOf(n(c.after)))} instead of ${code(pagerdutyHandleOf(n(c.before)))}`);
  }
  if (r.type === TYPE.sentryMetricAlert) {
    for (const c of pick(/^triggers\[\d+\]\.alertThreshold$/)) out.push(`a trigger moves from ${n(c.before)} to ${n(c.after)} errors`);
    for (const c of pick(/^owner$/)) out.push(`owner changes from ${n(c.before)} to ${n(c.after)}`);
    for (const c of pick(/^timeWindow$/)) out.push(`window changes from ${n(c.before)} to ${n(c.after)} minutes`);
  }
  if (r.type === TYPE.sentryIssueAlert) {
    for (const c of pick(/^frequency$/)) out.push(`notifies at most every ${n(c.after)} minutes (was ${n(c.before)})`);
    for (const c of pick(/^owner$/)) out.push(`owner changes from ${n(c.before)} to ${n(c.after)}`);
    if (pick(/^actions\[\d+\]\.(targetIdentifier|targetType|service|account|channel)$/).length) out.push("notifies a different target");
  }
  if (r.type === TYPE.serviceLevelObjective) {
    for (const c of pick(/^thresholds\[\d+\]\.target$/)) out.push(`target moves from ${n(c.before)} % to ${n(c.after)} %`);
    for (const c of pick(/^thresholds\[\d+\]\.timeframe$/)) out.push(`window moves from ${n(c.before)} to ${n(c.after)}`);
    if (pick(/^query\.(numerator|denominator)$/).length) out.push("what it counts changes (its good or total events query)");
  }
  for (const c of pick(/^project$/)) out.push(`moves from Sentry project ${n(c.before)} to ${n(c.after)}`);
  return [...new Set(out)];
}
