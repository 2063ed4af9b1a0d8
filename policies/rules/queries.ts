// Rules over the queries inside monitors and dashboards. Grouping a metric by an unbounded
// id makes every user, session, request or trace its own series: a billed custom metric per
// id, and for a monitor one alert group per id. Datadog's own tagging guide says tags must
// not come from unbounded sources.
import * as datadog from "@pulumi/datadog";
import { type ResourceValidationPolicy, type ResourceValidationArgs, type ReportViolation, validateResourceOfType } from "@pulumi/policy";
import { metricContract } from "../../config/contract";
import { asString } from "./common";

/**
 * Tag keys and log facets treated as unbounded by name, matched case-insensitively against the
 * key with any leading `@`, and against its last dotted segment (`@usr.id`, `dd.trace_id`).
 */
export const DEFAULT_UNBOUNDED_KEYS = [
  "^(usr|user|session|request|req|trace|span|conversation|correlation)[._-]?(id|uuid)$",
  "^(usr|user)([._-]?(email|name))?$",
  "^(session|request|trace)$",
];

/**
 * Any identifier key: `*_id`, `*-id`, `*.id`, `*Id`, `id`, and the same with uuid/guid. An id
 * names one thing among an open-ended set (a thread, a message, a customer), which Datadog's
 * tagging guidance rules out as a tag source ("tags shouldn't originate from unbounded
 * sources, such as epoch timestamps, user IDs, or request IDs": docs
 * getting_started/tagging, "Define tags"). Unbounded unless the metric contract declares the key as one of its tags.
 */
const IDENTIFIER_KEY = /(^|[._-])(id|uuid|guid)$/i;
const CAMEL_IDENTIFIER_KEY = /[a-z0-9](Id|ID|Uuid|UUID|Guid|GUID)$/;

/**
 * Tag keys the metric contract declares (config/contract.ts), bounded by construction: the
 * emitter sends only those keys, each value checked or capped (e.g. tenants beyond the cap
 * report as the overflow bucket). A contract key that ends in `_id` stays bounded.
 */
export function contractTagKeys(): string[] {
  const contract = metricContract();
  return [...new Set([...contract.globalTags, ...Object.values(contract.metrics).flatMap((m) => m.tags)])].sort();
}

/**
 * A structured (logs, events, spans) group-by over an unbounded facet is allowed only as an
 * explicit top-N with at most this many rows: a bounded list a human reads (the dashboards'
 * "bottom 20 judged traces" table groups judge logs by trace id on purpose). Metric group-bys
 * have no such escape: the series exist whether or not anyone looks at them.
 */
export const MAX_TOP_N = 100;

interface GroupByConfig {
  unboundedKeys?: string[];
  boundedKeys?: string[];
}

function unboundedMatcher(config: GroupByConfig): (key: string) => boolean {
  const patterns = (config.unboundedKeys ?? DEFAULT_UNBOUNDED_KEYS).map((p) => new RegExp(p, "i"));
  const bounded = new Set((config.boundedKeys ?? contractTagKeys()).map((k) => k.toLowerCase()));
  return (key) => {
    const bare = key.trim().replace(/^@/, "");
    const last = bare.split(".").pop() ?? bare;
    if (patterns.some((p) => p.test(bare) || p.test(last))) return true;
    return !bounded.has(bare.toLowerCase()) && (IDENTIFIER_KEY.test(bare) || CAMEL_IDENTIFIER_KEY.test(bare));
  };
}

/** Group-by keys written in a query string: `... by {tenant,user_id}` and `.by("@usr.id")`. */
export function queryGroupByKeys(query: string): string[] {
  const keys: string[] = [];
  for (const m of query.matchAll(/\bby\s*\{([^}]*)\}/g)) keys.push(...m[1].split(","));
  for (const m of query.matchAll(/\.by\(\s*["']([^"']*)["']\s*\)/g)) keys.push(...m[1].split(","));
  return keys.map((k) => k.trim()).filter(Boolean);
}

interface Finding {
  where: string;
  key: string;
  query: string;
}

