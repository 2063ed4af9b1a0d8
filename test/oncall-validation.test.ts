// Validation of the on-call and Sentry config: each bad value gives exactly its
// path-precise problem, and several bad values are all reported in one pass.
import { describe, expect, it } from "vitest";
import type { FeatureInput, TeamInput } from "../config/schema";
import { validateCatalog, stackConfigFromPulumi } from "../config/validate";
import { legalFeatures, legalTeams, legalStackConfig, type LegalStack } from "./fixtures/legal";

type Mutation = (teams: TeamInput[], features: FeatureInput[], config: Record<string, string>) => void;

function problemsAfter(mutate: Mutation, stack: LegalStack = "prod"): string[] {
  const teams = legalTeams();
  const features = legalFeatures();
  const config = legalStackConfig(stack);
  mutate(teams, features, config);
  const result = validateCatalog({ features, teams, config: stackConfigFromPulumi(config) });
  return result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`);
}

const setConfig =
  (key: string, value: unknown): Mutation =>
  (_t, _f, c) => {
    c[`llm-observability:${key}`] = JSON.stringify(value);
  };

describe("the legal fixture's on-call and Sentry config", () => {
  it.each(["prod", "staging"] as const)("validates cleanly for %s", (stack) => {
    expect(problemsAfter(() => {}, stack)).toEqual([]);
  });
});

describe("a single bad on-call or Sentry value", () => {
  it.each<[string, Mutation, string]>([
    [
      "a team with no members",
      (t) => void (t[0].onCall.members = []),
      "teams[0].onCall.members: must list at least one on-call member (got [])",
    ],
    [
      "a member that is not an email",
      (t) => void (t[0].onCall.members[1] = "jonas"),
      'teams[0].onCall.members[1]: must be an email address (got "jonas")',
    ],
    [
      "a member listed twice",
      (t) => void (t[1].onCall.members[2] = "Diego.Martinez@example.com"),
      'teams[1].onCall.members[2]: duplicate email "Diego.Martinez@example.com" (also members[0]); each engineer takes one weekly turn',
    ],
    [
      "an invalid time zone",
      (t) => void (t[0].onCall.handoff.timeZone = "Europe/Berln"),
      'teams[0].onCall.handoff.timeZone: unknown IANA time zone "Europe/Berln" (e.g. Europe/Berlin)',
    ],
    [
      "a handoff time without a leading zero",
      (t) => void (t[0].onCall.handoff.time = "9:00"),
      'teams[0].onCall.handoff.time: must be a 24h time "HH:MM" (got "9:00")',
    ],
    [
      "a handoff time past midnight",
      (t) => void (t[0].onCall.handoff.time = "24:00"),
      'teams[0].onCall.handoff.time: must be a 24h time "HH:MM" (got "24:00")',
    ],
    [
      "an abbreviated handoff day",
      (t) => void (t[0].onCall.handoff.day = "mon" as never),
      'teams[0].onCall.handoff.day: must be one of monday, tuesday, wednesday, thursday, friday, saturday, sunday (got "mon")',
    ],
    [
      "an escalation delay below 5 minutes",
      (t) => void (t[1].onCall.escalationDelayMinutes = 2),
      "teams[1].onCall.escalationDelayMinutes: must be between 5 and 60 minutes (got 2)",
    ],
    [
      "an escalation delay above an hour",
      (t) => void (t[1].onCall.escalationDelayMinutes = 90),
      "teams[1].onCall.escalationDelayMinutes: must be between 5 and 60 minutes (got 90)",
    ],
    [
      "a fractional escalation delay",
      (t) => void (t[1].onCall.escalationDelayMinutes = 7.5),
      "teams[1].onCall.escalationDelayMinutes: must be an integer (got 7.5)",
    ],
    [
      "a feature whose Sentry project is empty",
      (_t, f) => void (f[2].sentryProject = ""),
      `features[2].sentryProject: must be a Sentry slug: lowercase letters, digits, '_' and '-', at most 50 characters, not only ` +
        `digits (got "")`,
    ],
    [
      "a rotation start that is not a date",
      (t) => void (t[0].onCall.rotationStart = "next monday"),
      "teams[0].onCall.rotationStart: must be an ISO 8601 date (2026-01-05) or date-time with offset (2026-01-05T09:00:00+01:00) " +
        '(got "next monday")',
    ],
    [
      "a rotation start without an offset",
      (t) => void (t[0].onCall.rotationStart = "2026-01-05T09:00:00"),
      "teams[0].onCall.rotationStart: must be an ISO 8601 date (2026-01-05) or date-time with offset (2026-01-05T09:00:00+01:00) " +
        '(got "2026-01-05T09:00:00")',
    ],
    [
      "a rotation start written with the winter offset in summer",
      (t) => void (t[0].onCall.rotationStart = "2026-04-06T09:00:00+01:00"),
      "teams[0].onCall.rotationStart: 2026-04-06T09:00:00+01:00 is monday 10:00 in Europe/Berlin, not a handoff (monday 09:00); " +
        "use 2026-04-06T09:00:00+02:00 or the date 2026-04-06",
    ],
    [
      "a rotation start in UTC for a Berlin handoff",
      (t) => void (t[2].onCall.rotationStart = "2026-01-05T09:00:00Z"),
      "teams[2].onCall.rotationStart: 2026-01-05T09:00:00Z is monday 10:00 in Europe/Berlin, not a handoff (monday 09:00); use " +
        "2026-01-05T09:00:00+01:00 or the date 2026-01-05",
    ],
    [
      "a rotation start on the wrong weekday",
      (t) => void (t[1].onCall.rotationStart = "2026-01-05T10:00:00-05:00"),
      "teams[1].onCall.rotationStart: 2026-01-05T10:00:00-05:00 is monday 10:00 in America/New_York, not a handoff (tuesday " +
        "10:00); use 2026-01-06T10:00:00-05:00 or the date 2026-01-06",
    ],
    [
      "a secondary that is neither an email nor a team id",
      (t) => void (t[0].onCall.secondary = "Bob Smith"),
      "teams[0].onCall.secondary: must be an email address (the team's manager) or a team id (that team's on-call schedule) (got " +
        '"Bob Smith")',
    ],
    [
      "a secondary naming an unknown team",
      (t) => void (t[0].onCall.secondary = "search-ai"),
      'teams[0].onCall.secondary: unknown team "search-ai" (known: contracts-ai, research-assistant, platform)',
    ],
    [
      "a secondary naming the team itself",
      (t) => void (t[0].onCall.secondary = "contracts-ai"),
      'teams[0].onCall.secondary: must not be the team itself ("contracts-ai"): the on-call schedule is already the first level ' +
        "(omit it to loop)",
    ],
    [
      "a feature warning threshold equal to its critical one",
      (_t, f) => void (f[2].errors = { criticalCount10m: 30, warningCount10m: 30 }),
      "features[2].errors.warningCount10m: must be below errors.criticalCount10m (30) (got 30)",
    ],
    [
      "a feature warning threshold above the stack's critical default",
      (_t, f) => void (f[0].errors = { warningCount10m: 60 }),
      "features[0].errors.warningCount10m: must be below the stack's sentry.criticalCount10m (50) (got 60)",
    ],
    [
      "a feature critical threshold below the stack's warning default",
      (_t, f) => void (f[0].errors = { criticalCount10m: 10 }),
      "features[0].errors.criticalCount10m: must be above the stack's sentry.warningCount10m (20); set errors.warningCount10m too (got 10)",
    ],
    [
      "stack Sentry defaults with warning above critical",
      setConfig("sentry", { criticalCount10m: 10, warningCount10m: 20 }),
      "llm-observability:sentry.warningCount10m: must be below sentry.criticalCount10m (10) (got 20)",
    ],
    [
      "a Sentry PagerDuty service id missing for a team that owns features",
      setConfig("sentryPagerdutyServices", { "contracts-ai": 101, platform: 103 }),
      'llm-observability:sentryPagerdutyServices.research-assistant: required: team "research-assistant" owns features whose ' +
        "high-priority Sentry issues page (sentryPagerdutyIntegration is set); give Sentry's id of its service in that integration",
    ],
    [
      "a Sentry PagerDuty service id for an unknown team",
      setConfig("sentryPagerdutyServices", { "contracts-ai": 101, "research-assistant": 102, platform: 103, ghost: 104 }),
      'llm-observability:sentryPagerdutyServices.ghost: unknown team "ghost" (known: contracts-ai, research-assistant, platform)',
    ],
    [
      "a Sentry PagerDuty service id that is not a positive integer",
      setConfig("sentryPagerdutyServices", { "contracts-ai": 0, "research-assistant": 102, platform: 103 }),
      "llm-observability:sentryPagerdutyServices.contracts-ai: must be a positive integer (the Sentry id of the service) (got 0)",
    ],
  ])("%s is reported at its exact path", (_name, mutate, expected) => {
    expect(problemsAfter(mutate)).toEqual([expected]);
  });
});

describe("config that is fine", () => {
  it.each<[string, Mutation]>([
    ["a date-only rotation start", (t) => void (t[0].onCall.rotationStart = "2026-01-07")],
    [
      "a rotation start at a handoff after the DST change, with the summer offset",
      (t) => void (t[0].onCall.rotationStart = "2026-04-06T09:00:00+02:00"),
    ],
    ["a secondary naming another team", (t) => void (t[0].onCall.secondary = "platform")],
    ["a team without a secondary", (t) => void delete t[1].onCall.secondary],
    [
      "a delay at either end of the range",
      (t) => void ((t[0].onCall.escalationDelayMinutes = 5), (t[1].onCall.escalationDelayMinutes = 60)),
    ],
  ])("%s passes", (_name, mutate) => {
    expect(problemsAfter(mutate)).toEqual([]);
  });

  it("staging needs no Sentry PagerDuty service ids, because it never pages", () => {
    expect(problemsAfter((_t, _f, c) => void delete c["llm-observability:sentryPagerdutyServices"], "staging")).toEqual([]);
  });
});

describe("several bad values at once", () => {
  it("are all reported in one pass, features first, then teams, then stack config", () => {
    const problems = problemsAfter((t, f, c) => {
      t[0].onCall.members = [];
      t[1].onCall.handoff.timeZone = "Mars/Olympus";
      t[1].onCall.escalationDelayMinutes = 0;
      t[2].onCall.handoff.time = "9am";
      f[3].sentryProject = "";
      c["llm-observability:sentryPagerdutyServices"] = JSON.stringify({ "contracts-ai": 101, "research-assistant": 102 });
    });
    expect(problems).toEqual([
      `features[3].sentryProject: must be a Sentry slug: lowercase letters, digits, '_' and '-', at most 50 characters, not only ` +
        `digits (got "")`,
      "teams[0].onCall.members: must list at least one on-call member (got [])",
      "teams[1].onCall.escalationDelayMinutes: must be between 5 and 60 minutes (got 0)",
      'teams[1].onCall.handoff.timeZone: unknown IANA time zone "Mars/Olympus" (e.g. Europe/Berlin)',
      'teams[2].onCall.handoff.time: must be a 24h time "HH:MM" (got "9am")',
      'llm-observability:sentryPagerdutyServices.platform: required: team "platform" owns features whose high-priority Sentry ' +
        "issues page (sentryPagerdutyIntegration is set); give Sentry's id of its service in that integration",
    ]);
  });
});
