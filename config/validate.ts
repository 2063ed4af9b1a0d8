// The one edge where untrusted config becomes a typed Catalog. Everything downstream
// (builders, components, tools) takes a Catalog and never re-validates.
import { z } from "zod";
import { ConfigError, type ConfigProblem, problemsFromZod, showValue } from "./errors";
import { type MetricContract, metricContract } from "./contract";
import { CONFIG_NAMESPACE } from "./names";
import { rotationAnchor } from "./time";
import {
  BURN_ALERTS,
  maxBurnRate,
  minTargetFor,
  SLO_DEFAULTS,
  SLO_OBJECTIVES,
  SLO_TARGET_RANGE,
  SLO_WINDOWS,
  type SloObjective,
  type SloWindow,
} from "./slo";
import {
  CHAPTER_DEFAULTS,
  type Feature,
  featureSchema,
  KNOWN_PROVIDERS,
  SENTRY_DEFAULTS,
  SLUG,
  type StackConfig,
  stackConfigSchema,
  type Team,
  teamSchema,
} from "./schema";

export interface Catalog {
  features: Feature[];
  teams: Team[];
  stack: StackConfig;
  contract: MetricContract;
}

export interface RawCatalog {
  features: unknown;
  teams: unknown;
  /** The `llm-observability:` keys, already decoded (see stackConfigFromPulumi). */
  config: unknown;
}

export type ValidationResult = { ok: true; catalog: Catalog } | { ok: false; problems: ConfigProblem[] };

const CONFIG_ROOT = CONFIG_NAMESPACE;

/** Validates everything and reports every problem at once, each with its exact path. */
export function validateCatalog(raw: RawCatalog): ValidationResult {
  const problems: ConfigProblem[] = [];
  const parse = <T extends z.ZodType>(schema: T, value: unknown, root: string) => {
    const r = schema.safeParse(value, { reportInput: true });
    if (!r.success) problems.push(...problemsFromZod(root, r.error.issues));
    return r.success ? (r.data as z.output<T>) : undefined;
  };

  // An empty catalog has nothing to observe, and its dashboards would have widgets with no queries.
  const features = parse(z.array(featureSchema).min(1, { error: "must list at least one feature" }), raw.features, "features");
  const teams = parse(z.array(teamSchema).min(1, { error: "must list at least one team" }), raw.teams, "teams");
  const stack = parse(stackConfigSchema, raw.config, CONFIG_ROOT);

  // Cross-field rules run on the raw input so they report even when a sibling field is broken.
  const rawTeams = asArray(raw.teams);
  const rawFeatures = asArray(raw.features);
  const teamIds = [...new Set(rawTeams.map((t) => field(t, "id")).filter((id): id is string => typeof id === "string"))];
  problems.push(...crossCheckTeams(rawTeams));
  problems.push(...crossCheckOnCall(rawTeams, teamIds));
  problems.push(...crossCheckFeatures(rawFeatures, teamIds));
  problems.push(...crossCheckErrorThresholds(rawFeatures, raw.config));
  problems.push(...crossCheckSentryPaging(rawFeatures, raw.config, teamIds));
  problems.push(...crossCheckOrgResources(raw.config));
  problems.push(...crossCheckSlos(rawFeatures, raw.config));
  const platformTeam = field(raw.config, "platformTeam");
  if (typeof platformTeam === "string" && !teamIds.includes(platformTeam)) {
    problems.push({ path: `${CONFIG_ROOT}platformTeam`, message: unknownTeam(platformTeam, teamIds) });
  }

  if (problems.length > 0 || !features || !teams || !stack) return { ok: false, problems: inReadingOrder(dedupe(problems)) };
  const contract = metricContract({ prefix: stack.metricPrefix, flags: features.flatMap((f) => f.flags) });
  return { ok: true, catalog: { features, teams, stack, contract } };
}

/** Like validateCatalog, but throws a ConfigError listing every problem. */
export function loadCatalog(raw: RawCatalog): Catalog {
  const result = validateCatalog(raw);
  if (!result.ok) throw new ConfigError(result.problems);
  return result.catalog;
}

/**
 * Decodes the flat `project:key -> string` map that Pulumi hands the program
 * (`pulumi.runtime.allConfig()`) into the stack config object. Structured values
 * arrive as JSON strings; booleans and numbers as their text.
 */
export function stackConfigFromPulumi(all: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(all)) {
    if (!key.startsWith(CONFIG_NAMESPACE)) continue;
    out[key.slice(CONFIG_NAMESPACE.length)] = decodeConfigValue(text);
  }
  return out;
}

