// Issue 10 §3: a display name or stack-level text can never add a handle, a template block or a
// line to a monitor name or message. Such text is refused at validation, with its path (so the
// program creates nothing), and the monitors synthesized from the most hostile text that is
// accepted notify exactly the handles routing chose.
import { beforeAll, describe, expect, it } from "vitest";
import { ConfigError, formatProblem, showValue } from "../config/errors";
import { handleReach, pagerdutyHandle, slackHandle } from "../config/names";
import { validateCatalog } from "../config/validate";
import { buildMonitors } from "../monitors";
import { monitorsOf, type PlannedMonitor } from "../plan/monitors";
import { lintMonitor } from "../monitors/lint";
import type { Plan } from "../plan/plan";
import { fixtureCatalog, fixtureFeatures, fixtureStackConfig, fixtureTeams, synthFixture } from "./fixtures/catalog";

const ATTACK = "Clause {{#is_alert}} @slack-attacker {{/is_alert}}";
const NAME_CHARS =
  "may contain only letters, digits, spaces and . , : ; ' \" & + - / ( ) # % ! ? _ or typographic quotes and dashes; found";
const BASE_URL =
  "must be a plain http(s) base URL: host and path only (no credentials, query or fragment), RFC 3986 path characters, no spaces " +
  'or @ ( ) [ ] { } < > " `';
const SEGMENT = "must be one URL path segment of at most 128 characters: letters, digits, - . _ ~ or %XX escapes (e.g. My%20Project)";

type Config = Record<string, unknown>;
interface Injection {
  features?: (f: ReturnType<typeof fixtureFeatures>) => void;
  teams?: (t: ReturnType<typeof fixtureTeams>) => void;
  config?: (c: Config) => void;
  problem: string;
}

