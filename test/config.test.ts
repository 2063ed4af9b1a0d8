// Config validation: each bad input is one mutation of the fixture catalog (test/fixtures/catalog.ts),
// with the exact problems, path and message, it must produce (sloth-style tables).
import { describe, expect, it } from "vitest";
import { PINNED_MODEL_EXAMPLES, pinnedModelProblem } from "../config/models";
import type { FeatureInput, TeamInput } from "../config/schema";
import { stackConfigFromPulumi, validateCatalog } from "../config/validate";
import { formatProblem } from "../config/errors";
import { requestsBeforeJudgeSilenceIsSuspicious } from "../monitors/queries";
import { legalFeatures, legalTeams, LEGAL_STACKS, legalStackConfig } from "./fixtures/legal";
import { fixtureFeatures, fixtureStackConfig, fixtureTeams } from "./fixtures/catalog";

type Config = Record<string, unknown>;
interface Case {
  features?: (f: FeatureInput[]) => unknown;
  teams?: (t: TeamInput[]) => unknown;
  config?: (c: Config) => unknown;
  errors: string[];
}

function run(c: Omit<Case, "errors">): string[] {
  const features = fixtureFeatures();
  const teams = fixtureTeams();
  const config = fixtureStackConfig("prod");
  const result = validateCatalog({
    features: c.features ? (c.features(features) ?? features) : features,
    teams: c.teams ? (c.teams(teams) ?? teams) : teams,
    config: c.config ? (c.config(config) ?? config) : config,
  });
  return result.ok ? [] : result.problems.map(formatProblem);
}

const monitoring = (c: Config) => (c.monitoring ??= {}) as Record<string, unknown>;

const BUDGET = "must be between 0.01 and 1000000 USD per day";
const SAMPLE_RATE = "must be between 0.0001 (1 request in 10,000) and 1";
const SENTRY_SLUG = "must be a Sentry slug: lowercase letters, digits, '_' and '-', at most 50 characters, not only digits";
const ROTATION = "must be a date from 1970-01-01 to 2099-12-31";
const LATEST =
  'is a floating alias: "latest" moves to newer models, and the quality trend with it; ' +
  `name a pinned snapshot such as ${PINNED_MODEL_EXAMPLES}`;
const ALIAS = `must name a pinned snapshot, not an alias that can move to another model (e.g. ${PINNED_MODEL_EXAMPLES})`;

