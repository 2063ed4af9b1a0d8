// What a change does to when monitors fire: for every added or changed monitor, the outcome of
// each scenario that reads it on the base and on the head (and, given exported history, how often
// it would have paged on each side). Both sides are plans (tools/diff/sources.ts): the monitors are
// read from them and the catalog from their `evaluation` record (plan/plan.ts), so no code of
// either side runs here. The scenario files are the head's, read as data (YAML, validated like
// `npm run scenarios` validates them), so base and head are judged by the same expectations.
import { parse as parseYaml } from "yaml";
import { ExportError, backtest, neededQueries, type QueryExport, readExports } from "../../evaluator/backtest";
import type { MonitorRun } from "../../evaluator/monitor";
import { UnmodelledError } from "../../evaluator/query";
import { monitorsToEvaluate, runScenario, type StackUnderTest } from "../../evaluator/run";
import type { ScenarioCatalog } from "../../evaluator/catalog";
import { type CheckedScenario, type Scenario, type TrafficParams, validateScenario } from "../../evaluator/scenario";
import { HANDLE_PREFIX } from "../../config/names";
import type { Plan } from "../../plan/plan";
import { stackFromRecordedPlan, withOrgConfigurations } from "../plan-stack";
import type { PlanDiff } from "./compare";

/** A scenario file as data: its name (`quality-drop-fires.yaml`) and its text. */
export interface ScenarioFile {
  name: string;
  text: string;
}

/** Where the head's scenario files came from, for the reader; absent `files`: none were found (`source` says why). */
export interface ScenarioSource {
  source: string;
  files?: ScenarioFile[];
}

export type Outcome =
  | { kind: "pass"; approximate: boolean }
  | { kind: "fail"; failures: string[]; approximate: boolean }
  /** The scenario refers to a feature or monitor this side does not have. */
  | { kind: "n/a"; missing: string[] }
  | { kind: "invalid"; problems: string[] }
  /** Not evaluated on this side: the side has no stack or no record (the section's notes say why), or the time budget ran out. */
  | { kind: "not run"; why: string };

export interface ScenarioRow {
  file: string;
  name: string;
  base: Outcome;
  head: Outcome;
}

export interface MonitorBehaviour {
  /** Resource name. */
  id: string;
  status: "added" | "changed";
  rows: ScenarioRow[];
  /** With exported history: what the monitor would have done on each side, in one sentence. */
  backtest?: string;
}

export interface StackBehaviour {
  stack: string;
  /** What the reader must know about the whole section (a side not evaluated, scenarios invalid everywhere, the time budget). */
  notes: string[];
  monitors: MonitorBehaviour[];
}

export interface BehaviourInput {
  stacks: string[];
  base: { label: string; plans: Map<string, Plan> };
  head: { label: string; plans: Map<string, Plan> };
  diffs: PlanDiff[];
  scenarios: ScenarioSource;
  /** A directory (or file) of Datadog `GET /api/v1/query` exports, as `npm run backtest --series` takes them. */
  series?: string;
  /** Wall-clock budget for running scenarios, in milliseconds (default BEHAVIOUR_BUDGET_MS). */
  budgetMs?: number;
}

/**
 * Scenario files are data the pull request controls, and the evaluator's work grows with their
 * durations and rates: past this budget, the remaining runs are reported as not run instead of
 * holding up the review (preview-comment.yml gives the whole job 20 minutes).
 */
export const BEHAVIOUR_BUDGET_MS = 8 * 60_000;

/**
 * The largest scenario the review runs, in generated requests: one run costs about 0.7 s per
 * million on this repository's bench machine (docs/benchmarks.md), and a single run cannot be cut
 * short, so a larger one would outlast the time budget. The largest of scenarios/ is about 2 million (example catalog).
 */
export const REVIEW_MAX_REQUESTS = 50_000_000;

/**
 * An upper bound of the requests a scenario generates: the highest rate any of its traffic or
 * events sets, per feature it reaches, for its whole duration (a judged rate counts at the lowest
 * sample rate of the catalog).
 */