const injections: Record<string, Injection> = {
  "A feature name carrying a state block and a Slack handle is refused.": {
    features: (f) => void (f[0].name = ATTACK),
    problem: `features[0].name: ${NAME_CHARS} "{", "}", "@" (got "${ATTACK}")`,
  },
  "A team name carrying the same payload is refused.": {
    teams: (t) => void (t[1].name = ATTACK),
    problem: `teams[1].name: ${NAME_CHARS} "{", "}", "@" (got "${ATTACK}")`,
  },
  "A bare PagerDuty handle in a feature name is refused.": {
    features: (f) => void (f[1].name = "Summarize @pagerduty-someone-else"),
    problem: `features[1].name: ${NAME_CHARS} "@" (got "Summarize @pagerduty-someone-else")`,
  },
  "An email handle in a team name is refused.": {
    teams: (t) => void (t[0].name = "Search mallory@example.com"),
    problem: `teams[0].name: ${NAME_CHARS} "@" (got "Search mallory@example.com")`,
  },
  "A Slack broadcast mention is refused.": {
    features: (f) => void (f[0].name = "Answers <!channel>"),
    problem: `features[0].name: ${NAME_CHARS} "<", ">" (got "Answers <!channel>")`,
  },
  "A Markdown link that would close the dashboard link text is refused.": {
    features: (f) => void (f[0].name = "Answers](https://evil.example) [x"),
    problem: `features[0].name: ${NAME_CHARS} "]", "[" (got "Answers](https://evil.example) [x")`,
  },
  "A line feed that would start a new message line is refused.": {
    features: (f) => void (f[0].name = "Answers\n@slack-attacker"),
    problem: 'features[0].name: must be a single line of printable text (found U+000A line feed) (got "Answers\\n@slack-attacker")',
  },
  "A bare carriage return is refused.": {
    teams: (t) => void (t[0].name = "Search\r# Heading"),
    problem: 'teams[0].name: must be a single line of printable text (found U+000D carriage return) (got "Search\\r# Heading")',
  },
  "A NUL is refused.": {
    features: (f) => void (f[1].name = "Summarize\u0000"),
    problem: 'features[1].name: must be a single line of printable text (found U+0000 NUL) (got "Summarize\\u0000")',
  },
  "An ESC (terminal colour codes in logs and CLI output) is refused.": {
    features: (f) => void (f[1].name = "Summarize \u001b[31m"),
    problem: 'features[1].name: must be a single line of printable text (found U+001B escape) (got "Summarize \\u001b[31m")',
  },
  "A Unicode line separator is refused.": {
    features: (f) => void (f[1].name = "Summarize\u2028more"),
    problem: 'features[1].name: must be a single line of printable text (found U+2028 line separator) (got "Summarize\u2028more")',
  },
  "A right-to-left override that disguises the name is refused.": {
    teams: (t) => void (t[1].name = "Platform\u202e"),
    problem: 'teams[1].name: must be a single line of printable text (found U+202E) (got "Platform\u202e")',
  },
  "A name longer than 80 characters is refused.": {
    features: (f) => void (f[0].name = "A".repeat(81)),
    problem: `features[0].name: must be at most 80 characters (got ${showValue("A".repeat(81))})`,
  },
  "A runbook base URL carrying the payload is refused.": {
    config: (c) => void (c.runbookBaseUrl = `https://git.example.com/runbooks/${ATTACK}`),
    problem: `llm-observability:runbookBaseUrl: ${BASE_URL} (got ${showValue(`https://git.example.com/runbooks/${ATTACK}`)})`,
  },
  "A runbook base URL with credentials is refused.": {
    config: (c) => void (c.runbookBaseUrl = "https://mallory@git.example.com/runbooks"),
    problem: `llm-observability:runbookBaseUrl: ${BASE_URL} (got "https://mallory@git.example.com/runbooks")`,
  },
  "A runbook base URL that would close the Markdown link and open another is refused.": {
    config: (c) => void (c.runbookBaseUrl = "https://git.example.com/x)[Reset your password](https://evil.example"),
    problem: `llm-observability:runbookBaseUrl: ${BASE_URL} (got ${showValue("https://git.example.com/x)[Reset your password](https://evil.example")})`,
  },
  "A runbook base URL with a query, which every appended runbook path would land in, is refused.": {
    config: (c) => void (c.runbookBaseUrl = "https://git.example.com/runbooks?ref=main"),
    problem: `llm-observability:runbookBaseUrl: ${BASE_URL} (got "https://git.example.com/runbooks?ref=main")`,
  },
  "A trace tool base URL with a handle is refused.": {
    config: (c) => void ((c.traceTool as Config).baseUrl = "https://cloud.langfuse.com/@slack-attacker"),
    problem: `llm-observability:traceTool.baseUrl: ${BASE_URL} (got "https://cloud.langfuse.com/@slack-attacker")`,
  },
  "A trace tool project id with a space and a handle is refused.": {
    config: (c) => void ((c.traceTool as Config).projectId = "acme @slack-attacker"),
    problem: `llm-observability:traceTool.projectId: ${SEGMENT} (got "acme @slack-attacker")`,
  },
  "A trace tool organization with a newline is refused.": {
    config: (c) =>
      void (c.traceTool = { kind: "braintrust", baseUrl: "https://www.braintrust.dev", projectId: "p", organization: "acme\n" }),
    problem: `llm-observability:traceTool.organization: ${SEGMENT} (got "acme\\n")`,
  },
  "A Sentry PagerDuty integration name with a line break is refused.": {
    config: (c) => void (c.sentryPagerdutyIntegration = "PagerDuty\r\n"),
    problem:
      "llm-observability:sentryPagerdutyIntegration: must be a single line of printable text " +
      '(found U+000D carriage return) (got "PagerDuty\\r\\n")',
  },
};

function inputsFor(i: Omit<Injection, "problem">) {
  const features = fixtureFeatures();
  const teams = fixtureTeams();
  const config = fixtureStackConfig("prod");
  i.features?.(features);
  i.teams?.(teams);
  i.config?.(config);
  return { features, teams, config };
}

describe("display names and stack text that would inject are refused at validation", () => {
  it.each(Object.entries(injections))("%s", (_name, i) => {
    const result = validateCatalog(inputsFor(i));
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([i.problem]);
  });

  it.each([["Clause extraction (v2)"], ['Q&A "beta" — 50% / #1: draft_x! ’ok’ …'], ["Résumé parser"], ["法律检索"], ["¿Qué? ¡Sí!"]])(
    "The plain name %j is accepted.",
    (name) => {
      expect(validateCatalog(inputsFor({ features: (f) => void (f[0].name = name) })).ok).toBe(true);
    },
  );
});

