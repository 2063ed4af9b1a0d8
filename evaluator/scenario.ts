// The scenario file format (docs/scenarios.md): YAML, one scenario per file. Validated like
// the catalog: every problem with its path, all at once, before anything runs.
import * as fs from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { type PathSegment, problemsFromZod } from "../config/errors";
import { KNOWN_PROVIDERS } from "../config/schema";
import { TAG } from "../config/contract";
import { RESOURCE_TAG, tagValue } from "../config/names";
import { featureSlo, resolveSlo, SLO_OBJECTIVES } from "../config/slo";
import type { ScenarioCatalog, ScenarioFeature } from "./catalog";
import { compositeConstituents, type MonitorUnderTest } from "./monitor";
import { metricTerms, parseMetricMonitorQuery } from "./query";
import { parseDuration } from "./time";

const duration = z.string().refine((s) => parseDuration(s) !== undefined, { error: "must be a duration such as 14d (<int><s|m|h|d|w>)" });
const RELATIVE = /^-?\d+(?:\.\d+)?x$/;
/** A number, or `"<N>x"`: N times the feature's own limit for that key (docs/scenarios.md, "Relative values"). */
const relative = z.union([z.number(), z.string().regex(RELATIVE, { error: 'must be a number or "<N>x" (N times the feature\'s limit)' })]);
const positiveRelative = z.union([
  z.number().gt(0, { error: "must be greater than 0" }),
  z.string().regex(/^\d+(?:\.\d+)?x$/, { error: 'must be a number or "<N>x" (N times the feature\'s limit)' }),
]);
const rate = z.union([
  z.number().min(0, { error: "must be at least 0" }),
  z.object({ day: z.number().min(0), night: z.number().min(0) }).strict(),
]);
const latency = z.object({ p50: positiveRelative, p95: positiveRelative }).strict();

const trafficKeys = {
  tenants: z.number().int().min(1).max(100_000).optional(),
  requestsPerMinute: rate.optional(),
  /** Requests per minute such that this many are judged at the feature's own judgeSampleRate (optional form). */
  judgedPerMinute: rate.optional(),
  providers: z.record(z.string(), z.number().min(0)).optional(),
  /** A share of calls, or `"<N>x"`: N times the share the feature's availability SLO allows (docs/scenarios.md). */
  errorRate: z
    .union([
      z.number().min(0).max(1),
      z.string().regex(/^\d+(?:\.\d+)?x$/, {
        error: 'must be a share of calls from 0 to 1, or "<N>x" (N times the share the availability SLO allows)',
      }),
    ])
    .optional(),
  ttftMs: latency.optional(),
  totalMs: latency.optional(),
  retrievalMs: latency.optional(),
  costUsdPerRequest: z.union([z.number().min(0), z.string().regex(/^\d+(?:\.\d+)?x$/, { error: 'must be a number or "<N>x"' })]).optional(),
  judgeScore: z
    .object({ mean: relative, sd: z.number().min(0) })
    .strict()
    .optional(),
};

const trafficEntry = z.object({ feature: z.string(), ...trafficKeys }).strict();
const eventSet = z
  .object({
    ...trafficKeys,
    costMultiplier: z.number().min(0).optional(),
    judge: z.enum(["stalled", "ok"], { error: 'must be "stalled" or "ok"' }).optional(),
  })
  .strict();
const event = z
  .object({
    at: duration,
    until: duration.optional(),
    feature: z.string().optional(),
    tenant: z.string().optional(),
    provider: z.string().optional(),
    set: eventSet,
  })
  .strict();

const GROUP_KEYS = [TAG.feature, TAG.tenant, TAG.provider, TAG.index, TAG.objective] as const;
const STATE_NAMES = ["alert", "warn", "ok", "no data"] as const;
const NOTIFICATION_STATES = ["alert", "warn", "no data", "recovery"] as const;
const window = z.tuple([duration, duration]);
/** Optional: the expectation applies only to stacks whose `paging` equals this. */
const paging = z.boolean().optional();
/** Optional: the expectation applies only to stacks whose `ownsOrgResources` equals this (org-wide monitors). */
const ownsOrgResources = z.boolean().optional();

