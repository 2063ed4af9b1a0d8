// Monitor builders over the example catalog: thresholds from features.ts, ownership,
// routing (prod pages, staging never does), messages and the monitor count.
import { describe, expect, it } from "vitest";
import { CHAPTER_DEFAULTS, type Feature, type FeatureInput } from "../config/schema";
import { type Catalog, loadCatalog, stackConfigFromPulumi, validateCatalog } from "../config/validate";
import { buildMonitors, buildOrgMonitors, type MonitorDefinition } from "../monitors";
import { featureKinds, MONITOR_KINDS, sloKinds, stackKinds } from "../monitors/kinds";
import { featureSlo, SLO_OBJECTIVES } from "../config/slo";
import { formatNumber, requestsBeforeJudgeSilenceIsSuspicious } from "../monitors/queries";
import { type BlockNode, isPagingPriority, monitorName, tagValue, pagerdutyHandle, parseMessage, slackHandle } from "../config/names";
import { exampleCatalog, exampleFeatures, exampleTeams, generatedFeatures, type StackName, stackConfig } from "./helpers";

function catalogWith(stack: StackName, opts: { features?: FeatureInput[]; config?: Record<string, unknown> } = {}): Catalog {
  return loadCatalog({
    features: opts.features ?? exampleFeatures(),
    teams: exampleTeams(),
    config: stackConfigFromPulumi(stackConfig(stack, opts.config)),
  });
}

function byId(monitors: MonitorDefinition[], id: string): MonitorDefinition {
  const m = monitors.find((x) => x.id === id);
  if (!m) throw new Error(`no monitor ${id} among ${monitors.map((x) => x.id).join(", ")}`);
  return m;
}

/** The text of the message's top-level `{{#name}}` blocks. */
function block(message: string, name: string): string {
  return parseMessage(message)
    .nodes.filter((n): n is BlockNode => n.kind === "block" && n.name === name && !n.negated)
    .map((b) => b.body.map((n) => (n.kind === "text" ? n.text : "")).join(""))
    .join("\n");
}

const prod = exampleCatalog("prod");
const staging = exampleCatalog("staging");
const PER_FEATURE_KINDS = featureKinds().map((k) => k.kind);
const CROSS_FEATURE_KINDS = stackKinds().map((k) => k.kind);
const prodMonitors = buildMonitors(prod);

/** A feature's monitor ids in build order: one per per-feature kind, one per objective of each SLO kind when it has SLOs. */
function expectedFeatureMonitors(catalog: Catalog, f: Feature): string[] {
  return featureKinds().flatMap((k) =>
    !k.sloAlert ? [monitorName(k.kind, f.id)] : featureSlo(f, catalog.stack) ? SLO_OBJECTIVES.map((o) => monitorName(k.kind, f.id, o)) : [],
  );
}
const stagingMonitors = buildMonitors(staging);

describe("monitor identity and count", () => {
  it("Every example feature gets one monitor per per-feature kind, and one per objective of each SLO kind, named by stable ids.", () => {
    for (const f of prod.features) {
      const own = prodMonitors.filter((m) => m.featureId === f.id).map((m) => m.id);
      expect(own).toEqual(expectedFeatureMonitors(prod, f));
    }
  });

  it("Exactly one monitor exists per cross-feature kind, named by the kind.", () => {
    const cross = prodMonitors.filter((m) => m.featureId === undefined).map((m) => m.id);
    expect(cross).toEqual(CROSS_FEATURE_KINDS.map((k) => `monitor-${k}`));
  });

  it.each([
    { features: 1, tenants: 1 },
    { features: 5, tenants: 40 },
    { features: 5, tenants: 100_000 },
    { features: 60, tenants: 400 },
  ])(
    "With $features features and $tenants tenants there are (per-feature kinds + 2 per SLO kind) x features + cross-feature kinds.",
    ({ features, tenants }) => {
      const catalog = catalogWith("prod", { features: generatedFeatures(features), config: { scale: { tenants, models: 4 } } });
      const monitors = buildMonitors(catalog);
      const perFeature = catalog.features.flatMap((f) => expectedFeatureMonitors(catalog, f)).length;
      expect(perFeature).toBe((PER_FEATURE_KINDS.length + 2 * sloKinds().length) * features);
      expect(monitors).toHaveLength(perFeature + CROSS_FEATURE_KINDS.length);
      expect(new Set(monitors.map((m) => m.id)).size).toBe(monitors.length);
    },
  );

  it("Renaming a feature changes monitor names but never monitor ids.", () => {
    const renamed = exampleFeatures();
    renamed[0].name = "Clause finder";
    const monitors = buildMonitors(catalogWith("prod", { features: renamed }));
    expect(monitors.map((m) => m.id)).toEqual(prodMonitors.map((m) => m.id));
    expect(byId(monitors, "monitor-extract-clause-cost-budget").body.name).toBe("[llm prod] Clause finder: daily spend over budget");
  });
});

