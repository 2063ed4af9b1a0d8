// Parser for the monitor queries the builders generate, and no more. Anything else (a
// function, modifier, time aggregator or scope form this file does not know) is an
// UnmodelledError that names it, so a new builder form cannot slip into a scenario run
// untested: the evaluator would otherwise silently give it some meaning.
//
// Grammar (docs monitors/types/metric, "Define the metric" and the API section; Datadog API
// spec `Monitor.query`: `time_aggr(time_window):space_aggr:metric{tags} [by {key}] operator #`):
//   query     := timeAgg ':' expr comparator number
//   timeAgg   := (avg|sum|min|max|percentile) '(' last_N ')' | (change|pct_change) '(' aggr '(' last_N ')' ',' last_N ')'
//   expr      := product (('+'|'-') product)*       product := unary (('*'|'/') unary)*
//   unary     := '-' unary | number | '(' expr ')' | is_greater(expr, number) | default_zero(expr) | anomalies(...) | metric
//   metric    := space ':' name '{' scope '}' [ 'by' '{' keys '}' ] modifier*
//   modifier  := '.as_count()' | '.rollup(' [aggr ','] seconds ')'
// Composite monitors: `<id> && !<id> || (...)` (docs monitors/types/composite, API section).
// SLO alerts (docs service_management/service_level_objectives/burn_rate and .../error_budget,
// "API and Terraform"):
//   burn_rate("<slo id>").over("<7d|30d|90d>").long_window("<N><m|h>").short_window("<N><m|h>") > N
//   error_budget("<slo id>").over("<7d|30d|90d>") > N
// and the metric SLO's numerator and denominator: one `sum:<count>{scope}.as_count()` term each.

export class UnmodelledError extends Error {
  constructor(
    readonly what: string,
    readonly query: string,
  ) {
    super(`the evaluator does not model ${what} (in query: ${query})`);
    this.name = "UnmodelledError";
  }
}

export class QueryParseError extends Error {
  constructor(message: string, query: string, at: number) {
    super(`cannot parse monitor query at offset ${at}: ${message} (query: ${query})`);
    this.name = "QueryParseError";
  }
}

export type Comparator = ">" | ">=" | "<" | "<=";
export type TimeAggregation = "avg" | "sum" | "min" | "max" | "percentile";
export type RollupAggregation = "avg" | "sum" | "min" | "max" | "count";

export interface ScopeFilter {
  key: string;
  /** Exact value, or a prefix when `prefix` is set (`metric_name:llm.*`). */
  value: string;
  prefix: boolean;
  negated: boolean;
}

export interface MetricTerm {
  /** As written, for messages and `--print-queries`. */
  text: string;
  /** `sum`, `avg`, `count`, `min`, `max` or a percentile `p95`. */
  space: string;
  metric: string;
  filters: ScopeFilter[];
  by: string[];
  asCount: boolean;
  rollup?: { aggregation?: RollupAggregation; interval: number };
}

export interface AnomalySpec {
  term: MetricTerm;
  algorithm: "basic" | "agile" | "robust";
  deviations: number;
  direction: "above" | "below" | "both";
  alertWindow: number;
  interval: number;
  countDefaultZero: boolean;
  seasonality?: "hourly" | "daily" | "weekly";
}

export type Expr =
  | { kind: "number"; value: number }
  | { kind: "metric"; term: MetricTerm }
  | { kind: "binary"; op: "+" | "-" | "*" | "/"; left: Expr; right: Expr }
  | { kind: "negate"; arg: Expr }
  | { kind: "is_greater"; arg: Expr; than: number }
  | { kind: "default_zero"; arg: Expr }
  | { kind: "anomalies"; spec: AnomalySpec };

export interface MetricMonitorQuery {
  kind: "metric";
  source: string;
  /** The time aggregator; for change alerts, the aggregator applied to the difference series. */
  time: TimeAggregation;
  /** Evaluation window in seconds. */
  window: number;
  /** change / pct_change: how far back the compared series is shifted, in seconds. */
  change?: { shift: number; percent: boolean };
  expr: Expr;
  comparator: Comparator;
  threshold: number;
}

