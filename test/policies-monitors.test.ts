// The runbook rule reads the repo's own runbooks/ (ttft-p95.md exists, ttft-p99.md does not).
import { describe, expect, it, vi } from "vitest";
import { monitorHasOwner, monitorHasPriority } from "../policies/rules/monitors";
import { monitorHasEscalationPath } from "../policies/rules/paging";
import { monitorHasRunbook } from "../policies/rules/runbooks";
import { monitorAnomalyWindows, monitorThresholdMatchesQuery, monitorThresholdsOrdered } from "../policies/rules/thresholds";
import { pagerdutyHandle, slackHandle, TYPE } from "../config/names";
import { monitorMessage } from "../monitors/message";
import { routesFor } from "../monitors/routing";
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

// The policy pack reads the legal fixture as its repository's catalog, never the user's (test/fixtures/legal-context.ts).
vi.mock("../policies/context", async (importOriginal) =>
  (await import("./fixtures/legal-context")).legalRepoContext(await importOriginal()),
);

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

  it.each([
    monitorHasOwner,
    monitorHasRunbook,
    monitorHasEscalationPath,
    monitorHasPriority,
    monitorThresholdMatchesQuery,
    monitorAnomalyWindows,
  ])("$name does not apply to a resource that is not a monitor, and says so the way the engine expects", async (policy) => {
    const run = await runResourcePolicy(policy, resource(TYPE.pagerdutyServiceObject, "pagerduty-service-platform", { serviceName: "x" }));
    expect(run).toEqual({ violations: [], notApplicable: true });
  });
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

  it("on a stack this repo has no config for, steps aside: stack-has-config rejects the stack once, with the reason", async () => {
    const run = await runResourcePolicy(monitorHasRunbook, monitor("m", { message: "https://wiki.example.com/ttft @slack-a" }, "sandbox"));
    expect(run).toEqual({ violations: [], notApplicable: true });
  });

  const BASE = RUNBOOK_BASE;
  it.each([
    ["the runbooks/ directory itself", `Runbook: ${BASE}/`, /links \S+\/runbooks\/, the runbooks\/ directory itself, not a runbook/],
    ["the runbooks/ directory without its slash", `Runbook: ${BASE}`, /the runbooks\/ directory itself/],
    ["a folder inside runbooks/", `Runbook: ${BASE}/old/`, /the runbooks\/ directory itself/],
    [
      "another kind's runbook",
      `Runbook: ${BASE}/cost-budget.md`,
      /is a ttft-p95 monitor but does not link its own runbook \S+\/ttft-p95\.md \(it links \S+\/cost-budget\.md\)/,
    ],
    [
      "a Markdown link that shows the runbook and goes elsewhere",
      `[${BASE}/ttft-p95.md](https://evil.example.com/ttft-p95.md) ${BASE}/ttft-p95.md`,
      /shows the link \S+\/ttft-p95\.md but its Markdown target is https:\/\/evil\.example\.com\/ttft-p95\.md/,
    ],
    [
      "a Markdown link that shows the runbook and goes to another runbook",
      `[${BASE}/ttft-p95.md](${BASE}/cost-budget.md)`,
      /shows the link \S+\/ttft-p95\.md but its Markdown target is \S+\/cost-budget\.md/,
    ],
    [
      "its own runbook, but only in the recovery block",
      `{{#is_recovery}} Runbook: ${BASE}/ttft-p95.md {{/is_recovery}}`,
      /links its runbook \S+\/ttft-p95\.md only in notifications other than the alert, so the page itself carries no instructions/,
    ],
    [
      "its own runbook, but only for one tenant",
      `{{#is_match "tenant.name" "acme"}} Runbook: ${BASE}/ttft-p95.md {{/is_match}}`,
      /only in notifications other than the alert/,
    ],
  ])("rejects a link to %s", async (_case, message, expected) => {
    await assertHasResourceViolation(monitorHasRunbook, withMessage(message), expected);
  });

  it.each([
    ["its own runbook as a bare URL", `Runbook: ${BASE}/ttft-p95.md`],
    ["its own runbook as a Markdown link whose text is the URL", `[${BASE}/ttft-p95.md](${BASE}/ttft-p95.md)`],
    ["its own runbook behind plain words", `[Runbook](${BASE}/ttft-p95.md)`],
    ["its own runbook and the postmortem template", `Runbook: ${BASE}/ttft-p95.md Postmortem: ${BASE}/postmortem-template.md`],
    ["its own runbook inside the alert block", `{{#is_alert}} Runbook: ${BASE}/ttft-p95.md {{/is_alert}}`],
  ])("accepts %s", async (_case, message) => {
    await assertNoResourceViolations(monitorHasRunbook, withMessage(message));
  });

  it("rejects a monitor whose kind is unknown, since its own runbook cannot be known", async () => {
    await assertHasResourceViolation(
      monitorHasRunbook,
      monitor("m", { tags: ["team:contracts-ai"] }),
      /has no monitor: tag, so which runbook is its own cannot be known/,
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

  const PD = pagerdutyHandle("prod", "contracts-ai");
  const SLACK = slackHandle("#contracts-ai-alerts");
  const runbook = `Runbook: ${RUNBOOK_BASE}/ttft-p95.md\n`;
  // Each message is judged per notification, the way Datadog renders it.
  it.each([
    [
      "a P2 whose PagerDuty handle sits only in {{#is_warning}}",
      "2",
      `{{#is_alert}} ${SLACK} {{/is_alert}}{{#is_warning}} ${PD} {{/is_warning}}`,
      new RegExp(
        /P2 but its alert notification does not page: @pagerduty-llm-prod-contracts-ai reaches only warning, alert to warning, /.source +
          /warning renotify/.source,
      ),
    ],
    [
      "a P1 whose PagerDuty handle sits only in {{#is_recovery}}",
      "1",
      `{{#is_alert}} ${SLACK} {{/is_alert}}{{#is_recovery}} ${PD} {{/is_recovery}}`,
      /P1 but its alert notification does not page: \S+ reaches only recovery from alert, recovery from warning, recovery from no data/,
    ],
    [
      "a P2 whose PagerDuty handle sits in a negated alert block",
      "2",
      `{{^is_alert}} ${PD} {{/is_alert}} ${SLACK}`,
      /P2 but its alert notification does not page/,
    ],
    [
      "a P2 that pages only when a tag matches, which a message alone cannot promise",
      "2",
      `{{#is_alert}} ${SLACK} {{#is_match "tenant.name" "acme"}} ${PD} {{/is_match}}{{/is_alert}}`,
      /P2 but its alert notification does not page: \S+ reaches only alert, alert renotify/,
    ],
    [
      "a P2 that pages only for priority P1",
      "2",
      `{{#is_alert}} ${SLACK} {{#is_priority 'P1'}} ${PD} {{/is_priority}}{{/is_alert}}`,
      /has paging priority P2 but never notifies PagerDuty/,
    ],
    [
      "a P2 whose PagerDuty handle is outside every block, so warnings page",
      "2",
      `${PD} ${SLACK}`,
      /pages on warning: \S+ reaches warning, warning renotify/,
    ],
    [
      "a P3 that pages on alert",
      "3",
      `{{#is_alert}} ${PD} ${SLACK} {{/is_alert}}`,
      new RegExp(
        /priority P3, which never pages \(the severity map, config\/names\.ts\), but may notify @pagerduty-llm-prod-contracts-ai \(alert, /
          .source + /alert renotify\)/.source,
      ),
    ],
    [
      "a P3 that may page through a tag match",
      "3",
      `${SLACK} {{#is_match "tenant.name" "acme"}} ${PD} {{/is_match}}`,
      /priority P3, which never pages/,
    ],
    [
      "a P3 that pages through its escalation message",
      "3",
      `${SLACK}`,
      new RegExp(
        /priority P3, which never pages \(the severity map, config\/names\.ts\), but may notify \S+ \(alert renotify, warning renotify, no /
          .source + /data renotify\)/.source,
      ),
    ],
    ["a handle glued to the word before it", "3", `Notify:${SLACK}`, /writes @slack-contracts-ai-alerts glued to the character before it/],
    ["an unclosed block", "3", `{{#is_alert}} ${SLACK}`, /malformed message: \{\{#is_alert\}\} at offset \d+ is never closed/],
    [
      "a misspelt conditional variable",
      "3",
      `{{#is_alrt}} ${SLACK} {{/is_alrt}} ${SLACK}`,
      /malformed message: unknown conditional variable \{\{#is_alrt\}\}/,
    ],
    [
      "a monitor whose alert notifies nobody for certain",
      "3",
      `{{#is_warning}} ${SLACK} {{/is_warning}}`,
      new RegExp(
        /notifies nobody for certain when it alerts: its handles reach only other notifications \(@slack-contracts-ai-alerts /.source +
          /\(warning, alert to warning, warning renotify\)\)/.source,
      ),
    ],
  ])("rejects %s", async (name, priority, body, expected) => {
    const escalationMessage = name.includes("escalation message") ? `Still firing ${PD}` : undefined;
    await assertHasResourceViolation(
      monitorHasEscalationPath,
      monitor("m", { message: `${runbook}${body}`, priority, ...(escalationMessage ? { escalationMessage } : {}) }),
      expected,
    );
  });

  it.each([
    [
      "a P2 whose PagerDuty handle is only in {{#is_alert}}: its incident never resolves",
      `{{#is_alert}} ${PD} ${SLACK} {{/is_alert}}{{#is_recovery}} ${SLACK} {{/is_recovery}}`,
      /pages @pagerduty-llm-prod-contracts-ai on alert but not on recovery from alert or alert to warning, so the incident/,
    ],
    [
      "a P2 with a warning threshold that resolves its page on recovery but not when it falls back to warning",
      `{{#is_alert}} ${PD} ${SLACK} {{/is_alert}}{{#is_recovery}} ${PD} {{/is_recovery}}`,
      /pages @pagerduty-llm-prod-contracts-ai on alert but not on alert to warning, so the incident it opens never resolves/,
    ],
  ])("rejects %s", async (_name, body, expected) => {
    await assertHasResourceViolation(monitorHasEscalationPath, monitor("m", { message: `${runbook}${body}` }), expected);
  });

  it("accepts a P2 that resolves its page in {{#is_alert_recovery}}, and one without a warning threshold in {{#is_recovery}}", async () => {
    const resolves = `{{#is_alert}} ${PD} ${SLACK} {{/is_alert}}{{#is_alert_recovery}} ${PD} {{/is_alert_recovery}}`;
    await assertNoResourceViolations(monitorHasEscalationPath, monitor("m", { message: `${runbook}${resolves}` }));
    const onRecovery = `{{#is_alert}} ${PD} ${SLACK} {{/is_alert}}{{#is_recovery}} ${PD} {{/is_recovery}}`;
    await assertNoResourceViolations(
      monitorHasEscalationPath,
      monitor("m", { message: `${runbook}${onRecovery}`, monitorThresholds: { critical: "800" } }),
    );
  });

  it("reads @PagerDuty- as a PagerDuty handle, whatever its case", async () => {
    await assertHasResourceViolation(
      monitorHasEscalationPath,
      monitor("m", { message: `${runbook}{{#is_alert}} ${SLACK} @PAGERDUTY-llm-staging-x {{/is_alert}}` }, "staging"),
      /may notify @PAGERDUTY-llm-staging-x \(alert, alert renotify\), but stack "staging" may not page/,
    );
  });

  it(
    "accepts the message the monitors builder writes (monitors/message.ts): PagerDuty on alert and out of alert, Slack for the rest, " +
      "with and without a warning",
    async () => {
      const routes = routesFor({ env: "prod", paging: true, notifications: {} }, { id: "contracts-ai", slack: "#contracts-ai-alerts" }, 2);
      const parts = { summary: "p95 is {{value}} ms.", dashboard: { label: "Latency", url: "https://x" }, firstSteps: ["Look."] };
      for (const warning of [undefined, "Warning: close to the threshold."]) {
        const message = monitorMessage({ ...parts, warning, runbookUrl: `${RUNBOOK_BASE}/ttft-p95.md`, recovery: "back.", routes });
        expect(message).toContain(`{{#is_alert_recovery}}\nOut of alert: resolves the page. Notify: ${PD}\n{{/is_alert_recovery}}`);
        await assertNoResourceViolations(monitorHasEscalationPath, monitor("m", { message, priority: "2" }));
      }
    },
  );
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

describe("monitor-thresholds-ordered", () => {
  const above = "percentile(last_10m):p95:llm.ttft{feature:x} > 800";
  const below = "change(avg(last_1w),last_1w):avg:llm.judge.score{feature:x} < -5";
  it.each([
    [
      "a warning beyond critical, alerting above",
      above,
      { critical: "800", warning: "900" },
      new RegExp(
        /is > 800, so its warning threshold must be below the critical one, but warning is 900 and critical is 800: the /.source +
          /monitor would go straight to ALERT and never warn/.source,
      ),
    ],
    [
      "a warning equal to critical, which can never be reached",
      above,
      { critical: "800", warning: "800" },
      /warning threshold must be below the critical one/,
    ],
    [
      "a warning beyond critical, alerting below",
      below,
      { critical: "-5", warning: "-7" },
      /is < -5, so its warning threshold must be above the critical one, but warning is -7/,
    ],
    [
      "a critical recovery beyond critical",
      above,
      { critical: "800", criticalRecovery: "850" },
      new RegExp(
        /critical recovery threshold must be below the critical one \(or equal\), but critical recovery is 850 and critical is /.source +
          /800: the alert would recover while the value is still past the critical threshold, and flap/.source,
      ),
    ],
    [
      "a critical recovery beyond critical, alerting below",
      below,
      { critical: "-5", criticalRecovery: "-6" },
      /critical recovery threshold must be above the critical one \(or equal\)/,
    ],
    [
      "a warning recovery beyond warning",
      above,
      { critical: "800", warning: "600", warningRecovery: "700" },
      /warning recovery threshold must be below the warning one \(or equal\), but warning recovery is 700 and warning is 600/,
    ],
    [
      "a warning recovery without a warning",
      above,
      { critical: "800", warningRecovery: "500" },
      /sets monitorThresholds.warningRecovery but no warning threshold/,
    ],
    [
      "a warning that is not a number",
      above,
      { critical: "800", warning: "high" },
      /monitorThresholds.warning "high", which is not a number/,
    ],
  ])("rejects %s", async (_case, query, monitorThresholds, expected) => {
    await assertHasResourceViolation(monitorThresholdsOrdered, monitor("m", { query, monitorThresholds }), expected);
  });

  it.each([
    ["the recovery thresholds doc's own example", above, { critical: "80", warning: "60", criticalRecovery: "70", warningRecovery: "50" }],
    ["its mirror image for a drop", below, { critical: "-5", warning: "-3", criticalRecovery: "-4", warningRecovery: "-2" }],
    [
      "an anomaly monitor recovering at 0",
      "avg(last_4h):anomalies(sum:llm.cost.usd{*} by {tenant}.as_count(), 'agile', 3) >= 1",
      { critical: "1", criticalRecovery: "0" },
    ],
    ["a recovery threshold equal to critical, the default recovery spelled out", above, { critical: "800", criticalRecovery: "800" }],
    ["an equality comparison, which has no order", "avg(last_5m):sum:llm.requests{*} == 0", { critical: "0", warning: "1" }],
  ])("accepts %s", async (_case, query, monitorThresholds) => {
    await assertNoResourceViolations(monitorThresholdsOrdered, monitor("m", { query, monitorThresholds }));
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
      new RegExp(
        /anomaly monitor "monitor-tenant-spend-anomaly" has no monitorThresholdWindows.triggerWindow and /.source +
          /recoveryWindow.*triggerWindow: "last_30m"/.source,
      ),
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