function decodeConfigValue(text: string): unknown {
  const t = text.trim();
  if (/^[[{]/.test(t) || t === "true" || t === "false" || /^-?\d+(\.\d+)?$/.test(t)) {
    try {
      return JSON.parse(t);
    } catch {
      return text;
    }
  }
  return text;
}

function crossCheckTeams(rawTeams: unknown[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seenIds = new Map<string, number>();
  rawTeams.forEach((team, i) => {
    const id = field(team, "id");
    if (typeof id === "string") {
      const first = seenIds.get(id);
      if (first !== undefined) problems.push({ path: `teams[${i}].id`, message: `duplicate team id "${id}" (also teams[${first}])` });
      else seenIds.set(id, i);
    }
    const onCall = field(team, "onCall");
    const members = asArray(field(onCall, "members"));
    const seenEmails = new Map<string, number>();
    members.forEach((m, j) => {
      if (typeof m !== "string") return;
      const key = m.toLowerCase();
      const first = seenEmails.get(key);
      if (first !== undefined) {
        problems.push({
          path: `teams[${i}].onCall.members[${j}]`,
          message: `duplicate email "${m}" (also members[${first}]); each engineer takes one weekly turn`,
        });
      } else seenEmails.set(key, j);
    });
    const tz = field(field(onCall, "handoff"), "timeZone");
    if (typeof tz === "string" && !isTimeZone(tz)) {
      problems.push({
        path: `teams[${i}].onCall.handoff.timeZone`,
        message: `unknown IANA time zone ${showValue(tz)} (e.g. Europe/Berlin)`,
      });
    }
  });
  return problems;
}

/** Rules between on-call fields: the rotation anchor must be a handoff, the secondary must resolve. */
function crossCheckOnCall(rawTeams: unknown[], teamIds: string[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  rawTeams.forEach((team, i) => {
    const onCall = field(team, "onCall");
    const handoff = teamSchema.shape.onCall.shape.handoff.safeParse(field(onCall, "handoff"));
    const rotationStart = teamSchema.shape.onCall.shape.rotationStart.safeParse(field(onCall, "rotationStart"));
    if (handoff.success && rotationStart.success && isTimeZone(handoff.data.timeZone)) {
      const anchor = rotationAnchor(rotationStart.data, handoff.data);
      if (!anchor.ok) problems.push({ path: `teams[${i}].onCall.rotationStart`, message: anchor.message });
    }
    const secondary = field(onCall, "secondary");
    if (typeof secondary === "string" && !secondary.includes("@") && SLUG.test(secondary)) {
      if (secondary === field(team, "id")) {
        problems.push({
          path: `teams[${i}].onCall.secondary`,
          message: `must not be the team itself ("${secondary}"): the on-call schedule is already the first level (omit it to loop)`,
        });
      } else if (!teamIds.includes(secondary)) {
        problems.push({ path: `teams[${i}].onCall.secondary`, message: unknownTeam(secondary, teamIds) });
      }
    }
  });
  return problems;
}

/** Warning must fire before critical, per feature after the stack defaults are applied. */
function crossCheckErrorThresholds(rawFeatures: unknown[], rawConfig: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const sentry = field(rawConfig, "sentry");
  const stackCritical = numberOr(field(sentry, "criticalCount10m"), SENTRY_DEFAULTS.criticalCount10m);
  const stackWarning = numberOr(field(sentry, "warningCount10m"), SENTRY_DEFAULTS.warningCount10m);
  if (stackCritical !== undefined && stackWarning !== undefined && stackWarning >= stackCritical) {
    problems.push({
      path: `${CONFIG_ROOT}sentry.warningCount10m`,
      message: `must be below sentry.criticalCount10m (${stackCritical}) (got ${stackWarning})`,
    });
    return problems;
  }
  rawFeatures.forEach((f, i) => {
    const errors = field(f, "errors");
    const ownCritical = field(errors, "criticalCount10m");
    const ownWarning = field(errors, "warningCount10m");
    if (ownCritical === undefined && ownWarning === undefined) return;
    const critical = numberOr(ownCritical, stackCritical ?? SENTRY_DEFAULTS.criticalCount10m);
    const warning = numberOr(ownWarning, stackWarning ?? SENTRY_DEFAULTS.warningCount10m);
    if (critical === undefined || warning === undefined || warning < critical) return;
    if (ownWarning !== undefined) {
      const source =
        ownCritical === undefined ? `the stack's sentry.criticalCount10m (${critical})` : `errors.criticalCount10m (${critical})`;
      problems.push({ path: `features[${i}].errors.warningCount10m`, message: `must be below ${source} (got ${warning})` });
    } else {
      problems.push({
        path: `features[${i}].errors.criticalCount10m`,
        message: `must be above the stack's sentry.warningCount10m (${warning}); set errors.warningCount10m too (got ${critical})`,
      });
    }
  });
  return problems;
}

/** Sentry's PagerDuty action needs Sentry's own id of each owning team's service. */
function crossCheckSentryPaging(rawFeatures: unknown[], rawConfig: unknown, teamIds: string[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const services = field(rawConfig, "sentryPagerdutyServices");
  const mapped = services !== null && typeof services === "object" && !Array.isArray(services) ? Object.keys(services) : [];
  for (const team of mapped) {
    if (!teamIds.includes(team))
      problems.push({ path: `${CONFIG_ROOT}sentryPagerdutyServices.${team}`, message: unknownTeam(team, teamIds) });
  }
  if (field(rawConfig, "paging") !== true || typeof field(rawConfig, "sentryPagerdutyIntegration") !== "string") return problems;
  const owners = [
    ...new Set(rawFeatures.map((f) => field(f, "owner")).filter((o): o is string => typeof o === "string" && teamIds.includes(o))),
  ];
  for (const owner of owners) {
    if (!mapped.includes(owner)) {
      problems.push({
        path: `${CONFIG_ROOT}sentryPagerdutyServices.${owner}`,
        message:
          `required: team "${owner}" owns features whose high-priority Sentry issues page (sentryPagerdutyIntegration is set); ` +
          `give Sentry's id of its service in that integration`,
      });
    }
  }
  return problems;
}

/** Org-wide settings belong to the one stack that creates the org's resources. */
function crossCheckOrgResources(rawConfig: unknown): ConfigProblem[] {
  const owns = field(rawConfig, "ownsOrgResources") === true;
  const problems: ConfigProblem[] = [];
  if (owns && field(rawConfig, "orgBudget") === undefined) {
    problems.push({
      path: `${CONFIG_ROOT}orgBudget`,
      message:
        "required when ownsOrgResources is true: {customMetrics, otherStacksCustomMetrics}, the org's budget of indexed custom metrics",
    });
  }
  if (!owns && field(rawConfig, "orgBudget") !== undefined) {
    problems.push({
      path: `${CONFIG_ROOT}orgBudget`,
      message: "only the stack with ownsOrgResources: true creates the org-wide cost monitor; remove it here or set ownsOrgResources",
    });
  }
  if (!owns && field(field(rawConfig, "monitoring"), "teamTagPolicy") === true) {
    problems.push({
      path: `${CONFIG_ROOT}monitoring.teamTagPolicy`,
      message: "only the stack with ownsOrgResources: true creates the org-wide monitor tag policy; remove it here",
    });
  }
  return problems;
}

/** Where an objective's target sits in the config: its path under `slo` and how to read it. */
const TARGET_FIELD: Record<SloObjective, { path: string; read: (slo: unknown) => unknown; fallback: number }> = {
  availability: { path: "availability", read: (slo) => field(slo, "availability"), fallback: SLO_DEFAULTS.availability },
  latency: { path: "latency", read: (slo) => field(slo, "latency"), fallback: SLO_DEFAULTS.latency },
  quality: { path: "quality.target", read: (slo) => field(field(slo, "quality"), "target"), fallback: SLO_DEFAULTS.quality.target },
};

/**
 * SLO rules between fields: an opt-out reason belongs to a feature without SLOs, and every
 * burn-rate alert of a feature's window must be possible for its targets. Datadog blocks a
 * burn-rate alert whose threshold is above 1 / (1 - target) (docs
 * service_management/service_level_objectives/burn_rate, "Maximum burn rate values"), so a target
 * too low for the window's fast-burn threshold (config/slo.ts BURN_ALERTS) is refused here. Each
 * problem is reported where the deciding value is written: the feature's own target or window,
 * else the stack's `monitoring.slo`.
 */
function crossCheckSlos(rawFeatures: unknown[], rawConfig: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const stackSlo = field(field(rawConfig, "monitoring"), "slo");
  const stackPath = `${CONFIG_ROOT}monitoring.slo`;
  rawFeatures.forEach((f, i) => {
    const slo = field(f, "slo");
    const featurePath = `features[${i}].slo`;
    if (field(f, "sloOptOutReason") !== undefined && slo !== false) {
      problems.push({
        path: `features[${i}].sloOptOutReason`,
        message: "is read only when slo is false, and this feature has SLOs: remove it, or set slo: false",
      });
    }
    if (slo === false) return;
    const ownWindow = field(slo, "window");
    const window = ownWindow ?? field(stackSlo, "window") ?? SLO_DEFAULTS.window;
    if (!(SLO_WINDOWS as readonly unknown[]).includes(window)) return;
    const fast = BURN_ALERTS[window as SloWindow].fast;
    for (const objective of SLO_OBJECTIVES) {
      const t = TARGET_FIELD[objective];
      const own = t.read(slo);
      const target = own ?? t.read(stackSlo) ?? t.fallback;
      // A target outside the range is the schema's to report; only a valid one is held to the window.
      if (typeof target !== "number" || !(target >= SLO_TARGET_RANGE.min && target <= SLO_TARGET_RANGE.max)) continue;
      if (fast.rate <= maxBurnRate(target)) continue;
      const path =
        own !== undefined
          ? `${featurePath}.${t.path}`
          : ownWindow !== undefined
            ? `${featurePath}.window`
            : t.read(stackSlo) !== undefined
              ? `${stackPath}.${t.path}`
              : `${stackPath}.window`;
      problems.push({
        path,
        message:
          `${objective} target ${target} % over ${window} allows a burn rate of at most ${round1(maxBurnRate(target))} ` +
          `(1 / (1 - target)), below the ${window} fast-burn threshold ${fast.rate}, and Datadog refuses burn-rate alerts above ` +
          `that maximum: raise the ${objective} target to at least ${minTargetFor(fast.rate)} %, or set slo: false with a reason`,
      });
    }
  });
  return problems;
}

function round1(n: number): number {
  return Math.floor(n * 10) / 10;
}

function crossCheckFeatures(rawFeatures: unknown[], teamIds: string[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seenIds = new Map<string, number>();
  rawFeatures.forEach((f, i) => {
    const id = field(f, "id");
    if (typeof id === "string") {
      const first = seenIds.get(id);
      if (first !== undefined)
        problems.push({ path: `features[${i}].id`, message: `duplicate feature id "${id}" (also features[${first}])` });
      else seenIds.set(id, i);
    }
    const owner = field(f, "owner");
    if (typeof owner === "string" && !teamIds.includes(owner)) {
      problems.push({ path: `features[${i}].owner`, message: unknownTeam(owner, teamIds) });
    }
    asArray(field(f, "providers")).forEach((p, j) => {
      if (typeof p === "string" && !(KNOWN_PROVIDERS as readonly string[]).includes(p)) {
        problems.push({
          path: `features[${i}].providers[${j}]`,
          message: `unknown provider "${p}" (known: ${KNOWN_PROVIDERS.join(", ")})`,
        });
      }
    });
    const latency = field(f, "latency");
    const ttft = numberOr(field(latency, "ttftP95Ms"), CHAPTER_DEFAULTS.ttftP95Ms);
    const total = numberOr(field(latency, "totalP95Ms"), CHAPTER_DEFAULTS.totalP95Ms);
    if (ttft !== undefined && total !== undefined && ttft >= total) {
      problems.push({
        path: `features[${i}].latency.ttftP95Ms`,
        message: `must be below latency.totalP95Ms (${total} ms): the first token cannot arrive after the whole response (got ${ttft})`,
      });
    }
  });
  return problems;
}

function unknownTeam(id: string, known: string[]): string {
  return `unknown team "${id}" (known: ${known.length ? known.join(", ") : "none; define teams in teams.ts"})`;
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function field(obj: unknown, key: string): unknown {
  return obj !== null && typeof obj === "object" && !Array.isArray(obj) ? (obj as Record<string, unknown>)[key] : undefined;
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** undefined when the value is present but not a number (the schema already reports it). */
function numberOr(v: unknown, fallback: number): number | undefined {
  if (v === undefined) return fallback;
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** features, then teams, then stack config; within a section by item index, keeping discovery order. */
function inReadingOrder(problems: ConfigProblem[]): ConfigProblem[] {
  const section = (p: string) => (p.startsWith("features") ? 0 : p.startsWith("teams") ? 1 : 2);
  const index = (p: string) => Number(/^\w+\[(\d+)\]/.exec(p)?.[1] ?? -1);
  return problems
    .map((p, order) => ({ p, order }))
    .sort((a, b) => section(a.p.path) - section(b.p.path) || index(a.p.path) - index(b.p.path) || a.order - b.order)
    .map(({ p }) => p);
}

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.path}\u0000${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function teamById(catalog: Catalog, id: string): Team {
  const team = catalog.teams.find((t) => t.id === id);
  if (!team) throw new Error(`no team "${id}" in the validated catalog`);
  return team;
}
