// The typed shape of features.ts, teams.ts and the stack config (Pulumi.<stack>.yaml).
// Field-level rules live here; rules that need the whole catalog (unknown owner,
// duplicate ids, ...) live in validate.ts so every problem is found in one pass.
import { z } from "zod";
import { CHAPTER_DEFAULTS } from "./defaults";
import { pinnedModelProblem } from "./models";
import { SLO_TARGET_RANGE, SLO_WINDOWS } from "./slo";
import {
  baseUrlProblem,
  displayNameProblem,
  pathSegmentProblem,
  printableLineProblem,
  SENTRY_ORG_SLUG,
  SENTRY_ORG_SLUG_MESSAGE,
  SENTRY_SLUG,
  SENTRY_SLUG_MESSAGE,
} from "./safe-text";

/** Stable identifiers: resource names and Datadog tags derive from these, never from display names. */
export const SLUG = /^[a-z][a-z0-9-]{1,40}$/;
const slugMessage = "must be a slug: lowercase letters, digits and '-', starting with a letter, 2-41 characters";

/** LLM providers the metric contract knows; a feature may only call these (bounded `provider` tag). */
export const KNOWN_PROVIDERS = ["anthropic", "openai", "azure-openai", "google", "aws-bedrock", "mistral", "cohere"] as const;
export type Provider = (typeof KNOWN_PROVIDERS)[number];

/** Sentry metric-alert thresholds (errors per feature over 10 minutes) when the stack sets none. */
export const SENTRY_DEFAULTS = { criticalCount10m: 50, warningCount10m: 20 } as const;

export const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export { CHAPTER_DEFAULTS };

/** The lowest judge sample rate: 1 request in 10,000 (see quality.judgeSampleRate). */
export const JUDGE_SAMPLE_RATE_MIN = 0.0001;

const slug = z.string().regex(SLUG, { error: slugMessage });
const email = z.email({ error: "must be an email address" });
const isoDate = z.iso.date();
const isoDateTime = z.iso.datetime({ offset: true });

/** A string checked by one function that says what is wrong (reported as it was written, never trimmed first). */
function checked(problem: (s: string) => string | undefined) {
  return z.string().superRefine((s, ctx) => {
    const message = problem(s);
    if (message) ctx.addIssue({ code: "custom", message, input: s });
  });
}

/**
 * A finite number in [min, max] (optionally whole), reported as exactly one problem: one
 * message for both ends, so 1e308 or 1e-300 get the range instead of a parse error elsewhere.
 */
function between(min: number, max: number, unit = "", opts: { integer?: boolean; message?: string } = {}) {
  const range = opts.message ?? `must be between ${min} and ${max}${unit}`;
  return z.number().superRefine((n, ctx) => {
    const message = !(n >= min && n <= max) ? range : opts.integer && !Number.isInteger(n) ? "must be an integer" : undefined;
    if (message) ctx.addIssue({ code: "custom", message, input: n });
  });
}

/** Display names reach monitor names and messages: plain text only (config/safe-text.ts). */
const displayName = checked(displayNameProblem);
/** Appended to and pasted into notification text: host and path only (config/safe-text.ts). */
const baseUrl = checked(baseUrlProblem).transform((u) => u.replace(/\/+$/, ""));
const slackChannel = z.string().regex(/^#[a-z0-9][a-z0-9._-]{0,79}$/, {
  error: 'must be a Slack channel such as "#team-alerts" (lowercase, no spaces)',
});
/** The judge must be one fixed snapshot, never a moving alias (the rule and its sources: config/models.ts). */
const pinnedModel = checked(pinnedModelProblem);

/**
 * Latency thresholds in ms, up to 10 minutes: the default request timeout of the provider SDKs
 * (openai-node src/index.ts `DEFAULT_TIMEOUT = 600000; // 10 minutes`; the openai-python and
 * anthropic-sdk READMEs, "Timeouts": 10 minutes by default), so a p95 above it cannot be observed.
 */