const cases: Record<string, Case> = {
  "A negative budget is rejected with the value it got.": {
    features: (f) => void (f[1].budgetUsdPerDay = -5),
    errors: [`features[1].budgetUsdPerDay: ${BUDGET} (got -5)`],
  },
  "A zero budget is rejected, since 2x of nothing can never alert.": {
    features: (f) => void (f[0].budgetUsdPerDay = 0),
    errors: [`features[0].budgetUsdPerDay: ${BUDGET} (got 0)`],
  },
  "An owner that is not a known team names the known teams.": {
    features: (f) => void (f[1].owner = "growht"),
    errors: ['features[1].owner: unknown team "growht" (known: search, platform)'],
  },
  "Two features with the same id are reported at the second one.": {
    features: (f) => void (f[1].id = "answer"),
    errors: ['features[1].id: duplicate feature id "answer" (also features[0])'],
  },
  "A feature id that is not a slug is rejected.": {
    features: (f) => void (f[0].id = "Answer_Questions"),
    errors: [
      `features[0].id: must be a slug: lowercase letters, digits and '-', starting with a letter, 2-41 characters (got "Answer_Questions")`,
    ],
  },
  "A TTFT threshold equal to the total threshold is rejected.": {
    features: (f) => void (f[1].latency = { ttftP95Ms: 4000, totalP95Ms: 4000 }),
    errors: [
      "features[1].latency.ttftP95Ms: must be below latency.totalP95Ms (4000 ms): the first token cannot arrive after the whole " +
        "response (got 4000)",
    ],
  },
  "A TTFT override above the default total threshold is rejected.": {
    features: (f) => void (f[0].latency = { ttftP95Ms: 6000 }),
    errors: [
      "features[0].latency.ttftP95Ms: must be below latency.totalP95Ms (5000 ms): the first token cannot arrive after the whole " +
        "response (got 6000)",
    ],
  },
  "A judge sample rate above 1 is rejected.": {
    features: (f) => void (f[0].quality = { judgeSampleRate: 1.5 }),
    errors: [`features[0].quality.judgeSampleRate: ${SAMPLE_RATE} (got 1.5)`],
  },
  "A judge sample rate of 0 is rejected, since the quality dashboard would stay empty.": {
    features: (f) => void (f[0].quality = { judgeSampleRate: 0 }),
    errors: [`features[0].quality.judgeSampleRate: ${SAMPLE_RATE} (got 0)`],
  },
  "A floating judge model alias is rejected.": {
    features: (f) => void (f[1].quality = { judgeModel: "claude-3-5-sonnet-latest" }),
    errors: [`features[1].quality.judgeModel: ${LATEST} (got "claude-3-5-sonnet-latest")`],
  },
  "An unknown provider is rejected with the known list.": {
    features: (f) => void (f[0].providers = ["anthropic", "antropic"]),
    errors: [
      'features[0].providers[1]: unknown provider "antropic" (known: anthropic, openai, azure-openai, google, aws-bedrock, ' +
        "mistral, cohere)",
    ],
  },
  "A feature with no providers is rejected.": {
    features: (f) => void (f[0].providers = []),
    errors: ["features[0].providers: must list at least one provider (got [])"],
  },
  "A blank Sentry project is rejected as no Sentry slug.": {
    features: (f) => void (f[1].sentryProject = " "),
    errors: [`features[1].sentryProject: ${SENTRY_SLUG} (got " ")`],
  },
  "A misspelled field is reported as unknown instead of being ignored.": {
    features: (f) => void ((f[0] as Record<string, unknown>).budgetUSDPerDay = 40),
    errors: ["features[0].budgetUSDPerDay: unknown field"],
  },
  "A missing required field says it is required.": {
    features: (f) => void delete (f[1] as Partial<FeatureInput>).owner,
    errors: ["features[1].owner: required"],
  },
  "A budget given as a string names the type it got.": {
    features: (f) => void ((f[0] as Record<string, unknown>).budgetUsdPerDay = "40"),
    errors: ['features[0].budgetUsdPerDay: must be a number (got "40")'],
  },
  "The same email twice in a rotation is rejected, case-insensitively.": {
    teams: (t) => void t[0].onCall.members.push("Grace@example.com"),
    errors: ['teams[0].onCall.members[2]: duplicate email "Grace@example.com" (also members[1]); each engineer takes one weekly turn'],
  },
  "A malformed on-call email is rejected.": {
    teams: (t) => void (t[1].onCall.members[0] = "linus"),
    errors: ['teams[1].onCall.members[0]: must be an email address (got "linus")'],
  },
  "Two teams with the same id are rejected.": {
    teams: (t) => void (t[1].id = "search"),
    errors: [
      // The platform team disappears, so its feature and the stack's platformTeam lose their owner.
      'features[1].owner: unknown team "platform" (known: search)',
      'teams[1].id: duplicate team id "search" (also teams[0])',
      'llm-observability:sentryPagerdutyServices.platform: unknown team "platform" (known: search)',
      'llm-observability:platformTeam: unknown team "platform" (known: search)',
    ],
  },
  "A team with no on-call members is rejected.": {
    teams: (t) => void (t[1].onCall.members = []),
    errors: ["teams[1].onCall.members: must list at least one on-call member (got [])"],
  },
  "An invalid handoff time zone is rejected.": {
    teams: (t) => void (t[0].onCall.handoff.timeZone = "Europe/Berlinn"),
    errors: ['teams[0].onCall.handoff.timeZone: unknown IANA time zone "Europe/Berlinn" (e.g. Europe/Berlin)'],
  },
  "A handoff time not in HH:MM is rejected.": {
    teams: (t) => void (t[0].onCall.handoff.time = "9am"),
    errors: ['teams[0].onCall.handoff.time: must be a 24h time "HH:MM" (got "9am")'],
  },
  "An escalation delay out of range is rejected.": {
    teams: (t) => void (t[0].onCall.escalationDelayMinutes = 120),
    errors: ["teams[0].onCall.escalationDelayMinutes: must be between 5 and 60 minutes (got 120)"],
  },
  "A missing runbookBaseUrl is reported under its config key.": {
    config: (c) => void delete c.runbookBaseUrl,
    errors: ["llm-observability:runbookBaseUrl: required"],
  },
  "A malformed runbookBaseUrl is rejected.": {
    config: (c) => void (c.runbookBaseUrl = "github.com/acme/runbooks"),
    errors: ['llm-observability:runbookBaseUrl: must be an http(s) URL (got "github.com/acme/runbooks")'],
  },
  "A malformed trace tool base URL is rejected.": {
    config: (c) => void ((c.traceTool as Config).baseUrl = "ftp://langfuse"),
    errors: ['llm-observability:traceTool.baseUrl: must be an http(s) URL (got "ftp://langfuse")'],
  },
  "An unknown trace tool is rejected.": {
    config: (c) => void ((c.traceTool as Config).kind = "langsmith"),
    errors: ['llm-observability:traceTool.kind: must be langfuse or braintrust (got "langsmith")'],
  },
  "Braintrust needs the organization for its trace links.": {
    config: (c) => void (c.traceTool = { kind: "braintrust", baseUrl: "https://www.braintrust.dev", projectId: "legal" }),
    errors: ["llm-observability:traceTool.organization: required when kind is braintrust (trace links include it)"],
  },
  "paging given as text is rejected.": {
    config: (c) => void (c.paging = "yes"),
    errors: ['llm-observability:paging: must be a boolean (got "yes")'],
  },
  "An unknown platform team is rejected.": {
    config: (c) => void (c.platformTeam = "infra"),
    errors: ['llm-observability:platformTeam: unknown team "infra" (known: search, platform)'],
  },
  "A misspelled stack config key is reported, not silently ignored.": {
    config: (c) => void (c.runbookBaseURL = "https://x.example.com"),
    errors: ["llm-observability:runbookBaseURL: unknown field"],
  },
  "A non-integer tenant count is rejected.": {
    config: (c) => void (c.scale = { tenants: 12.5, models: 4 }),
    errors: ["llm-observability:scale.tenants: must be an integer (got 12.5)"],
  },
  "A notification channel that is not a Slack channel is rejected.": {
    config: (c) => void (c.notifications = { slack: "llm staging" }),
    errors: [
      'llm-observability:notifications.slack: must be a Slack channel such as "#team-alerts" (lowercase, no spaces) (got "llm staging")',
    ],
  },
};

