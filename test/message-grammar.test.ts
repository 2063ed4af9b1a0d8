// The one reader of Datadog notification messages (config/names.ts): which handles each
// notification carries, judged per state block the way Datadog renders the message.
import { describe, expect, it } from "vitest";
import {
  describeReach,
  handleReach,
  handlesFor,
  handlesIn,
  idFromName,
  monitorName,
  type NamedRole,
  NOTIFICATIONS,
  notificationsSent,
  type NotificationContext,
  pagerdutyHandle,
  pagerdutyServicesIn,
  parseMessage,
  parseMonitorName,
  parseSentryRuleName,
  reachableHandles,
  resourceName,
  slackHandle,
  unconditionalHandles,
} from "../config/names";

const ALERT: NotificationContext = { from: "ok", to: "alert" };
const WARN: NotificationContext = { from: "ok", to: "warn" };
const ALERT_TO_WARN: NotificationContext = { from: "alert", to: "warn" };
const RECOVER_ALERT: NotificationContext = { from: "alert", to: "ok" };
const RECOVER_WARN: NotificationContext = { from: "warn", to: "ok" };
const NO_DATA: NotificationContext = { from: "ok", to: "no data" };
const RENOTIFY: NotificationContext = { from: "alert", to: "alert", renotify: true };

const raw = (message: string, ctx: NotificationContext, unknown?: boolean) =>
  handlesFor(message, ctx, unknown === undefined ? {} : { unknown }).map((h) => h.raw);

describe("handlesFor: who a notification reaches", () => {
  const cases: { name: string; message: string; ctx: NotificationContext; expected: string[]; unknown?: boolean }[] = [
    {
      name: "An alert reaches the handles of the is_alert block and the unconditional ones, not the warning's.",
      message:
        "Summary @slack-all\n{{#is_alert}}\nNotify: @pagerduty-svc @slack-team\n{{/is_alert}}\n" +
        "{{#is_warning}}\n@slack-warn\n{{/is_warning}}",
      ctx: ALERT,
      expected: ["@slack-all", "@pagerduty-svc", "@slack-team"],
    },
    {
      name: "A warning reaches only the is_warning block's handles.",
      message: "{{#is_alert}} @pagerduty-svc {{/is_alert}}{{#is_warning}} @slack-warn {{/is_warning}}",
      ctx: WARN,
      expected: ["@slack-warn"],
    },
    {
      name: "A P1 handle placed only in is_warning never pages on alert.",
      message: "{{#is_warning}} @pagerduty-svc {{/is_warning}}{{#is_alert}} @slack-team {{/is_alert}}",
      ctx: ALERT,
      expected: ["@slack-team"],
    },
    {
      name: "A handle placed only in is_recovery is not notified on alert, but is on recovery.",
      message: "{{#is_recovery}} @pagerduty-svc {{/is_recovery}}",
      ctx: ALERT,
      expected: [],
    },
    {
      name: "Recovery from alert reaches is_recovery and is_alert_recovery.",
      message:
        "{{#is_recovery}} @pagerduty-svc {{/is_recovery}}{{#is_alert_recovery}} @slack-a " +
        "{{/is_alert_recovery}}{{#is_warning_recovery}} @slack-w {{/is_warning_recovery}}",
      ctx: RECOVER_ALERT,
      expected: ["@pagerduty-svc", "@slack-a"],
    },
    {
      name: "Recovery from warning reaches is_warning_recovery but not is_alert_recovery.",
      message: "{{#is_alert_recovery}} @slack-a {{/is_alert_recovery}}{{#is_warning_recovery}} @slack-w {{/is_warning_recovery}}",
      ctx: RECOVER_WARN,
      expected: ["@slack-w"],
    },
    {
      name: "Alert to warning reaches is_alert_to_warning, is_warning and (per Datadog's note) is_alert_recovery.",
      message:
        "{{#is_alert_to_warning}} @slack-a2w {{/is_alert_to_warning}}{{#is_warning}} @slack-w " +
        "{{/is_warning}}{{#is_alert_recovery}} @pagerduty-svc {{/is_alert_recovery}}",
      ctx: ALERT_TO_WARN,
      expected: ["@slack-a2w", "@slack-w", "@pagerduty-svc"],
    },
    {
      name: "A negated block shows in every state but its own.",
      message: "{{^is_alert}} @slack-quiet {{/is_alert}}",
      ctx: WARN,
      expected: ["@slack-quiet"],
    },
    {
      name: "A negated block is hidden in its own state.",
      message: "{{^is_alert}} @slack-quiet {{/is_alert}}",
      ctx: ALERT,
      expected: [],
    },
    {
      name: "The else branch shows when the block's condition does not hold.",
      message: "{{#is_alert}} @pagerduty-svc {{else}} @slack-team {{/is_alert}}",
      ctx: NO_DATA,
      expected: ["@slack-team"],
    },
    {
      name: "Nested blocks must all hold: a renotify block inside is_alert is sent only on renotification.",
      message: "{{#is_alert}} @slack-a {{#is_renotify}} @slack-again {{/is_renotify}}{{/is_alert}}",
      ctx: RENOTIFY,
      expected: ["@slack-a", "@slack-again"],
    },
    {
      name: "is_no_data reaches its handles on missing data only.",
      message: "{{#is_no_data}} @slack-nd {{/is_no_data}}{{#is_alert}} @slack-a {{/is_alert}}",
      ctx: NO_DATA,
      expected: ["@slack-nd"],
    },
    {
      name: "is_match cannot be decided from the message: both branches MAY be notified.",
      message: '{{#is_match "tenant.name" "acme"}} @slack-acme {{else}} @slack-rest {{/is_match}}',
      ctx: ALERT,
      expected: ["@slack-acme", "@slack-rest"],
    },
    {
      name: "is_match cannot be decided from the message: neither branch is CERTAINLY notified.",
      message: '{{#is_match "tenant.name" "acme"}} @slack-acme {{/is_match}} @slack-always',
      ctx: ALERT,
      unknown: false,
      expected: ["@slack-always"],
    },
    {
      name: "A handle is the same handle whatever its case, and is reported once.",
      message: "{{#is_alert}} @PagerDuty-svc @pagerduty-svc {{/is_alert}}",
      ctx: ALERT,
      expected: ["@PagerDuty-svc"],
    },
  ];
  it.each(cases)("$name", ({ message, ctx, expected, unknown }) => {
    expect(raw(message, ctx, unknown)).toEqual(expected);
  });

  it("judges is_priority against the monitor's priority.", () => {
    const message = "{{#is_priority 'P1'}} @pagerduty-svc {{/is_priority}} @slack-team";
    expect(raw(message, { ...ALERT, priority: 1 })).toEqual(["@pagerduty-svc", "@slack-team"]);
    expect(raw(message, { ...ALERT, priority: 3 })).toEqual(["@slack-team"]);
  });
});