describe("thresholds come from features.ts, one number for query and options", () => {
  it.each(exampleFeatures().map((f) => ({ id: f.id, budget: f.budgetUsdPerDay })))(
    "Feature $id with budget $budget alerts at twice its budget and warns at its budget.",
    ({ id, budget }) => {
      const { body } = byId(prodMonitors, `monitor-${id}-cost-budget`);
      expect(body.query).toBe(`sum(last_1d):sum:llm.cost.usd{feature:${id},env:prod}.as_count() > ${2 * budget}`);
      expect(body.options.thresholds).toEqual({ critical: 2 * budget, warning: budget });
    },
  );

  it.each([
    { budget: 12.5, critical: "25" },
    { budget: 0.15, critical: "0.3" },
    { budget: 0.01, critical: "0.02" },
  ])("A budget of $budget USD/day is written as $critical in the query, never in exponent form.", ({ budget, critical }) => {
    const features = exampleFeatures();
    features[0].budgetUsdPerDay = budget;
    const { body } = byId(buildMonitors(catalogWith("prod", { features })), "monitor-extract-clause-cost-budget");
    expect(body.query.endsWith(`> ${critical}`)).toBe(true);
    expect(Number(critical)).toBe(body.options.thresholds.critical);
  });

  it.each(
    exampleFeatures().flatMap((f) => [
      { id: f.id, kind: "ttft-p95", metric: "llm.ttft", ms: f.latency?.ttftP95Ms ?? CHAPTER_DEFAULTS.ttftP95Ms },
      { id: f.id, kind: "total-latency-p95", metric: "llm.duration", ms: f.latency?.totalP95Ms ?? CHAPTER_DEFAULTS.totalP95Ms },
    ]),
  )("Feature $id has its $kind threshold of $ms ms in both the query and the options.", ({ id, kind, metric, ms }) => {
    const { body } = byId(prodMonitors, `monitor-${id}-${kind}`);
    expect(body.query).toBe(`percentile(last_10m):p95:${metric}{feature:${id},env:prod} > ${ms}`);
    expect(body.options.thresholds).toEqual({ critical: ms });
  });

  it("The example catalog really overrides latency for some features, so the table above tests overrides.", () => {
    expect(byId(prodMonitors, "monitor-summarize-contract-total-latency-p95").body.options.thresholds.critical).toBe(12000);
    expect(byId(prodMonitors, "monitor-cite-check-total-latency-p95").body.options.thresholds.critical).toBe(CHAPTER_DEFAULTS.totalP95Ms);
  });

  it.each(exampleFeatures().map((f) => ({ id: f.id, drop: f.quality?.maxWeeklyDropPoints ?? CHAPTER_DEFAULTS.maxWeeklyDropPoints })))(
    "Feature $id alerts when its weekly judge score change falls below -$drop points.",
    ({ id, drop }) => {
      const { body } = byId(prodMonitors, `monitor-${id}-quality-drop`);
      expect(body.query).toBe(`change(avg(last_1w),last_1w):avg:llm.judge.score{feature:${id},env:prod} < -${drop}`);
      expect(body.options.thresholds).toEqual({ critical: -drop });
    },
  );
});

