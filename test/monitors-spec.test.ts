// Every generated monitor validates against Datadog's own Monitor schema, survives the
// API <-> provider mapping unchanged, and passes the lint; the lint rejects each broken
// case it exists for.
import { describe, expect, it } from "vitest";
import { buildMonitors, type DatadogMonitor } from "../monitors";
import { referencedMonitors } from "../monitors/definition";
import { monitorBodyFromInputs, toMonitorInputs } from "../monitors/args";
import { type LintContext, lintMonitor } from "../monitors/lint";
import { validateMonitor } from "../tools/datadog-spec";
import { legalCatalog, LEGAL_STACKS } from "./fixtures/legal";

const examples = LEGAL_STACKS.flatMap((stack) => {
  const catalog = legalCatalog(stack);
  const monitors = buildMonitors(catalog);
  // A composite names its constituents by placeholder before the engine gives them ids.
  const constituents = (c: DatadogMonitor) => referencedMonitors(c.query).flatMap((id) => monitors.find((m) => m.id === id)?.body ?? []);
  return monitors.map((m) => ({
    stack,
    id: m.id,
    body: m.body,
    ctx: { contract: catalog.contract, stack: catalog.stack, constituents } as LintContext,
  }));
});

describe("Datadog's Monitor schema", () => {
  it.each(examples)("The $stack monitor $id validates against #/components/schemas/Monitor.", ({ body }) => {
    expect(validateMonitor(body)).toEqual([]);
  });

  it.each([
    { what: "a string priority", mutate: (b: Record<string, unknown>) => (b.priority = "P2") },
    { what: "the invalid type metric-alert", mutate: (b: Record<string, unknown>) => (b.type = "metric-alert") },
    {
      what: "an unknown on_missing_data value",
      mutate: (b: Record<string, unknown>) => ((b.options as Record<string, unknown>).on_missing_data = "zero"),
    },
  ])("The schema check rejects $what, so a pass means something.", ({ mutate }) => {
    const body = structuredClone(examples[0].body) as unknown as Record<string, unknown>;
    mutate(body);
    expect(validateMonitor(body).length).toBeGreaterThan(0);
  });
});

describe("API body <-> provider inputs", () => {
  it.each(examples)("The $stack monitor $id maps to provider inputs and back unchanged.", ({ body }) => {
    const inputs = toMonitorInputs(body);
    expect(monitorBodyFromInputs(JSON.parse(JSON.stringify(inputs)))).toEqual(body);
  });

  it("Thresholds and priority become strings for the provider, windows and options camelCase.", () => {
    const anomaly = examples.find((e) => e.id === "monitor-tenant-spend-anomaly-tenant")!.body;
    expect(toMonitorInputs(anomaly)).toMatchObject({
      priority: "5",
      monitorThresholds: { critical: "1", criticalRecovery: "0" },
      monitorThresholdWindows: { triggerWindow: "last_1h", recoveryWindow: "last_1h" },
      onMissingData: "default",
      requireFullWindow: false,
      newGroupDelay: 86400,
    });
  });

  it("An option the mapping does not know is refused, not silently dropped.", () => {
    const body = structuredClone(examples[0].body);
    (body.options as unknown as Record<string, unknown>).no_data_timeframe = 20;
    expect(() => toMonitorInputs(body)).toThrow(/no mapping for "no_data_timeframe"/);
  });

  it("A provider input the inverse does not know is refused, so the written file never hides a field.", () => {
    const inputs = { ...toMonitorInputs(examples[0].body), escalationMessage: "hi" };
    expect(() => monitorBodyFromInputs(inputs)).toThrow(/no mapping for "escalationMessage"/);
  });

  it("A non-numeric threshold in the inputs is reported with its field.", () => {
    const inputs = toMonitorInputs(examples[0].body);
    inputs.monitorThresholds!.critical = "eighty";
    expect(() => monitorBodyFromInputs(inputs as unknown as Record<string, unknown>)).toThrow(
      /monitorThresholds.critical: expected a number/,
    );
  });
});