/** Issue 11, point 6: config that was accepted and should fail, each with its exact path and message. */
const acceptedButShouldFail: Record<string, Case> = {
  "A judge model with a trailing space is rejected: the provider would see another id.": {
    features: (f) => void (f[0].quality = { judgeModel: "claude-opus-4-1-20250805 " }),
    errors: ['features[0].quality.judgeModel: must be a model id without spaces or control characters (got "claude-opus-4-1-20250805 ")'],
  },
  "A judge model with a trailing newline is rejected.": {
    features: (f) => void (f[0].quality = { judgeModel: "claude-opus-4-1-20250805\n" }),
    errors: ['features[0].quality.judgeModel: must be a model id without spaces or control characters (got "claude-opus-4-1-20250805\\n")'],
  },
  "A judge model with 'latest' in the middle is rejected, not only at the end.": {
    features: (f) => void (f[0].quality = { judgeModel: "claude-latest-v2" }),
    errors: [`features[0].quality.judgeModel: ${LATEST} (got "claude-latest-v2")`],
  },
  "A family name without a snapshot is rejected as an alias.": {
    features: (f) => void (f[0].quality = { judgeModel: "gpt-4o" }),
    errors: [`features[0].quality.judgeModel: ${ALIAS} (got "gpt-4o")`],
  },
  "OpenAI's MMDD snapshot gpt-4-0613 is accepted as pinned.": {
    features: (f) => void (f[0].quality = { judgeModel: "gpt-4-0613" }),
    errors: [],
  },
  "A judge sample rate of 1e-17 is rejected instead of putting -Infinity into the judge-stalled query.": {
    features: (f) => void (f[0].quality = { judgeSampleRate: 1e-17 }),
    errors: [`features[0].quality.judgeSampleRate: ${SAMPLE_RATE} (got 1e-17)`],
  },
  "A judge sample rate of 1 in 10,000 is the lowest accepted.": {
    features: (f) => void (f[0].quality = { judgeSampleRate: 0.0001 }),
    errors: [],
  },
  "A Sentry project that climbs out of the API path is rejected.": {
    features: (f) => void (f[0].sentryProject = "../../etc"),
    errors: [`features[0].sentryProject: ${SENTRY_SLUG} (got "../../etc")`],
  },
  "A Sentry project with a space is rejected.": {
    features: (f) => void (f[0].sentryProject = "search api"),
    errors: [`features[0].sentryProject: ${SENTRY_SLUG} (got "search api")`],
  },
  "A Sentry project with a newline is rejected.": {
    features: (f) => void (f[0].sentryProject = "search-api\n"),
    errors: [`features[0].sentryProject: ${SENTRY_SLUG} (got "search-api\\n")`],
  },
  "An all-digit Sentry project is rejected, since Sentry reads it as a project id.": {
    features: (f) => void (f[0].sentryProject = "12345"),
    errors: [`features[0].sentryProject: ${SENTRY_SLUG} (got "12345")`],
  },
  "A rotation start in year 1 is rejected instead of silently becoming 1901.": {
    teams: (t) => void (t[0].onCall.rotationStart = "0001-01-01"),
    errors: [`teams[0].onCall.rotationStart: ${ROTATION} (got "0001-01-01")`],
  },
  "A rotation start in year 9999 is rejected: nobody would be on call until then.": {
    teams: (t) => void (t[0].onCall.rotationStart = "9999-01-04"),
    errors: [`teams[0].onCall.rotationStart: ${ROTATION} (got "9999-01-04")`],
  },
  "A rotation start given as a date-time in 2100 is rejected too.": {
    teams: (t) => void (t[1].onCall.rotationStart = "2100-01-05T10:00:00-05:00"),
    errors: [`teams[1].onCall.rotationStart: ${ROTATION} (got "2100-01-05T10:00:00-05:00")`],
  },
  "Rotation starts at both ends of the range are accepted.": {
    teams: (t) => {
      t[0].onCall.rotationStart = "1970-01-01";
      t[1].onCall.rotationStart = "2099-12-31";
    },
    errors: [],
  },
  "An empty feature list is rejected at its path instead of failing in the dashboards.": {
    features: () => [],
    errors: ["features: must list at least one feature (got [])"],
  },
  "An empty team list is rejected at its path.": {
    teams: () => [],
    errors: [
      'features[0].owner: unknown team "search" (known: none; define teams in teams.ts)',
      'features[1].owner: unknown team "platform" (known: none; define teams in teams.ts)',
      "teams: must list at least one team (got [])",
      'llm-observability:sentryPagerdutyServices.search: unknown team "search" (known: none; define teams in teams.ts)',
      'llm-observability:sentryPagerdutyServices.platform: unknown team "platform" (known: none; define teams in teams.ts)',
      'llm-observability:platformTeam: unknown team "platform" (known: none; define teams in teams.ts)',
    ],
  },
  "A budget of 1e308 is rejected at its path instead of an Infinity threshold at synth.": {
    features: (f) => void (f[0].budgetUsdPerDay = 1e308),
    errors: [`features[0].budgetUsdPerDay: ${BUDGET} (got 1e+308)`],
  },
  "A budget of 1e-300 is rejected at its path instead of a query threshold printed as 0.": {
    features: (f) => void (f[0].budgetUsdPerDay = 1e-300),
    errors: [`features[0].budgetUsdPerDay: ${BUDGET} (got 1e-300)`],
  },
  "A tiny allowed weekly drop is rejected at its path.": {
    features: (f) => void (f[0].quality = { maxWeeklyDropPoints: 1e-300 }),
    errors: ["features[0].quality.maxWeeklyDropPoints: must be between 0.1 and 100 points (got 1e-300)"],
  },
  "A latency threshold of 1e308 ms is one problem at its path.": {
    features: (f) => void (f[0].latency = { ttftP95Ms: 800, totalP95Ms: 1e308 }),
    errors: ["features[0].latency.totalP95Ms: must be between 1 and 600000 ms (got 1e+308)"],
  },
  "A tiny retrieval threshold is rejected at its path.": {
    config: (c) => void (monitoring(c).retrievalP95Ms = 1e-300),
    errors: ["llm-observability:monitoring.retrievalP95Ms: must be between 1 and 600000 ms (got 1e-300)"],
  },
  "A tiny provider error rate is rejected at its path.": {
    config: (c) => void (monitoring(c).providerErrorRatePct = 1e-300),
    errors: ["llm-observability:monitoring.providerErrorRatePct: must be between 0.1 and 100 % (got 1e-300)"],
  },
  "A custom-metric price of 1e308 is rejected at its path.": {
    config: (c) => void (c.billing = { pricePer100CustomMetrics: 1e308 }),
    errors: ["llm-observability:billing.pricePer100CustomMetrics: must be between 0.01 and 1000 USD (got 1e+308)"],
  },
  "A bare CR in a feature name is rejected: it would forge a heading in the review comment.": {
    features: (f) => void (f[0].name = "Answer\r# Forged heading"),
    errors: ['features[0].name: must be a single line of printable text (found U+000D carriage return) (got "Answer\\r# Forged heading")'],
  },
};

