// Monitor builders over the legal fixture (test/fixtures/legal/): thresholds from its features.ts, ownership,
// routing (prod pages, staging never does), messages and the monitor count.
import { describe, expect, it } from "vitest";
import { CHAPTER_DEFAULTS, type Feature, type FeatureInput } from "../config/schema";
import { type Catalog, loadCatalog, stackConfigFromPulumi, validateCatalog } from "../config/validate";
import { buildMonitors, buildOrgMonitors, type MonitorDefinition } from "../monitors";
import { featureKinds, MONITOR_KINDS, sloKinds, stackKinds } from "../monitors/kinds";
import { featureSlo, SLO_OBJECTIVES } from "../config/slo";
import { formatNumber, latencyRecoveryThreshold, requestsBeforeJudgeSilenceIsSuspicious } from "../monitors/queries";
import {
  type BlockNode,
  handlesFor,
  isPagingPriority,
  monitorName,
  monitorPartName,
  type NotificationContext,
  pagerdutyHandle,
  parseMessage,
  RESOURCE_TAG,
  slackHandle,
  tagValue,
} from "../config/names";
import { generatedFeatures } from "./helpers";
import { legalCatalog, legalFeatures, legalTeams, type LegalStack, legalStackConfig } from "./fixtures/legal";

function catalogWith(stack: LegalStack, opts: { features?: FeatureInput[]; config?: Record<string, unknown> } = {}): Catalog {
  return loadCatalog({
    features: opts.features ?? legalFeatures(),
    teams: legalTeams(),
    config: stackConfigFromPulumi(legalStackConfig(stack, opts.config)),
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

const prod = legalCatalog("prod");
const staging = legalCatalog("staging");
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
/** Constituents of a composite that notify on their own (not muted): tenant-spend-anomaly's all-tenants detector. */
const SELF_NOTIFYING_CONSTITUENTS = ["monitor-tenant-spend-anomaly-global"];
/** The monitors that notify: every monitor but the muted building blocks of composites. */
const notifying = (monitors: MonitorDefinition[]) => monitors.filter((m) => !m.muted);

/** The handles one notification of `m` reaches, rendered as Datadog renders the message (config/names.ts). */
function handles(m: MonitorDefinition, ctx: NotificationContext): string[] {
  return handlesFor(m.body.message, { ...ctx, priority: m.body.priority }).map((h) => h.raw);
}

describe("monitor identity and count", () => {
  it("Every legal fixture feature gets one monitor per per-feature kind, one per objective of an SLO kind, named by stable ids.", () => {
    for (const f of prod.features) {
      const own = notifying(prodMonitors)
        .filter((m) => m.featureId === f.id)
        .map((m) => m.id);
      expect(own).toEqual(expectedFeatureMonitors(prod, f));
    }
  });

  it(
    "Exactly one notifying monitor exists per cross-feature kind, named by the kind, plus the all-tenants detector of " +
      "tenant-spend-anomaly, which notifies on its own.",
    () => {
      const cross = notifying(prodMonitors)
        .filter((m) => m.featureId === undefined)
        .map((m) => m.id);
      expect([...cross].sort()).toEqual([...CROSS_FEATURE_KINDS.map((k) => `monitor-${k}`), ...SELF_NOTIFYING_CONSTITUENTS].sort());
    },
  );

  // A building block may serve several composites ("many composite monitors may reference the same individual
  // monitor", docs monitors/types/composite): the fast burn's traffic guard serves the feature's three objectives.
  it("Every muted monitor is a P5 building block of composites of its own kind (and of its feature), named after it.", () => {
    const muted = prodMonitors.filter((m) => m.muted);
    expect(muted.length).toBeGreaterThan(0);
    for (const m of muted) {
      const part = tagValue(m.body.tags, RESOURCE_TAG.part);
      expect(part).toBeDefined();
      expect(m.id).toBe(monitorPartName(m.kind, part!, m.featureId));
      expect(m.body.priority).toBe(5);
      expect(m.pages).toBe(false);
      const composites = prodMonitors.filter((c) => c.body.type === "composite" && c.body.query.includes(`<<${m.id}>>`));
      expect(composites.length).toBeGreaterThan(0);
      for (const c of composites) expect([c.kind, c.featureId]).toEqual([m.kind, m.featureId]);
    }
  });

  it.each([
    { features: 1, tenants: 1 },
    { features: 5, tenants: 40 },
    { features: 5, tenants: 100_000 },
    { features: 60, tenants: 400 },
  ])(
    "With $features features and $tenants tenants, (per-feature kinds + 2 more per SLO kind) x features + cross-feature kinds + 1 " +
      "notify.",
    ({ features, tenants }) => {
      const catalog = catalogWith("prod", { features: generatedFeatures(features), config: { scale: { tenants, models: 4 } } });
      const monitors = buildMonitors(catalog);
      const perFeature = catalog.features.flatMap((f) => expectedFeatureMonitors(catalog, f)).length;
      // PER_FEATURE_KINDS counts each SLO kind once; it has a monitor per objective.
      expect(perFeature).toBe((PER_FEATURE_KINDS.length + (SLO_OBJECTIVES.length - 1) * sloKinds().length) * features);
      expect(notifying(monitors)).toHaveLength(perFeature + CROSS_FEATURE_KINDS.length + SELF_NOTIFYING_CONSTITUENTS.length);
      // Cross-feature building blocks do not grow with the catalog (grouped by feature like their composite); the
      // fast burn adds one burn-rate block per objective and one traffic guard per feature with SLOs.
      const crossParts = prodMonitors.filter((m) => m.muted && m.featureId === undefined).length;
      const withSlos = catalog.features.filter((f) => featureSlo(f, catalog.stack)).length;
      expect(monitors.length - notifying(monitors).length).toBe(crossParts + withSlos * (SLO_OBJECTIVES.length + 1));
      expect(new Set(monitors.map((m) => m.id)).size).toBe(monitors.length);
    },
  );

  it("Renaming a feature changes monitor names but never monitor ids.", () => {
    const renamed = legalFeatures();
    renamed[0].name = "Clause finder";
    const monitors = buildMonitors(catalogWith("prod", { features: renamed }));
    expect(monitors.map((m) => m.id)).toEqual(prodMonitors.map((m) => m.id));
    expect(byId(monitors, "monitor-extract-clause-cost-budget").body.name).toBe("[llm prod] Clause finder: daily spend over budget");
  });
});

describe("thresholds come from features.ts, one number for query and options", () => {
  it.each(legalFeatures().map((f) => ({ id: f.id, budget: f.budgetUsdPerDay })))(
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
    const features = legalFeatures();
    features[0].budgetUsdPerDay = budget;
    const { body } = byId(buildMonitors(catalogWith("prod", { features })), "monitor-extract-clause-cost-budget");
    expect(body.query.endsWith(`> ${critical}`)).toBe(true);
    expect(Number(critical)).toBe(body.options.thresholds?.critical);
  });

  it.each(
    legalFeatures().flatMap((f) => [
      { id: f.id, kind: "ttft-p95", metric: "llm.ttft", ms: f.latency?.ttftP95Ms ?? CHAPTER_DEFAULTS.ttftP95Ms, f },
      { id: f.id, kind: "total-latency-p95", metric: "llm.duration", ms: f.latency?.totalP95Ms ?? CHAPTER_DEFAULTS.totalP95Ms, f },
    ]),
  )(
    "Feature $id alerts $kind when each of the last 10 minutes had its p95 above $ms ms and enough requests, recovering at 70 %.",
    ({ id, kind, metric, ms, f }) => {
      const { body } = byId(prodMonitors, `monitor-${id}-${kind}`);
      const min = f.latency?.minRequestsPerMinute ?? CHAPTER_DEFAULTS.latencyMinRequestsPerMinute;
      const scope = `{feature:${id},env:prod}`;
      expect(body.query).toBe(
        `min(last_10m):default_zero(p95:${metric}${scope}.rollup(60)) * ` +
          `is_greater(default_zero(count:${metric}${scope}.rollup(sum, 60)), ${min - 1}) > ${ms}`,
      );
      expect(body.options.thresholds).toEqual({ critical: ms, critical_recovery: latencyRecoveryThreshold(ms) });
    },
  );

  it("A feature's latency.minRequestsPerMinute sets the traffic floor of both latency monitors.", () => {
    const features = legalFeatures();
    features[0].latency = { ...features[0].latency, minRequestsPerMinute: 30 };
    const monitors = buildMonitors(catalogWith("prod", { features }));
    for (const kind of ["ttft-p95", "total-latency-p95"])
      expect(byId(monitors, `monitor-${features[0].id}-${kind}`).body.query).toContain(".rollup(sum, 60)), 29) >");
  });

  it("The legal fixture really overrides latency for some features, so the table above tests overrides.", () => {
    expect(byId(prodMonitors, "monitor-summarize-contract-total-latency-p95").body.options.thresholds?.critical).toBe(12000);
    expect(byId(prodMonitors, "monitor-cite-check-total-latency-p95").body.options.thresholds?.critical).toBe(CHAPTER_DEFAULTS.totalP95Ms);
  });

  it.each(legalFeatures().map((f) => ({ id: f.id, drop: f.quality?.maxWeeklyDropPoints ?? CHAPTER_DEFAULTS.maxWeeklyDropPoints })))(
    "Feature $id alerts when its two-day judge score average falls more than $drop points below the same two days a week before.",
    ({ id, drop }) => {
      const { body } = byId(prodMonitors, `monitor-${id}-quality-drop`);
      expect(body.query).toBe(`change(avg(last_2d),last_1w):avg:llm.judge.score{feature:${id},env:prod}.rollup(avg, 3600) < -${drop}`);
      expect(body.options.thresholds).toEqual({ critical: -drop });
      // The last hour's bucket is complete before it is compared.
      expect(body.options.evaluation_delay).toBe(3600);
    },
  );
});

describe("cross-feature monitors", () => {
  it(
    "The tenant spend anomaly notifies per tenant through a composite, tenant && !global, which the all-tenants detector holds " +
      "back and notifies for once.",
    () => {
      const composite = byId(prodMonitors, "monitor-tenant-spend-anomaly");
      const tenant = byId(prodMonitors, "monitor-tenant-spend-anomaly-tenant");
      const global = byId(prodMonitors, "monitor-tenant-spend-anomaly-global");
      expect(composite.body.type).toBe("composite");
      expect(composite.body.query).toBe("<<monitor-tenant-spend-anomaly-tenant>> && !<<monitor-tenant-spend-anomaly-global>>");
      // One notification per tenant, naming it: no notify_by.
      expect(composite.body.options.notify_by).toBeUndefined();
      expect(composite.body.message).toContain("Spend of tenant **{{tenant.name}}**");
      expect(tenant.muted).toBe(true);
      expect(tenant.body.query).toBe(
        "avg(last_5h):anomalies(sum:llm.cost.usd{env:prod} by {tenant}.as_count(), 'agile', 3, direction='above', " +
          "alert_window='last_1h', interval=300, count_default_zero='true', seasonality='weekly') >= 1",
      );
      expect(tenant.body.options.thresholds).toEqual({ critical: 1, critical_recovery: 0 });
      expect(tenant.body.options.threshold_windows).toEqual({ trigger_window: "last_1h", recovery_window: "last_1h" });
      expect(tenant.body.options.new_group_delay).toBeGreaterThanOrEqual(3600);
      // The all-tenants detector: ungrouped, a shorter trigger window (it must alert first) and a longer recovery window (last out).
      expect(global.muted).toBeUndefined();
      expect(global.body.priority).toBe(composite.body.priority);
      expect(global.body.query).toBe(
        "avg(last_3h):anomalies(sum:llm.cost.usd{env:prod}.as_count(), 'agile', 6, direction='above', " +
          "alert_window='last_30m', interval=300, count_default_zero='true', seasonality='weekly') >= 1",
      );
      expect(global.body.options.threshold_windows).toEqual({ trigger_window: "last_30m", recovery_window: "last_3h" });
      expect(handles(global, { from: "ok", to: "alert" })).toEqual([slackHandle(prod.teams.find((t) => t.id === global.owner)!.slack)]);
    },
  );

  it("The provider outage monitor divides errors by requests per provider, behind the traffic guard, recovering at a quarter.", () => {
    const catalog = catalogWith("prod", { config: { monitoring: { providerErrorRatePct: 5, providerMinRequests: 200 } } });
    const { body } = byId(buildMonitors(catalog), "monitor-provider-outage");
    expect(body.query).toBe(
      "sum(last_10m):sum:llm.requests{env:prod,status:error} by {provider}.as_count() / sum:llm.requests{env:prod} by " +
        "{provider}.as_count() * 100 * is_greater(sum:llm.requests{env:prod} by {provider}.as_count(), 200) > 5",
    );
    expect(body.options.thresholds).toEqual({ critical: 5, critical_recovery: 1.25 });
    expect(body.options.evaluation_delay).toBe(60);
    for (const step of ["failover", "status", "recovery"]) expect(body.message.toLowerCase()).toContain(step);
    expect(body.message).toContain("{{provider.name}}");
  });

  it("The judge stall window comes from the stack config and its traffic guard from the lowest sample rate.", () => {
    const features = legalFeatures().map((f) => ({ ...f, quality: { ...f.quality, judgeSampleRate: 0.05 } }));
    const catalog = catalogWith("prod", { features, config: { monitoring: { judgeStallMinutes: 240 } } });
    const monitors = buildMonitors(catalog);
    const n = requestsBeforeJudgeSilenceIsSuspicious(0.05);
    const traffic = byId(monitors, "monitor-judge-stalled-traffic");
    expect(traffic.body.query).toBe(`sum(last_240m):sum:llm.requests{env:prod} by {feature}.as_count() > ${n}`);
    // A count: a feature without requests evaluates as 0 (not busy), never as no data.
    expect(traffic.body.options.on_missing_data).toBe("default");
    const scores = byId(monitors, "monitor-judge-stalled-scores");
    expect(scores.body.query).toBe("sum(last_240m):count:llm.judge.score{env:prod} by {feature} > 0");
    // No score at all is the signal: the block reads OK then, and the composite's `!` makes it an alert.
    expect(scores.body.options.on_missing_data).toBe("resolve");
    const { body } = byId(monitors, "monitor-judge-stalled");
    expect(body.type).toBe("composite");
    expect(body.query).toBe("<<monitor-judge-stalled-traffic>> && !<<monitor-judge-stalled-scores>>");
    expect(body.options).toEqual({ notify_no_data: false });
    expect(byId(prodMonitors, "monitor-judge-stalled-traffic").body.query).toContain(`> ${requestsBeforeJudgeSilenceIsSuspicious(0.01)}`);
  });

  it.each([0.01, 0.02, 0.05, 0.5])(
    "At sample rate %s the judge guard is the smallest request count where total silence is a 1-in-1000 event.",
    (rate) => {
      const n = requestsBeforeJudgeSilenceIsSuspicious(rate);
      expect((1 - rate) ** n).toBeLessThan(0.001);
      expect((1 - rate) ** (n - 1)).toBeGreaterThanOrEqual(0.001);
    },
  );

  it("Retrieval threshold and traffic floor come from the stack config.", () => {
    const catalog = catalogWith("prod", { config: { monitoring: { retrievalP95Ms: 350, retrievalMinQueriesPerMinute: 20 } } });
    const { body } = byId(buildMonitors(catalog), "monitor-retrieval-slow");
    expect(body.query).toBe(
      "min(last_10m):default_zero(p95:llm.retrieval.duration{env:prod} by {index}.rollup(60)) * " +
        "is_greater(default_zero(count:llm.retrieval.duration{env:prod} by {index}.rollup(sum, 60)), 19) > 350",
    );
    expect(body.options.thresholds).toEqual({ critical: 350, critical_recovery: 245 });
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
      for (const m of notifying(prodMonitors).filter((x) => x.kind === kind)) expect(m.body.priority).toBe(priority);
    },
  );
});

describe("routing: who is notified", () => {
  it.each(stagingMonitors.map((m) => ({ id: m.id, m })))("On staging, $id pages no one and does not renotify.", ({ m }) => {
    expect(JSON.stringify(m)).not.toContain("@pagerduty-");
    expect(m.pages).toBe(false);
    expect(m.body.options.renotify_interval).toBeUndefined();
    expect(handles(m, { from: "ok", to: "alert" }).join(" ")).toMatch(/@slack-[a-z0-9-]+/);
  });

  it.each(notifying(prodMonitors).map((m) => ({ id: m.id, m })))(
    "On prod, $id pages exactly when its priority pages: on the alert and when it leaves alert, never on a warning or no data.",
    ({ m }) => {
      const pd = pagerdutyHandle("prod", m.owner);
      const slack = slackHandle(prod.teams.find((t) => t.id === m.owner)!.slack);
      const pages = isPagingPriority(m.body.priority);
      expect(m.pages).toBe(pages);
      expect(handles(m, { from: "ok", to: "alert" })).toContain(slack);
      expect(handles(m, { from: "ok", to: "alert" }).includes(pd)).toBe(pages);
      // Leaving alert resolves the incident, whether to OK or to warning ({{#is_alert_recovery}}: config/names.ts).
      expect(handles(m, { from: "alert", to: "ok" }).includes(pd)).toBe(pages);
      const quiet: NotificationContext[] = [
        { from: "ok", to: "no data" },
        { from: "no data", to: "ok" },
      ];
      if (m.body.options.thresholds?.warning !== undefined) {
        expect(handles(m, { from: "ok", to: "warn" })).toContain(slack);
        expect(handles(m, { from: "alert", to: "warn" }).includes(pd)).toBe(pages);
        quiet.push({ from: "ok", to: "warn" }, { from: "warn", to: "ok" }, { from: "warn", to: "warn", renotify: true });
      }
      for (const ctx of quiet) expect(handles(m, ctx)).not.toContain(pd);
      expect(m.body.options.renotify_interval !== undefined).toBe(pages);
      if (pages) expect(m.body.options.renotify_statuses).toEqual(["alert"]);
    },
  );

  it.each(
    notifying(prodMonitors)
      .filter((m) => m.pages)
      .map((m) => ({ id: m.id, m })),
  )("The reminder of $id reaches its team's channel, and pages again unless it is a cost budget (one overspend, one page).", ({ m }) => {
    const reminder = handles(m, { from: "alert", to: "alert", renotify: true });
    expect(reminder).toContain(slackHandle(prod.teams.find((t) => t.id === m.owner)!.slack));
    expect(reminder.includes(pagerdutyHandle("prod", m.owner))).toBe(m.kind !== "cost-budget");
  });

  it("The legal fixture's prod stack pages for cost, latency, provider outages and fast SLO burns, and for nothing else.", () => {
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
    // The fast burn's traffic guard: the kind's own dashboard (the objectives' monitors link theirs).
    "slo-fast-burn": "overview",
  };

  /** The SLO kinds link their objective's dashboard, and share one runbook. */
  const objectiveDashboards: Record<string, string> = { availability: "overview", latency: "latency", quality: "quality" };

  it.each(prodMonitors.map((m) => ({ id: m.id, m })))(
    "The message of $id says what fired, links its dashboard with variables filled in and its runbook, and has a recovery section.",
    ({ m }) => {
      const msg = m.body.message;
      const fired = m.kind === "slo-fast-burn" || m.kind === "slo-slow-burn" ? "{{long_window_burn_rate}}" : "{{value}}";
      // A composite has no value of its own, and a monitor notified once for all groups has no single group's value.
      if (m.body.type !== "composite" && !m.muted && m.body.options.notify_by === undefined) expect(msg).toContain(fired);
      const objective = tagValue(m.body.tags, "objective");
      const link = `@@dashboard-url:${objective ? objectiveDashboards[objective] : dashboards[m.kind]}@@?`;
      expect(msg).toContain(link);
      expect(msg).toContain("tpl_var_env=prod");
      if (m.featureId) expect(msg).toContain(`tpl_var_feature=${m.featureId}`);
      expect(msg).toContain(`${prod.stack.runbookBaseUrl}/${MONITOR_KINDS.find((k) => k.kind === m.kind)!.runbook}`);
      expect(block(msg, "is_recovery").length).toBeGreaterThan(40);
    },
  );

  it("Per-provider, per-tenant and per-index links pre-fill the group's value; monitors of no single group link unfiltered.", () => {
    expect(byId(prodMonitors, "monitor-provider-outage").body.message).toContain("tpl_var_provider={{provider.name}}");
    expect(byId(prodMonitors, "monitor-judge-stalled-traffic").body.message).toContain("tpl_var_feature={{feature.name}}");
    expect(byId(prodMonitors, "monitor-tenant-spend-anomaly").body.message).toContain("tpl_var_tenant={{tenant.name}}");
    expect(byId(prodMonitors, "monitor-tenant-spend-anomaly-global").body.message).not.toContain("{{tenant.name}}");
    expect(byId(prodMonitors, "monitor-judge-stalled").body.message).not.toContain("{{feature.name}}");
  });

  it("The cost message names the budget, both thresholds and the kill switch.", () => {
    const msg = byId(prodMonitors, "monitor-legal-chat-cost-budget").body.message;
    expect(msg).toContain("Budget: 250 USD/day; warning at 250 USD (1x), alert at 500 USD (2x)");
    expect(msg).toContain("kill switch");
  });
});

describe("data handling options", () => {
  it.each(prodMonitors.filter((m) => m.body.type !== "slo alert").map((m) => ({ id: m.id, m })))(
    "$id sets on_missing_data deliberately (a composite: notify_no_data, which is all it has) and never no_data_timeframe.",
    ({ m }) => {
      if (m.body.type === "composite") {
        expect(typeof m.body.options.notify_no_data).toBe("boolean");
        expect(m.body.options).not.toHaveProperty("on_missing_data");
      } else {
        expect(["default", "show_no_data", "show_and_notify_no_data", "resolve"]).toContain(m.body.options.on_missing_data);
        expect(m.body.options).not.toHaveProperty("notify_no_data");
      }
      expect(m.body.options).not.toHaveProperty("no_data_timeframe");
    },
  );

  it("Every monitor on the contract's sparse metrics evaluates partial windows; only the usage gauge needs a full one.", () => {
    for (const m of prodMonitors.filter((x) => x.body.type === "query alert"))
      expect(m.body.options.require_full_window).toBe(m.kind === "observability-cost");
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
      features: legalFeatures(),
      teams: legalTeams(),
      config: stackConfigFromPulumi(legalStackConfig("prod", { monitoring: { teamTagPolicy: "yes" } })),
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems).toEqual([{ path: "llm-observability:monitoring.teamTagPolicy", message: 'must be a boolean (got "yes")' }]);
    }
  });
});
