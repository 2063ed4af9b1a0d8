// Config validation: each bad input is one mutation of the good example, and the exact
// messages it must produce (sloth-style table).
import { describe, expect, it } from "vitest";
import { readStackFile } from "../config/load";
import type { FeatureInput, TeamInput } from "../config/schema";
import { stackConfigFromPulumi, validateCatalog } from "../config/validate";
import { formatProblem } from "../config/errors";
import { exampleFeatures, exampleTeams, ROOT } from "./helpers";

type Config = Record<string, unknown>;
interface Case {
  features?: (f: FeatureInput[]) => unknown;
  teams?: (t: TeamInput[]) => unknown;
  config?: (c: Config) => unknown;
  errors: string[];
}

function prodConfig(): Config {
  return stackConfigFromPulumi(readStackFile(`${ROOT}/Pulumi.prod.yaml`).config);
}

function run(c: Omit<Case, "errors">): string[] {
  const features = exampleFeatures();
  const teams = exampleTeams();
  const config = prodConfig();
  const result = validateCatalog({
    features: c.features ? (c.features(features) ?? features) : features,
    teams: c.teams ? (c.teams(teams) ?? teams) : teams,
    config: c.config ? (c.config(config) ?? config) : config,
  });
  return result.ok ? [] : result.problems.map(formatProblem);
}

