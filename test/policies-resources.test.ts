// Resource rules outside the monitor domain: group-bys in monitor and dashboard queries,
// dashboard ownership, Sentry rule ownership.
import { describe, expect, it, vi } from "vitest";
import { dashboardHasTeamTag } from "../policies/rules/dashboards";
import { contractTagKeys, noUnboundedGroupBy, queryGroupByKeys } from "../policies/rules/queries";
import { sentryAlertHasOwnerTeam } from "../policies/rules/sentry";
import { TYPE } from "../config/names";
import {
  assertHasResourceViolation,
  assertNoResourceViolations,
  dashboardJson,
  monitor,
  resource,
  runResourcePolicy,
} from "./fixtures/policy-args";

// The policy pack reads the legal fixture as its repository's catalog, never the user's (test/fixtures/legal-context.ts).
vi.mock("../policies/context", async (importOriginal) =>
  (await import("./fixtures/legal-context")).legalRepoContext(await importOriginal()),
);

const timeseries = (query: string, title = "TTFT p95") => ({
  definition: {
    type: "timeseries",
    title,
    requests: [{ response_format: "timeseries", queries: [{ data_source: "metrics", name: "a", query }], formulas: [{ formula: "a" }] }],
  },
});

const judgeLogTable = (groupBy: Record<string, unknown>) => ({
  definition: {
    type: "query_table",
    title: "Bottom 20 judged traces",
    requests: [
      {
        response_format: "scalar",
        queries: [
          {
            data_source: "logs",
            name: "q",
            search: { query: "service:llm-judge" },
            indexes: ["*"],
            compute: { aggregation: "avg", metric: "@score" },
            group_by: [{ facet: "@trace_id", sort: { aggregation: "avg", metric: "@score", order: "asc" }, ...groupBy }],
          },
        ],
        formulas: [{ formula: "q" }],
      },
    ],
  },
});

const dashboard = (widgets: unknown[], tags: unknown = ["team:platform"]) => ({
  title: "[llm] Latency",
  layout_type: "ordered",
  tags,
  widgets,
});