/** An `slo alert` monitor's query: a burn rate over two windows, or the share of the error budget spent. */
export interface SloAlertQuery {
  kind: "slo";
  source: string;
  form: "burn_rate" | "error_budget";
  /** The SLO's id as Datadog gave it. */
  sloId: string;
  /** The SLO's time window (`over`), in seconds. */
  timeframe: number;
  /** burn_rate: the long and short windows, in seconds. */
  longWindow?: number;
  shortWindow?: number;
  comparator: Comparator;
  threshold: number;
}

export type BoolExpr =
  { kind: "monitor"; id: string } | { kind: "not"; arg: BoolExpr } | { kind: "and" | "or"; left: BoolExpr; right: BoolExpr };

export interface CompositeQuery {
  kind: "composite";
  source: string;
  expr: BoolExpr;
}

/** Every metric term of an expression, in order of appearance. */
export function metricTerms(expr: Expr): MetricTerm[] {
  switch (expr.kind) {
    case "number":
      return [];
    case "metric":
      return [expr.term];
    case "binary":
      return [...metricTerms(expr.left), ...metricTerms(expr.right)];
    case "negate":
    case "is_greater":
    case "default_zero":
      return metricTerms(expr.arg);
    case "anomalies":
      return [expr.spec.term];
  }
}

const TIMEFRAME = /^last_(\d+)([mhdw])$/;
const TIMEFRAME_SECONDS: Record<string, number> = { m: 60, h: 3600, d: 86400, w: 604800 };
const PERCENTILE = /^p(\d{1,2}(?:\.\d+)?)$/;
const SPACE_AGGREGATIONS = new Set(["sum", "avg", "min", "max", "count"]);
const ROLLUP_AGGREGATIONS = new Set<RollupAggregation>(["avg", "sum", "min", "max", "count"]);

class Parser {
  pos = 0;
  constructor(readonly src: string) {}

  fail(message: string): never {
    throw new QueryParseError(message, this.src, this.pos);
  }
  unmodelled(what: string): never {
    throw new UnmodelledError(what, this.src);
  }
  ws(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos])) this.pos++;
  }
  peek(s: string): boolean {
    this.ws();
    return this.src.startsWith(s, this.pos);
  }
  eat(s: string): boolean {
    if (!this.peek(s)) return false;
    this.pos += s.length;
    return true;
  }
  expect(s: string): void {
    if (!this.eat(s)) this.fail(`expected "${s}"`);
  }
  ident(): string {
    this.ws();
    const m = /^[A-Za-z_][\w.]*/.exec(this.src.slice(this.pos));
    if (!m) this.fail("expected a name");
    this.pos += m[0].length;
    return m[0];
  }
  number(): number {
    this.ws();
    const m = /^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/.exec(this.src.slice(this.pos));
    if (!m) this.fail("expected a number");
    this.pos += m[0].length;
    return Number(m[0]);
  }
  quoted(): string {
    this.ws();
    const q = this.src[this.pos];
    if (q !== "'" && q !== '"') this.fail("expected a quoted string");
    const end = this.src.indexOf(q, this.pos + 1);
    if (end < 0) this.fail("unterminated string");
    const s = this.src.slice(this.pos + 1, end);
    this.pos = end + 1;
    return s;
  }
  timeframe(): number {
    const word = this.ident();
    const m = TIMEFRAME.exec(word);
    if (!m) {
      if (/^current_/.test(word)) this.unmodelled(`the cumulative time window ${word}`);
      if (/_ago$/.test(word)) this.unmodelled(`the change shift ${word}`);
      this.fail(`expected a time frame like last_10m (got ${word})`);
    }
    return Number(m[1]) * TIMEFRAME_SECONDS[m[2]];
  }
}