describe("cross-feature monitors", () => {
  it("The tenant spend anomaly is one multi-alert monitor by tenant with matching anomaly windows and a new-group delay.", () => {
    const { body } = byId(prodMonitors, "monitor-tenant-spend-anomaly");
    expect(body.query).toBe(
      "avg(last_5h):anomalies(sum:llm.cost.usd{env:prod} by {tenant}.as_count(), 'agile', 3, direction='above', " +
        "alert_window='last_1h', interval=300, count_default_zero='true', seasonality='weekly') >= 1",
    );
    expect(body.options.thresholds).toEqual({ critical: 1, critical_recovery: 0 });
    expect(body.options.threshold_windows).toEqual({ trigger_window: "last_1h", recovery_window: "last_1h" });
    expect(body.options.new_group_delay).toBeGreaterThanOrEqual(3600);
    expect(body.message).toContain("{{tenant.name}}");
  });

  it("The provider outage monitor divides errors by requests per provider, behind the configured traffic guard.", () => {
    const catalog = catalogWith("prod", { config: { monitoring: { providerErrorRatePct: 5, providerMinRequests: 200 } } });
    const { body } = byId(buildMonitors(catalog), "monitor-provider-outage");
    expect(body.query).toBe(
      "sum(last_5m):sum:llm.requests{env:prod,status:error} by {provider}.as_count() / sum:llm.requests{env:prod} by " +
        "{provider}.as_count() * 100 * is_greater(sum:llm.requests{env:prod} by {provider}.as_count(), 200) > 5",
    );
    expect(body.options.thresholds.critical).toBe(5);
    expect(body.options.evaluation_delay).toBe(60);
    for (const step of ["failover", "status", "recovery"]) expect(body.message.toLowerCase()).toContain(step);
    expect(body.message).toContain("{{provider.name}}");
  });

  it("The judge stall window comes from the stack config and its traffic guard from the lowest sample rate.", () => {
    const features = exampleFeatures().map((f) => ({ ...f, quality: { ...f.quality, judgeSampleRate: 0.05 } }));
    const catalog = catalogWith("prod", { features, config: { monitoring: { judgeStallMinutes: 240 } } });
    const { body } = byId(buildMonitors(catalog), "monitor-judge-stalled");
    const n = requestsBeforeJudgeSilenceIsSuspicious(0.05);
    expect(body.query).toBe(
      `sum(last_240m):is_greater(sum:llm.requests{env:prod} by {feature}.as_count(), ${n}) - count:llm.judge.score{env:prod} by ` +
        `{feature} >= 1`,
    );
    expect(body.options.on_missing_data).toBe("show_and_notify_no_data");
    expect(byId(prodMonitors, "monitor-judge-stalled").body.query).toContain(`, ${requestsBeforeJudgeSilenceIsSuspicious(0.01)}) -`);
  });

  it.each([0.01, 0.02, 0.05, 0.5])(
    "At sample rate %s the judge guard is the smallest request count where total silence is a 1-in-1000 event.",
    (rate) => {
      const n = requestsBeforeJudgeSilenceIsSuspicious(rate);
      expect((1 - rate) ** n).toBeLessThan(0.001);
      expect((1 - rate) ** (n - 1)).toBeGreaterThanOrEqual(0.001);
    },
  );

  it("Retrieval thresholds come from the stack config.", () => {
    const catalog = catalogWith("prod", { config: { monitoring: { retrievalP95Ms: 350 } } });
    expect(byId(buildMonitors(catalog), "monitor-retrieval-slow").body.query).toBe(
      "percentile(last_10m):p95:llm.retrieval.duration{env:prod} by {index} > 350",
    );
  });

  it("The observability-cost monitor counts the whole org under the prefix (no env), alerting at the org budget.", () => {
    const [{ body }] = buildOrgMonitors(prod, { budget: { critical: 50000, warning: 30000, planned: 27000 } });
    expect(body.query).toBe("avg(last_4h):sum:datadog.estimated_usage.metrics.custom.by_metric{metric_name:llm.*} > 50000");
    expect(body.options.thresholds).toEqual({ critical: 50000, warning: 30000 });
  });

  it("The observability-cost monitor follows a custom metric prefix.", () => {
    const [{ body }] = buildOrgMonitors(catalogWith("prod", { config: { metricPrefix: "acme.ai" } }), {
      budget: { critical: 9, planned: 9 },
    });
    expect(body.query).toContain("{metric_name:acme.ai.*}");
    expect(body.options.thresholds).toEqual({ critical: 9 });
  });

  it("No stack's builders produce the org-wide cost monitor: only the org stack adds it (org/build.ts).", () => {
    expect(prodMonitors.map((m) => m.kind)).not.toContain("observability-cost");
  });
});

