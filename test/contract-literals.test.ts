// "No other file may spell a metric name or tag key as a literal": every string and template
// literal in the package's source is scanned (comments are not code), so a query, message or
// link can only name a metric or tag through config/contract.ts. Likewise every convention of
// config/names.ts (resource-name prefixes, handle prefixes, Pulumi type tokens, the secret
// marker, the project name) is spelled there and nowhere else, regular expressions included.
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { allMetrics, metricContract, TAG } from "../config/contract";
import { DASHBOARD_LIST_NAME, MONITOR_TAG_POLICY_NAME, PROJECT, SECRET, TYPE } from "../config/names";
import { ROOT } from "./helpers";

const CONTRACT_FILE = path.join("config", "contract.ts");
const NAMES_FILE = path.join("config", "names.ts");
const SKIP_DIRS = new Set(["node_modules", "out", "dist", "test", "snapshots", "vendor", ".git", ".github"]);

function sourceFiles(dir = ROOT): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return SKIP_DIRS.has(e.name) ? [] : sourceFiles(p);
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}

interface Literal {
  line: number;
  text: string;
  /** A regular expression literal (its source), as opposed to a string or template chunk. */
  regex: boolean;
}

/** Text of every string literal, template-literal chunk and regular expression literal of a file (or of `code`), with its line. */
function literals(file: string, code = fs.readFileSync(file, "utf8")): Literal[] {
  const sf = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true);
  const out: Literal[] = [];
  const visit = (node: ts.Node) => {
    const line = () => sf.getLineAndCharacterOfPosition(node.getStart()).line + 1;
    if (ts.isStringLiteralLike(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      out.push({ line: line(), text: node.text, regex: false });
    } else if (ts.isRegularExpressionLiteral(node)) {
      out.push({ line: line(), text: node.text.slice(1, node.text.lastIndexOf("/")), regex: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Every literal in `files` that `hit` flags, as `path:line: text` (so a failure names the place). */
function literalHits(files: string[], hit: (l: Literal) => boolean): string[] {
  return files.flatMap((f) =>
    literals(f)
      .filter(hit)
      .map((l) => `${path.relative(ROOT, f)}:${l.line}: ${l.text.slice(0, 80)}`),
  );
}

const contract = metricContract({ prefix: "llm" });
const metricNames = allMetrics(contract).map((m) => m.name);
// Tag keys of metrics; `env` is excluded because it is also every monitor's own unified-service tag.
const tagKeys = Object.values(TAG).filter((t) => t !== TAG.env);
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const metricPattern = new RegExp(`(^|[^\\w.])(${metricNames.map(esc).join("|")})(?![\\w.])`);
// A tag key used as one: a filter `key:value` (prose such as "per feature: ..." has a space), a group-by
// `by {key`, a message variable `{{key.`, a link variable `tpl_var_key`, or a log attribute `@key`.
const keys = tagKeys.join("|");
const tagPattern = new RegExp(
  [
    `(^|[\\s{,!(@])(${tagKeys.map(esc).join("|")}):(?=[^\\s])`,
    `by \\{[^}]*\\b(${keys})\\b`,
    `\\{\\{\\s*(${keys})\\.`,
    `tpl_var_(${keys})\\b`,
    `@(${keys})\\b`,
  ].join("|"),
);

// Resource-name prefixes (config/names.ts PREFIX): a literal that ends in one (a template head such
// as `schedule-${id}`), or names one before a placeholder (`schedule-<team>`), or a regex that
// matches one (`/^sentry-(issue-alert|...)-/`). Policy names such as "monitor-has-owner" are not
// resource names and do not match.
const PREFIXES = [
  "dashboard",
  "schedule",
  "escalation",
  "service",
  "integration-datadog",
  "pagerduty-service",
  "sentry-issue-alert",
  "sentry-issue-page",
  "sentry-metric-alert",
  "sentry",
  "monitor",
  "metric-tags",
];
const namePattern = new RegExp(`(^|[^\\w@-])(${PREFIXES.map(esc).join("|")})-(\\$\\{|<|$)`);
const nameRegexPattern = new RegExp(`(^|[^\\w@-])(${PREFIXES.map(esc).join("|")})-(\\(|\\[|\\.|\\\\|$)`);
// Handles: `@pagerduty-`, `@slack-`, in any case, in strings and in regexes.
const handlePattern = /@(pagerduty|slack)-/i;
/** Every spelled convention: type tokens, the secret marker, the project as a namespace, the singleton resource names. */
const exactConventions = new Set<string>([...Object.values(TYPE), SECRET, DASHBOARD_LIST_NAME, MONITOR_TAG_POLICY_NAME]);
const conventionPattern = new RegExp(`${esc(SECRET)}|^${esc(PROJECT)}(:|$)`);

function conventionHits(l: Literal): boolean {
  if (handlePattern.test(l.text)) return true;
  if (exactConventions.has(l.text) || conventionPattern.test(l.text)) return true;
  return l.regex ? nameRegexPattern.test(l.text) : namePattern.test(l.text);
}

describe("the metric contract is the only place that spells metric names and tag keys", () => {
  const files = sourceFiles().filter((f) => path.relative(ROOT, f) !== CONTRACT_FILE);

  it("scans the whole package source.", () => {
    const dirs = new Set(files.map((f) => path.relative(ROOT, f).split(path.sep)[0]));
    for (const d of ["dashboards", "monitors", "oncall", "errors", "emit", "cardinality", "policies", "tools"]) expect(dirs).toContain(d);
  });

  it("finds no metric name in any string literal outside config/contract.ts.", () => {
    expect(literalHits(files, (l) => metricPattern.test(l.text))).toEqual([]);
  });

  it("finds no tag key used as a filter, group-by, message variable, link variable or log attribute in any string literal.", () => {
    expect(literalHits(files, (l) => tagPattern.test(l.text))).toEqual([]);
  });

  it.each([
    ["a metric name", 'const q = "sum:llm.cost.usd{*}";', metricPattern],
    ["a tag filter", "const q = `avg:x{tenant:acme}`;", tagPattern],
    ["a group-by", 'const q = "avg:x{*} by {provider}";', tagPattern],
    ["a message variable", 'const m = "Tenant {{tenant.name}} is over";', tagPattern],
    ["a dashboard link variable", 'const u = "?tpl_var_feature=x";', tagPattern],
  ])("would catch %s written as a literal.", (_, code, pattern) => {
    expect(literals("x.ts", code).some((l) => pattern.test(l.text))).toBe(true);
  });
});

describe("config/names.ts is the only place that spells resource names, handles and other conventions", () => {
  const files = sourceFiles().filter((f) => path.relative(ROOT, f) !== NAMES_FILE);

  it("finds no resource-name prefix, handle prefix, type token, secret marker or project namespace in any literal elsewhere.", () => {
    expect(literalHits(files, conventionHits)).toEqual([]);
  });

  it.each([
    ["a resource name built from a prefix", "const n = `schedule-${team}`;"],
    ["a resource name in prose", 'const t = "the schedule-<team> resource";'],
    ["a resource-name parser", "const re = /^sentry-(issue-alert|metric-alert)-(.+)$/;"],
    ["a prefix stripped by a regex", 'const id = name.replace(/^dashboard-/, "");'],
    ["a PagerDuty handle", "const h = `@pagerduty-${service}`;"],
    ["a Slack handle pattern", "const re = /@slack-[a-z]+/;"],
    ["a capitalised handle", 'const h = "@PagerDuty-x";'],
    ["a Pulumi type token", 'const t = "datadog:index/monitor:Monitor";'],
    ["the secret marker", "if (s.includes('\"[secret]\"')) {}"],
    ["the project namespace", 'const key = "llm-observability:env";'],
  ])("would catch %s.", (_, code) => {
    expect(literals("x.ts", code).some(conventionHits)).toBe(true);
  });

  it.each([
    ["a policy name", 'const p = "monitor-has-owner";'],
    ["a dashboard id", 'const id = "quality";'],
    ["prose about monitors", 'const t = "every monitor- and dashboard-level change";'],
  ])("lets %s through.", (_, code) => {
    expect(literals("x.ts", code).some(conventionHits)).toBe(false);
  });
});