/** Walks a dashboard body and returns every unbounded group-by with the widget it sits in. */
export function dashboardUnboundedGroupBys(body: unknown, isUnbounded: (key: string) => boolean): Finding[] {
  const findings: Finding[] = [];
  const visit = (node: unknown, widget: string) => {
    if (Array.isArray(node)) {
      node.forEach((n) => visit(n, widget));
      return;
    }
    if (node === null || typeof node !== "object") return;
    const obj = node as Record<string, unknown>;
    const title = typeof obj.title === "string" && typeof obj.type === "string" ? `widget "${obj.title}"` : widget;
    for (const field of ["query", "q"]) {
      const text = obj[field];
      if (typeof text === "string") {
        for (const key of queryGroupByKeys(text).filter(isUnbounded)) findings.push({ where: title, key, query: text });
      }
    }
    if (Array.isArray(obj.group_by)) {
      for (const g of obj.group_by) {
        const facet =
          typeof g === "string" ? g : typeof (g as { facet?: unknown })?.facet === "string" ? (g as { facet: string }).facet : undefined;
        if (facet === undefined || !isUnbounded(facet)) continue;
        const limit = typeof g === "object" && g !== null ? (g as { limit?: unknown }).limit : undefined;
        if (typeof limit !== "number" || limit > MAX_TOP_N) {
          findings.push({
            where: title,
            key: facet,
            query: `group_by ${facet}${typeof limit === "number" ? ` limit ${limit}` : " without limit"}`,
          });
        }
      }
    }
    for (const [k, v] of Object.entries(obj)) if (k !== "query" && k !== "q") visit(v, title);
    // A structured query object sits under `query` too (logs widgets); walk it as well.
    if (obj.query !== null && typeof obj.query === "object") visit(obj.query, title);
  };
  visit(body, "dashboard");
  return findings;
}

const FIX =
  "Group by a bounded tag instead (feature, tenant, provider, model), and look individual ids up in logs or traces; " +
  "a top-N list over logs needs an explicit limit of at most " +
  MAX_TOP_N +
  ".";

function checkMonitor(monitor: { query?: unknown }, args: ResourceValidationArgs, report: ReportViolation) {
  const isUnbounded = unboundedMatcher(args.getConfig<GroupByConfig>());
  const query = asString(monitor.query) ?? "";
  for (const key of queryGroupByKeys(query).filter(isUnbounded)) {
    report(
      `monitor "${args.name}" groups by ${key} in "${query}": ${key} is unbounded, so the monitor creates one alert group (and series) ` +
        `per id. ${FIX}`,
    );
  }
}

function checkDashboard(dashboard: { dashboard?: unknown }, args: ResourceValidationArgs, report: ReportViolation) {
  const text = asString(dashboard.dashboard);
  if (text === undefined) return;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return; // dashboard-has-team-tag reports an unreadable body.
  }
  for (const f of dashboardUnboundedGroupBys(body, unboundedMatcher(args.getConfig<GroupByConfig>()))) {
    report(
      `dashboard "${args.name}" ${f.where} groups by ${f.key} ("${f.query}"): ${f.key} is unbounded, so every id becomes its own ` +
        `series. ${FIX}`,
    );
  }
}

export const noUnboundedGroupBy: ResourceValidationPolicy = {
  name: "no-unbounded-group-by",
  description:
    "No monitor or dashboard query groups by an unbounded key: user, session, request or trace ids, and any other *_id key the metric " +
    "contract does not declare (thread_id, message_id, customer_id, ...). Each id would become its own series (a billed custom metric) " +
    "and, in a monitor, its own alert.",
  remediationSteps: FIX,
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      unboundedKeys: {
        type: "array",
        items: { type: "string" },
        description:
          "Case-insensitive regular expressions for unbounded tag keys / facets, on top of every *_id key. Default: user, session, " +
          "request, trace, span and conversation ids and names.",
      },
      boundedKeys: {
        type: "array",
        items: { type: "string" },
        description:
          "Tag keys that are bounded even though they look like ids (unboundedKeys still wins). Default: the tag keys of the metric " +
          "contract (config/contract.ts).",
      },
    },
  },
  validateResource: [
    validateResourceOfType(datadog.Monitor, (monitor, args, report) => checkMonitor(monitor, args, report)),
    validateResourceOfType(datadog.DashboardJson, (dashboard, args, report) => checkDashboard(dashboard, args, report)),
  ],
};

export const queryRules = [noUnboundedGroupBy];