const stateExpectation = z
  .object({
    monitor: z.string().min(1),
    group: z.partialRecord(z.enum(GROUP_KEYS), z.string()).optional(),
    state: z.enum(STATE_NAMES, { error: `must be one of ${STATE_NAMES.join(", ")}` }),
    within: window.optional(),
    never: z.boolean().optional(),
    /** Optional: every matching monitor separately (one per feature for `feature: "*"`), not just some monitor. */
    each: z.boolean().optional(),
    paging,
    ownsOrgResources,
  })
  .strict();

const count = z.number().int().min(0);
const notifyExpectation = z
  .object({
    notifies: z.string().regex(/^@\S+$/, { error: "must be a handle (@<integration>-<name>) or a prefix ending in *" }),
    count: count.optional(),
    atLeast: count.optional(),
    atMost: count.optional(),
    within: window.optional(),
    monitor: z.string().min(1).optional(),
    /** Optional: as in state expectations, picks monitors (feature, objective) and groups (tenant, provider, index). */
    group: z.partialRecord(z.enum(GROUP_KEYS), z.string()).optional(),
    state: z.enum(NOTIFICATION_STATES, { error: `must be one of ${NOTIFICATION_STATES.join(", ")}` }).optional(),
    /** Optional: count only notifications whose message, rendered for that notification, contains this text. */
    mentions: z.string().min(1).optional(),
    /** Optional: the bound holds for every matching monitor separately. */
    each: z.boolean().optional(),
    paging,
    ownsOrgResources,
  })
  .strict();

const scenarioShape = z
  .object({
    name: z.string().min(1),
    start: z.iso.datetime({ error: "must be an ISO 8601 UTC date-time such as 2026-03-02T00:00:00Z" }),
    duration,
    seed: z.number().int().min(0).default(1),
    traffic: z.array(trafficEntry).default([]),
    events: z.array(event).default([]),
    expect: z.array(z.unknown()).min(1, { error: "must list at least one expectation" }),
  })
  .strict();

export type TrafficParams = Partial<z.output<z.ZodObject<typeof trafficKeys>>>;
export type TrafficEntry = z.output<typeof trafficEntry>;
export type ScenarioEvent = z.output<typeof event>;
export type StateExpectation = z.output<typeof stateExpectation>;
export type NotifyExpectation = z.output<typeof notifyExpectation>;
export type Expectation = StateExpectation | NotifyExpectation;
export type GroupKey = (typeof GROUP_KEYS)[number];

export interface Scenario {
  file: string;
  name: string;
  /** Epoch seconds. */
  start: number;
  /** Seconds. */
  duration: number;
  seed: number;
  traffic: TrafficEntry[];
  events: ScenarioEvent[];
  expect: Expectation[];
}

export interface ScenarioContext {
  catalog: ScenarioCatalog;
  monitors: MonitorUnderTest[];
  /** Building blocks of composite monitors (resource names): a kind names the composite, not its parts. */
  constituents?: ReadonlySet<string>;
  /** Resource name of the monitor a composite query references by this id (a composite's groups are its constituents'). */
  monitorById?: ReadonlyMap<string, string>;
}

export function isNotifyExpectation(e: Expectation): e is NotifyExpectation {
  return "notifies" in e;
}

/** Whether an expectation is about this stack (its optional `paging` and `ownsOrgResources` conditions). */
export function appliesTo(e: Expectation, catalog: ScenarioCatalog): boolean {
  return (
    (e.paging === undefined || e.paging === catalog.stack.paging) &&
    (e.ownsOrgResources === undefined || e.ownsOrgResources === catalog.stack.ownsOrgResources)
  );
}

/**
 * The monitors an expectation's `monitor:` names: a kind (its monitor:<kind> tag), a resource
 * name, or a Datadog name. A kind built as a composite names the composite and any constituent
 * that notifies on its own; its building blocks (`constituents`: muted, they notify no one)
 * carry the kind's tag too, and are named by resource name.
 */
export function monitorsNamed(
  monitors: readonly MonitorUnderTest[],
  name: string,
  constituents: ReadonlySet<string> = new Set(),
): MonitorUnderTest[] {
  return monitors.filter(
    (m) => m.id === name || m.body.name === name || (tagValue(m.body.tags, RESOURCE_TAG.monitor) === name && !constituents.has(m.id)),
  );
}