const cases: Record<string, Case> = {
  "A negative budget is rejected with the value it got.": {
    features: (f) => void (f[2].budgetUsdPerDay = -5),
    errors: ["features[2].budgetUsdPerDay: must be greater than 0 (got -5)"],
  },
  "A zero budget is rejected, since 2x of nothing can never alert.": {
    features: (f) => void (f[0].budgetUsdPerDay = 0),
    errors: ["features[0].budgetUsdPerDay: must be greater than 0 (got 0)"],
  },
  "An owner that is not a known team names the known teams.": {
    features: (f) => void (f[1].owner = "growht"),
    errors: ['features[1].owner: unknown team "growht" (known: contracts-ai, research-assistant, platform)'],
  },
  "Two features with the same id are reported at the second one.": {
    features: (f) => void (f[3].id = "extract-clause"),
    errors: ['features[3].id: duplicate feature id "extract-clause" (also features[0])'],
  },
  "A feature id that is not a slug is rejected.": {
    features: (f) => void (f[0].id = "Extract_Clause"),
    errors: [
      `features[0].id: must be a slug: lowercase letters, digits and '-', starting with a letter, 2-41 characters (got "Extract_Clause")`,
    ],
  },
  "A TTFT threshold equal to the total threshold is rejected.": {
    features: (f) => void (f[0].latency = { ttftP95Ms: 5000, totalP95Ms: 5000 }),
    errors: [
      "features[0].latency.ttftP95Ms: must be below latency.totalP95Ms (5000 ms): the first token cannot arrive after the whole response (got 5000)",
    ],
  },
  "A TTFT override above the default total threshold is rejected.": {
    features: (f) => void (f[4].latency = { ttftP95Ms: 6000 }),
    errors: [
      "features[4].latency.ttftP95Ms: must be below latency.totalP95Ms (5000 ms): the first token cannot arrive after the whole response (got 6000)",
    ],
  },
  "A judge sample rate above 1 is rejected.": {
    features: (f) => void (f[0].quality = { judgeSampleRate: 1.5 }),
    errors: ["features[0].quality.judgeSampleRate: must be in (0, 1] (got 1.5)"],
  },
  "A judge sample rate of 0 is rejected, since the quality dashboard would stay empty.": {
    features: (f) => void (f[0].quality = { judgeSampleRate: 0 }),
    errors: ["features[0].quality.judgeSampleRate: must be in (0, 1] (got 0)"],
  },
  "A floating judge model alias is rejected.": {
    features: (f) => void (f[1].quality = { judgeModel: "claude-3-5-sonnet-latest" }),
    errors: [
      'features[1].quality.judgeModel: must be a pinned model version with a date or version suffix (e.g. claude-opus-4-1-20250805), not an alias (got "claude-3-5-sonnet-latest")',
    ],
  },
  "An unknown provider is rejected with the known list.": {
    features: (f) => void (f[0].providers = ["anthropic", "antropic"]),
    errors: [
      'features[0].providers[1]: unknown provider "antropic" (known: anthropic, openai, azure-openai, google, aws-bedrock, mistral, cohere)',
    ],
  },
  "A feature with no providers is rejected.": {
    features: (f) => void (f[0].providers = []),
    errors: ["features[0].providers: must list at least one provider (got [])"],
  },
  "An empty Sentry project is rejected.": {
    features: (f) => void (f[3].sentryProject = " "),
    errors: ['features[3].sentryProject: must not be empty (got " ")'],
  },
  "A misspelled field is reported as unknown instead of being ignored.": {
    features: (f) => void ((f[0] as Record<string, unknown>).budgetUSDPerDay = 40),
    errors: ["features[0].budgetUSDPerDay: unknown field"],
  },
  "A missing required field says it is required.": {
    features: (f) => void delete (f[2] as Partial<FeatureInput>).owner,
    errors: ["features[2].owner: required"],
  },
  "A budget given as a string names the type it got.": {
    features: (f) => void ((f[0] as Record<string, unknown>).budgetUsdPerDay = "40"),
    errors: ['features[0].budgetUsdPerDay: must be a number (got "40")'],
  },
  "The same email twice in a rotation is rejected, case-insensitively.": {
    teams: (t) => void t[0].onCall.members.push("Jonas.Weber@example.com"),
    errors: [
      'teams[0].onCall.members[4]: duplicate email "Jonas.Weber@example.com" (also members[1]); each engineer takes one weekly turn',
    ],
  },
  "A malformed on-call email is rejected.": {
    teams: (t) => void (t[1].onCall.members[0] = "diego.martinez"),
    errors: ['teams[1].onCall.members[0]: must be an email address (got "diego.martinez")'],
  },
  "Two teams with the same id are rejected.": {
    teams: (t) => void (t[2].id = "contracts-ai"),
    errors: [
      // The platform team disappears, so its feature and the stack's platformTeam lose their owner.
      'features[3].owner: unknown team "platform" (known: contracts-ai, research-assistant)',
      'teams[2].id: duplicate team id "contracts-ai" (also teams[0])',
      'llm-observability:sentryPagerdutyServices.platform: unknown team "platform" (known: contracts-ai, research-assistant)',
      'llm-observability:platformTeam: unknown team "platform" (known: contracts-ai, research-assistant)',
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
    config: (c) => void ((c.traceTool as Record<string, unknown>).baseUrl = "ftp://langfuse"),
    errors: ['llm-observability:traceTool.baseUrl: must be an http(s) URL (got "ftp://langfuse")'],
  },
  "An unknown trace tool is rejected.": {
    config: (c) => void ((c.traceTool as Record<string, unknown>).kind = "langsmith"),
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
    errors: ['llm-observability:platformTeam: unknown team "infra" (known: contracts-ai, research-assistant, platform)'],
  },
  "A misspelled stack config key is reported, not silently ignored.": {
    config: (c) => void (c.runbookBaseURL = "https://x.example.com"),
    errors: ["llm-observability:runbookBaseURL: unknown field"],
  },
  "A non-integer tenant count is rejected.": {
    config: (c) => void (c.scale = { tenants: 12.5, models: 4 }),
    errors: ["llm-observability:scale.tenants: must be an integer (got 12.5)"],
  },
};

describe("config validation", () => {
  it("accepts the bundled example for every stack.", () => {
    expect(run({})).toEqual([]);
    const staging = stackConfigFromPulumi(readStackFile(`${ROOT}/Pulumi.staging.yaml`).config);
    expect(validateCatalog({ features: exampleFeatures(), teams: exampleTeams(), config: staging }).ok).toBe(true);
  });

  it.each(Object.entries(cases))("%s", (_name, c) => {
    expect(run(c)).toEqual(c.errors);
  });

  it("reports every problem at once, across features, teams and stack config, in reading order.", () => {
    const errors = run({
      features: (f) => {
        f[2].budgetUsdPerDay = -5;
        f[0].owner = "growht";
      },
      teams: (t) => void (t[1].onCall.members = []),
      config: (c) => void delete c.runbookBaseUrl,
    });
    expect(errors).toEqual([
      'features[0].owner: unknown team "growht" (known: contracts-ai, research-assistant, platform)',
      "features[2].budgetUsdPerDay: must be greater than 0 (got -5)",
      "teams[1].onCall.members: must list at least one on-call member (got [])",
      "llm-observability:runbookBaseUrl: required",
    ]);
  });

  it("rejects a catalog that is not an array instead of crashing.", () => {
    const result = validateCatalog({ features: { id: "x" }, teams: exampleTeams(), config: prodConfig() });
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual(["features: must be an array (got an object)"]);
  });

  it("applies the chapter's defaults where a feature leaves thresholds out.", () => {
    const result = validateCatalog({ features: exampleFeatures(), teams: exampleTeams(), config: prodConfig() });
    if (!result.ok) throw new Error("example must validate");
    const cite = result.catalog.features.find((f) => f.id === "cite-check")!;
    expect(cite.latency).toEqual({ ttftP95Ms: 800, totalP95Ms: 5000 });
    expect(cite.quality).toEqual({ judgeSampleRate: 0.01, maxWeeklyDropPoints: 5, judgeModel: "claude-opus-4-1-20250805" });
    expect(cite.flags).toEqual([]);
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
