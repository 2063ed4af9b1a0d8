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
/** Context-link variables Datadog fills in itself (docs dashboards/guide/context-links). */
const LINK_BUILTINS = new Set(["timestamp_start", "timestamp_end", "tags"]);

type Json = Record<string, unknown>;

/** Every problem found, each prefixed with where it is (`widgets[2].widgets[0] "Title"`). */
export function lintDashboard(body: unknown, contract: MetricContract): string[] {
  const problems: string[] = [];
  const dashboard = (body ?? {}) as Json;
  const contractTags = new Set(Object.values(contract.metrics).flatMap((m) => queryableTags(contract, m)));
  const judgeAttributes = new Set(Object.values(contract.judgeLog.attributes));

  // name -> tag key it filters on
  const declared = new Map<string, string>();
  asArray(dashboard.template_variables).forEach((tv, i) => {
    const { name, prefix } = tv as Json;
    const where = `template_variables[${i}]`;
    if (typeof name !== "string" || !name) return void problems.push(`${where}: has no name`);
    if (declared.has(name)) problems.push(`${where}: duplicate template variable $${name}`);
    if (typeof prefix !== "string" || !contractTags.has(prefix)) {
      problems.push(`${where} ($${name}): prefix ${JSON.stringify(prefix)} is not a tag key of any contract metric`);
    }
    declared.set(name, typeof prefix === "string" ? prefix : name);
  });

  const checkVariable = (variable: string, at: string): string | undefined => {
    const tag = declared.get(variable);
    if (tag === undefined)
      problems.push(
        `${at}: $${variable} is not a template variable of this dashboard (declared: ${[...declared.keys()].map((v) => `$${v}`).join(", ") || "none"})`,
      );
    return tag;
  };

  const lintMetricQuery = (query: string, at: string, groupTags: Set<string>) => {
    const terms = extractMetricTerms(query);
    if (!terms.length) problems.push(`${at}: no "<aggregation>:<metric>{<scope>}" term found in ${JSON.stringify(query)}`);
    for (const term of terms) {
      for (const tag of term.by) groupTags.add(tag);
      const def = contractMetric(contract, term.metric);
      if (typeof def === "string") {
        problems.push(`${at}: ${def}`);
        continue;
      }
      const tags = term.scope.flatMap((entry) => {
        const { variable, tag } = scopeTagKey(entry);
        if (variable === undefined) return tag === undefined ? [] : [{ tag, how: "filter" }];
        // Setting the variable would filter on a tag the metric never has: the graph blanks.
        const varTag = checkVariable(variable, at);
        return varTag === undefined ? [] : [{ tag: varTag, how: `$${variable} would blank it when set` }];
      });
      tags.push(...term.by.map((tag) => ({ tag, how: "group-by" })));
      problems.push(
        ...termProblems(contract, def, { aggregation: term.aggregation, asCount: term.asCount, tags }).map((p) => `${at}: ${p}`),
      );
    }
  };

  const attribute = (raw: unknown, at: string, what: string) => {
    const name = typeof raw === "string" ? raw.replace(/^@/, "") : "";
    if (typeof raw !== "string" || !raw.startsWith("@") || !judgeAttributes.has(name)) {
      problems.push(
        `${at}: ${what} ${JSON.stringify(raw)} is not a judge-log attribute (${[...judgeAttributes].map((a) => `@${a}`).join(", ")})`,
      );
    }
  };

  const lintLogsQuery = (q: Json, at: string, logFacets: Set<string>) => {
    const search = String((q.search as Json | undefined)?.query ?? "");
    let service: string | undefined;
    for (const raw of search.split(/\s+/).filter(Boolean)) {
      const token = raw.replace(/^-/, "");
      if (token.startsWith("$")) {
        checkVariable(token.slice(1).replace(/\.value$/, ""), at);
        continue;
      }
      const m = /^(@?)([\w.]+):(.+)$/.exec(token);
      if (!m) {
        problems.push(`${at}: logs search term ${JSON.stringify(raw)} is not an attribute, tag or variable filter`);
        continue;
      }
      const [, at_, key, value] = m;
      if (value.startsWith("$")) checkVariable(value.slice(1).replace(/\.value$/, ""), at);
      if (at_) attribute(`@${key}`, at, "search attribute");
      else if (key === "service") service = value;
      else if (!contract.globalTags.includes(key))
        problems.push(
          `${at}: logs search filters on tag "${key}"; judge logs carry only ${["service", ...contract.globalTags].join(", ")} as tags`,
        );
    }
    if (service !== contract.judgeLog.service) {
      problems.push(
        `${at}: a logs query must read the judge log (service:${contract.judgeLog.service}); got ${service === undefined ? "no service filter" : `service:${service}`}`,
      );
    }
    const compute = q.compute as Json | undefined;
    if (compute?.metric !== undefined) attribute(compute.metric, at, "compute metric");
    const groupBy = q.group_by;
    const groups = Array.isArray(groupBy) ? (groupBy as Json[]) : groupBy ? [groupBy as Json] : [];
    for (const g of groups) {
      const facets = Array.isArray(g.fields) ? g.fields : [g.facet];
      for (const facet of facets) {
        attribute(facet, at, "group-by facet");
        logFacets.add(String(facet));
      }
      const sortMetric = (g.sort as Json | undefined)?.metric;
      if (sortMetric !== undefined && sortMetric !== "count") attribute(sortMetric, at, "sort metric");
    }
  };

  const lintLinks = (links: unknown, at: string, groupTags: Set<string>, logFacets: Set<string>) => {
    for (const link of asArray(links)) {
      const { label, link: url } = link as Json;
      const text = `${String(label ?? "")} ${String(url ?? "")}`;
      if (typeof url !== "string" || !/^(https?:\/\/|\/|@@dashboard-url:)/.test(url)) {
        problems.push(`${at}: custom link ${JSON.stringify(url)} must be http(s), "/"-relative or a dashboard placeholder`);
      }
      for (const m of text.matchAll(/\{\{\s*([^}]+?)\s*\}\}/g)) {
        const name = m[1].replace(/\.value$/, "");
        if (LINK_BUILTINS.has(name)) continue;
        if (name.startsWith("$")) checkVariable(name.slice(1), at);
        else if (name.startsWith("@") ? !logFacets.has(name) : !groupTags.has(name)) {
          problems.push(`${at}: custom link uses {{${m[1]}}}, but the widget does not group by ${name}`);
        }
      }
      for (const m of text.matchAll(/tpl_var_([\w]+)=/g)) {
        if (!declared.has(m[1]))
          problems.push(`${at}: custom link sets tpl_var_${m[1]}, which is not a template variable of these dashboards`);
      }
    }
  };

  const visit = (widgets: unknown, path: string) => {
    asArray(widgets).forEach((w, i) => {
      const def = ((w as Json)?.definition ?? {}) as Json;
      const where = `${path}[${i}]`;
      if (def.type === "group") return visit(def.widgets, `${where}.widgets`);
      const at = `${where} ${JSON.stringify(String(def.title ?? def.type))}`;
      if (def.requests === undefined) return;
      if (!Array.isArray(def.requests)) return void problems.push(`${at}: requests must be a list of queries + formulas requests`);
      const groupTags = new Set<string>();
      const logFacets = new Set<string>();
      (def.requests as Json[]).forEach((r, j) => {
        for (const k of LEGACY_REQUEST_KEYS)
          if (k in r) problems.push(`${at}: request ${j} uses deprecated "${k}"; use queries + formulas`);
        const queries = asArray(r.queries) as Json[];
        if (!queries.length) problems.push(`${at}: request ${j} has no queries`);
        const names = new Set<string>();
        for (const q of queries) {
          const name = String(q.name);
          if (names.has(name)) problems.push(`${at}: request ${j} has two queries named "${name}"`);
          names.add(name);
          if (q.data_source === "metrics") lintMetricQuery(String(q.query ?? ""), at, groupTags);
          else if (q.data_source === "logs") lintLogsQuery(q, at, logFacets);
          else
            problems.push(
              `${at}: query "${name}" uses data source ${JSON.stringify(q.data_source)}; only contract metrics and the judge log are allowed`,
            );
        }
        const formulas = asArray(r.formulas) as Json[];
        if (!formulas.length) problems.push(`${at}: request ${j} has no formulas`);
        for (const f of formulas) {
          for (const ref of formulaReferences(String(f.formula ?? ""))) {
            if (!names.has(ref))
              problems.push(`${at}: formula ${JSON.stringify(f.formula)} references "${ref}", which is not a query of its request`);
          }
        }
      });
      lintLinks(def.custom_links, at, groupTags, logFacets);
    });
  };
  visit(dashboard.widgets, "widgets");
  // Requests of one widget often repeat a query (raw line + moving average): report once.
  return [...new Set(problems)];
}

/** Query names a formula uses: identifiers that are not function calls, numbers or quoted arguments. */
export function formulaReferences(expression: string): string[] {
  const bare = expression.replace(/'[^']*'|"[^"]*"/g, " ");
  return [...new Set([...bare.matchAll(/(?<![\w.])([A-Za-z_]\w*)\b(?!\s*\()/g)].map((m) => m[1]))];
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