/**
 * Tags a monitor's groups carry (its query's group-by), the feature it belongs to, if per feature,
 * and the SLO objective it watches, if it is one of an SLO's monitors (its objective: tag). A
 * composite's groups are those of its multi-alert constituent (docs monitors/types/composite: "If
 * even one individual monitor is multi alert, then the composite monitor is also multi alert");
 * `stack` resolves the ids its query references.
 */
export function monitorGroupKeys(
  m: MonitorUnderTest,
  stack?: { monitors: readonly MonitorUnderTest[]; monitorById: ReadonlyMap<string, string> },
): { by: string[]; feature?: string; objective?: string } {
  const feature = tagValue(m.body.tags, RESOURCE_TAG.feature);
  const objective = tagValue(m.body.tags, RESOURCE_TAG.objective);
  if (m.body.type === "composite" && stack) {
    for (const ref of compositeConstituents(m)) {
      const c = stack.monitors.find((x) => x.id === (stack.monitorById.get(ref) ?? ref));
      const by = c ? monitorGroupKeys(c).by : [];
      if (by.length) return { by, feature, objective };
    }
    return { by: [], feature, objective };
  }
  if (m.body.type !== "query alert" && m.body.type !== "metric alert") return { by: [], feature, objective };
  try {
    const q = parseMetricMonitorQuery(m.body.query);
    return { by: metricTerms(q.expr).find((t) => t.by.length)?.by ?? [], feature, objective };
  } catch {
    return { by: [], feature, objective };
  }
}

/** The tag value a `group:` key picks whole monitors by: `feature` (per-feature monitors) and `objective` (SLO alerts). */
export function monitorPick(m: MonitorUnderTest, key: string): string | undefined {
  const g = monitorGroupKeys(m);
  return key === TAG.feature ? g.feature : key === TAG.objective ? g.objective : undefined;
}

/**
 * The share of calls `errorRate` stands for on a feature: a number as given, `"<N>x"` N times the
 * share its availability SLO allows (1 - target). A feature with `slo: false` has no target of its
 * own: the stack's (monitoring.slo, else the default) is used, so `feature: "*"` works on any catalog.
 */
export function errorShare(value: number | string, f: Pick<ScenarioFeature, "slo">, catalog: Pick<ScenarioCatalog, "stack">): number {
  if (typeof value === "number") return value;
  const slo = featureSlo(f, catalog.stack) ?? resolveSlo(undefined, catalog.stack.monitoring.slo)!;
  return (Number(value.slice(0, -1)) * (100 - slo.targets.availability)) / 100;
}

/**
 * A scenario file checked against one stack: the scenario, or every problem as `<path>: <message>`.
 * `missing` names what the scenario refers to that this stack lacks (a feature, a monitor, a
 * monitor grouped by some tag), each also in `problems`: when it is all that is wrong, the
 * scenario is about something this stack does not have, rather than malformed (the diff reports
 * it as not applicable to that side).
 */
export interface CheckedScenario {
  scenario?: Scenario;
  problems: string[];
  missing: string[];
  /** Every problem is something this stack lacks. */
  onlyMissing?: boolean;
}

/** Reads and validates one scenario file. */
export function loadScenario(file: string, ctx: ScenarioContext): CheckedScenario {
  let doc: unknown;
  try {
    doc = parseYaml(fs.readFileSync(file, "utf8"));
  } catch (e) {
    return { problems: [`not readable YAML: ${(e as Error).message.split("\n")[0]}`], missing: [] };
  }
  return validateScenario(doc, file, ctx);
}

