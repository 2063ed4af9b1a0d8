// The runbook rule reads the repo's own runbooks/ (ttft-p95.md exists, ttft-p99.md does not).
import { describe, expect, it } from "vitest";
import {
  monitorAnomalyWindows,
  monitorHasEscalationPath,
  monitorHasOwner,
  monitorHasPriority,
  monitorHasRunbook,
  monitorRules,
  monitorThresholdMatchesQuery,
} from "../policies/rules/monitors";
import { pagerdutyHandle, slackHandle, TYPE } from "../config/names";
import {
  anomalyMonitorProps,
  assertHasResourceViolation,
  assertNoResourceViolations,
  monitor,
  monitorProps,
  resource,
  RUNBOOK_BASE,
  runResourcePolicy,
} from "./fixtures/policy-args";

const withMessage = (message: string) => monitor("monitor-extract-clause-ttft-p95", { message });
const slackOnly = (text = "") =>
  `${text}\nRunbook: ${RUNBOOK_BASE}/ttft-p95.md\n{{#is_alert}}${slackHandle("#contracts-ai-alerts")}{{/is_alert}}`;

describe("every monitor rule", () => {
  it.each([monitorHasOwner, monitorHasRunbook, monitorHasEscalationPath, monitorHasPriority, monitorThresholdMatchesQuery])(
    "$name passes a monitor built the way the monitors builder builds it",
    async (policy) => {
      await assertNoResourceViolations(policy, monitor());
    },
  );

  it.each(monitorRules)(
    "$name does not apply to a resource that is not a monitor, and says so the way the engine expects",
    async (policy) => {
      const run = await runResourcePolicy(
        policy,
        resource(TYPE.pagerdutyServiceObject, "pagerduty-service-platform", { serviceName: "x" }),
      );
      expect(run).toEqual({ violations: [], notApplicable: true });
    },
  );
});

describe("monitor-has-owner", () => {
  it("rejects a monitor with no team tag, naming the monitor and the known teams", async () => {
    const r = monitor("monitor-extract-clause-ttft-p95", { tags: ["feature:extract-clause", "monitor:ttft-p95"] });
    await assertHasResourceViolation(
      monitorHasOwner,
      r,
      /monitor "monitor-extract-clause-ttft-p95" has no team: tag.*contracts-ai, research-assistant, platform/,
    );
  });

  it("rejects a team tag that names a team missing from teams.ts", async () => {
    const r = monitor("m", { tags: ["team:growth", "monitor:ttft-p95"] });
    await assertHasResourceViolation(monitorHasOwner, r, /tagged team:growth, but "growth" is not a known team/);
  });

  it("rejects two different team tags, because ownership must be unambiguous", async () => {
    await assertHasResourceViolation(
      monitorHasOwner,
      monitor("m", { tags: ["team:platform", "team:contracts-ai"] }),
      /2 team: tags \(platform, contracts-ai\)/,
    );
  });

  it("takes the team list from policy config when it is set", async () => {
    await assertNoResourceViolations(monitorHasOwner, monitor("m", { tags: ["team:growth"] }), { teams: ["growth"] });
    await assertHasResourceViolation(monitorHasOwner, monitor(), /"contracts-ai" is not a known team \(known: growth\)/, {
      teams: ["growth"],
    });
  });
});