export function scenarioRequests(s: Scenario, catalog: ScenarioCatalog): number {
  const minRate = Math.min(1, ...catalog.features.map((f) => f.quality.judgeSampleRate));
  const peak = (r: TrafficParams["requestsPerMinute"]) => (r === undefined ? 0 : typeof r === "number" ? r : Math.max(r.day, r.night));
  const perMinute = (p: TrafficParams) => Math.max(peak(p.requestsPerMinute), peak(p.judgedPerMinute) / minRate);
  const highest = Math.max(0, ...s.traffic.map(perMinute), ...s.events.map((e) => perMinute(e.set)));
  const features = s.traffic.some((t) => t.feature === "*") ? catalog.features.length : new Set(s.traffic.map((t) => t.feature)).size;
  return highest * features * (s.duration / 60);
}

/** Per stack, the behaviour of every added or changed monitor; empty when no monitor changed. */
export function reviewBehaviour(input: BehaviourInput): StackBehaviour[] {
  const started = Date.now();
  const budget = input.budgetMs ?? BEHAVIOUR_BUDGET_MS;
  const overBudget = () => Date.now() - started >= budget;
  const parsed = (input.scenarios.files ?? []).map((f) => ({ ...f, doc: parseScenarioText(f.text) }));
  let exports: QueryExport[] | undefined;
  let exportProblem: string | undefined;
  if (input.series !== undefined) {
    try {
      exports = readExports(input.series);
    } catch (e) {
      if (!(e instanceof ExportError)) throw e;
      exportProblem = e.message;
    }
  }
  const out: StackBehaviour[] = [];
  for (const diff of input.diffs) {
    const changed = diff.monitors.filter((m) => m.status !== "removed");
    if (!changed.length) continue;
    const notes: string[] = [];
    const sides = {
      base: sideStack("base", input.base, diff.stack, notes),
      head: sideStack("head", input.head, diff.stack, notes),
    };
    if (!input.scenarios.files) notes.push(input.scenarios.source);
    else if (!parsed.length) notes.push(`${input.scenarios.source} holds no scenario file (*.yaml).`);
    if (exportProblem) notes.push(`The exports could not be read, so nothing was replayed: ${exportProblem}`);

    // Each scenario checked against each side once, and run at most once per side.
    const checked = parsed.map((f) => ({
      file: f.name,
      base: check(f, sides.base),
      head: check(f, sides.head),
    }));
    const reads = checked.map((c) => {
      const side = c.head.scenario ? sides.head : sides.base;
      const s = c.head.scenario ?? c.base.scenario;
      return s && side.stack ? monitorsToEvaluate(s, side.stack) : new Set<string>();
    });
    // Malformed wherever it could be checked (a side without a stack checks nothing).
    const problemOf = (c: (typeof checked)[number]) => [...c.head.problems, ...c.base.problems][0];
    const invalidEverywhere = checked.filter(
      (c) => problemOf(c) !== undefined && !c.head.scenario && !c.base.scenario && !c.head.onlyMissing && !c.base.onlyMissing,
    );
    if (invalidEverywhere.length) {
      notes.push(
        `${invalidEverywhere.length} scenario file(s) are invalid on both sides and judge nothing: ` +
          `${invalidEverywhere.map((c) => `${c.file} (${firstLine(problemOf(c)!)})`).join("; ")}.`,
      );
    }
    const outcomes = new Map<string, Outcome>();
    let skipped = 0;
    let unexported = 0;
    const outcome = (i: number, which: "base" | "head"): Outcome => {
      const key = `${i}|${which}`;
      let o = outcomes.get(key);
      if (o) return o;
      const c = checked[i][which];
      const stack = sides[which].stack;
      if (!stack) o = { kind: "not run", why: sides[which].why! };
      else if (!c.scenario)
        o = c.onlyMissing ? { kind: "n/a", missing: c.missing } : { kind: "invalid", problems: c.problems.map(firstLine) };
      else if (overBudget()) {
        skipped++;
        o = { kind: "not run", why: "time budget" };
      } else if (scenarioRequests(c.scenario, stack.catalog) > REVIEW_MAX_REQUESTS) {
        o = { kind: "not run", why: "too large" };
      } else o = run(c, stack);
      outcomes.set(key, o);
      return o;
    };
    const monitors: MonitorBehaviour[] = changed.map((m) => {
      const rows: ScenarioRow[] = [];
      checked.forEach((c, i) => {
        if (!reads[i].has(m.name)) return;
        const name = c.head.scenario?.name ?? c.base.scenario?.name ?? "";
        rows.push({ file: c.file, name, base: outcome(i, "base"), head: outcome(i, "head") });
      });
      const line = exports ? backtestLine(m.name, sides, exports) : undefined;
      if (line === NOTHING_EXPORTED) unexported++;
      return {
        id: m.name,
        status: m.status as "added" | "changed",
        rows,
        ...(line && line !== NOTHING_EXPORTED ? { backtest: line } : {}),
      };
    });
    if (unexported)
      notes.push(`${unexported} of the ${changed.length} added or changed monitors read no query the exports hold: they are not replayed.`);
    if (skipped)
      notes.push(
        `${skipped} scenario run(s) were not run: the review's time budget of ${Math.round(budget / 1000)} s was spent ` +
          "(run `npm run scenarios` on each side for all of them).",
      );
    out.push({ stack: diff.stack, notes, monitors });
  }
  return out;
}