/** Parses a `query alert` monitor query. Throws UnmodelledError for forms the evaluator does not know. */
export function parseMetricMonitorQuery(query: string): MetricMonitorQuery {
  const p: Parser = new Parser(query);
  const head = p.ident();
  let time: TimeAggregation;
  let window: number;
  let change: MetricMonitorQuery["change"];
  p.expect("(");
  if (head === "change" || head === "pct_change") {
    // docs monitors/types/change-alert: change(<aggr>(<window>),<shift>) takes the difference of the
    // series and the series shifted back, then aggregates it over the window.
    const inner = p.ident();
    if (!["avg", "sum", "min", "max"].includes(inner)) p.unmodelled(`the change aggregator ${inner}()`);
    p.expect("(");
    window = p.timeframe();
    p.expect(")");
    p.expect(",");
    const shift = p.timeframe();
    time = inner as TimeAggregation;
    change = { shift, percent: head === "pct_change" };
  } else if (["avg", "sum", "min", "max", "percentile"].includes(head)) {
    time = head as TimeAggregation;
    window = p.timeframe();
  } else {
    p.unmodelled(`the time aggregator ${head}()`);
  }
  p.expect(")");
  p.expect(":");
  const expr = parseExpr(p);
  p.ws();
  const cmp = /^(>=|<=|>|<)/.exec(p.src.slice(p.pos));
  if (!cmp) {
    if (/^(==|!=|=)/.test(p.src.slice(p.pos))) p.unmodelled(`the comparator ${/^(==|!=|=)/.exec(p.src.slice(p.pos))![0]}`);
    p.fail("expected a comparator (>, >=, <, <=)");
  }
  p.pos += cmp[0].length;
  const threshold = p.number();
  p.ws();
  if (p.pos !== p.src.length) p.fail("unexpected text after the threshold");
  const parsed: MetricMonitorQuery = {
    kind: "metric",
    source: query,
    time,
    window,
    ...(change ? { change } : {}),
    expr,
    comparator: cmp[0] as Comparator,
    threshold,
  };
  checkForm(parsed);
  return parsed;
}

/** Combinations that parse but that Datadog gives a meaning this evaluator does not implement. */
function checkForm(q: MetricMonitorQuery): void {
  const terms = metricTerms(q.expr);
  const anomalies = containsKind(q.expr, "anomalies");
  if (anomalies && q.expr.kind !== "anomalies") throw new UnmodelledError("anomalies() inside arithmetic", q.source);
  if (q.time === "percentile") {
    if (q.expr.kind !== "metric" || !PERCENTILE.test(q.expr.term.space))
      throw new UnmodelledError("percentile() over anything but one pNN: distribution query", q.source);
  }
  for (const t of terms) {
    if (PERCENTILE.test(t.space) && q.time !== "percentile" && !t.rollup) {
      throw new UnmodelledError(`${t.space}: points at the native 10 s resolution (add .rollup(<seconds>) or use percentile())`, q.source);
    }
  }
  if (q.change && terms.length !== 1) throw new UnmodelledError("change() over arithmetic", q.source);
}

function containsKind(e: Expr, kind: Expr["kind"]): boolean {
  if (e.kind === kind) return true;
  if (e.kind === "binary") return containsKind(e.left, kind) || containsKind(e.right, kind);
  if (e.kind === "negate" || e.kind === "is_greater" || e.kind === "default_zero") return containsKind(e.arg, kind);
  return false;
}

function parseExpr(p: Parser): Expr {
  let left = parseProduct(p);
  for (;;) {
    if (p.eat("+")) left = { kind: "binary", op: "+", left, right: parseProduct(p) };
    else if (p.eat("-")) left = { kind: "binary", op: "-", left, right: parseProduct(p) };
    else return left;
  }
}

function parseProduct(p: Parser): Expr {
  let left = parseUnary(p);
  for (;;) {
    if (p.eat("*")) left = { kind: "binary", op: "*", left, right: parseUnary(p) };
    else if (p.eat("/")) left = { kind: "binary", op: "/", left, right: parseUnary(p) };
    else return left;
  }
}

function parseUnary(p: Parser): Expr {
  if (p.eat("-")) return { kind: "negate", arg: parseUnary(p) };
  p.ws();
  if (/[\d.]/.test(p.src[p.pos] ?? "")) return { kind: "number", value: p.number() };
  if (p.eat("(")) {
    const e = parseExpr(p);
    p.expect(")");
    return e;
  }
  const start = p.pos;
  const name = p.ident();
  p.ws();
  if (p.src[p.pos] === "(") {
    p.pos++;
    return parseCall(p, name);
  }
  if (p.src[p.pos] === ":") {
    p.pos = start;
    return { kind: "metric", term: parseMetric(p) };
  }
  return p.fail(`unexpected name ${name}`);
}

