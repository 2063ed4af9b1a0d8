// Monitors as recorded in a plan: the API body Datadog receives, and the view a reviewer reads
// (thresholds, routing per notification, runbook, owner and kind). Shared by synth's checks and
// summary, the diff and the preview page. Pure: plan in, plain data out.
import { linksIn } from "../config/links";
import { type DescribedHandle, describeHandles, notificationsSent, RESOURCE_TAG, TYPE, tagValue } from "../config/names";
import { monitorBodyFromInputs } from "../monitors/args";
import type { DatadogMonitor } from "../monitors/definition";
import { type Plan, type PlanResource, resourcesOfType } from "./plan";
import { arr, num, obj, str } from "./read";

export interface PlannedMonitor {
  /** The resource name, e.g. `monitor-extract-clause-cost-budget`. */
  id: string;
  resource: PlanResource;
  body: DatadogMonitor;
}

/** Each monitor's API body, mapped back from its recorded provider inputs; throws on an input args.ts does not map. */
export function monitorsOf(plan: Plan): PlannedMonitor[] {
  return resourcesOfType(plan, TYPE.monitor).map((r) => ({ id: r.name, resource: r, body: monitorBodyFromInputs(r.inputs) }));
}

export interface MonitorView {
  /** Resource name, the stable identity (`monitor-extract-clause-cost-budget`). */
  name: string;
  urn: string;
  title: string;
  type: string;
  query: string;
  thresholds: Record<string, string>;
  thresholdWindows: Record<string, string>;
  priority: string;
  /** Each handle some notification may carry, with the notifications that reach it. */
  handles: DescribedHandle[];
  tags: string[];
  runbooks: string[];
  team?: string;
  feature?: string;
  kind?: string;
  message: string;
  /** Every other input, as canonical JSON per key. */
  options: Record<string, string>;
}

export function monitorViews(plan: Plan): MonitorView[] {
  return resourcesOfType(plan, TYPE.monitor).map(monitorView);
}

const MONITOR_DESCRIBED = new Set(["name", "type", "query", "message", "tags", "priority", "monitorThresholds", "monitorThresholdWindows"]);

export function monitorView(r: PlanResource): MonitorView {
  const i = r.inputs;
  const tags = arr(i.tags).map(str).sort();
  const message = str(i.message);
  return {
    name: r.name,
    urn: r.urn,
    title: str(i.name),
    type: str(i.type),
    query: str(i.query),
    thresholds: stringMap(i.monitorThresholds),
    thresholdWindows: stringMap(i.monitorThresholdWindows),
    priority: str(i.priority),
    handles: describeHandles(message, {
      priority: num(i.priority),
      sent: notificationsSent({ renotifyInterval: i.renotifyInterval, renotifyStatuses: arr(i.renotifyStatuses).map(str) }),
    }),
    tags,
    runbooks: [
      ...new Set([
        ...runbookLinks(message),
        ...arr(i.assets)
          .filter((a) => obj(a).category === "runbook")
          .map((a) => str(obj(a).url)),
      ]),
    ].sort(),
    team: tagValue(tags, RESOURCE_TAG.team),
    feature: tagValue(tags, RESOURCE_TAG.feature),
    kind: tagValue(tags, RESOURCE_TAG.monitor),
    message,
    options: Object.fromEntries(
      Object.entries(i)
        .filter(([k, v]) => !MONITOR_DESCRIBED.has(k) && v !== undefined)
        .map(([k, v]) => [k, str(v)]),
    ),
  };
}

function stringMap(v: unknown): Record<string, string> {
  return Object.fromEntries(
    Object.entries(obj(v))
      .filter(([, x]) => x !== undefined && x !== null)
      .map(([k, x]) => [k, str(x)]),
  );
}

function runbookLinks(message: string): string[] {
  return linksIn(message).filter((u) => /\/runbooks?\//.test(u) || /\.md(#.*)?$/.test(u));
}