describe("the program under mocks", () => {
  it.each(["features", "teams", "config"] as const)(
    "creates nothing and names the path when the %s carry the injection payload.",
    async (where) => {
      const input = inputsFor({
        features: where === "features" ? (f) => void (f[0].name = ATTACK) : undefined,
        teams: where === "teams" ? (t) => void (t[0].name = ATTACK) : undefined,
      });
      const config = where === "config" ? { runbookBaseUrl: `https://git.example.com/runbooks/${ATTACK}` } : {};
      const error = await synthFixture("prod", { features: input.features, teams: input.teams, config }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      const paths = (error as ConfigError).problems.map((p) => p.path);
      expect(paths).toEqual([{ features: "features[0].name", teams: "teams[0].name", config: "llm-observability:runbookBaseUrl" }[where]]);
    },
  );
});

describe("monitors synthesized from the most hostile names that are accepted", () => {
  const HOSTILE_FEATURE = 'Q&A "beta" (v2) — 50% / #1: draft_x! ’ok’ … ¿Qué?';
  const HOSTILE_TEAM = "Search & Discovery (EU) #1: ‘core’ — on-call!";
  let plan: Plan;
  let monitors: PlannedMonitor[];
  beforeAll(async () => {
    const features = fixtureFeatures();
    const teams = fixtureTeams();
    features[0].name = HOSTILE_FEATURE;
    teams[0].name = HOSTILE_TEAM;
    plan = await synthFixture("prod", { features, teams });
    monitors = monitorsOf(plan);
  });

  it("Every handle in every message is one that routing chose for the monitor's owner, and nothing else.", () => {
    const teams = Object.fromEntries(fixtureTeams().map((t) => [t.id, t]));
    expect(monitors.length).toBeGreaterThan(0);
    for (const m of monitors) {
      const owner = m.body.tags.find((t) => t.startsWith("team:"))!.slice("team:".length);
      const allowed = new Set([slackHandle(teams[owner].slack), pagerdutyHandle("prod", owner)]);
      // Every `@` anywhere in the text, and every handle any notification reaches as Datadog renders it.
      const written = [...m.body.message.matchAll(/(?<!@)@(?!@)\S+/g)].map((h) => h[0]);
      const reached = [...handleReach(m.body.message, m.body.priority).keys()];
      expect(reached.length, m.id).toBeGreaterThan(0);
      expect(
        [...written, ...reached].filter((h) => !allowed.has(h)),
        m.id,
      ).toEqual([]);
    }
  });

  it("Messages hold only Datadog's own template syntax: state blocks, {{value}} and group names.", () => {
    // SLO alerts add {{long_window_burn_rate}} and {{short_window_burn_rate}} (docs monitors/types/slo, "Notifications").
    const own =
      /^\{\{(?:value|threshold|warn_threshold|(?:long|short)_window_burn_rate|[#^/]is_(?:alert|alert_recovery|warning|recovery|no_data|renotify)|[a-z_]+\.name)\}\}$/;
    for (const m of monitors) {
      const templates = [...m.body.message.matchAll(/\{\{[^}]*\}\}/g)].map((t) => t[0]);
      expect(
        templates.filter((t) => !own.test(t)),
        m.id,
      ).toEqual([]);
      expect(m.body.message.replace(/\{\{[^}]*\}\}/g, ""), m.id).not.toMatch(/\{\{|\}\}/);
    }
  });

  it("Monitor names are one line with no handle or template, and carry the name verbatim.", () => {
    for (const m of monitors) {
      expect(m.body.name, m.id).not.toMatch(/[\p{Cc}\p{Zl}\p{Zp}@]|\{\{|\}\}/u);
    }
    expect(monitors.find((m) => m.id === "monitor-answer-cost-budget")!.body.name).toBe(
      `[llm prod] ${HOSTILE_FEATURE}: daily spend over budget`,
    );
  });

  it("No resource input anywhere in the plan (PagerDuty names included) holds a control character.", () => {
    const strings = (v: unknown): string[] =>
      typeof v === "string" ? [v] : v && typeof v === "object" ? Object.values(v).flatMap(strings) : [];
    const offending = plan.resources.flatMap((r) =>
      strings(r.inputs)
        .filter((s) => /[\p{Cc}\p{Zl}\p{Zp}]/u.test(s.replace(/\n/g, "")))
        .map((s) => `${r.name}: ${JSON.stringify(s).slice(0, 80)}`),
    );
    expect(offending).toEqual([]);
    const schedule = plan.resources.find((r) => r.type === "pagerduty:index/schedule:Schedule" && r.name.includes("search"));
    expect(schedule?.inputs.name).toBe(`${HOSTILE_TEAM} on-call (llm-prod-search)`);
  });
});

describe("defence in depth: a name that skipped validation", () => {
  it("is caught by the monitor lint that synth runs, in the name and as a handle outside routing.", () => {
    const catalog = fixtureCatalog("prod");
    catalog.features[0].name = ATTACK;
    const cost = buildMonitors(catalog).find((m) => m.id === "monitor-answer-cost-budget")!;
    const problems = lintMonitor(cost.body, { contract: catalog.contract, stack: catalog.stack });
    expect(problems).toContain(
      `name must not contain "@", "{{" or "}}" (got ${JSON.stringify(`[llm prod] ${ATTACK}: daily spend over budget`)})`,
    );
    expect(cost.body.message).toContain("@slack-attacker");
  });
});
