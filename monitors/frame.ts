// What every monitor shares: identity, owner, priority, routing, tags, name and links.
// Builders in per-feature.ts / cross-feature.ts supply only the query, the options that
// are specific to their signal, and the words of the message.
import { dashboardUrlPlaceholder, runbookUrl } from "../config/links";
import type { Feature } from "../config/schema";
import { type Catalog, teamById } from "../config/validate";
import type { DatadogMonitor, MonitorDefinition, MonitorOptions, MonitorThresholds } from "./definition";
import { monitorName, RESOURCE_TAG } from "../config/names";
import { KINDS, type MonitorKind, monitorTags, POSTMORTEM_TEMPLATE, runbookFile } from "./kinds";
import { dashboardLink, type MessageParts, monitorMessage } from "./message";
import { renotifyOptions, type Routes, routesFor } from "./routing";

export interface Frame {
  id: string;
  kind: MonitorKind;
  feature?: Feature;
  owner: string;
  routes: Routes;
  name: string;
  tags: string[];
  runbookUrl: string;
  postmortemUrl: string;
  env: string;
  /** The kind's dashboard, with `env` (and `feature` for per-feature monitors) pre-filled plus `extra`. */
  dashboardUrl(extra?: Record<string, string>): string;
}

export function frame(catalog: Catalog, kind: MonitorKind, feature?: Feature): Frame {
  const { stack } = catalog;
  const spec = KINDS[kind];
  // Per-feature monitors belong to the feature's owner; cross-feature ones to the platform team.
  const owner = feature ? feature.owner : stack.platformTeam;
  const team = teamById(catalog, owner);
  const preset: Record<string, string> = feature ? { [RESOURCE_TAG.feature]: feature.id } : {};
  return {
    id: monitorName(kind, feature?.id),
    kind,
    feature,
    owner,
    routes: routesFor(stack, team, spec.priority),
    name: feature ? `[llm] ${feature.name}: ${spec.title}` : `[llm] ${spec.title}`,
    tags: monitorTags({ team: owner, featureId: feature?.id, env: stack.env, signal: spec.signal, kind }),
    runbookUrl: runbookUrl(stack, runbookFile(kind)),
    postmortemUrl: runbookUrl(stack, POSTMORTEM_TEMPLATE),
    env: stack.env,
    dashboardUrl: (extra = {}) =>
      dashboardLink(dashboardUrlPlaceholder(spec.dashboard), { ...preset, ...extra, [RESOURCE_TAG.env]: stack.env }),
  };
}

export interface MonitorSpec {
  query: string;
  thresholds: MonitorThresholds;
  /** Every option except thresholds and renotification (the frame adds those). */
  options: Omit<MonitorOptions, "thresholds" | "renotify_interval" | "renotify_statuses">;
  message: Omit<MessageParts, "routes" | "runbookUrl">;
}

export function defineMonitor(f: Frame, spec: MonitorSpec): MonitorDefinition {
  const priority = KINDS[f.kind].priority;
  const body: DatadogMonitor = {
    type: "query alert",
    name: f.name,
    query: spec.query,
    message: monitorMessage({ ...spec.message, routes: f.routes, runbookUrl: f.runbookUrl }),
    tags: f.tags,
    priority,
    options: { thresholds: spec.thresholds, ...spec.options, ...renotifyOptions(f.routes, priority) },
  };
  return { id: f.id, kind: f.kind, featureId: f.feature?.id, owner: f.owner, pages: f.routes.pages, body };
}