const LATENCY_MAX_MS = 600_000;
const latencyMs = between(1, LATENCY_MAX_MS, " ms", { integer: true });

/**
 * Rotation anchors from 1970 to 2099. JavaScript reads years 0-99 as 1900-1999 (ECMA-262
 * MakeFullYear, used by Date.UTC), which is how "0001-01-01" became 1901; the IANA time zone
 * database is only kept accurate from 1970 on (tz-link.html, "scope"), so the local handoff
 * time of an older anchor is not reliable; and a rotation starting decades ahead (9999) leaves
 * nobody on call until then. Everything in between is a plausible, fixed anchor.
 */
export const ROTATION_START_RANGE = { from: "1970-01-01", to: "2099-12-31" } as const;

function rotationStartProblem(s: string): string | undefined {
  if (!isoDate.safeParse(s).success && !isoDateTime.safeParse(s).success) {
    return "must be an ISO 8601 date (2026-01-05) or date-time with offset (2026-01-05T09:00:00+01:00)";
  }
  const date = s.slice(0, 10);
  if (date < ROTATION_START_RANGE.from || date > ROTATION_START_RANGE.to) {
    return `must be a date from ${ROTATION_START_RANGE.from} to ${ROTATION_START_RANGE.to}`;
  }
  return undefined;
}

/** A percentage target of an SLO: within SLO_TARGET_RANGE, with at most the three decimals Datadog keeps. */
const sloTarget = z.number().superRefine((n, ctx) => {
  const { min, max, decimals } = SLO_TARGET_RANGE;
  const message = !(n >= min && n <= max)
    ? `must be a percentage between ${min} and ${max} (99.5 means 99.5 %)`
    : Math.round(n * 10 ** decimals) / 10 ** decimals !== n
      ? `must have at most ${decimals} decimals (Datadog rounds metric SLO targets to ${decimals})`
      : undefined;
  if (message) ctx.addIssue({ code: "custom", message, input: n });
});

/**
 * `slo` of a feature and `monitoring.slo` of the stack: every field optional, resolved field by
 * field (feature, then stack, then SLO_DEFAULTS; config/slo.ts resolveSlo).
 */