interface SideStack {
  stack?: StackUnderTest;
  /** Why the side cannot be evaluated, when it cannot. */
  why?: string;
}

/**
 * A side's stack as the scenarios see it. A stack that does not own the org's tag configurations
 * reads them from the side's plan of the stack that does, when it is compared too (as
 * `npm run scenarios` synthesizes it); otherwise its percentile monitors read no data, as they would.
 */
function sideStack(which: "base" | "head", side: BehaviourInput["base"], stack: string, notes: string[]): SideStack {
  const plan = side.plans.get(stack);
  if (!plan || plan.resources.length === 0) return { why: `no stack ${stack} on the ${which}` };
  if (!plan.evaluation) {
    const why = `the ${which}'s plan records no catalog for scenarios (synthesized before plans had an evaluation record)`;
    notes.push(`Scenarios are not run on the ${which}: ${why}; re-synthesize it with this version to compare.`);
    return { why };
  }
  try {
    let s = stackFromRecordedPlan(plan)!;
    if (!plan.evaluation.stack.ownsOrgResources) {
      const org = [...side.plans.values()].find((p) => p.evaluation?.stack.ownsOrgResources);
      if (org) s = withOrgConfigurations(s, org);
      else if (which === "head")
        notes.push(
          `The org's tag configurations are in the plan of the stack with ownsOrgResources, which is not compared here: ` +
            `percentile monitors of ${stack} read no data on either side (compare that stack too: --stack <name>).`,
        );
    }
    return { stack: s };
  } catch (e) {
    const why = `its plan cannot be evaluated: ${(e as Error).message}`;
    notes.push(`Scenarios are not run on the ${which}: ${why}.`);
    return { why };
  }
}

function parseScenarioText(text: string): { doc?: unknown; problem?: string } {
  try {
    return { doc: parseYaml(text) };
  } catch (e) {
    return { problem: `not readable YAML: ${firstLine((e as Error).message)}` };
  }
}

function check(f: ScenarioFile & { doc: { doc?: unknown; problem?: string } }, side: SideStack): CheckedScenario {
  if (f.doc.problem !== undefined) return { problems: [f.doc.problem], missing: [] };
  if (!side.stack) return { problems: [], missing: [] };
  const s = side.stack;
  return validateScenario(f.doc.doc, f.name, {
    catalog: s.catalog,
    monitors: s.monitors,
    constituents: s.constituents,
    monitorById: s.monitorById,
  });
}

function run(c: CheckedScenario, stack: StackUnderTest): Outcome {
  try {
    const r = runScenario(c.scenario!, stack);
    return r.status === "passed"
      ? { kind: "pass", approximate: r.approximate }
      : { kind: "fail", failures: r.failures.map(firstLine), approximate: r.approximate };
  } catch (e) {
    if (e instanceof UnmodelledError) return { kind: "invalid", problems: [e.message] };
    return { kind: "not run", why: firstLine((e as Error).message) };
  }
}