describe("monitor-has-runbook", () => {
  it("rejects a message with no link under the stack's runbook base URL", async () => {
    const r = withMessage(`TTFT is high.\nSee https://wiki.example.com/ttft\n${pagerdutyHandle("prod", "contracts-ai")}`);
    await assertHasResourceViolation(
      monitorHasRunbook,
      r,
      new RegExp(`has no runbook link under ${RUNBOOK_BASE}/ .*Add "Runbook: ${RUNBOOK_BASE}/ttft-p95.md"`),
    );
  });

  it("rejects a runbook link whose file is missing from runbooks/", async () => {
    const r = withMessage(`Runbook: ${RUNBOOK_BASE}/ttft-p99.md ${pagerdutyHandle("prod", "contracts-ai")}`);
    await assertHasResourceViolation(monitorHasRunbook, r, /links runbook .*ttft-p99\.md, but runbooks\/ttft-p99\.md does not exist/);
  });

  it("accepts a Markdown link with an anchor to an existing runbook", async () => {
    await assertNoResourceViolations(monitorHasRunbook, withMessage(`[Runbook](${RUNBOOK_BASE}/ttft-p95.md#checks)`));
  });

  it("rejects a link that climbs out of runbooks/", async () => {
    await assertHasResourceViolation(monitorHasRunbook, withMessage(`Runbook: ${RUNBOOK_BASE}/../README.md`), /points outside runbooks\//);
  });

  it("uses the base URL from policy config over the stack's", async () => {
    const base = "https://runbooks.example.com/llm";
    await assertHasResourceViolation(monitorHasRunbook, monitor(), new RegExp(`no runbook link under ${base}/`), { runbookBaseUrl: base });
    await assertNoResourceViolations(monitorHasRunbook, withMessage(`Runbook: ${base}/ttft-p95.md`), { runbookBaseUrl: `${base}/` });
  });

  it("on a stack this repo has no config for, still requires a link into some runbooks/ folder", async () => {
    await assertHasResourceViolation(
      monitorHasRunbook,
      monitor("m", { message: "https://wiki.example.com/ttft @slack-a" }, "sandbox"),
      /no runbookBaseUrl configured/,
    );
    await assertNoResourceViolations(
      monitorHasRunbook,
      monitor("m", { message: "https://git.example.com/ops/runbooks/x.md @slack-a" }, "sandbox"),
    );
  });
});

describe("monitor-has-escalation-path", () => {
  it("rejects a monitor that notifies nobody", async () => {
    await assertHasResourceViolation(
      monitorHasEscalationPath,
      withMessage(`Runbook: ${RUNBOOK_BASE}/ttft-p95.md, mail ops@example.com`),
      /notifies nobody/,
    );
  });

  it("rejects a paging priority that only reaches Slack on a stack that pages", async () => {
    await assertHasResourceViolation(
      monitorHasEscalationPath,
      withMessage(slackOnly()),
      /paging priority P2 but never notifies PagerDuty \(handles: @slack-contracts-ai-alerts\)/,
    );
  });

  it("accepts a non-paging priority that only reaches Slack", async () => {
    await assertNoResourceViolations(monitorHasEscalationPath, monitor("m", { message: slackOnly(), priority: "3" }));
  });

  it("rejects a PagerDuty handle on a stack that may not page", async () => {
    await assertHasResourceViolation(
      monitorHasEscalationPath,
      monitor("m", {}, "staging"),
      /stack "staging" may not page \(paging: false\)/,
    );
  });

  it("accepts Slack-only routing of a P2 monitor on a stack that may not page", async () => {
    await assertNoResourceViolations(monitorHasEscalationPath, monitor("m", { message: slackOnly() }, "staging"));
  });

  it("lets policy config decide whether the stack pages", async () => {
    await assertNoResourceViolations(monitorHasEscalationPath, monitor("m", { message: slackOnly() }), { paging: false });
  });
});

describe("monitor-has-priority", () => {
  it.each([
    ["no priority", undefined, /has no priority/],
    ["a label instead of a number", "P2", /priority "P2", which is not 1-5/],
    ["a number out of range", "6", /priority "6", which is not 1-5/],
  ])("rejects %s", async (_case, priority, expected) => {
    await assertHasResourceViolation(monitorHasPriority, monitor("m", { priority }), expected);
  });
});

describe("monitor-threshold-matches-query", () => {
  it("rejects a critical threshold that differs from the query's number", async () => {
    const r = monitor("monitor-extract-clause-ttft-p95", { monitorThresholds: { critical: "900" } });
    await assertHasResourceViolation(
      monitorThresholdMatchesQuery,
      r,
      /monitorThresholds.critical "900", but its query compares against 800 \("> 800"\)/,
    );
  });

  it("rejects a query alert with no critical threshold", async () => {
    await assertHasResourceViolation(
      monitorThresholdMatchesQuery,
      monitor("m", { monitorThresholds: {} }),
      /has no monitorThresholds.critical/,
    );
  });

  it("rejects a query alert whose query has no comparison", async () => {
    await assertHasResourceViolation(
      monitorThresholdMatchesQuery,
      monitor("m", { query: "avg(last_5m):avg:llm.ttft{*}" }),
      /does not end in a comparison/,
    );
  });

  it.each([
    ["a negative change threshold", "change(avg(last_1w),last_1w):avg:llm.judge.score{feature:x} < -5", "-5"],
    ["a decimal written differently", "sum(last_1d):sum:llm.cost.usd{feature:x}.as_count() > 80", "80.0"],
    ["an anomaly fraction", "avg(last_4h):anomalies(sum:llm.cost.usd{*} by {tenant}.as_count(), 'agile', 3) >= 1", "1"],
  ])("accepts %s", async (_case, query, critical) => {
    await assertNoResourceViolations(monitorThresholdMatchesQuery, monitor("m", { query, monitorThresholds: { critical } }));
  });

  it("leaves composite monitors alone, whose query is monitor ids", async () => {
    const run = await runResourcePolicy(
      monitorThresholdMatchesQuery,
      monitor("m", { type: "composite", query: "123 && 456", monitorThresholds: undefined }),
    );
    expect(run.violations).toEqual([]);
  });
});

describe("monitor-anomaly-windows", () => {
  const anomaly = (overrides: Record<string, unknown> = {}) => monitor("monitor-tenant-spend-anomaly", anomalyMonitorProps(overrides));

  it("passes an anomaly monitor with trigger window equal to alert_window", async () => {
    await assertNoResourceViolations(monitorAnomalyWindows, anomaly());
  });

  it("rejects an anomaly monitor without threshold windows", async () => {
    await assertHasResourceViolation(
      monitorAnomalyWindows,
      anomaly({ monitorThresholdWindows: undefined }),
      /anomaly monitor "monitor-tenant-spend-anomaly" has no monitorThresholdWindows.triggerWindow and recoveryWindow.*triggerWindow: "last_30m"/,
    );
  });

  it("rejects a trigger window that differs from the query's alert_window", async () => {
    await assertHasResourceViolation(
      monitorAnomalyWindows,
      anomaly({ monitorThresholdWindows: { triggerWindow: "last_15m", recoveryWindow: "last_30m" } }),
      /triggerWindow "last_15m" but its query's alert_window is "last_30m"/,
    );
  });

  it("rejects a critical threshold that is not a fraction", async () => {
    await assertHasResourceViolation(monitorAnomalyWindows, anomaly({ monitorThresholds: { critical: "3" } }), /must be in \(0, 1\]/);
  });

  it("ignores monitors that are not anomaly monitors", async () => {
    const run = await runResourcePolicy(monitorAnomalyWindows, monitor("m", monitorProps()));
    expect(run).toEqual({ violations: [], notApplicable: false });
  });
});