describe("config validation", () => {
  it.each(LEGAL_STACKS)("accepts the legal fixture (the bundled example, frozen) for the %s stack.", (stack) => {
    const config = stackConfigFromPulumi(legalStackConfig(stack));
    const result = validateCatalog({ features: legalFeatures(), teams: legalTeams(), config });
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([]);
  });

  it("accepts the fixture catalog for both fixture stacks.", () => {
    expect(run({})).toEqual([]);
    expect(run({ config: () => fixtureStackConfig("staging") })).toEqual([]);
  });

  it.each(Object.entries(cases))("%s", (_name, c) => {
    expect(run(c)).toEqual(c.errors);
  });

  it("reports every problem at once, across features, teams and stack config, in reading order.", () => {
    const errors = run({
      features: (f) => {
        f[1].budgetUsdPerDay = -5;
        f[0].owner = "growht";
      },
      teams: (t) => void (t[1].onCall.members = []),
      config: (c) => void delete c.runbookBaseUrl,
    });
    expect(errors).toEqual([
      'features[0].owner: unknown team "growht" (known: search, platform)',
      `features[1].budgetUsdPerDay: ${BUDGET} (got -5)`,
      "teams[1].onCall.members: must list at least one on-call member (got [])",
      "llm-observability:runbookBaseUrl: required",
    ]);
  });

  it("rejects a catalog that is not an array instead of crashing.", () => {
    const result = validateCatalog({ features: { id: "x" }, teams: fixtureTeams(), config: fixtureStackConfig("prod") });
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual(["features: must be an array (got an object)"]);
  });

  it("applies the chapter's defaults where a feature leaves thresholds out.", () => {
    const result = validateCatalog({ features: fixtureFeatures(), teams: fixtureTeams(), config: fixtureStackConfig("prod") });
    if (!result.ok) throw new Error("the fixture must validate");
    const summarize = result.catalog.features.find((f) => f.id === "summarize")!;
    expect(summarize.quality).toEqual({ judgeSampleRate: 0.01, maxWeeklyDropPoints: 5, judgeModel: "claude-opus-4-1-20250805" });
    expect(summarize.flags).toEqual([]);
    expect(result.catalog.stack.notifications).toEqual({});
  });

  it("decodes Pulumi's flat config strings into typed values.", () => {
    expect(
      stackConfigFromPulumi({
        "llm-observability:paging": "false",
        "llm-observability:scale": '{"tenants":3,"models":1}',
        "llm-observability:env": "prod",
        "datadog:site": "datadoghq.eu",
      }),
    ).toEqual({ paging: false, scale: { tenants: 3, models: 1 }, env: "prod" });
  });
});

