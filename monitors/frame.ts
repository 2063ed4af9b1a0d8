// What every monitor shares: identity, owner, priority, routing, tags, name and links, all
// derived from its kind's entry in the registry (kinds.ts). Builders in per-feature.ts /
// cross-feature.ts supply only the query, the options that are specific to their signal, and
// the words of the message.
import { dashboardUrlPlaceholder, runbookUrl } from "../config/links";
import { monitorName, monitorNamePrefix, monitorPartName, PROJECT, type Priority, RESOURCE_TAG, tag } from "../config/names";
import type { Feature } from "../config/schema";
import { type Catalog, teamById } from "../config/validate";
import type { DatadogMonitor, MonitorDefinition, MonitorOptions, MonitorThresholds } from "./definition";
import { dashboardLink, type MessageParts, monitorMessage } from "./message";
import { type Renotify, renotifyOptions, type Routes, routesFor } from "./routing";

/** The `signal:` tag: which of the chapter's concerns a monitor watches. */
export const SIGNALS = ["quality", "cost", "latency", "availability", "pipeline"] as const;
export type Signal = (typeof SIGNALS)[number];

/** Dashboard ids pinned by the dashboards builder (dashboards/dashboard.ts DASHBOARD_IDS). */
export type DashboardId = "quality" | "cost" | "latency" | "tenant" | "overview";

/** What the frame needs to know about a kind; its registry entry (kinds.ts) says it once. */
export interface KindIdentity {
  /** Slug: the `monitor:<kind>` tag and part of the resource name. Pinned: renaming it replaces monitors. */
  kind: string;
  /**
   * The `signal:` tag. A kind that builds one monitor per SLO objective lists the signals of its
   * objectives, and tags each monitor with its own (monitors/slo.ts).
   */
  signal: Signal | readonly Signal[];
  /** Who gets woken up: see the severity map in config/names.ts (P1/P2 page on paging stacks). */
  priority: Priority;
  /** The `<signal>` part of the monitor name: `[llm <env>] <feature name>: <title>` or `[llm <env>] <title>`. */
  title: string;
  /** The dashboard the message links, with its variables filled in. */
  dashboard: DashboardId;
  /** File under runbooks/, linked as `<runbookBaseUrl>/<file>`. */
  runbook: string;
}

export const POSTMORTEM_TEMPLATE = "postmortem-template.md";

/** Value of `service:` on every monitor this package creates. */
export const MONITOR_SERVICE = PROJECT;

export function monitorTags(t: { team: string; featureId?: string; env: string; signal: Signal; kind: string }): string[] {
  return [
    tag(RESOURCE_TAG.team, t.team),
    ...(t.featureId ? [tag(RESOURCE_TAG.feature, t.featureId)] : []),
    tag(RESOURCE_TAG.env, t.env),
    tag(RESOURCE_TAG.signal, t.signal),
    tag(RESOURCE_TAG.service, MONITOR_SERVICE),
    tag(RESOURCE_TAG.monitor, t.kind),
  ];
}

export interface Frame {
  id: string;
  kind: string;
  /** The registry entry's identity the frame was made from (variants of a kind derive their own frame from it). */
  spec: KindIdentity;
  priority: Priority;
  feature?: Feature;
  owner: string;
  routes: Routes;
  name: string;
  tags: string[];
  runbookUrl: string;
  postmortemUrl: string;
  /** The kind's dashboard, with `env` (and `feature` for per-feature monitors) pre-filled plus `extra`. */
  dashboardUrl(extra?: Record<string, string>): string;
}

/** The frame of a per-feature monitor. */
export type FeatureFrame = Frame & { feature: Feature };

/**
 * `variant` names one of several monitors a per-feature kind builds for each feature (an SLO
 * objective): it ends the monitor's id (`monitor-<feature>-<kind>-<variant>`, config/names.ts).
 */
