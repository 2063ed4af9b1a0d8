// Holds a dashboard to the metric contract, where Datadog's schema cannot: the spec does
// not parse query strings, and a typo in a metric, a tag the metric does not carry, or an
// undeclared `$variable` only shows up later as a silent "no data". Works on any dashboard
// JSON (generated or hand-written), so synth can check exactly what would be sent.
import { type MetricContract, queryableTags } from "../config/contract";
import { contractMetric, extractMetricTerms, scopeTagKey, termProblems } from "../config/query";

const LEGACY_REQUEST_KEYS = [
  "q",
  "log_query",
  "apm_query",
  "rum_query",
  "event_query",
  "network_query",
  "process_query",
  "profile_metrics_query",
  "security_query",
  "audit_query",
  "apm_stats_query",
];
/** Measures of a metric-based SLO a widget may show (docs dashboards/guide/slo_data_source). */
const SLO_MEASURES = ["good_events", "bad_events", "slo_status", "error_budget_remaining", "burn_rate", "error_budget_burndown"];
/** Context-link variables Datadog fills in itself (docs dashboards/guide/context-links). */
const LINK_BUILTINS = new Set(["timestamp_start", "timestamp_end", "tags"]);

type Json = Record<string, unknown>;

/** Every problem found, each prefixed with where it is (`widgets[2].widgets[0] "Title"`). */
export function lintDashboard(body: unknown, contract: MetricContract): string[] {
  const dashboard = (body ?? {}) as Json;
  const lint = new DashboardLint(contract);
  lint.declareVariables(asArray(dashboard.template_variables));
  lint.widgets(dashboard.widgets, "widgets");
  // Requests of one widget often repeat a query (raw line + moving average): report once.
  return [...new Set(lint.problems)];
}

/** What one widget's queries group by: the names its custom links may use as `{{name}}`. */
interface WidgetGroups {
  tags: Set<string>;
  logFacets: Set<string>;
}

/** One dashboard's lint: the problems found so far and the template variables it declares, walked widget by widget. */
class DashboardLint {
  readonly problems: string[] = [];
  /** Template variable name -> the tag key it filters on. */
  private readonly declared = new Map<string, string>();
  private readonly judgeAttributes: Set<string>;

  constructor(private readonly contract: MetricContract) {
    this.judgeAttributes = new Set(Object.values(contract.judgeLog.attributes));
  }

  /** Each variable has a unique name and a prefix that is a tag key of some contract metric. */
  declareVariables(variables: unknown[]): void {
    const contractTags = new Set(Object.values(this.contract.metrics).flatMap((m) => queryableTags(this.contract, m)));
    variables.forEach((tv, i) => {
      const { name, prefix } = tv as Json;
      const where = `template_variables[${i}]`;
      if (typeof name !== "string" || !name) return void this.problems.push(`${where}: has no name`);
      if (this.declared.has(name)) this.problems.push(`${where}: duplicate template variable $${name}`);
      if (typeof prefix !== "string" || !contractTags.has(prefix)) {
        this.problems.push(`${where} ($${name}): prefix ${JSON.stringify(prefix)} is not a tag key of any contract metric`);
      }
      this.declared.set(name, typeof prefix === "string" ? prefix : name);
    });
  }

  /** Widgets, groups walked into; each request's queries, formulas and links. */
  widgets(widgets: unknown, path: string): void {
    asArray(widgets).forEach((w, i) => {
      const def = ((w as Json)?.definition ?? {}) as Json;
      const where = `${path}[${i}]`;
      if (def.type === "group") return this.widgets(def.widgets, `${where}.widgets`);
      const at = `${where} ${JSON.stringify(String(def.title ?? def.type))}`;
      if (def.type === "slo_list") return this.sloList(def, at);
      if (def.requests === undefined) return;
      if (!Array.isArray(def.requests)) return void this.problems.push(`${at}: requests must be a list of queries + formulas requests`);
      const groups: WidgetGroups = { tags: new Set(), logFacets: new Set() };
      (def.requests as Json[]).forEach((r, j) => this.request(r, `${at}`, j, groups));
      this.links(def.custom_links, at, groups);
    });
  }