function parseCall(p: Parser, name: string): Expr {
  switch (name) {
    case "is_greater": {
      // docs monitors/guide/add-a-minimum-request-threshold-for-error-rate-alerts: is_greater(<query>, <threshold>).
      const arg = parseExpr(p);
      p.expect(",");
      const than = p.number();
      p.expect(")");
      return { kind: "is_greater", arg, than };
    }
    case "default_zero": {
      const arg = parseExpr(p);
      p.expect(")");
      return { kind: "default_zero", arg };
    }
    case "anomalies":
      return { kind: "anomalies", spec: parseAnomalies(p) };
    default:
      return p.unmodelled(`the function ${name}()`);
  }
}

/** docs monitors/types/anomaly, API section: anomalies(<metric_query>, '<algorithm>', <deviations>, key='value', ...). */
function parseAnomalies(p: Parser): AnomalySpec {
  const term = parseMetric(p);
  p.expect(",");
  const algorithm = p.quoted();
  if (!["basic", "agile", "robust"].includes(algorithm)) p.fail(`unknown anomaly algorithm '${algorithm}'`);
  if (algorithm !== "agile") p.unmodelled(`the anomaly algorithm '${algorithm}' (only 'agile' is approximated)`);
  p.expect(",");
  const deviations = p.number();
  const options: Record<string, string> = {};
  while (p.eat(",")) {
    const key = p.ident();
    p.expect("=");
    p.ws();
    options[key] = p.src[p.pos] === "'" || p.src[p.pos] === '"' ? p.quoted() : String(p.number());
  }
  p.expect(")");
  const known = new Set(["direction", "alert_window", "interval", "count_default_zero", "seasonality"]);
  for (const key of Object.keys(options)) if (!known.has(key)) p.unmodelled(`the anomalies() option ${key}`);
  const alertWindow = options.alert_window && TIMEFRAME.exec(options.alert_window);
  if (!alertWindow) p.fail("anomalies() needs alert_window='last_N<m|h|d|w>'");
  const interval = Number(options.interval);
  if (!Number.isInteger(interval) || interval <= 0) p.fail("anomalies() needs interval=<seconds>");
  const direction = (options.direction ?? "both") as AnomalySpec["direction"];
  if (!["above", "below", "both"].includes(direction)) p.fail(`unknown direction '${direction}'`);
  const seasonality = options.seasonality as AnomalySpec["seasonality"];
  if (seasonality !== undefined && !["hourly", "daily", "weekly"].includes(seasonality)) p.fail(`unknown seasonality '${seasonality}'`);
  return {
    term,
    algorithm: "agile",
    deviations,
    direction,
    alertWindow: Number(alertWindow[1]) * TIMEFRAME_SECONDS[alertWindow[2]],
    interval,
    countDefaultZero: options.count_default_zero !== "false",
    ...(seasonality ? { seasonality } : {}),
  };
}

