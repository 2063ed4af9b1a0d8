// `npm run diff -- --base <git-ref|plan-dir> [--head <git-ref|plan-dir>] [--stack prod] [--out out/diff.md]`
// What a change does to the dashboards, monitors, on-call, Sentry rules and custom-metric cost
// of a stack, in words a reviewer can act on. Markdown goes to stdout and `--out`; the head's preview page,
// changed widgets highlighted (one page, a section per stack), and the unabridged diff go to
// `--html-dir` (out/diff/). The paths written are listed on stderr.
import * as fs from "node:fs";
import * as path from "node:path";
import { consoleIo, type Io, parseCli, runCli, UsageError } from "../cli";
import { assertStackName, OutputPathError, replaceOwnedDir } from "../paths";
import { PlanError } from "../../plan/plan";
import { renderPreview, renderStacksPage } from "../preview/html";
import { comparePlans, hasChanges, type PlanDiff } from "./compare";
import { highlightsFromDiff } from "./highlights";
import { renderMarkdown } from "./markdown";
import { reviewBehaviour } from "./behaviour";
import { emptyPlan, readPlanDir, scenarioSource, type Side, SourceError, synthesizeSource, type SynthOptions } from "./sources";

export interface DiffOptions {
  base: string;
  head?: string;
  stacks: string[];
  out?: string;
  htmlDir: string;
  /** The scenario files the behaviour section runs on both sides (default: the head's). */
  scenarios?: string;
  /** Exported history (`npm run backtest --series`) to replay changed monitors through on both sides. */
  series?: string;
  /** Time budget of the behaviour section, in milliseconds (tests). */
  behaviourBudgetMs?: number;
}

export const DIFF_USAGE = `usage: npm run diff -- --base <git-ref|plan-dir> [options]

Says what a change does to each stack's dashboards, monitors, on-call, Sentry rules and custom-metric cost.

  --base <ref|dir>      the side before: a git ref (synthesized by that commit's own synth), or a
                        directory of plans (out/ as npm run synth writes it, or out/<stack>/)
  --head <ref|dir>      the side after, the same way (default: the working tree)
  --stack <name>        a stack to compare; repeat for several (default: prod)
  --out <file>          also write the Markdown there (it always goes to stdout)
  --html-dir <dir>      where the marked-up preview page and the full diff go (default: out/diff)
  --scenarios <dir>     the scenario files (*.yaml) to run on both sides for every added or changed
                        monitor (default: the head's scenarios/; read as data, never run as code)
  --series <dir|file>   Datadog exports (npm run backtest --series): also say how often each added or
                        changed monitor would have paged on each side
  -h, --help            print this help

A git ref runs that commit's code (its tools/synth.ts and its catalog), as a child process with an
allowlisted environment; review an untrusted branch only where running its code is acceptable.
A --head directory that npm run synth wrote in this checkout must still match the working tree.
Exit codes: 0 compared, 1 the working tree does not synthesize, 2 bad usage, a side cannot be read, or a stale --head.`;

const DIFF_OPTIONS = {
  base: { type: "string" },
  head: { type: "string" },
  stack: { type: "string", multiple: true },
  out: { type: "string" },
  "html-dir": { type: "string", default: path.join("out", "diff") },
  scenarios: { type: "string" },
  series: { type: "string" },
} as const;