describe("handlesIn: what counts as a handle", () => {
  it("reads the integration case-insensitively and keeps the target as written.", () => {
    expect(handlesIn("x @PagerDuty-Svc-1 y")).toEqual([
      { raw: "@PagerDuty-Svc-1", integration: "pagerduty", target: "Svc-1", glued: false },
    ]);
  });
  it("drops sentence punctuation after a handle.", () => {
    expect(handlesIn("Notify @slack-team.").map((h) => h.raw)).toEqual(["@slack-team"]);
  });
  it("treats an email address in running text as no handle, and an @-email as an email handle.", () => {
    expect(handlesIn("write to jane@example.com or @ops@example.com")).toEqual([
      { raw: "@ops@example.com", integration: "email", target: "ops@example.com", glued: false },
    ]);
  });
  it("flags a handle glued to punctuation before it, since Datadog needs a space before a handle.", () => {
    expect(handlesIn("Notify:@slack-team")).toEqual([{ raw: "@slack-team", integration: "slack", target: "team", glued: true }]);
  });
  it("keeps templated handles whole.", () => {
    expect(handlesIn("to @slack-{{tenant.name}}-alerts now").map((h) => h.raw)).toEqual(["@slack-{{tenant.name}}-alerts"]);
  });
});

describe("parseMessage: structure", () => {
  const cases: { name: string; message: string; problem: RegExp }[] = [
    { name: "An unclosed block is a problem.", message: "{{#is_alert}} @x", problem: /\{\{#is_alert\}\} at offset 0 is never closed/ },
    { name: "A closing tag with no opening is a problem.", message: "@x {{/is_alert}}", problem: /closes no block/ },
    { name: "Mismatched tags are a problem.", message: "{{#is_alert}}{{/is_warning}}", problem: /closes \{\{#is_alert\}\}/ },
    {
      name: "An unknown conditional variable is a problem.",
      message: "{{#is_alrt}}x{{/is_alrt}}",
      problem: /unknown conditional variable/,
    },
    { name: "An else outside a block is a problem.", message: "a {{else}} b", problem: /outside any block/ },
  ];
  it.each(cases)("$name", ({ message, problem }) => {
    expect(parseMessage(message).problems.join("\n")).toMatch(problem);
  });

  it("reports no problem for variables and well-formed blocks.", () => {
    expect(parseMessage("{{value}} {{tenant.name}} {{#is_alert}} a {{^is_renotify}} b {{/is_renotify}} {{/is_alert}}").problems).toEqual(
      [],
    );
  });

  it("lists the handles outside every block.", () => {
    const parsed = parseMessage("@slack-all {{#is_alert}} @pagerduty-svc {{/is_alert}} tail @slack-tail");
    expect(unconditionalHandles(parsed).map((h) => h.raw)).toEqual(["@slack-all", "@slack-tail"]);
  });
});

describe("handleReach: the notifications that reach each handle", () => {
  it("names every notification a handle receives.", () => {
    const reach = handleReach("{{#is_alert}} @pagerduty-svc {{/is_alert}}{{#is_recovery}} @pagerduty-svc @slack-t {{/is_recovery}}");
    expect(Object.fromEntries(reach)).toEqual({
      "@pagerduty-svc": ["alert", "alert renotify", "recovery from alert", "recovery from warning", "recovery from no data"],
      "@slack-t": ["recovery from alert", "recovery from warning", "recovery from no data"],
    });
  });
});

describe("handlesIn: what is not a handle", () => {
  it.each([
    ["an unresolved dashboard-link placeholder", "Dashboard: [Cost](@@dashboard-url:cost@@?tpl_var_feature=x)"],
    ["an @ in a URL path", "See https://example.com/@team/board"],
    ["an email address in prose", "mail ops@example.com"],
  ])("%s.", (_, text) => {
    expect(handlesIn(text)).toEqual([]);
  });
});

describe("reachableHandles and pagerdutyServicesIn: what a message may notify, for readers that ask no particular transition", () => {
  it.each([
    ["{{#is_alert}} @pagerduty-llm-prod-contracts-ai {{/is_alert}}", ["llm-prod-contracts-ai"]],
    ["Page @pagerduty-llm-prod-platform.", ["llm-prod-platform"]],
    ["{{#is_alert}}@pagerduty-llm-prod-platform{{/is_alert}}", ["llm-prod-platform"]],
    ["@pagerduty-a, @pagerduty-b and @pagerduty-a again", ["a", "b"]],
    ["{{#is_recovery}} @PagerDuty-c {{/is_recovery}}", ["c"]],
    ["@slack-contracts-ai-alerts only", []],
  ])("finds the PagerDuty services of %j.", (text, names) => {
    expect(pagerdutyServicesIn(text)).toEqual(names);
  });

  it("lists each handle once, whichever notifications carry it.", () => {
    const message =
      "{{#is_alert}} @slack-a @pagerduty-p {{/is_alert}}{{#is_recovery}} @slack-a {{/is_recovery}}{{#is_warning}} @slack-w {{/is_warning}}";
    expect(reachableHandles(message).map((h) => h.raw)).toEqual(["@slack-a", "@pagerduty-p", "@slack-w"]);
  });
});

describe("notificationsSent: the notifications a monitor's options let it send", () => {
  const labels = (options: Parameters<typeof notificationsSent>[0]) => notificationsSent(options).map((n) => n.label);
  it("sends no renotification without renotify_interval.", () => {
    expect(labels({})).not.toContain("alert renotify");
  });
  it("renotifies alert and no data by default once renotify_interval is set (Datadog's documented default).", () => {
    expect(labels({ renotifyInterval: 60 }).filter((l) => l.endsWith("renotify"))).toEqual(["alert renotify", "no data renotify"]);
  });
  it("renotifies exactly the listed statuses.", () => {
    expect(labels({ renotifyInterval: 60, renotifyStatuses: ["warn"] }).filter((l) => l.endsWith("renotify"))).toEqual([
      "warning renotify",
    ]);
  });
});

describe("describeReach: the notifications of a handle in words", () => {
  const all = NOTIFICATIONS.map((n) => n.label);
  it.each([
    [["alert", "alert renotify"], "alert + renotify"],
    [["alert", "recovery from alert", "recovery from warning", "recovery from no data"], "alert, recovery"],
    [["warning", "alert to warning", "recovery from alert"], "warning, alert to warning, recovery from alert"],
    [all, "always"],
  ])("reads %j as %j.", (labels, words) => {
    expect(describeReach(labels)).toBe(words);
  });
});

describe("resource names: every builder has its parser", () => {
  const roles: NamedRole[] = [
    "dashboard",
    "schedule",
    "escalationPolicy",
    "service",
    "serviceIntegration",
    "pagerdutyServiceObject",
    "sentryIssueAlert",
    "sentryIssuePage",
    "sentryMetricAlert",
  ];
  it.each(roles)("The %s name of an id parses back to that id, and no other role claims it.", (role) => {
    const name = resourceName(role, "contracts-ai");
    expect(idFromName(role, name)).toBe("contracts-ai");
    for (const other of roles.filter((r) => r !== role)) expect(idFromName(other, name), other).not.toBe("contracts-ai");
  });

  it.each([
    [monitorName("ttft-p95", "extract-clause"), { kind: "ttft-p95", featureId: "extract-clause" }],
    [monitorName("total-latency-p95", "summarize-contract"), { kind: "total-latency-p95", featureId: "summarize-contract" }],
    [monitorName("provider-outage"), { kind: "provider-outage" }],
  ])("The monitor name %s parses back to its kind and feature.", (name, expected) => {
    expect(parseMonitorName(name, ["ttft-p95", "total-latency-p95", "provider-outage"])).toEqual(expected);
  });

  it("A Sentry rule name gives back its feature and role.", () => {
    expect(parseSentryRuleName(resourceName("sentryIssuePage", "legal-chat"))).toEqual({
      role: "sentryIssuePage",
      featureId: "legal-chat",
    });
    expect(parseSentryRuleName(resourceName("schedule", "legal-chat"))).toBeUndefined();
  });

  it("Handles derive from the names they page.", () => {
    expect(pagerdutyHandle("prod", "platform")).toBe(`@pagerduty-${"llm-prod-platform"}`);
    expect(slackHandle("#team-alerts")).toBe("@slack-team-alerts");
  });
});