export const sloSchema = z
  .object({
    /** Rolling window of all three objectives. */
    window: z.enum(SLO_WINDOWS, { error: `must be one of ${SLO_WINDOWS.join(", ")}` }).optional(),
    /** % of LLM calls that succeed (status ok). */
    availability: sloTarget.optional(),
    /** % of successful calls within the feature's ttftP95Ms and totalP95Ms. */
    latency: sloTarget.optional(),
    quality: z
      .object({
        /** % of judged traces whose score is at least passScore. */
        target: sloTarget.optional(),
        /** Judge score (0-100) from which a judged trace counts as good. */
        passScore: between(0, 100, " (the judge's 0-100 scale)").optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/**
 * `false`, or what `schema` accepts. Not a z.union: a union reports a broken object as one
 * "is not valid" at its root, while this keeps each field's own problem at its own path.
 */
function falseOr<T extends z.ZodType>(schema: T, expected: string) {
  return z.unknown().transform((value, ctx): false | z.output<T> => {
    if (value === false) return false;
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      ctx.addIssue({ code: "custom", message: `must be false or ${expected}`, input: value });
      return z.NEVER;
    }
    const parsed = schema.safeParse(value, { reportInput: true });
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
    return z.NEVER;
  });
}

export const featureSchema = z
  .object({
    /** Stable slug; becomes the `feature` tag value and part of every resource name. Never rename it. */
    id: slug,
    /** Display name; safe to change at any time. */
    name: displayName,
    /** Team id from teams.ts that owns this feature's alerts. */
    owner: z.string(),
    /**
     * Daily spend budget in USD. The cost monitor warns at 1x and alerts at 2x. From a cent (the
     * smallest amount spent) to a million: both ends and 2x print as plain decimals in a Datadog
     * query, where 1e308 doubled is Infinity and 1e-300 prints as 0.
     */
    budgetUsdPerDay: between(0.01, 1_000_000, " USD per day"),
    latency: z
      .object({
        ttftP95Ms: latencyMs.default(CHAPTER_DEFAULTS.ttftP95Ms),
        totalP95Ms: latencyMs.default(CHAPTER_DEFAULTS.totalP95Ms),
        /** The latency monitors judge only minutes with at least this many requests (docs/alerting.md). */
        minRequestsPerMinute: z.number().int().min(1).max(10_000).default(CHAPTER_DEFAULTS.latencyMinRequestsPerMinute),
      })
      .strict()
      .prefault({}),
    quality: z
      .object({
        /**
         * Share of requests the judge scores. At least 1 in 10,000: below that the judge-stalled
         * guard needs ln(1000)/rate requests (69,000 at the floor) before silence is suspicious,
         * and a week of traffic rarely yields enough scores to see a few points' drop.
         */
        judgeSampleRate: between(JUDGE_SAMPLE_RATE_MIN, 1, "", {
          message: `must be between ${JUDGE_SAMPLE_RATE_MIN} (1 request in 10,000) and 1`,
        }).default(CHAPTER_DEFAULTS.judgeSampleRate),
        /** Judge scores run 0-100; a drop under 0.1 points is noise, and prints as 0 in a query when tiny. */
        maxWeeklyDropPoints: between(0.1, 100, " points").default(CHAPTER_DEFAULTS.maxWeeklyDropPoints),
        judgeModel: pinnedModel.default(CHAPTER_DEFAULTS.judgeModel),
      })
      .strict()
      .prefault({}),
    /** Providers this feature calls; each must be one of KNOWN_PROVIDERS. */
    providers: z.array(z.string()).min(1, { error: "must list at least one provider" }),
    /** Sentry project slug that receives this feature's errors (Sentry's slug rule: config/safe-text.ts). */
    sentryProject: z.string().regex(SENTRY_SLUG, { error: SENTRY_SLUG_MESSAGE }),
    /** Feature flags whose state is recorded on every request (one tag per flag). */
    flags: z.array(slug).default([]),
    /** Vector indexes the feature retrieves from (bounded `index` tag on llm.retrieval.duration). */
    retrieval: z
      .object({ indexes: z.array(slug).min(1) })
      .strict()
      .optional(),
    /**
     * Service-level objectives (availability, latency, quality) with error budgets and burn-rate
     * alerts; each field defaults from the stack's `monitoring.slo`, then the documented defaults.
     * `false` turns them off; a paging stack then needs `sloOptOutReason` (policy feature-has-slos).
     */
    slo: falseOr(sloSchema, "an object {window, availability, latency, quality: {target, passScore}}").optional(),
    /** Why this feature has no SLOs (`slo: false`): read by the policy pack and shown to reviewers. */
    sloOptOutReason: checked(printableLineProblem).optional(),
    /** Sentry error-count thresholds over 10 minutes; stack defaults apply when absent. */
    errors: z
      .object({
        criticalCount10m: z.number().int().positive().optional(),
        warningCount10m: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const teamSchema = z
  .object({
    /** Stable slug; becomes the `team:` tag on every monitor and dashboard this team owns. */
    id: slug,
    name: displayName,
    /** Slack channel for warnings and non-paging stacks, e.g. "#contracts-ai-alerts". */
    slack: slackChannel,
    /** Sentry team slug that owns this team's alert rules. */
    sentryTeam: z.string().regex(SENTRY_SLUG, { error: SENTRY_SLUG_MESSAGE }),
    onCall: z
      .object({
        /** Rotation order; one engineer on call at a time, weekly. */
        members: z.array(email).min(1, { error: "must list at least one on-call member" }),
        handoff: z
          .object({
            day: z.enum(WEEKDAYS, { error: `must be one of ${WEEKDAYS.join(", ")}` }),
            time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a 24h time "HH:MM"' }),
            timeZone: z.string(),
          })
          .strict(),
        /**
         * Fixed anchor of the rotation: members[0] takes the first handoff on or after this date
         * (`2026-01-05`), or exactly at this handoff (`2026-01-05T09:00:00+01:00`, checked against
         * `handoff`). Never "now": a moving anchor reshuffles who is on call.
         */
        rotationStart: checked(rotationStartProblem),
        /**
         * Second escalation level: the team's manager (an email) or another team's on-call
         * schedule (a team id). Default: the platform team's schedule; the platform team itself
         * re-pages its own schedule through the policy's loops.
         */
        secondary: z
          .string()
          .refine((s) => email.safeParse(s).success || SLUG.test(s), {
            error: "must be an email address (the team's manager) or a team id (that team's on-call schedule)",
          })
          .optional(),
        escalationDelayMinutes: z
          .number()
          .int()
          .min(5, { error: "must be between 5 and 60 minutes" })
          .max(60, { error: "must be between 5 and 60 minutes" })
          .default(CHAPTER_DEFAULTS.escalationDelayMinutes),
        /**
         * PagerDuty alert grouping on the team's service; absent: every alert opens its own
         * incident. Only `intelligent` (no config), the one grouping the pinned provider sends in
         * a shape PagerDuty's API accepts (providers/constraints.ts); it needs a PagerDuty plan with AIOps.
         */
        alertGrouping: z.enum(["intelligent"], { error: 'must be "intelligent" (or leave it out: no grouping)' }).optional(),
      })
      .strict(),
  })
  .strict();

/** `llm-observability:*` keys of Pulumi.<stack>.yaml. Provider credentials never live here. */
export const stackConfigSchema = z
  .object({
    env: slug,
    /** Where runbooks/ is browsable; monitors link to `<runbookBaseUrl>/<file>.md`. */
    runbookBaseUrl: baseUrl,
    traceTool: z
      .object({
        kind: z.enum(["langfuse", "braintrust"], { error: "must be langfuse or braintrust" }),
        baseUrl,
        /** A path segment of every trace link; URL-escape what is not a letter or digit (My%20Project). */
        projectId: checked(pathSegmentProblem),
        /** Braintrust links need the organization name; Langfuse ignores it. */
        organization: checked(pathSegmentProblem).optional(),
      })
      .strict()
      .superRefine((t, ctx) => {
        if (t.kind === "braintrust" && !t.organization) {
          ctx.addIssue({
            code: "custom",
            path: ["organization"],
            input: t.organization,
            message: "required when kind is braintrust (trace links include it)",
          });
        }
      }),
    /** false routes every monitor to Slack and creates no PagerDuty services (staging, dev). */
    paging: z.boolean(),
    /** Team id that owns cross-feature monitors (provider outage, tenant anomaly, ...). */
    platformTeam: z.string(),
    sentryOrganization: z.string().regex(SENTRY_ORG_SLUG, { error: SENTRY_ORG_SLUG_MESSAGE }),
    /** Name of the PagerDuty integration installed in Sentry; when set (and paging), high-priority Sentry rules page. */
    sentryPagerdutyIntegration: checked(printableLineProblem).optional(),
    /**
     * Team id -> id of that team's PagerDuty service inside the Sentry PagerDuty integration
     * (Sentry keeps its own numeric ids; the provider cannot look them up). Required for every
     * team that owns a feature when `sentryPagerdutyIntegration` is set on a paging stack.
     */
    sentryPagerdutyServices: z
      .record(z.string(), z.number().int().positive({ error: "must be a positive integer (the Sentry id of the service)" }))
      .optional(),
    /** Expected scale, used by the cardinality and cost report. */
    scale: z
      .object({
        tenants: z.number().int().positive(),
        models: z.number().int().positive(),
        /** Distinct values each feature flag takes (on/off = 2). */
        flagVariants: z.number().int().min(2).default(2),
      })
      .strict(),
    /**
     * Where this stack's Slack notifications go. `slack` set: every monitor notifies that one
     * channel instead of its owning team's channel (a staging stack that should not talk in the
     * teams' channels). PagerDuty routing is unchanged.
     */
    notifications: z.object({ slack: slackChannel.optional() }).strict().prefault({}),
    /** Datadog site, for absolute links in notifications. */
    datadogSite: z
      .enum(["datadoghq.com", "us3.datadoghq.com", "us5.datadoghq.com", "datadoghq.eu", "ap1.datadoghq.com", "ddog-gov.com"])
      .default("datadoghq.com"),
    /** Prefix of every contract metric. */
    metricPrefix: z
      .string()
      .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/, { error: "must be a Datadog metric prefix such as llm" })
      .default("llm"),
    /** Tunables of the cross-feature monitors. */
    monitoring: z
      .object({
        judgeStallMinutes: z.number().int().min(30).max(1440).default(180),
        retrievalP95Ms: between(1, LATENCY_MAX_MS, " ms").default(500),
        /** retrieval-slow judges only minutes with at least this many index queries (docs/alerting.md). */
        retrievalMinQueriesPerMinute: z.number().int().min(1).max(10_000).default(CHAPTER_DEFAULTS.latencyMinRequestsPerMinute),
        /** Below 0.1 % a single failed call pages at ordinary volume (and a tiny value prints as 0 in the query). */
        providerErrorRatePct: between(0.1, 100, " %").default(10),
        providerMinRequests: z.number().int().positive().default(50),
        /** Budget of custom metrics under the metric prefix (Datadog estimated usage). */
        customMetricBudget: z.number().int().positive().default(20000),
        /** Advisory ceiling of paging monitors per team. */
        pagingBudgetPerTeam: z.number().int().positive().default(12),
        /** Default SLOs of every feature that sets none (same shape as a feature's `slo`). */
        slo: sloSchema.optional(),
        /**
         * On the stack with `ownsOrgResources`, create Datadog's org-wide monitor tag policy (every
         * monitor in the org needs `team:<known team>`). Other stacks never create it; `true` there is an error.
         */
        teamTagPolicy: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    /**
     * This stack creates the Datadog org's shared resources: one metric tag configuration per
     * contract metric, the monitor tag policy and the org-wide observability-cost monitor. They
     * exist once per Datadog org, so exactly one stack per org sets this (docs/org-resources.md).
     */
    ownsOrgResources: z.boolean().default(false),
    /** Required on the stack with `ownsOrgResources`: the org's budget of indexed custom metrics under the prefix. */
    orgBudget: z
      .object({
        /** Every stack of the org together; the observability-cost monitor alerts above it. */
        customMetrics: z.number().int().positive(),
        /** Planned steady state of the other stacks sharing the org (the indexed total of their cardinality reports). */
        otherStacksCustomMetrics: z.number().int().min(0).default(0),
      })
      .strict()
      .optional(),
    /** Sentry metric-alert defaults (errors per feature over 10 minutes). */
    sentry: z
      .object({
        criticalCount10m: z.number().int().positive().default(SENTRY_DEFAULTS.criticalCount10m),
        warningCount10m: z.number().int().positive().default(SENTRY_DEFAULTS.warningCount10m),
      })
      .strict()
      .prefault({}),
    billing: z
      .object({
        /** USD per 100 custom metrics per month beyond the allotment. */
        pricePer100CustomMetrics: between(0.01, 1000, " USD").default(5),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type FeatureInput = z.input<typeof featureSchema>;
export type Feature = z.output<typeof featureSchema>;
export type TeamInput = z.input<typeof teamSchema>;
export type Team = z.output<typeof teamSchema>;
export type StackConfig = z.output<typeof stackConfigSchema>;

/** Identity helpers: they give features.ts / teams.ts editor completion and type errors. */
export function defineFeatures(features: FeatureInput[]): FeatureInput[] {
  return features;
}
export function defineTeams(teams: TeamInput[]): TeamInput[] {
  return teams;
}