describe("no-unbounded-group-by", () => {
  it.each([
    ["p95:llm.ttft{feature:x} by {provider,model}", ["provider", "model"]],
    ["sum:llm.cost.usd{*} by {tenant, user_id}.as_count()", ["tenant", "user_id"]],
    ['logs("service:web").index("*").rollup("count").by("@usr.id").last("5m") > 10', ["@usr.id"]],
  ])("reads the group-by keys of %s", (query, keys) => {
    expect(queryGroupByKeys(query)).toEqual(keys);
  });

  it("passes a monitor grouped by bounded tags", async () => {
    await assertNoResourceViolations(
      noUnboundedGroupBy,
      monitor("m", { query: "percentile(last_10m):p95:llm.ttft{feature:x} by {provider} > 800" }),
    );
  });

  it.each([
    ["by {user_id}", "percentile(last_10m):p95:llm.ttft{feature:x} by {user_id} > 800", "user_id"],
    ["by {session_id} among bounded tags", "sum(last_1d):sum:llm.cost.usd{*} by {tenant,session_id}.as_count() > 5", "session_id"],
    ["a log monitor by @usr.id", 'logs("service:web").index("*").rollup("count").by("@usr.id").last("5m") > 10', "@usr.id"],
    ["by {dd.trace_id}", "sum(last_5m):sum:llm.requests{*} by {dd.trace_id}.as_count() > 5", "dd.trace_id"],
    ["by {thread_id}", "sum(last_5m):sum:llm.requests{*} by {thread_id}.as_count() > 5", "thread_id"],
    ["by {message_id}", "sum(last_5m):sum:llm.requests{*} by {message_id}.as_count() > 5", "message_id"],
    ["by {customer_id}", "sum(last_5m):sum:llm.requests{*} by {customer_id}.as_count() > 5", "customer_id"],
    [
      "by {tenant_id}, which the contract does not declare (it declares tenant)",
      "sum(last_5m):sum:llm.requests{*} by {tenant_id}.as_count() > 5",
      "tenant_id",
    ],
    ["by {Order-ID}", "sum(last_5m):sum:llm.requests{*} by {Order-ID}.as_count() > 5", "Order-ID"],
    ["by {customerId}", "sum(last_5m):sum:llm.requests{*} by {customerId}.as_count() > 5", "customerId"],
    ["by {document_uuid}", "sum(last_5m):sum:llm.requests{*} by {document_uuid}.as_count() > 5", "document_uuid"],
    ["by {id}", "sum(last_5m):sum:llm.requests{*} by {id}.as_count() > 5", "id"],
    ["a log monitor by @message.id", 'logs("service:web").index("*").rollup("count").by("@message.id").last("5m") > 10', "@message.id"],
  ])("rejects a monitor grouped %s", async (_case, query, key) => {
    await assertHasResourceViolation(
      noUnboundedGroupBy,
      monitor("monitor-x", { query }),
      new RegExp(`monitor "monitor-x" groups by ${key.replace(/\./g, "\\.")} .*one alert group`),
    );
  });

  it("passes a dashboard of bounded metric group-bys", async () => {
    await assertNoResourceViolations(
      noUnboundedGroupBy,
      dashboardJson("dashboard-latency", dashboard([timeseries("p95:llm.ttft{$feature} by {provider}")])),
    );
  });

  it("rejects a dashboard metric query grouped by request id, naming the widget", async () => {
    const r = dashboardJson(
      "dashboard-latency",
      dashboard([
        {
          definition: {
            type: "group",
            layout_type: "ordered",
            title: "Per feature",
            widgets: [timeseries("p95:llm.ttft{*} by {request_id}")],
          },
        },
      ]),
    );
    await assertHasResourceViolation(
      noUnboundedGroupBy,
      r,
      /dashboard "dashboard-latency" widget "TTFT p95" groups by request_id \("p95:llm.ttft\{\*\} by \{request_id\}"\)/,
    );
  });

  it("accepts a logs top-20 table over trace ids, and rejects the same table without a limit", async () => {
    await assertNoResourceViolations(noUnboundedGroupBy, dashboardJson("dashboard-quality", dashboard([judgeLogTable({ limit: 20 })])));
    await assertHasResourceViolation(
      noUnboundedGroupBy,
      dashboardJson("dashboard-quality", dashboard([judgeLogTable({})])),
      /widget "Bottom 20 judged traces" groups by @trace_id \("group_by @trace_id without limit"\)/,
    );
  });

  it.each(["provider", "model", "tenant", "token_type", "index", "status", "paid", "valid", "android"])(
    "passes a monitor grouped by {%s}, a contract tag or a word that merely ends in id",
    async (key) => {
      await assertNoResourceViolations(
        noUnboundedGroupBy,
        monitor("m", { query: `sum(last_5m):sum:llm.requests{*} by {${key}}.as_count() > 5` }),
      );
    },
  );

  it("derives the bounded keys from the metric contract, so a contract key that ends in _id stays bounded via boundedKeys", async () => {
    expect(contractTagKeys()).toEqual(expect.arrayContaining(["feature", "tenant", "provider", "model", "env"]));
    const r = monitor("m", { query: "sum(last_5m):sum:llm.requests{*} by {region_id}.as_count() > 5" });
    await assertHasResourceViolation(noUnboundedGroupBy, r, /groups by region_id/);
    await assertNoResourceViolations(noUnboundedGroupBy, r, { boundedKeys: [...contractTagKeys(), "region_id"] });
  });

  it("takes the unbounded keys from policy config when set", async () => {
    const r = monitor("m", { query: "p95:llm.ttft{*} by {tenant} > 800" });
    await assertHasResourceViolation(noUnboundedGroupBy, r, /groups by tenant/, { unboundedKeys: ["^tenant$"] });
  });
});

describe("dashboard-has-team-tag", () => {
  it("passes a dashboard tagged with a known team", async () => {
    await assertNoResourceViolations(dashboardHasTeamTag, dashboardJson("dashboard-latency", dashboard([])));
  });

  it("rejects a dashboard without a team tag, naming it", async () => {
    await assertHasResourceViolation(
      dashboardHasTeamTag,
      dashboardJson("dashboard-latency", dashboard([], ["owner:platform"])),
      /dashboard "dashboard-latency" has no team: tag/,
    );
  });

  it("rejects a dashboard tagged with an unknown team", async () => {
    await assertHasResourceViolation(
      dashboardHasTeamTag,
      dashboardJson("dashboard-latency", dashboard([], ["team:growth"])),
      /"growth" is not a known team/,
    );
  });

  it("rejects a dashboard body that is not JSON", async () => {
    await assertHasResourceViolation(
      dashboardHasTeamTag,
      resource(TYPE.dashboard, "dashboard-x", { dashboard: "{not json" }),
      /not valid JSON/,
    );
  });

  it("checks typed datadog.Dashboard resources by their tags too", async () => {
    await assertHasResourceViolation(
      dashboardHasTeamTag,
      resource("datadog:index/dashboard:Dashboard", "hand-made", { title: "x", layoutType: "ordered", widgets: [] }),
      /"hand-made" has no team: tag/,
    );
  });
});