function parseMetric(p: Parser): MetricTerm {
  p.ws();
  const start = p.pos;
  const space = p.ident();
  if (!SPACE_AGGREGATIONS.has(space) && !PERCENTILE.test(space)) p.unmodelled(`the space aggregator ${space}:`);
  p.expect(":");
  p.ws();
  const nameMatch = /^[A-Za-z][\w.]*/.exec(p.src.slice(p.pos));
  if (!nameMatch) p.fail("expected a metric name");
  p.pos += nameMatch[0].length;
  const metric = nameMatch[0];
  p.expect("{");
  const close = p.src.indexOf("}", p.pos);
  if (close < 0) p.fail("unterminated scope");
  const filters = parseScope(p, p.src.slice(p.pos, close));
  p.pos = close + 1;
  let by: string[] = [];
  const term: MetricTerm = { text: "", space, metric, filters, by, asCount: false };
  for (;;) {
    if (p.peek("by")) {
      const save = p.pos;
      p.eat("by");
      if (!p.eat("{")) {
        p.pos = save;
        break;
      }
      const end = p.src.indexOf("}", p.pos);
      if (end < 0) p.fail("unterminated group-by");
      by = p.src
        .slice(p.pos, end)
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      term.by = by;
      p.pos = end + 1;
      continue;
    }
    if (p.src.startsWith(".", p.pos)) {
      const m = /^\.(\w+)\(/.exec(p.src.slice(p.pos));
      if (!m) p.fail("expected a modifier");
      p.pos += m[0].length;
      parseModifier(p, m[1], term);
      continue;
    }
    break;
  }
  term.text = p.src.slice(start, p.pos).trim();
  return term;
}

function parseModifier(p: Parser, name: string, term: MetricTerm): void {
  if (name === "as_count") {
    p.expect(")");
    term.asCount = true;
    return;
  }
  if (name === "rollup") {
    // docs dashboards/functions/rollup: .rollup(<aggregator>, <interval>) or .rollup(<interval>) for distributions.
    p.ws();
    let aggregation: RollupAggregation | undefined;
    if (/[A-Za-z]/.test(p.src[p.pos] ?? "")) {
      const agg = p.ident();
      if (!ROLLUP_AGGREGATIONS.has(agg as RollupAggregation)) p.unmodelled(`the rollup aggregator ${agg}`);
      aggregation = agg as RollupAggregation;
      if (!p.eat(",")) p.unmodelled(".rollup() without an interval (the interval would follow the query's default)");
    }
    const interval = p.number();
    if (!Number.isInteger(interval) || interval <= 0) p.fail("the rollup interval must be a positive number of seconds");
    p.expect(")");
    term.rollup = { ...(aggregation ? { aggregation } : {}), interval };
    return;
  }
  p.unmodelled(`the modifier .${name}()`);
}

function parseScope(p: Parser, scope: string): ScopeFilter[] {
  const out: ScopeFilter[] = [];
  for (const raw of scope.split(",").map((s) => s.trim())) {
    if (raw === "" || raw === "*") continue;
    if (/\s(AND|OR|IN|NOT)\s/i.test(` ${raw} `)) p.unmodelled(`the boolean scope "${raw}"`);
    if (raw.startsWith("$")) p.unmodelled(`the template variable ${raw}`);
    const negated = raw.startsWith("!");
    const body = negated ? raw.slice(1) : raw;
    const colon = body.indexOf(":");
    if (colon < 0) p.unmodelled(`the bare tag "${raw}"`);
    const key = body.slice(0, colon);
    let value = body.slice(colon + 1);
    const prefix = value.endsWith("*");
    if (prefix) value = value.slice(0, -1);
    if (value.includes("*")) p.unmodelled(`the wildcard "${raw}"`);
    out.push({ key, value, prefix, negated });
  }
  return out;
}

const SLO_TIMEFRAMES: Record<string, number> = { "7d": 7 * 86400, "30d": 30 * 86400, "90d": 90 * 86400 };
const SLO_WINDOW = /^(\d+)([mh])$/;

/**
 * Parses an `slo alert` monitor query, in the two forms Datadog documents (docs
 * service_management/service_level_objectives/burn_rate and .../error_budget, "API and
 * Terraform"). Any other function, modifier or order is an UnmodelledError naming it.
 */
export function parseSloAlertQuery(query: string): SloAlertQuery {
  const p: Parser = new Parser(query);
  const form = p.ident();
  if (form !== "burn_rate" && form !== "error_budget") p.unmodelled(`the SLO alert function ${form}()`);
  p.expect("(");
  const sloId = p.quoted();
  p.expect(")");
  const modifier = (expected: string): string => {
    p.ws();
    const m = /^\.(\w+)\(/.exec(p.src.slice(p.pos));
    if (!m) p.fail(`expected .${expected}("...")`);
    if (m[1] !== expected) p.unmodelled(`the SLO alert modifier .${m[1]}() where .${expected}() belongs`);
    p.pos += m[0].length;
    const v = p.quoted();
    p.expect(")");
    return v;
  };
  const over = modifier("over");
  const timeframe = SLO_TIMEFRAMES[over];
  if (timeframe === undefined) p.unmodelled(`the SLO time window "${over}" (an SLO has 7d, 30d or 90d)`);
  let longWindow: number | undefined;
  let shortWindow: number | undefined;
  if (form === "burn_rate") {
    const window = (text: string) => {
      const m = SLO_WINDOW.exec(text);
      if (!m) p.unmodelled(`the burn-rate window "${text}" (minutes or hours: 5m, 1h)`);
      return Number(m[1]) * (m[2] === "h" ? 3600 : 60);
    };
    longWindow = window(modifier("long_window"));
    shortWindow = window(modifier("short_window"));
  }
  p.ws();
  if (p.src.startsWith(".", p.pos)) p.unmodelled(`the SLO alert modifier ${/^\.\w*/.exec(p.src.slice(p.pos))![0]}()`);
  const cmp = /^(>=|<=|>|<)/.exec(p.src.slice(p.pos));
  if (!cmp) p.fail("expected a comparator (>, >=, <, <=)");
  p.pos += cmp[0].length;
  const comparator = cmp[0] as Comparator;
  // Both forms alert on a value growing: a burn rate, a share of the budget spent.
  if (comparator !== ">" && comparator !== ">=") p.unmodelled(`the comparator ${comparator} in an SLO alert`);
  const threshold = p.number();
  p.ws();
  if (p.pos !== p.src.length) p.fail("unexpected text after the threshold");
  return { kind: "slo", source: query, form, sloId, timeframe, longWindow, shortWindow, comparator, threshold };
}

/**
 * One query of a metric SLO (its numerator or denominator): a single `sum:<metric>{scope}.as_count()`
 * term, the form slos/build.ts writes (docs service_level_objectives/metric: good and total
 * events as count queries). Arithmetic, a group-by or a rollup there is an UnmodelledError.
 */
export function parseSloQuery(query: string): MetricTerm {
  const p: Parser = new Parser(query);
  const term = parseMetric(p);
  p.ws();
  if (p.pos !== p.src.length) p.unmodelled("arithmetic in an SLO query (only one sum:<metric>{...}.as_count() term)");
  if (term.space !== "sum" || !term.asCount || term.rollup || term.by.length)
    p.unmodelled(`the SLO query form ${term.text} (only sum:<metric>{...}.as_count())`);
  return term;
}

/** Composite query: monitor ids combined with && || ! and parentheses (docs monitors/types/composite). */
export function parseCompositeQuery(query: string): CompositeQuery {
  const p: Parser = new Parser(query);
  const expr = parseOr(p);
  p.ws();
  if (p.pos !== p.src.length) p.fail("unexpected text in composite query");
  return { kind: "composite", source: query, expr };
}

function parseOr(p: Parser): BoolExpr {
  let left = parseAnd(p);
  while (p.eat("||")) left = { kind: "or", left, right: parseAnd(p) };
  return left;
}
function parseAnd(p: Parser): BoolExpr {
  let left = parseNot(p);
  while (p.eat("&&")) left = { kind: "and", left, right: parseNot(p) };
  return left;
}
function parseNot(p: Parser): BoolExpr {
  if (p.eat("!")) return { kind: "not", arg: parseNot(p) };
  if (p.eat("(")) {
    const e = parseOr(p);
    p.expect(")");
    return e;
  }
  p.ws();
  const m = /^[\w.-]+/.exec(p.src.slice(p.pos));
  if (!m) p.fail("expected a monitor id");
  p.pos += m[0].length;
  return { kind: "monitor", id: m[0] };
}

/** Monitor ids a composite query references, in order. */
export function compositeIds(expr: BoolExpr): string[] {
  if (expr.kind === "monitor") return [expr.id];
  if (expr.kind === "not") return compositeIds(expr.arg);
  return [...compositeIds(expr.left), ...compositeIds(expr.right)];
}

export function isPercentile(space: string): boolean {
  return PERCENTILE.test(space);
}

/** 95 for `p95`. */
export function percentileRank(space: string): number {
  const m = PERCENTILE.exec(space);
  if (!m) throw new Error(`${space} is not a percentile aggregator`);
  return Number(m[1]);
}