describe("ownership, names, tags and priority", () => {
  it.each(prodMonitors.map((m) => ({ id: m.id, m })))("Monitor $id is owned by its feature's owner or the platform team.", ({ m }) => {
    const expected = m.featureId ? prod.features.find((f) => f.id === m.featureId)!.owner : prod.stack.platformTeam;
    expect(m.owner).toBe(expected);
    expect(tagValue(m.body.tags, "team")).toBe(expected);
  });

  it("Cross-feature monitors follow the platform team named in the stack config.", () => {
    const catalog = catalogWith("prod", { config: { platformTeam: "research-assistant" } });
    const m = byId(buildMonitors(catalog), "monitor-provider-outage");
    expect(m.owner).toBe("research-assistant");
    expect(block(m.body.message, "is_alert")).toContain(pagerdutyHandle("prod", "research-assistant"));
    expect(block(m.body.message, "is_alert")).toContain(slackHandle("#research-assistant-alerts"));
  });

  it("Tags carry team, feature where it applies, env, signal, service and monitor kind.", () => {
    expect(byId(prodMonitors, "monitor-legal-chat-ttft-p95").body.tags).toEqual([
      "team:research-assistant",
      "feature:legal-chat",
      "env:prod",
      "signal:latency",
      "service:llm-observability",
      "monitor:ttft-p95",
    ]);
    expect(byId(stagingMonitors, "monitor-judge-stalled").body.tags).toEqual([
      "team:platform",
      "env:staging",
      "signal:pipeline",
      "service:llm-observability",
      "monitor:judge-stalled",
    ]);
  });

  it("Names read `[llm <env>] <feature name>: <signal>` per feature and `[llm <env>] <signal>` across features.", () => {
    expect(byId(prodMonitors, "monitor-summarize-contract-quality-drop").body.name).toBe(
      "[llm prod] Contract summarization: judge score dropped week over week",
    );
    expect(byId(prodMonitors, "monitor-provider-outage").body.name).toBe("[llm prod] LLM provider error rate high");
  });

  it.each(MONITOR_KINDS.map(({ kind, priority }) => ({ kind, priority })))(
    "Every $kind monitor has priority $priority from the documented severity map.",
    ({ kind, priority }) => {
      for (const m of prodMonitors.filter((x) => x.kind === kind)) expect(m.body.priority).toBe(priority);
    },
  );
});

describe("routing: who is notified", () => {
  it.each(stagingMonitors.map((m) => ({ id: m.id, m })))("On staging, $id pages no one and does not renotify.", ({ m }) => {
    expect(JSON.stringify(m)).not.toContain("@pagerduty-");
    expect(m.pages).toBe(false);
    expect(m.body.options.renotify_interval).toBeUndefined();
    expect(block(m.body.message, "is_alert")).toMatch(/@slack-[a-z0-9-]+/);
  });

  it.each(prodMonitors.map((m) => ({ id: m.id, m })))(
    "On prod, $id pages exactly when its priority pages, and only for the alert and its recovery.",
    ({ m }) => {
      const pd = pagerdutyHandle("prod", m.owner);
      const slack = slackHandle(prod.teams.find((t) => t.id === m.owner)!.slack);
      const pages = isPagingPriority(m.body.priority);
      expect(m.pages).toBe(pages);
      expect(block(m.body.message, "is_alert")).toContain(slack);
      expect(block(m.body.message, "is_alert").includes(pd)).toBe(pages);
      expect(block(m.body.message, "is_recovery").includes(pd)).toBe(pages);
      for (const quiet of ["is_warning", "is_no_data", "is_renotify"]) expect(block(m.body.message, quiet)).not.toContain("@pagerduty-");
      if (m.body.options.thresholds.warning !== undefined) expect(block(m.body.message, "is_warning")).toContain(slack);
      expect(m.body.options.renotify_interval !== undefined).toBe(pages);
      if (pages) expect(m.body.options.renotify_statuses).toEqual(["alert"]);
    },
  );

  it("The example prod stack pages for cost, latency, provider outages and fast SLO burns, and for nothing else.", () => {
    const paging = prodMonitors.filter((m) => m.pages).map((m) => m.kind);
    expect(new Set(paging)).toEqual(new Set(["cost-budget", "ttft-p95", "total-latency-p95", "provider-outage", "slo-fast-burn"]));
  });
});