const firstLine = (s: string) => s.split("\n")[0];

/**
 * Notifications that page: an alert (or its reminder) reaching a PagerDuty handle. Leaving alert
 * reaches PagerDuty too, to resolve the incident ({{#is_alert_recovery}}, also on alert to
 * warning): that is no page.
 */
function pages(r: MonitorRun): number {
  return r.notifications.filter((n) => n.to === "alert" && n.handles.some((h) => h.toLowerCase().startsWith(HANDLE_PREFIX.pagerduty)))
    .length;
}

function notified(r: MonitorRun): number {
  return r.notifications.filter((n) => n.state !== "recovery").length;
}

/** backtestLine's answer for a monitor none of whose queries were exported: counted in a note, not said per monitor. */
const NOTHING_EXPORTED = "";

type Replay = { run: MonitorRun; days: number } | { absent: true } | { missing: string[]; none: boolean } | { error: string };

function replay(id: string, side: SideStack, exports: QueryExport[]): Replay | undefined {
  const s = side.stack;
  if (!s) return undefined;
  const m = s.monitors.find((x) => x.id === id);
  if (!m) return { absent: true };
  try {
    // Only the exports of the monitor's own queries: they set the span it is replayed over.
    const needed = new Set(neededQueries(m, s.monitors, s.monitorById).map((n) => n.query.replace(/\s+/g, "")));
    const own = exports.filter((e) => needed.has(e.query.replace(/\s+/g, "")));
    const r = backtest(m, s.monitors, s.monitorById, own, s.catalog.contract);
    if (r.missing.length) return { missing: r.missing, none: own.length === 0 };
    return { run: r.run, days: (r.to - r.from) / 86_400 };
  } catch (e) {
    return { error: firstLine((e as Error).message) };
  }
}

/** "would have paged 3 times in the exported 14 days; base: 9", or why it could not be said. */
function backtestLine(id: string, sides: { base: SideStack; head: SideStack }, exports: QueryExport[]): string | undefined {
  const head = replay(id, sides.head, exports);
  const base = replay(id, sides.base, exports);
  if (!head) return undefined;
  if ("missing" in head)
    return head.none ? NOTHING_EXPORTED : `not replayed: the exports hold no ${head.missing.map((q) => `\`${q}\``).join(", ")}`;
  if ("error" in head) return `not replayed: ${head.error}`;
  if ("absent" in head) return undefined;
  const paging = pages(head.run) > 0 || (base !== undefined && "run" in base && pages(base.run) > 0) || pagesAnyone(id, sides);
  const count = (r: MonitorRun) => (paging ? pages(r) : notified(r));
  const times = (n: number) => `${n} time${n === 1 ? "" : "s"}`;
  const days = `${Number(head.days.toFixed(1))} day${head.days === 1 ? "" : "s"}`;
  const verb = paging ? "paged" : "notified";
  const before =
    base === undefined
      ? "not evaluated"
      : "absent" in base
        ? "no such monitor"
        : "missing" in base
          ? base.none
            ? "not replayed (no export of its queries)"
            : `not replayed (no export of ${base.missing.map((q) => `\`${q}\``).join(", ")})`
          : "error" in base
            ? `not replayed (${base.error})`
            : String(count(base.run));
  const approximate = head.run.approximate ? " (approximate: anomalies() agile)" : "";
  return (
    `would have ${verb} ${times(count(head.run))} in the exported ${days}${paging ? "" : " (it pages no one)"}; base: ${before}` +
    approximate
  );
}

/** Whether the monitor's message holds a PagerDuty handle on either side, even if the exports never made it page. */
function pagesAnyone(id: string, sides: { base: SideStack; head: SideStack }): boolean {
  return [sides.base, sides.head].some((s) =>
    s.stack?.monitors.some((m) => m.id === id && m.body.message.toLowerCase().includes(HANDLE_PREFIX.pagerduty)),
  );
}
