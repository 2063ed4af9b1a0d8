// `npm run diff -- --base <git-ref|plan-dir> [--head <plan-dir>] [--stack prod] [--out out/diff.md]`
// What a change does to the dashboards, monitors, on-call and Sentry rules of a stack, in
// words a reviewer can act on. Markdown goes to stdout and `--out`; the head's preview page,
// changed widgets highlighted, and the unabridged diff go to `--html-dir` (out/diff/).
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, formatProblem } from "../../config/errors";
import { PlanError } from "../../plan/plan";
import { renderPreview } from "../preview/html";
import { highlightsFromDiff } from "./highlights";
import { comparePlans, hasChanges, type PlanDiff } from "./compare";
import { renderMarkdown } from "./markdown";
import { emptyPlan, readPlanDir, type Side, SourceError, synthesizeRef, synthesizeTree } from "./sources";
import { runCli } from "../cli";

export interface DiffOptions {
  base: string;
  head?: string;
  stacks: string[];
  out?: string;
  htmlDir: string;
}

const USAGE =
  "usage: npm run diff -- --base <git-ref|plan-dir> [--head <plan-dir>] [--stack prod ...] [--out out/diff.md] [--html-dir out/diff]";

export function parseDiffArgs(argv: string[]): DiffOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      base: { type: "string" },
      head: { type: "string" },
      stack: { type: "string", multiple: true },
      out: { type: "string" },
      "html-dir": { type: "string", default: path.join("out", "diff") },
    },
    strict: true,
  });
  if (!values.base) throw new Error("--base is required");
  return {
    base: values.base,
    head: values.head,
    stacks: [...new Set(values.stack?.length ? values.stack : ["prod"])],
    out: values.out,
    htmlDir: values["html-dir"]!,
  };
}

function isDir(p: string): boolean {
  return fs.existsSync(p) && fs.statSync(p).isDirectory();
}

export interface DiffRun {
  diffs: PlanDiff[];
  markdown: string;
  full: string;
  truncated: boolean;
  /** Files written under htmlDir, relative to it. */
  pages: string[];
}

export async function runDiff(opts: DiffOptions): Promise<DiffRun> {
  const head: Side = opts.head
    ? readPlanDir(opts.head, opts.stacks)
    : await synthesizeTree(path.resolve(__dirname, "..", ".."), opts.stacks);
  const base: Side = isDir(opts.base) ? readPlanDir(opts.base, opts.stacks) : await synthesizeRef(opts.base, opts.stacks);
  const diffs = opts.stacks.map((stack) => {
    const h = head.plans.get(stack)!;
    return comparePlans(base.plans.get(stack) ?? emptyPlan(h.project, stack), h);
  });
  const fullName = path.join(opts.htmlDir, "full.md");
  const md = renderMarkdown(diffs, { baseLabel: base.label, headLabel: head.label, fullDiffName: fullName });

  fs.rmSync(opts.htmlDir, { recursive: true, force: true });
  fs.mkdirSync(opts.htmlDir, { recursive: true });
  const pages: string[] = [];
  opts.stacks.forEach((stack, i) => {
    const html = renderPreview(head.plans.get(stack)!, {
      catalog: head.catalogs.get(stack),
      highlights: highlightsFromDiff(diffs[i], base.label),
    });
    const file = opts.stacks.length === 1 ? "index.html" : `${stack}.html`;
    fs.writeFileSync(path.join(opts.htmlDir, file), html);
    pages.push(file);
  });
  if (opts.stacks.length > 1) {
    const links = opts.stacks
      .map((s, i) => `<li><a href="${s}.html">${s}</a>: ${hasChanges(diffs[i]) ? "changes" : "no changes"}</li>`)
      .join("");
    fs.writeFileSync(
      path.join(opts.htmlDir, "index.html"),
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" ` +
        `content="default-src 'none'"><title>Changes per stack</title></head>` +
        `<body><h1>Changes per stack</h1><ul>${links}</ul></body></html>\n`,
    );
    pages.unshift("index.html");
  }
  fs.writeFileSync(fullName, md.full);
  if (opts.out) {
    fs.mkdirSync(path.dirname(opts.out), { recursive: true });
    fs.writeFileSync(opts.out, md.markdown);
  }
  return { diffs, markdown: md.markdown, full: md.full, truncated: md.truncated, pages };
}

async function main(): Promise<number> {
  let opts: DiffOptions;
  try {
    opts = parseDiffArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`diff: ${(e as Error).message}`);
    console.error(USAGE);
    return 2;
  }
  try {
    const run = await runDiff(opts);
    process.stdout.write(run.markdown.endsWith("\n") ? run.markdown : `${run.markdown}\n`);
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(
        `diff: the working tree's configuration is invalid (${e.problems.length} problem${e.problems.length === 1 ? "" : "s"}):`,
      );
      for (const p of e.problems) console.error(`  ${formatProblem(p)}`);
      return 1;
    }
    if (e instanceof PlanError || e instanceof SourceError) {
      console.error(`diff: ${e.message}`);
      return 2;
    }
    console.error(`diff: ${(e as Error).stack ?? e}`);
    return 1;
  }
}

if (require.main === module) runCli(main);