describe("config accepted that should fail (issue 11, point 6)", () => {
  it.each(Object.entries(acceptedButShouldFail))("%s", (_name, c) => {
    expect(run(c)).toEqual(c.errors);
  });

  it("Downstream, the judge-stalled guard stays a finite request count at the lowest rate and refuses a rate that is not.", () => {
    expect(requestsBeforeJudgeSilenceIsSuspicious(0.0001)).toBe(69075);
    expect(() => requestsBeforeJudgeSilenceIsSuspicious(1e-17)).toThrow(/no usable request count/);
    expect(() => requestsBeforeJudgeSilenceIsSuspicious(0)).toThrow(/must be in \(0, 1\]/);
  });
});

describe("a pinned judge model (config/models.ts)", () => {
  it.each([
    ["claude-opus-4-1-20250805", "an Anthropic dated snapshot"],
    ["claude-opus-4-7", "a dateless Claude id of the 4.6 generation or later"],
    ["claude-sonnet-4-6", "a dateless Claude id of the 4.6 generation"],
    ["anthropic.claude-sonnet-4-5-20250929-v1:0", "a Bedrock Claude id"],
    ["anthropic.claude-opus-4-6-v1", "a Bedrock dateless Claude id"],
    ["claude-haiku-4-5@20251001", "a Vertex Claude id"],
    ["gpt-4o-2024-08-06", "an OpenAI dated snapshot"],
    ["gpt-4-0613", "an OpenAI MMDD snapshot"],
    ["gpt-3.5-turbo-0125", "an OpenAI MMDD snapshot of a dotted family"],
    ["gpt-5-2025-08-07", "an OpenAI dated snapshot"],
    ["gemini-2.0-flash-001", "a Gemini stable version"],
    ["mistral-large-2407", "a Mistral YYMM version"],
    ["command-r-08-2024", "a Cohere dated model"],
    ["amazon.titan-text-express-v1", "a Bedrock versioned id"],
  ])("%s is pinned (%s).", (id) => {
    expect(pinnedModelProblem(id)).toBeUndefined();
  });

  it.each([
    ["claude-opus-4-1", ALIAS],
    ["claude-sonnet-4-5", ALIAS],
    ["claude-3-5-sonnet-latest", LATEST],
    ["claude-latest-v2", LATEST],
    ["CLAUDE-LATEST", LATEST],
    ["gpt-4o", ALIAS],
    ["gpt-5", ALIAS],
    ["chatgpt-4o-latest", LATEST],
    ["gemini-2.0-flash", ALIAS],
    ["gemini-flash-latest", LATEST],
    ["mistral-large-latest", LATEST],
    ["claude-3-5-sonnet-v2", ALIAS],
    ["claude-opus-4-1-20250805 ", "must be a model id without spaces or control characters"],
    ["\tclaude-opus-4-1-20250805", "must be a model id without spaces or control characters"],
    ["claude-opus-4-1-20250805;rm", "must be a model id: at most 128 letters, digits and . _ : @ / -"],
  ])("%j is not pinned.", (id, problem) => {
    expect(pinnedModelProblem(id)).toBe(problem);
  });
});