describe("sentry-alert-has-owner-team", () => {
  const metricAlert = (owner?: string) =>
    resource(TYPE.sentryMetricAlert, "sentry-metric-alert-legal-chat", {
      organization: "acme-legal",
      project: "research-web",
      name: "[llm] Legal research assistant: errors",
      aggregate: "count()",
      query: "feature:legal-chat",
      timeWindow: 10,
      thresholdType: 0,
      triggers: [
        {
          label: "critical",
          alertThreshold: 80,
          thresholdType: 0,
          actions: [{ type: "email", targetType: "team", targetIdentifier: "4711" }],
        },
      ],
      ...(owner === undefined ? {} : { owner }),
    });
  const issueAlert = (actions: Record<string, string>[]) =>
    resource(TYPE.sentryIssueAlert, "sentry-issue-alert-legal-chat", {
      organization: "acme-legal",
      project: "research-web",
      actionMatch: "any",
      filterMatch: "all",
      frequency: 30,
      conditions: [{ id: "sentry.rules.conditions.first_seen_event.FirstSeenEventCondition" }],
      filters: [{ id: "sentry.rules.filters.tagged_event.TaggedEventFilter", key: "feature", match: "eq", value: "legal-chat" }],
      actions,
    });

  it("passes a metric alert owned by a team", async () => {
    await assertNoResourceViolations(sentryAlertHasOwnerTeam, metricAlert("team:4711"));
  });

  it.each([
    ["no owner", undefined, /"sentry-metric-alert-legal-chat" has no owner/],
    ["a person as owner", "user:12", /owner "user:12", which is not a team/],
  ])("rejects a metric alert with %s", async (_case, owner, expected) => {
    await assertHasResourceViolation(sentryAlertHasOwnerTeam, metricAlert(owner), expected);
  });

  it("passes an issue alert that notifies a team", async () => {
    await assertNoResourceViolations(
      sentryAlertHasOwnerTeam,
      issueAlert([{ id: "sentry.mail.actions.NotifyEmailAction", targetType: "Team", targetIdentifier: "4711" }]),
    );
  });

  it("rejects an issue alert that notifies only a person", async () => {
    await assertHasResourceViolation(
      sentryAlertHasOwnerTeam,
      issueAlert([{ id: "sentry.mail.actions.NotifyEmailAction", targetType: "Member", targetIdentifier: "12" }]),
      /"sentry-issue-alert-legal-chat" notifies no team/,
    );
  });

  const page = (service: string) =>
    issueAlert([
      { id: "sentry.integrations.pagerduty.notify_action.PagerDutyNotifyServiceAction", account: "1398", service, severity: "critical" },
    ]);

  it("passes an issue alert that only pages, when it pages a team's PagerDuty service from sentryPagerdutyServices", async () => {
    await assertNoResourceViolations(sentryAlertHasOwnerTeam, page("102"));
  });

  it("rejects an issue alert that pages a PagerDuty service no team owns", async () => {
    await assertHasResourceViolation(
      sentryAlertHasOwnerTeam,
      page("999"),
      new RegExp(
        /pages PagerDuty service 999, which is no team's service in sentryPagerdutyServices \(known: contracts-ai=101, /.source +
          /research-assistant=102, platform=103\)/.source,
      ),
    );
  });

  it("takes the team-to-service map from policy config when set", async () => {
    await assertNoResourceViolations(sentryAlertHasOwnerTeam, page("999"), { pagerdutyServices: { platform: 999 } });
  });

  it("does not apply to Datadog resources", async () => {
    expect(await runResourcePolicy(sentryAlertHasOwnerTeam, monitor())).toEqual({ violations: [], notApplicable: true });
  });
});