  private request(r: Json, at: string, j: number, groups: WidgetGroups): void {
    for (const k of LEGACY_REQUEST_KEYS)
      if (k in r) this.problems.push(`${at}: request ${j} uses deprecated "${k}"; use queries + formulas`);
    const queries = asArray(r.queries) as Json[];
    if (!queries.length) this.problems.push(`${at}: request ${j} has no queries`);
    const names = new Set<string>();
    for (const q of queries) {
      const name = String(q.name);
      if (names.has(name)) this.problems.push(`${at}: request ${j} has two queries named "${name}"`);
      names.add(name);
      if (q.data_source === "metrics") this.metricQuery(String(q.query ?? ""), at, groups.tags);
      else if (q.data_source === "logs") this.logsQuery(q, at, groups.logFacets);
      else if (q.data_source === "slo") this.sloQuery(q, at);
      else
        this.problems.push(
          `${at}: query "${name}" uses data source ${JSON.stringify(q.data_source)}; only contract metrics, the judge log and ` +
            `the stack's SLOs are allowed`,
        );
    }
    const formulas = asArray(r.formulas) as Json[];
    if (!formulas.length) this.problems.push(`${at}: request ${j} has no formulas`);
    for (const f of formulas) {
      for (const ref of formulaReferences(String(f.formula ?? ""))) {
        if (!names.has(ref))
          this.problems.push(`${at}: formula ${JSON.stringify(f.formula)} references "${ref}", which is not a query of its request`);
      }
    }
  }

  /** The tag a declared variable filters on; reports an undeclared one. */
  private variable(variable: string, at: string): string | undefined {
    const tag = this.declared.get(variable);
    if (tag === undefined) {
      const declared = [...this.declared.keys()].map((v) => `$${v}`).join(", ") || "none";
      this.problems.push(`${at}: $${variable} is not a template variable of this dashboard (declared: ${declared})`);
    }
    return tag;
  }

  /** Every term against the contract (config/query.ts termProblems); a variable must not filter on a tag the metric lacks. */
  private metricQuery(query: string, at: string, groupTags: Set<string>): void {
    const terms = extractMetricTerms(query);
    if (!terms.length) this.problems.push(`${at}: no "<aggregation>:<metric>{<scope>}" term found in ${JSON.stringify(query)}`);
    for (const term of terms) {
      for (const tag of term.by) groupTags.add(tag);
      const def = contractMetric(this.contract, term.metric);
      if (typeof def === "string") {
        this.problems.push(`${at}: ${def}`);
        continue;
      }
      const tags = term.scope.flatMap((entry) => {
        const { variable, tag } = scopeTagKey(entry);
        if (variable === undefined) return tag === undefined ? [] : [{ tag, how: "filter" }];
        // Setting the variable would filter on a tag the metric never has: the graph blanks.
        const varTag = this.variable(variable, at);
        return varTag === undefined ? [] : [{ tag: varTag, how: `$${variable} would blank it when set` }];
      });
      tags.push(...term.by.map((tag) => ({ tag, how: "group-by" })));
      const found = termProblems(this.contract, def, { aggregation: term.aggregation, asCount: term.asCount, tags });
      this.problems.push(...found.map((p) => `${at}: ${p}`));
    }
  }

  /**
   * A measure of one SLO: an SLO id (a placeholder in a definition, resolved by the Dashboards component),
   * a measure of metric SLOs (docs dashboards/guide/slo_data_source), and only declared variables
   * in its extra filters.
   */
  private sloQuery(q: Json, at: string): void {
    const id = q.slo_id;
    if (typeof id !== "string" || !id.trim()) this.problems.push(`${at}: SLO query "${String(q.name)}" names no slo_id`);
    if (!SLO_MEASURES.includes(String(q.measure)))
      this.problems.push(
        `${at}: SLO query "${String(q.name)}" measure ${JSON.stringify(q.measure)} is not one of ${SLO_MEASURES.join(", ")}`,
      );
    for (const m of String(q.additional_query_filters ?? "").matchAll(/\$([\w-]+)/g)) this.variable(m[1], at);
  }

  /** An SLO list searches SLO tags: only declared variables, and one request with a query string. */
  private sloList(def: Json, at: string): void {
    const requests = asArray(def.requests) as Json[];
    if (requests.length !== 1) this.problems.push(`${at}: an SLO list needs exactly one request`);
    for (const r of requests) {
      const query = (r.query ?? {}) as Json;
      if (typeof query.query_string !== "string" || !query.query_string.trim()) this.problems.push(`${at}: SLO list has no query_string`);
      for (const m of String(query.query_string ?? "").matchAll(/\$([\w-]+)/g)) this.variable(m[1], at);
    }
  }