export function frame(catalog: Catalog, spec: KindIdentity, feature?: Feature, variant?: string): Frame {
  const { stack } = catalog;
  const { kind } = spec;
  const signal = typeof spec.signal === "string" ? spec.signal : spec.signal[0];
  // Per-feature monitors belong to the feature's owner; cross-feature ones to the platform team.
  const owner = feature ? feature.owner : stack.platformTeam;
  const team = teamById(catalog, owner);
  const preset: Record<string, string> = feature ? { [RESOURCE_TAG.feature]: feature.id } : {};
  return {
    id: monitorName(kind, feature?.id, variant),
    kind,
    spec,
    priority: spec.priority,
    feature,
    owner,
    routes: routesFor(stack, team, spec.priority),
    name: `${monitorNamePrefix(stack.env)} ${feature ? `${feature.name}: ${spec.title}` : spec.title}`,
    tags: monitorTags({ team: owner, featureId: feature?.id, env: stack.env, signal, kind }),
    runbookUrl: runbookUrl(stack, spec.runbook),
    postmortemUrl: runbookUrl(stack, POSTMORTEM_TEMPLATE),
    dashboardUrl: (extra = {}) =>
      dashboardLink(dashboardUrlPlaceholder(spec.dashboard), { ...preset, ...extra, [RESOURCE_TAG.env]: stack.env }),
  };
}

/**
 * The frame of one building block of a kind built as a composite: its own resource name and
 * title, and its own priority (a muted building block is informational, P5: it notifies no one).
 */
export function partFrame(f: Frame, catalog: Catalog, part: { name: string; title: string; priority: Priority }): Frame {
  const routes = routesFor(catalog.stack, teamById(catalog, f.owner), part.priority);
  return {
    ...f,
    id: monitorPartName(f.kind, part.name, f.feature?.id),
    name: `${f.name}: ${part.title}`,
    priority: part.priority,
    routes,
    tags: [...f.tags, tag(RESOURCE_TAG.part, part.name)],
  };
}

export interface MonitorSpec {
  /** Default `query alert` (a metric monitor); `slo alert` for burn-rate and error-budget monitors (monitors/slo.ts). */
  type?: DatadogMonitor["type"];
  query: string;
  thresholds: MonitorThresholds;
  /** Every option except thresholds and renotification (the frame adds those). */
  options: Omit<MonitorOptions, "thresholds" | "renotify_interval" | "renotify_statuses">;
  message: Omit<MessageParts, "routes" | "runbookUrl" | "renotifyPages">;
  /** How a paging monitor reminds while in alert (default: every 30 or 60 minutes, paging again). */
  renotify?: Renotify;
}

export interface CompositeSpec {
  /** The constituents combined with `&& || !`, each written as `monitorIdPlaceholder(definition.id)`. */
  query: string;
  /** Notify when the composite has no data (docs monitors/types/composite, "No data"). */
  notifyNoData: boolean;
  message: Omit<MessageParts, "routes" | "runbookUrl" | "renotifyPages">;
}

/** A composite monitor: it notifies from its constituents' states (docs monitors/types/composite). */
export function defineComposite(f: Frame, spec: CompositeSpec): MonitorDefinition {
  const { priority } = f;
  const body: DatadogMonitor = {
    type: "composite",
    name: f.name,
    query: spec.query,
    message: monitorMessage({ ...spec.message, routes: f.routes, runbookUrl: f.runbookUrl }),
    tags: f.tags,
    priority,
    options: { notify_no_data: spec.notifyNoData, ...renotifyOptions(f.routes, priority) },
  };
  return { id: f.id, kind: f.kind, featureId: f.feature?.id, owner: f.owner, pages: f.routes.pages, body };
}

export function defineMonitor(f: Frame, spec: MonitorSpec): MonitorDefinition {
  const { priority } = f;
  const body: DatadogMonitor = {
    type: spec.type ?? "query alert",
    name: f.name,
    query: spec.query,
    message: monitorMessage({ ...spec.message, routes: f.routes, runbookUrl: f.runbookUrl, renotifyPages: spec.renotify?.pages }),
    tags: f.tags,
    priority,
    options: { thresholds: spec.thresholds, ...spec.options, ...renotifyOptions(f.routes, priority, spec.renotify) },
  };
  return { id: f.id, kind: f.kind, featureId: f.feature?.id, owner: f.owner, pages: f.routes.pages, body };
}