describe("messages", () => {
  const dashboards: Record<string, string> = {
    "quality-drop": "quality",
    "cost-budget": "cost",
    "ttft-p95": "latency",
    "total-latency-p95": "latency",
    "tenant-spend-anomaly": "tenant",
    "provider-outage": "overview",
    "judge-stalled": "quality",
    "retrieval-slow": "latency",
    "observability-cost": "overview",
  };

  /** The SLO kinds link their objective's dashboard, and share one runbook. */
  const objectiveDashboards: Record<string, string> = { availability: "overview", latency: "latency", quality: "quality" };
  /** What fired: the value against the threshold; burn-rate alerts have one per window instead (docs monitors/types/slo). */
  const firedValue = (kind: string) => (kind === "slo-fast-burn" || kind === "slo-slow-burn" ? "{{long_window_burn_rate}}" : "{{value}}");

  it.each(prodMonitors.map((m) => ({ id: m.id, m })))(
    "The message of $id says what fired, links its dashboard with variables filled in and its runbook, and has a recovery section.",
    ({ m }) => {
      const msg = m.body.message;
      expect(msg).toContain(firedValue(m.kind));
      const objective = tagValue(m.body.tags, "objective");
      const link = `@@dashboard-url:${objective ? objectiveDashboards[objective] : dashboards[m.kind]}@@?`;
      expect(msg).toContain(link);
      expect(msg).toContain("tpl_var_env=prod");
      if (m.featureId) expect(msg).toContain(`tpl_var_feature=${m.featureId}`);
      expect(msg).toContain(`${prod.stack.runbookBaseUrl}/${objective ? "slo-burn" : m.kind}.md`);
      expect(block(msg, "is_recovery").length).toBeGreaterThan(40);
    },
  );

  it("Per-tenant and per-provider links pre-fill the group's value.", () => {
    expect(byId(prodMonitors, "monitor-tenant-spend-anomaly").body.message).toContain("tpl_var_tenant={{tenant.name}}");
    expect(byId(prodMonitors, "monitor-provider-outage").body.message).toContain("tpl_var_provider={{provider.name}}");
    expect(byId(prodMonitors, "monitor-judge-stalled").body.message).toContain("tpl_var_feature={{feature.name}}");
  });

  it("The cost message names the budget, both thresholds and the kill switch.", () => {
    const msg = byId(prodMonitors, "monitor-legal-chat-cost-budget").body.message;
    expect(msg).toContain("Budget: 250 USD/day; warning at 250 USD (1x), alert at 500 USD (2x)");
    expect(msg).toContain("kill switch");
  });
});

describe("data handling options", () => {
  const metricMonitors = prodMonitors.filter((m) => m.body.type === "query alert");
  it.each(metricMonitors.map((m) => ({ id: m.id, m })))(
    "$id sets on_missing_data deliberately and never the legacy notify_no_data.",
    ({ m }) => {
      expect(["default", "show_no_data", "show_and_notify_no_data", "resolve"]).toContain(m.body.options.on_missing_data);
      expect(m.body.options).not.toHaveProperty("notify_no_data");
      expect(m.body.options).not.toHaveProperty("no_data_timeframe");
    },
  );

  it("Every monitor on the contract's sparse metrics evaluates partial windows; only the usage gauge needs a full one.", () => {
    for (const m of metricMonitors) expect(m.body.options.require_full_window).toBe(m.kind === "observability-cost");
  });

  it("SLO alerts set no data-handling option: Datadog offers none on SLO monitors.", () => {
    const sloAlerts = prodMonitors.filter((m) => m.body.type === "slo alert");
    expect(sloAlerts.length).toBeGreaterThan(0);
    for (const m of sloAlerts) {
      expect(m.body.options).not.toHaveProperty("on_missing_data");
      expect(m.body.options).not.toHaveProperty("require_full_window");
      expect(m.body.options).not.toHaveProperty("notify_no_data");
    }
  });
});

describe("number formatting", () => {
  it.each([
    [80, "80"],
    [-5, "-5"],
    [0.3, "0.3"],
    [2e-7, "0.0000002"],
    [1e21, "1000000000000000000000"],
  ])("%s is written as %s.", (n, s) => {
    expect(formatNumber(n)).toBe(s);
  });

  it("A non-finite threshold is a builder error, not a query.", () => {
    expect(() => formatNumber(Number.NaN)).toThrow(/finite/);
  });
});

describe("monitoring config", () => {
  it("A non-boolean monitoring.teamTagPolicy is reported at its exact path before anything is built.", () => {
    const result = validateCatalog({
      features: exampleFeatures(),
      teams: exampleTeams(),
      config: stackConfigFromPulumi(stackConfig("prod", { monitoring: { teamTagPolicy: "yes" } })),
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems).toEqual([{ path: "llm-observability:monitoring.teamTagPolicy", message: 'must be a boolean (got "yes")' }]);
    }
  });
});
