// "No other file may spell a metric name or tag key as a literal": every string and template
// literal in the package's source is scanned (comments are not code), so a query, message or
// link can only name a metric or tag through config/contract.ts.
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { allMetrics, metricContract, TAG } from "../config/contract";
import { ROOT } from "./helpers";

const CONTRACT_FILE = path.join("config", "contract.ts");
const SKIP_DIRS = new Set(["node_modules", "out", "dist", "test", "snapshots", "vendor", ".git", ".github"]);

function sourceFiles(dir = ROOT): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return SKIP_DIRS.has(e.name) ? [] : sourceFiles(p);
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}

/** Text of every string literal and template-literal chunk, with its line. */
function literals(file: string): { line: number; text: string }[] {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const out: { line: number; text: string }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteralLike(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      out.push({ line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1, text: node.text });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

const contract = metricContract({ prefix: "llm" });
const metricNames = allMetrics(contract).map((m) => m.name);
// Tag keys of metrics; `env` is excluded because it is also every monitor's own unified-service tag.
const tagKeys = Object.values(TAG).filter((t) => t !== TAG.env);
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const metricPattern = new RegExp(`(^|[^\\w.])(${metricNames.map(esc).join("|")})(?![\\w.])`);
// A tag key used as one: a filter `key:value` (prose such as "per feature: ..." has a space), a group-by `by {key`, a message variable `{{key.`,
// a link variable `tpl_var_key`, or a log attribute `@key`.
const tagPattern = new RegExp(
  `(^|[\\s{,!(@])(${tagKeys.map(esc).join("|")}):(?=[^\\s])|by \\{[^}]*\\b(${tagKeys.join("|")})\\b|\\{\\{\\s*(${tagKeys.join("|")})\\.|tpl_var_(${tagKeys.join("|")})\\b|@(${tagKeys.join("|")})\\b`,
);

describe("the metric contract is the only place that spells metric names and tag keys", () => {
  const files = sourceFiles().filter((f) => path.relative(ROOT, f) !== CONTRACT_FILE);

  it("scans the whole package source.", () => {
    const dirs = new Set(files.map((f) => path.relative(ROOT, f).split(path.sep)[0]));
    for (const d of ["dashboards", "monitors", "oncall", "errors", "emit", "cardinality", "policies", "tools"]) expect(dirs).toContain(d);
  });

  it("finds no metric name in any string literal outside config/contract.ts.", () => {
    const hits = files.flatMap((f) =>
      literals(f)
        .filter((l) => metricPattern.test(l.text))
        .map((l) => `${path.relative(ROOT, f)}:${l.line}: ${l.text.slice(0, 80)}`),
    );
    expect(hits).toEqual([]);
  });

  it("finds no tag key used as a filter, group-by, message variable, link variable or log attribute in any string literal.", () => {
    const hits = files.flatMap((f) =>
      literals(f)
        .filter((l) => tagPattern.test(l.text))
        .map((l) => `${path.relative(ROOT, f)}:${l.line}: ${l.text.slice(0, 80)}`),
    );
    expect(hits).toEqual([]);
  });

  it.each([
    ["a metric name", 'const q = "sum:llm.cost.usd{*}";', metricPattern],
    ["a tag filter", "const q = `avg:x{tenant:acme}`;", tagPattern],
    ["a group-by", 'const q = "avg:x{*} by {provider}";', tagPattern],
    ["a message variable", 'const m = "Tenant {{tenant.name}} is over";', tagPattern],
    ["a dashboard link variable", 'const u = "?tpl_var_feature=x";', tagPattern],
  ])("would catch %s written as a literal.", (_, code, pattern) => {
    const file = path.join(fs.mkdtempSync(path.join(require("node:os").tmpdir(), "lit-")), "x.ts");
    fs.writeFileSync(file, code);
    expect(literals(file).some((l) => pattern.test(l.text))).toBe(true);
  });
});