/** The command line, or the exit code when it asks for help or is wrong. */
export function parseDiffArgs(argv: string[], io: Io = consoleIo) {
  return parseCli({ command: "diff", usage: DIFF_USAGE, options: DIFF_OPTIONS }, argv, io, (values): DiffOptions => {
    if (!values.base) throw new UsageError("--base is required");
    const stacks = [...new Set(values.stack?.length ? values.stack : ["prod"])];
    for (const s of stacks) {
      try {
        assertStackName(s);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
    }
    return {
      base: values.base,
      head: values.head,
      stacks,
      out: values.out,
      htmlDir: values["html-dir"]!,
      scenarios: values.scenarios,
      series: values.series,
    };
  });
}

function isDir(p: string): boolean {
  return fs.existsSync(p) && fs.statSync(p).isDirectory();
}

/** What --html-dir holds: a directory holding only these (or marked as ours) may be replaced. */
export function isDiffPage(relPath: string): boolean {
  return /^(index\.html|full\.md|[A-Za-z0-9_.-]+\.html)$/.test(relPath);
}

export interface DiffRun {
  diffs: PlanDiff[];
  markdown: string;
  full: string;
  truncated: boolean;
  /** Every file written, as the paths were given (what the CLI lists). */
  written: { path: string; what: string }[];
}

/** A side from a directory of plans, or synthesized from a git ref (or the working tree when absent). */
async function side(flag: "--base" | "--head", value: string | undefined, stacks: string[], opts: SynthOptions): Promise<Side> {
  if (value !== undefined && isDir(value)) return readPlanDir(value, stacks, { asHead: flag === "--head", root: opts.root });
  return synthesizeSource({ flag, ref: value }, stacks, opts);
}

export async function runDiff(opts: DiffOptions, synthOpts: SynthOptions = {}): Promise<DiffRun> {
  // Checked before any side is synthesized, which takes a while.
  if (opts.scenarios !== undefined && !isDir(opts.scenarios)) throw new SourceError(`--scenarios ${opts.scenarios}: not a directory`);
  if (opts.series !== undefined && !fs.existsSync(opts.series)) throw new SourceError(`--series ${opts.series}: no such file or directory`);
  // Both sides at once (each synth is a single-threaded child process); both settle before an error
  // is reported, so no child outlives the run and every temporary directory is removed.
  const settled = await Promise.allSettled([
    side("--head", opts.head, opts.stacks, synthOpts),
    side("--base", opts.base, opts.stacks, synthOpts),
  ]);
  const failed = settled.find((s) => s.status === "rejected");
  if (failed) throw failed.reason;
  const [head, base] = settled.map((s) => (s as PromiseFulfilledResult<Side>).value);
  const diffs = opts.stacks.map((stack) => {
    const h = head.plans.get(stack)!;
    return comparePlans(base.plans.get(stack) ?? emptyPlan(h.project, stack), h);
  });
  const fullName = path.join(opts.htmlDir, "full.md");
  const scenarios = opts.scenarios === undefined ? head.scenarios : scenarioSource(opts.scenarios, opts.scenarios);
  const behaviour = reviewBehaviour({
    stacks: opts.stacks,
    base,
    head,
    diffs,
    scenarios,
    series: opts.series,
    budgetMs: opts.behaviourBudgetMs,
  });
  const md = renderMarkdown(diffs, {
    baseLabel: base.label,
    headLabel: head.label,
    fullDiffName: fullName,
    behaviour: { source: scenarios.files ? scenarios.source : "no scenario files", series: opts.series, stacks: behaviour },
  });

  const previewOpts = (stack: string, i: number) => ({
    catalog: head.catalogs.get(stack),
    highlights: highlightsFromDiff(diffs[i], base.label),
  });
  const page =
    opts.stacks.length === 1
      ? renderPreview(head.plans.get(opts.stacks[0])!, previewOpts(opts.stacks[0], 0))
      : renderStacksPage(
          `Changes per stack (against ${base.label})`,
          opts.stacks.map((stack, i) => ({
            plan: head.plans.get(stack)!,
            opts: previewOpts(stack, i),
            summary: hasChanges(diffs[i]) ? "changes" : "no changes",
          })),
        );
  replaceOwnedDir(
    opts.htmlDir,
    [
      { path: "index.html", content: page },
      { path: "full.md", content: md.full },
    ],
    { tool: "diff", owns: isDiffPage },
  );
  const written = [
    {
      path: path.join(opts.htmlDir, "index.html"),
      what: `the head's preview, changes marked${opts.stacks.length > 1 ? ", a section per stack" : ""}`,
    },
    { path: fullName, what: "the full diff" },
  ];
  if (opts.out) {
    fs.mkdirSync(path.dirname(opts.out), { recursive: true });
    fs.writeFileSync(opts.out, md.markdown);
    written.push({ path: opts.out, what: "the diff as printed" });
  }
  return { diffs, markdown: md.markdown, full: md.full, truncated: md.truncated, written };
}

export async function main(argv: string[], io: Io = consoleIo): Promise<number> {
  const parsed = parseDiffArgs(argv, io);
  if (!parsed.ok) return parsed.code;
  try {
    const run = await runDiff(parsed.value);
    io.out(run.markdown.endsWith("\n") ? run.markdown.slice(0, -1) : run.markdown);
    const width = Math.max(...run.written.map((w) => w.path.length));
    io.err(run.written.map((w) => `diff: wrote ${w.path.padEnd(width)}  ${w.what}`).join("\n"));
    return 0;
  } catch (e) {
    if (e instanceof SourceError) {
      io.err(`diff: ${e.message}`);
      return e.exitCode;
    }
    if (e instanceof PlanError) {
      io.err(`diff: ${e.message}`);
      return 2;
    }
    if (e instanceof OutputPathError) {
      io.err(e.message);
      return 2;
    }
    io.err(`diff: ${(e as Error).stack ?? e}`);
    return 1;
  }
}

if (require.main === module) runCli(() => main(process.argv.slice(2)));