export function validateScenario(doc: unknown, file: string, ctx: ScenarioContext): CheckedScenario {
  const problems: string[] = [];
  const missing: string[] = [];
  const add = (path: PathSegment[], message: string) => problems.push(`${pathText(path)}: ${message}`);
  let absences = 0;
  const absent = (what: string, path: PathSegment[], message: string) => {
    if (!missing.includes(what)) missing.push(what);
    absences++;
    add(path, message);
  };
  const top = scenarioShape.safeParse(doc, { reportInput: true });
  if (!top.success) problems.push(...problemsFromZod("", top.error.issues).map((p) => `${p.path || "(file)"}: ${p.message}`));
  const expect: Expectation[] = [];
  const rawExpect = (doc as { expect?: unknown })?.expect;
  if (Array.isArray(rawExpect)) {
    rawExpect.forEach((item, i) => {
      const schema = item && typeof item === "object" && "notifies" in item ? notifyExpectation : stateExpectation;
      const r = schema.safeParse(item, { reportInput: true });
      if (!r.success)
        problems.push(
          ...problemsFromZod("", r.error.issues).map((p) => `${pathText(["expect", i])}${p.path ? `.${p.path}` : ""}: ${p.message}`),
        );
      else expect.push(r.data as Expectation);
    });
  }
  if (!top.success || problems.length) return { problems, missing };
  const s = top.data;
  const total = parseDuration(s.duration)!;
  const ids = new Set(ctx.catalog.features.map((f) => f.id));
  const featureRef = (v: string | undefined, path: PathSegment[]) => {
    if (v !== undefined && v !== "*" && !ids.has(v))
      absent(`feature ${v}`, path, `unknown feature "${v}" (known: ${[...ids].join(", ")}, or "*")`);
  };
  const offset = (v: string, path: PathSegment[]) => {
    const d = parseDuration(v)!;
    if (d > total) add(path, `${v} is after the end of the scenario (duration ${s.duration})`);
    return d;
  };
  const checkErrorShare = (v: number | string | undefined, feature: string, path: PathSegment[]) => {
    if (typeof v !== "string") return;
    for (const f of ctx.catalog.features) {
      if (feature !== "*" && feature !== f.id) continue;
      const share = errorShare(v, f, ctx.catalog);
      if (share > 1) {
        const allowed = Math.round((share / Number(v.slice(0, -1))) * 100_000) / 1000;
        add(path, `${v} is ${Math.round(share * 1000) / 10} % of the calls of ${f.id}, more than all of them (1x is ${allowed} %)`);
        return;
      }
    }
  };
  const maxTenants = Math.max(0, ...[...s.traffic.map((t) => t.tenants ?? 20), ...s.events.map((e) => e.set.tenants ?? 0)]);
  s.traffic.forEach((t, i) => {
    featureRef(t.feature, ["traffic", i, "feature"]);
    if (t.requestsPerMinute === undefined && t.judgedPerMinute === undefined)
      add(["traffic", i, "requestsPerMinute"], "required (or judgedPerMinute)");
    if (t.requestsPerMinute !== undefined && t.judgedPerMinute !== undefined)
      add(["traffic", i, "judgedPerMinute"], "give requestsPerMinute or judgedPerMinute, not both");
    if (typeof t.judgeScore?.mean === "string")
      add(["traffic", i, "judgeScore", "mean"], 'must be a number here ("<N>x" shifts a mean, in events only)');
    checkProviders(t.providers, ["traffic", i, "providers"], add);
    checkErrorShare(t.errorRate, t.feature, ["traffic", i, "errorRate"]);
  });
  s.events.forEach((e, i) => {
    featureRef(e.feature, ["events", i, "feature"]);
    const at = offset(e.at, ["events", i, "at"]);
    if (e.until !== undefined && offset(e.until, ["events", i, "until"]) <= at) add(["events", i, "until"], `must be after at (${e.at})`);
    if (e.tenant !== undefined && e.tenant !== "*") {
      const m = /^t-(\d{3,6})$/.exec(e.tenant);
      if (!m) add(["events", i, "tenant"], 'must be a scenario tenant such as "t-007"');
      else if (Number(m[1]) < 1 || Number(m[1]) > maxTenants)
        add(["events", i, "tenant"], `no such tenant: the traffic has ${maxTenants} (t-001 ... t-${String(maxTenants).padStart(3, "0")})`);
    }
    if (
      e.provider !== undefined &&
      e.provider !== "*" &&
      e.provider !== "other" &&
      !(KNOWN_PROVIDERS as readonly string[]).includes(e.provider)
    )
      add(["events", i, "provider"], `unknown provider "${e.provider}" (known: ${KNOWN_PROVIDERS.join(", ")}, other, or "*")`);
    if ((e.tenant !== undefined || e.provider !== undefined) && (e.set.tenants !== undefined || e.set.providers !== undefined))
      add(["events", i, "set"], "tenants and providers are per feature: they cannot be set for one tenant or provider");
    if (e.set.requestsPerMinute !== undefined && e.set.judgedPerMinute !== undefined)
      add(["events", i, "set", "judgedPerMinute"], "give requestsPerMinute or judgedPerMinute, not both");
    checkProviders(e.set.providers, ["events", i, "set", "providers"], add);
    checkErrorShare(e.set.errorRate, e.feature ?? "*", ["events", i, "set", "errorRate"]);
  });
  expect.forEach((x, i) => {
    const path: PathSegment[] = ["expect", i];
    // An expectation about other stacks (an org-wide monitor on a stack without org resources) names monitors this one lacks.
    if (!appliesTo(x, ctx.catalog)) return;
    if (x.within) {
      const a = offset(x.within[0], [...path, "within", 0]);
      const b = offset(x.within[1], [...path, "within", 1]);
      if (b < a) add([...path, "within"], `${x.within[1]} is before ${x.within[0]}`);
    }
    if (isNotifyExpectation(x)) {
      const given = [x.count, x.atLeast, x.atMost].filter((v) => v !== undefined).length;
      if (given !== 1) add(path, "give exactly one of count, atLeast, atMost");
      if (x.monitor !== undefined && monitorsNamed(ctx.monitors, x.monitor, ctx.constituents).length === 0) {
        absent(`monitor ${x.monitor}`, [...path, "monitor"], unknownMonitor(x.monitor, ctx));
        return;
      }
      if (!x.group) return;
    }
    const named = x.monitor === undefined ? [...ctx.monitors] : monitorsNamed(ctx.monitors, x.monitor, ctx.constituents);
    if (named.length === 0) {
      if (x.monitor !== undefined) absent(`monitor ${x.monitor}`, [...path, "monitor"], unknownMonitor(x.monitor, ctx));
      return;
    }
    for (const [key, value] of Object.entries(x.group ?? {})) {
      const usable = named.some(
        (m) =>
          monitorPick(m, key) !== undefined ||
          monitorGroupKeys(m, { monitors: ctx.monitors, monitorById: ctx.monitorById ?? new Map() }).by.includes(key),
      );
      if (!usable)
        absent(
          `${x.monitor ?? "*"} by ${key}`,
          [...path, "group", key],
          `monitor "${x.monitor ?? "*"}" is neither per ${key} nor grouped by ${key}`,
        );
      if (key === TAG.feature) featureRef(value, [...path, "group", key]);
      if (key === TAG.objective && value !== "*" && !(SLO_OBJECTIVES as readonly string[]).includes(value))
        add([...path, "group", key], `unknown objective "${value}" (known: ${SLO_OBJECTIVES.join(", ")}, or "*")`);
    }
  });
  if (problems.length) return { problems, missing, onlyMissing: absences === problems.length };
  return {
    scenario: {
      file,
      name: s.name,
      start: Date.parse(s.start) / 1000,
      duration: total,
      seed: s.seed,
      traffic: s.traffic,
      events: s.events,
      expect,
    },
    problems,
    missing,
  };
}

function checkProviders(p: Record<string, number> | undefined, path: PathSegment[], add: (p: PathSegment[], m: string) => void): void {
  if (!p) return;
  if (Object.values(p).reduce((a, b) => a + b, 0) <= 0) add(path, "shares must add up to more than 0");
  for (const name of Object.keys(p)) {
    if (!(KNOWN_PROVIDERS as readonly string[]).includes(name))
      add([...path, name], `unknown provider (known: ${KNOWN_PROVIDERS.join(", ")})`);
  }
}

function unknownMonitor(name: string, ctx: ScenarioContext): string {
  const kinds = [...new Set(ctx.monitors.map((m) => tagValue(m.body.tags, RESOURCE_TAG.monitor)).filter(Boolean))].sort();
  return `no monitor "${name}" in this stack (a kind: ${kinds.join(", ")}; or a resource name, or a monitor's name)`;
}

function pathText(path: PathSegment[]): string {
  let out = "";
  for (const s of path) out += typeof s === "number" ? `[${s}]` : out ? `.${s}` : s;
  return out;
}