  private attribute(raw: unknown, at: string, what: string): void {
    const name = typeof raw === "string" ? raw.replace(/^@/, "") : "";
    if (typeof raw !== "string" || !raw.startsWith("@") || !this.judgeAttributes.has(name)) {
      const known = [...this.judgeAttributes].map((a) => `@${a}`).join(", ");
      this.problems.push(`${at}: ${what} ${JSON.stringify(raw)} is not a judge-log attribute (${known})`);
    }
  }

  /** A logs query reads only the judge log: its service, its attributes, the global tags and declared variables. */
  private logsQuery(q: Json, at: string, logFacets: Set<string>): void {
    const { contract } = this;
    const search = String((q.search as Json | undefined)?.query ?? "");
    let service: string | undefined;
    for (const raw of search.split(/\s+/).filter(Boolean)) {
      const token = raw.replace(/^-/, "");
      if (token.startsWith("$")) {
        this.variable(token.slice(1).replace(/\.value$/, ""), at);
        continue;
      }
      const m = /^(@?)([\w.]+):(.+)$/.exec(token);
      if (!m) {
        this.problems.push(`${at}: logs search term ${JSON.stringify(raw)} is not an attribute, tag or variable filter`);
        continue;
      }
      const [, isAttribute, key, value] = m;
      if (value.startsWith("$")) this.variable(value.slice(1).replace(/\.value$/, ""), at);
      if (isAttribute) this.attribute(`@${key}`, at, "search attribute");
      else if (key === "service") service = value;
      else if (!contract.globalTags.includes(key)) {
        const tags = ["service", ...contract.globalTags].join(", ");
        this.problems.push(`${at}: logs search filters on tag "${key}"; judge logs carry only ${tags} as tags`);
      }
    }
    if (service !== contract.judgeLog.service) {
      const got = service === undefined ? "no service filter" : `service:${service}`;
      this.problems.push(`${at}: a logs query must read the judge log (service:${contract.judgeLog.service}); got ${got}`);
    }
    const compute = q.compute as Json | undefined;
    if (compute?.metric !== undefined) this.attribute(compute.metric, at, "compute metric");
    const groupBy = q.group_by;
    const groups = Array.isArray(groupBy) ? (groupBy as Json[]) : groupBy ? [groupBy as Json] : [];
    for (const g of groups) {
      const facets = Array.isArray(g.fields) ? g.fields : [g.facet];
      for (const facet of facets) {
        this.attribute(facet, at, "group-by facet");
        logFacets.add(String(facet));
      }
      const sortMetric = (g.sort as Json | undefined)?.metric;
      if (sortMetric !== undefined && sortMetric !== "count") this.attribute(sortMetric, at, "sort metric");
    }
  }

  /** Custom links: a safe target, and only `{{names}}` the widget groups by, declared variables and Datadog's built-ins. */
  private links(links: unknown, at: string, groups: WidgetGroups): void {
    for (const link of asArray(links)) {
      const { label, link: url } = link as Json;
      const text = `${String(label ?? "")} ${String(url ?? "")}`;
      if (typeof url !== "string" || !/^(https?:\/\/|\/|@@dashboard-url:)/.test(url)) {
        this.problems.push(`${at}: custom link ${JSON.stringify(url)} must be http(s), "/"-relative or a dashboard placeholder`);
      }
      for (const m of text.matchAll(/\{\{\s*([^}]+?)\s*\}\}/g)) {
        const name = m[1].replace(/\.value$/, "");
        if (LINK_BUILTINS.has(name)) continue;
        if (name.startsWith("$")) this.variable(name.slice(1), at);
        else if (name.startsWith("@") ? !groups.logFacets.has(name) : !groups.tags.has(name)) {
          this.problems.push(`${at}: custom link uses {{${m[1]}}}, but the widget does not group by ${name}`);
        }
      }
      for (const m of text.matchAll(/tpl_var_([\w]+)=/g)) {
        if (!this.declared.has(m[1]))
          this.problems.push(`${at}: custom link sets tpl_var_${m[1]}, which is not a template variable of these dashboards`);
      }
    }
  }
}

/** Query names a formula uses: identifiers that are not function calls, numbers or quoted arguments. */
export function formulaReferences(expression: string): string[] {
  const bare = expression.replace(/'[^']*'|"[^"]*"/g, " ");
  return [...new Set([...bare.matchAll(/(?<![\w.])([A-Za-z_]\w*)\b(?!\s*\()/g)].map((m) => m[1]))];
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