describe("monitor lint", () => {
  it.each(examples)("The $stack monitor $id passes the lint.", ({ body, ctx }) => {
    expect(lintMonitor(body, ctx)).toEqual([]);
  });

  const prod = examples.filter((e) => e.stack === "prod");
  const get = (id: string) => structuredClone(prod.find((e) => e.id === id)!.body);
  const ctx = prod[0].ctx;

  type Case = { what: string; body: () => DatadogMonitor; ctx?: LintContext; expected: string };
  const cases: Case[] = [
    {
      what: "a metric outside the contract",
      body: () => withQuery(get("monitor-extract-clause-cost-budget"), (q) => q.replace("llm.cost.usd", "llm.cost.dollars")),
      expected: 'unknown metric "llm.cost.dollars"',
    },
    {
      what: "a filter on a tag the metric does not carry",
      body: () => withQuery(get("monitor-extract-clause-cost-budget"), (q) => q.replace("env:prod", "env:prod,user:bob")),
      expected: 'llm.cost.usd has no tag "user" (filter); it carries feature, tenant, provider, model, env',
    },
    {
      what: "a tenant group-by on a latency percentile (tenant is deliberately not on latency)",
      body: () => withQuery(get("monitor-extract-clause-ttft-p95"), (q) => q.replace("}.rollup(60)", "} by {tenant}.rollup(60)")),
      expected: 'llm.ttft has no tag "tenant" (group-by); it carries feature, provider, model, env',
    },
    {
      what: "a dashboard template variable in a monitor query",
      body: () => withQuery(get("monitor-extract-clause-ttft-p95"), (q) => q.replace("env:prod", "$env")),
      expected: 'llm.ttft: "$env" is a dashboard template variable; monitors cannot use them',
    },
    {
      what: "a percentile of a metric without percentiles",
      body: () => withQuery(get("monitor-extract-clause-quality-drop"), (q) => q.replace("avg:llm.judge.score", "p95:llm.judge.score")),
      expected: "p95:llm.judge.score needs percentiles, which llm.judge.score does not have enabled",
    },
    {
      what: ".as_count() on a distribution",
      body: () => withQuery(get("monitor-extract-clause-ttft-p95"), (q) => q.replace("}.rollup(60)", "}.as_count().rollup(60)")),
      expected: "llm.ttft.as_count(): llm.ttft is a distribution, not a count",
    },
    {
      what: "Datadog's usage metric outside the observability-cost monitor",
      body: () =>
        withQuery(
          get("monitor-extract-clause-cost-budget"),
          () => "avg(last_4h):sum:datadog.estimated_usage.metrics.custom.by_metric{metric_name:llm.*} > 80",
        ),
      expected:
        "datadog.estimated_usage.metrics.custom.by_metric is not a contract metric; only kind observability-cost declares it " +
        "(monitors/kinds.ts extraMetrics)",
    },
    {
      what: "a query threshold that differs from thresholds.critical",
      body: () => {
        const b = get("monitor-extract-clause-cost-budget");
        b.options.thresholds!.critical = 81;
        return b;
      },
      expected: "query threshold 80 does not equal options.thresholds.critical 81",
    },
    {
      what: "a warning beyond the critical threshold",
      body: () => {
        const b = get("monitor-extract-clause-cost-budget");
        b.options.thresholds!.warning = 90;
        return b;
      },
      expected: 'warning 90 must be below critical 80 for a ">" query',
    },
    {
      what: "an anomaly trigger window different from the alert window",
      body: () => {
        const b = get("monitor-tenant-spend-anomaly-tenant");
        b.options.threshold_windows = { trigger_window: "last_30m", recovery_window: "last_1h" };
        return b;
      },
      expected: "threshold_windows.trigger_window last_30m must equal the query's alert_window last_1h",
    },
    {
      what: "an anomaly monitor without threshold windows",
      body: () => {
        const b = get("monitor-tenant-spend-anomaly-tenant");
        delete b.options.threshold_windows;
        return b;
      },
      expected: "anomaly monitors need threshold_windows with trigger_window and recovery_window",
    },
    {
      what: "an anomaly threshold that differs from thresholds.critical",
      body: () => withQuery(get("monitor-tenant-spend-anomaly-tenant"), (q) => q.replace(/>= 1$/, ">= 0.8")),
      expected: "query threshold 0.8 does not equal options.thresholds.critical 1",
    },
    {
      what: "an anomaly rollup interval above a fifth of the alert window",
      body: () => withQuery(get("monitor-tenant-spend-anomaly-tenant"), (q) => q.replace("interval=300", "interval=900")),
      expected: "anomalies(): interval 900 must be positive and at most a fifth of alert_window last_1h (720 s)",
    },
    {
      what: "threshold windows on a monitor that is not an anomaly monitor",
      body: () => {
        const b = get("monitor-extract-clause-cost-budget");
        b.options.threshold_windows = { trigger_window: "last_1h", recovery_window: "last_1h" };
        return b;
      },
      expected: "threshold_windows is for anomaly monitors only",
    },
    {
      what: "a malformed Slack handle",
      body: () =>
        withMessage(get("monitor-extract-clause-quality-drop"), (m) => m.replace("@slack-contracts-ai-alerts", "@slack-Contracts_AI!")),
      // Trailing sentence punctuation is not part of a handle (config/names.ts).
      expected: "handle @slack-Contracts_AI is malformed",
    },
    {
      what: "a handle with parentheses, which Datadog does not parse",
      body: () =>
        withMessage(get("monitor-extract-clause-quality-drop"), (m) => m.replace("@slack-contracts-ai-alerts", "@slack-(contracts)")),
      expected: "handle @slack-(contracts is malformed",
    },
    {
      what: "a handle glued to the text before it",
      body: () => withMessage(get("monitor-extract-clause-quality-drop"), (m) => m.replace("Notify: @slack", "Notify:@slack")),
      expected: "handle @slack-contracts-ai-alerts must be preceded by a space",
    },
    {
      what: "an unknown notification integration",
      body: () =>
        withMessage(get("monitor-extract-clause-quality-drop"), (m) =>
          m.replace("@slack-contracts-ai-alerts\n{{/is_alert}}", "@slack-contracts-ai-alerts @opsgenie-contracts\n{{/is_alert}}"),
        ),
      expected: "handle @opsgenie-contracts is not a known form (@pagerduty-<service>, @slack-<channel>)",
    },
    {
      what: "a handle outside any state block",
      body: () => withMessage(get("monitor-extract-clause-quality-drop"), (m) => `${m}\n@slack-contracts-ai-alerts`),
      expected: "handle @slack-contracts-ai-alerts sits outside any {{#is_...}} block, so it is notified in every state",
    },
    {
      what: "a warning that pages",
      body: () =>
        withMessage(get("monitor-extract-clause-cost-budget"), (m) =>
          m.replace("{{#is_warning}}\nNotify: @slack", "{{#is_warning}}\nNotify: @pagerduty-llm-prod-contracts-ai @slack"),
        ),
      expected: "handle @pagerduty-llm-prod-contracts-ai is notified on warning: only the alert (and its recovery) may page",
    },
    {
      what: "a PagerDuty handle on a stack that may not page",
      body: () => get("monitor-extract-clause-cost-budget"),
      ctx: { ...ctx, stack: { ...ctx.stack, paging: false } },
      expected: "handle @pagerduty-llm-prod-contracts-ai: this stack may not page (paging: false)",
    },
    {
      what: "a PagerDuty handle on a priority that does not page",
      body: () => {
        const b = get("monitor-extract-clause-cost-budget");
        b.priority = 3;
        return b;
      },
      expected: "handle @pagerduty-llm-prod-contracts-ai: priority P3 does not page (see the severity map in config/names.ts)",
    },
    {
      what: "a paging priority whose alert reaches no PagerDuty service",
      body: () => withMessage(get("monitor-extract-clause-cost-budget"), (m) => m.replaceAll("@pagerduty-llm-prod-contracts-ai ", "")),
      expected: "priority P2 pages, but the alert reaches no @pagerduty- handle",
    },
    {
      what: "a page whose recovery does not reach PagerDuty (the incident would never resolve)",
      body: () =>
        withMessage(get("monitor-extract-clause-ttft-p95"), (m) =>
          m.replace(/\{\{#is_alert_recovery\}\}[\s\S]*?\{\{\/is_alert_recovery\}\}/, ""),
        ),
      expected: "@pagerduty-llm-prod-contracts-ai must also be notified on recovery, or the incident never resolves",
    },
    {
      what: "a page that stays open when the alert falls back to warning (the recovery reaches PagerDuty only from alert to OK)",
      body: () =>
        withMessage(get("monitor-extract-clause-cost-budget"), (m) =>
          m.replace(
            /\{\{#is_alert_recovery\}\}([\s\S]*?)\{\{\/is_alert_recovery\}\}/,
            "{{#is_alert_recovery}}{{^is_warning}}$1{{/is_warning}}{{/is_alert_recovery}}",
          ),
        ),
      expected:
        "@pagerduty-llm-prod-contracts-ai must also be notified when the alert falls back to warning ({{#is_alert_recovery}}), " +
        "or the incident stays open",
    },
    {
      what: "a composite with thresholds",
      body: () => {
        const b = get("monitor-judge-stalled");
        b.options.thresholds = { critical: 1 };
        return b;
      },
      expected: "a composite has no thresholds",
    },
    {
      what: "a composite of a single monitor",
      body: () => withQuery(get("monitor-judge-stalled"), (q) => q.replace(/ && .*$/, "")),
      expected: "a composite combines 2 to 10 monitors (got 1)",
    },
    {
      what: "a composite query with a metric expression in it",
      body: () => withQuery(get("monitor-judge-stalled"), (q) => `${q} && avg:llm.requests{*} > 1`),
      expected: "composite query must combine monitor ids with && || ! and parentheses only",
    },
    {
      what: "a composite's building block that could page",
      body: () => {
        const b = get("monitor-judge-stalled-traffic");
        b.priority = 2;
        return b;
      },
      expected: "priority P2: a composite's building block (part:traffic) is informational, P5",
    },
    {
      what: "a paging monitor that does not renotify",
      body: () => {
        const b = get("monitor-extract-clause-cost-budget");
        delete b.options.renotify_interval;
        return b;
      },
      expected: "paging monitors must renotify (options.renotify_interval)",
    },
    {
      what: "a non-paging monitor that renotifies",
      body: () => {
        const b = get("monitor-extract-clause-quality-drop");
        b.options.renotify_interval = 60;
        return b;
      },
      expected: "only paging monitors renotify; a repeated Slack post gets a channel muted",
    },
    {
      what: "an alert that notifies no one",
      body: () =>
        withMessage(get("monitor-extract-clause-quality-drop"), (m) =>
          m.replace("{{#is_alert}}\nNotify: @slack-contracts-ai-alerts\n{{/is_alert}}", ""),
        ),
      expected: "the alert notifies no one",
    },
    {
      what: "a group variable the query does not group by",
      body: () => withMessage(get("monitor-extract-clause-quality-drop"), (m) => `Tenant {{tenant.name}}: ${m}`),
      expected: '{{tenant.name}} is used but the query does not group by "tenant"',
    },
    {
      what: "a composite's group variable that none of its constituents groups by",
      body: () => withMessage(get("monitor-tenant-spend-anomaly"), (m) => `Feature {{feature.name}}: ${m}`),
      expected: '{{feature.name}} is used but no constituent\'s query groups by "feature"',
    },
    {
      what: "a message without the runbook link",
      body: () => withMessage(get("monitor-extract-clause-quality-drop"), (m) => m.replace(/Runbook: .*\n/, "")),
      expected: "message must link the runbook https://github.com/acme-legal/llm-observability/blob/main/runbooks/quality-drop.md",
    },
    {
      what: "a message without a recovery section",
      body: () =>
        withMessage(get("monitor-extract-clause-quality-drop"), (m) => m.replace(/\{\{#is_recovery\}\}[\s\S]*?\{\{\/is_recovery\}\}/, "")),
      expected: "message needs an {{#is_recovery}} section",
    },
    {
      what: "a monitor without a team tag",
      body: () => {
        const b = get("monitor-extract-clause-quality-drop");
        b.tags = b.tags.filter((t) => !t.startsWith("team:"));
        return b;
      },
      expected: 'tags: missing "team:<value>"',
    },
    {
      what: "a per-feature monitor without its feature tag",
      body: () => {
        const b = get("monitor-extract-clause-quality-drop");
        b.tags = b.tags.filter((t) => !t.startsWith("feature:"));
        return b;
      },
      expected: 'tags: per-feature monitor "quality-drop" needs "feature:<id>"',
    },
  ];

  it.each(cases)("The lint rejects $what, naming the problem", ({ body, ctx: own, expected }) => {
    expect(lintMonitor(body(), own ?? ctx)).toEqual(expect.arrayContaining([expect.stringContaining(expected)]));
  });
});

function withQuery(b: DatadogMonitor, edit: (q: string) => string): DatadogMonitor {
  const query = edit(b.query);
  if (query === b.query) throw new Error("the edit did not change the query");
  return { ...b, query };
}

function withMessage(b: DatadogMonitor, edit: (m: string) => string): DatadogMonitor {
  const message = edit(b.message);
  if (message === b.message) throw new Error("the edit did not change the message");
  return { ...b, message };
}
