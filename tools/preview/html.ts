// The preview page: every dashboard laid out on Datadog's 12-column grid exactly where its
// JSON places it, every monitor with its routing, and the on-call and Sentry setup, in one
// static HTML file. No script, no external asset; a Content-Security-Policy forbids any
// fetch, so opening it can never touch the network. Pure: plan in, HTML out.
import type { Catalog } from "../../config/validate";
import { isPagerdutyHandle, pagerdutyHandleOf, TYPE } from "../../config/names";
import { countWidgets, type DashboardView, dashboardViews, type WidgetView } from "../../plan/dashboards";
import { featureViews, monitorSentence } from "../../plan/features";
import { slosOf } from "../../plan/slos";
import { MONITOR_KINDS, type MonitorKindSpec, reviewColumns } from "../../monitors/kinds";
import { formatValue } from "../../monitors/review";
import { type MonitorView, monitorViews } from "../../plan/monitors";
import { onCallTeamIds, sentryRuleViews, teamOnCallView } from "../../plan/oncall";
import { type Plan, type PlanResource, resourcesOfType } from "../../plan/plan";
import { arr, obj, str } from "../../plan/read";
import { formatDuration } from "../../config/slo";
import { countResources } from "../../plan/resource-count";

export type WidgetStatus = "added" | "changed" | "moved";

/** What `npm run diff` marks on the head page. */
export interface Highlights {
  baseLabel: string;
  widgets: Map<string, Map<string, WidgetStatus>>;
  /** Per dashboard and widget key: what changed, `field: before → after`. */
  widgetChanges: Map<string, Map<string, string[]>>;
  removedWidgets: Map<string, { title: string; type: string; group?: string }[]>;
  dashboards: Map<string, "added" | "changed">;
  removedDashboards: { id: string; title: string }[];
  monitors: Map<string, "added" | "changed">;
  removedMonitors: { name: string; title: string }[];
}

export interface PreviewOptions {
  /** The validated catalog, when known: adds display names, members and Slack channels. */
  catalog?: Catalog;
  highlights?: Highlights;
  /** The monitor-kind registry whose review columns and sentences describe features (default: monitors/kinds.ts). */
  kinds?: readonly MonitorKindSpec[];
}

// ---------------------------------------------------------------------------------------------

export function escapeHtml(value: unknown): string {
  return String(value ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const e = escapeHtml;

function slugAttr(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]/g, "-");
}

export function renderPreview(plan: Plan, opts: PreviewOptions = {}): string {
  const { title, body } = previewBody(plan, opts, "");
  return page(title, body);
}

/** One stack of a multi-stack diff page. */
export interface StackSection {
  plan: Plan;
  opts: PreviewOptions;
  /** One line under the stack's heading, e.g. `3 monitors changed`. */
  summary: string;
}

/**
 * `npm run diff` with several stacks: one page, a section per stack in the order given, each the
 * stack's own preview with its changes marked. Anchors are prefixed with the stack so they stay unique.
 */
export function renderStacksPage(title: string, sections: StackSection[]): string {
  const nav = sections
    .map((s) => `<a href="#stack-${slugAttr(s.plan.stack)}">${e(s.plan.stack)}</a> <span class="meta">${e(s.summary)}</span>`)
    .join("");
  const body = [
    `<header class="page"><h1>${e(title)}</h1><nav class="stacks">${nav}</nav></header>`,
    ...sections.map((s) => {
      const prefix = `${slugAttr(s.plan.stack)}-`;
      const inner = previewBody(s.plan, s.opts, prefix).body;
      const attrs = `class="stack" id="stack-${slugAttr(s.plan.stack)}" data-stack="${e(s.plan.stack)}"`;
      return `<section ${attrs}>\n<p class="meta">${e(s.summary)}</p>\n${inner}\n</section>`;
    }),
  ].join("\n");
  return page(title, body);
}

function previewBody(plan: Plan, opts: PreviewOptions, idPrefix: string): { title: string; body: string } {
  const dashboards = dashboardViews(plan);
  const monitors = monitorViews(plan);
  const h = opts.highlights;
  const title = h ? `Changes to ${plan.stack} (against ${h.baseLabel})` : `${plan.project} · ${plan.stack}`;
  const nav = [
    ...dashboards.map((d) => `<a href="#${idPrefix}${slugAttr(d.name)}">${e(d.title || d.id)}</a>`),
    `<a href="#${idPrefix}monitors">Monitors (${monitors.length})</a>`,
    `<a href="#${idPrefix}slos">SLOs (${slosOf(plan).length})</a>`,
    `<a href="#${idPrefix}oncall">On-call and Sentry</a>`,
  ].join("");
  const stack = opts.catalog ? ` · env ${e(opts.catalog.stack.env)} · paging ${opts.catalog.stack.paging ? "on" : "off"}` : "";
  const { resources } = countResources(plan);
  const counts = `${resources} resources · ${dashboards.length} dashboards · ${monitors.length} monitors`;
  const body = [
    `<header class="page"><h1>${e(title)}</h1>`,
    `<p class="meta">Stack <b>${e(plan.stack)}</b>${stack} · ${counts}. ` +
      "Static preview: positions and sizes follow the dashboard JSON on a 12-column grid; no data is shown.</p>",
    h ? legend(h) : "",
    `<nav>${nav}</nav></header>`,
    ...dashboards.map((d) => renderDashboard(d, h, idPrefix)),
    renderMonitors(plan, monitors, opts.kinds ?? MONITOR_KINDS, h, idPrefix),
    renderSlos(plan, idPrefix),
    renderOnCall(plan, opts.catalog, idPrefix),
  ].join("\n");
  return { title, body };
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function legend(h: Highlights): string {
  const removed = h.removedDashboards.length
    ? `<p class="removed">Removed dashboards: ${h.removedDashboards.map((d) => `<b>${e(d.title)}</b> (${e(d.id)})`).join(", ")}</p>`
    : "";
  const badges = ["added", "changed", "moved"].map((s) => `<span class="badge ${s}">${s}</span>`).join(" ");
  const against = `Marked against <code>${e(h.baseLabel)}</code>`;
  return `<p class="legend">${against}: ${badges}; removed items are listed where they were.</p>${removed}`;
}

// ---------------------------------------------------------------------------------------------
// Dashboards

function renderDashboard(d: DashboardView, h: Highlights | undefined, idPrefix: string): string {
  const marks = h ? { status: h.widgets.get(d.id), details: h.widgetChanges.get(d.id) } : undefined;
  const status = h?.dashboards.get(d.id);
  const count = countWidgets(d.widgets);
  const vars = d.templateVariables.length
    ? `<ul class="vars">${d.templateVariables
        .map(
          (v) =>
            `<li><code>$${e(v.name)}</code> tag <code>${e(v.prefix)}</code>, default <code>${e(v.defaults.join(" or ") || "*")}</code>` +
            `${v.availableValues.length ? `, values ${e(v.availableValues.join(", "))}` : ""}</li>`,
        )
        .join("")}</ul>`
    : `<p class="meta">No template variables.</p>`;
  const removed = h?.removedWidgets.get(d.id);
  const removedItem = (w: { title: string; type: string; group?: string }) =>
    `<li>${e(w.title || "untitled")} <span class="type">${e(w.type)}</span>${w.group ? ` from group ${e(w.group)}` : ""}</li>`;
  const removedList = removed?.length
    ? `<div class="removed"><b>Removed widgets:</b><ul>${removed.map(removedItem).join("")}</ul></div>`
    : "";
  const tags = d.tags.length ? ` · tags ${d.tags.map((t) => `<code>${e(t)}</code>`).join(" ")}` : "";
  const cls = `dashboard${status ? ` status-${status}` : ""}`;
  const attrs = `class="${cls}" id="${idPrefix}${slugAttr(d.name)}" data-dashboard="${e(d.id)}" data-widget-count="${count}"`;
  return `<section ${attrs}>
<h2>${e(d.title)}${status ? ` <span class="badge ${status}">${status}</span>` : ""}</h2>
<p class="meta">Dashboard <code>${e(d.id)}</code> · resource <code>${e(d.name)}</code> · ${count} widgets${tags}</p>
${d.description ? `<p class="description">${e(d.description)}</p>` : ""}
${vars}
${removedList}
<div class="grid">${d.widgets.map((w) => renderWidget(w, marks)).join("\n")}</div>
</section>`;
}

function placement(w: WidgetView): string {
  if (!w.layout) return `grid-column: span ${w.type === "group" ? 12 : 4};`;
  const l = w.layout;
  return `grid-column: ${l.x + 1} / span ${l.width}; grid-row: ${l.y + 1} / span ${l.height};`;
}

interface Marks {
  status?: Map<string, WidgetStatus>;
  details?: Map<string, string[]>;
}

function renderWidget(w: WidgetView, marks?: Marks): string {
  const status = marks?.status?.get(w.key);
  const details = marks?.details?.get(w.key) ?? [];
  const changes = details.length
    ? `<dl class="changes"><dt>what changed</dt>${details.map((d) => `<dd><code>${e(d)}</code></dd>`).join("")}</dl>`
    : "";
  const badge = status ? ` <span class="badge ${status}">${status}</span>` : "";
  const cls = `widget type-${slugAttr(w.type)}${status ? ` ${status}` : ""}`;
  const attrs = `class="${cls}" data-widget-id="${e(w.key)}" data-type="${e(w.type)}" style="${placement(w)}"`;
  const size = w.layout ? `<span class="size">${w.layout.width}×${w.layout.height}</span>` : "";
  if (w.type === "group") {
    return `<article ${attrs}>
<header><span class="type">group</span> <b>${e(w.title)}</b>${badge}${size}</header>
${changes}<div class="grid">${w.children.map((c) => renderWidget(c, marks)).join("\n")}</div>
</article>`;
  }
  const rows: string[] = [];
  const section = (label: string, items: string[], cls: string) => {
    if (items.length) rows.push(`<dl class="${cls}"><dt>${label}</dt>${items.map((i) => `<dd><code>${e(i)}</code></dd>`).join("")}</dl>`);
  };
  section("queries", w.queries, "queries");
  section("formulas", w.formulas, "formulas");
  section("markers", w.markers, "markers");
  section("links", w.links, "links");
  const text = w.text !== undefined ? `<pre class="note">${e(w.text)}</pre>` : "";
  return `<article ${attrs}>
<header><span class="type">${e(w.type)}</span> <b>${e(w.title || "untitled")}</b>${badge}${size}</header>
${changes}${text}${rows.join("")}
</article>`;
}

// ---------------------------------------------------------------------------------------------
// Monitors

/** Per feature, the numbers each kind declares for review: the same columns as the diff's table. */
function renderThresholds(plan: Plan, kinds: readonly MonitorKindSpec[]): string {
  const columns = reviewColumns(kinds);
  const features = featureViews(plan, kinds);
  if (!features.length || !columns.length) return "";
  const head = `<tr><th>feature</th><th>owner</th>${columns.map((c) => `<th>${e(c.header)}</th>`).join("")}</tr>`;
  const rows = features.map(
    (f) =>
      `<tr data-thresholds="${e(f.id)}"><td><code>${e(f.id)}</code></td><td>${e(f.team ?? "—")}</td>` +
      `${columns.map((c) => `<td>${e(formatValue(c.unit, f.values[c.key]))}</td>`).join("")}</tr>`,
  );
  return `<h3>Thresholds per feature</h3>\n<table class="thresholds"><thead>${head}</thead><tbody>${rows.join("\n")}</tbody></table>`;
}

const MONITOR_COLUMNS = ["name", "priority", "team", "query", "thresholds", "handles (states)", "runbook"];

function renderMonitors(
  plan: Plan,
  monitors: MonitorView[],
  kinds: readonly MonitorKindSpec[],
  h: Highlights | undefined,
  idPrefix: string,
): string {
  const slos = slosOf(plan);
  const sorted = [...monitors].sort(
    (a, b) => (a.team ?? "").localeCompare(b.team ?? "") || a.priority.localeCompare(b.priority) || a.name.localeCompare(b.name),
  );
  const rows = sorted.map((m) => {
    const status = h?.monitors.get(m.name);
    const thresholds = Object.entries(m.thresholds)
      .map(([k, v]) => `${e(k)} <code>${e(v)}</code>`)
      .join("<br>");
    const windows = Object.entries(m.thresholdWindows)
      .map(([k, v]) => `${e(k)} <code>${e(v)}</code>`)
      .join("<br>");
    const sentence = monitorSentence(m, kinds, slos);
    const handles = m.handles.map((h) => `<code class="${isPagerdutyHandle(h.handle) ? "pager" : "notify"}">${e(h.text)}</code>`);
    const runbooks = m.runbooks
      .map((u) => (/^https?:\/\//.test(u) ? `<a href="${e(u)}" rel="noopener noreferrer">${e(u.split("/").pop())}</a>` : e(u)))
      .join("<br>");
    return `<tr class="monitor${status ? ` ${status}` : ""}" data-monitor="${e(m.name)}">
<td><b>${e(m.title)}</b>${status ? ` <span class="badge ${status}">${status}</span>` : ""}<br><code class="small">${e(m.name)}</code></td>
<td>${m.priority ? `P${e(m.priority)}` : "—"}</td>
<td>${e(m.team ?? "—")}${m.feature ? `<br><span class="small">feature ${e(m.feature)}</span>` : ""}</td>
<td><code>${e(m.query)}</code></td>
<td>${sentence ? `${e(sentence)}<br>` : ""}${thresholds || "—"}${windows ? `<br><span class="small">windows</span><br>${windows}` : ""}</td>
<td>${handles.join("<br>") || "—"}</td>
<td>${runbooks || "—"}</td>
</tr>`;
  });
  const removedItems = h?.removedMonitors.map((m) => `<li>${e(m.title)} <code>${e(m.name)}</code></li>`).join("");
  const removed = removedItems ? `<div class="removed"><b>Removed monitors:</b><ul>${removedItems}</ul></div>` : "";
  return `<section id="${idPrefix}monitors" class="monitors">
<h2>Monitors (${monitors.length})</h2>
${removed}
${renderThresholds(plan, kinds)}
${
  monitors.length
    ? `<table><thead><tr>${MONITOR_COLUMNS.map((c) => `<th>${c}</th>`).join("")}</tr></thead><tbody>
${rows.join("\n")}
</tbody></table>`
    : `<p class="meta">No monitors on this stack.</p>`
}
</section>`;
}

// ---------------------------------------------------------------------------------------------
// SLOs

/** Every SLO: its feature, objective, target over its window and the error budget that leaves (docs/slo.md). */
function renderSlos(plan: Plan, idPrefix: string): string {
  const slos = slosOf(plan);
  const rows = slos.map((s) => {
    const days = /^(\d+)d$/.exec(s.timeframe ?? "")?.[1];
    const budget = s.target !== undefined && days !== undefined ? formatDuration(((100 - s.target) / 100) * Number(days) * 24 * 60) : "—";
    const target = s.target === undefined ? "—" : `${s.target} %`;
    return (
      `<tr data-slo="${e(s.id)}"><td><b>${e(str(s.resource.inputs.name))}</b><br><code class="small">${e(s.id)}</code></td>` +
      `<td>${e(s.featureId ?? "—")}</td><td>${e(s.objective ?? "—")}</td><td>${e(target)} over ${e(s.timeframe ?? "—")}</td>` +
      `<td>${e(budget)}</td><td>${e(s.team ?? "—")}</td><td><code>${e(str(obj(s.resource.inputs.query).numerator))}</code><br>/ ` +
      `<code>${e(str(obj(s.resource.inputs.query).denominator))}</code></td></tr>`
    );
  });
  return `<section id="${idPrefix}slos" class="monitors">
<h2>SLOs (${slos.length})</h2>
${
  slos.length
    ? `<table><thead><tr><th>SLO</th><th>feature</th><th>objective</th><th>target</th><th>error budget (full outage)</th>` +
      `<th>team</th><th>good / total events</th></tr></thead><tbody>\n${rows.join("\n")}\n</tbody></table>`
    : `<p class="meta">No SLOs on this stack.</p>`
}
</section>`;
}

// ---------------------------------------------------------------------------------------------
// On-call and Sentry

function txt(v: unknown): string {
  return v === undefined || v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
}

function duration(seconds: unknown): string {
  const s = Number(seconds);
  if (!Number.isFinite(s)) return txt(seconds);
  if (s % 604800 === 0) return s === 604800 ? "weekly" : `${s / 604800} weeks`;
  if (s % 86400 === 0) return `${s / 86400} days`;
  if (s % 3600 === 0) return `${s / 3600} h`;
  return `${Math.round(s / 60)} min`;
}

const NO_PAGING = "No PagerDuty schedules or services on this stack: it does not page, and every monitor routes to Slack.";

function renderOnCall(plan: Plan, catalog: Catalog | undefined, idPrefix: string): string {
  const teamIds = [
    ...new Set([
      ...(catalog?.teams.map((t) => t.id) ?? []),
      ...onCallTeamIds(plan),
      ...monitorViews(plan).flatMap((m) => (m.team ? [m.team] : [])),
    ]),
  ];
  const paging = resourcesOfType(plan, TYPE.schedule).length + resourcesOfType(plan, TYPE.service).length > 0;
  const teams = teamIds.map((id) => renderTeam(plan, id, catalog)).join("\n");
  return `<section id="${idPrefix}oncall" class="oncall">
<h2>On-call</h2>
${paging ? "" : `<p class="meta">${NO_PAGING}</p>`}
<div class="teams">${teams}</div>
<h2>Sentry rules per feature</h2>
${renderSentry(plan, catalog)}
</section>`;
}

function renderTeam(plan: Plan, id: string, catalog?: Catalog): string {
  const team = catalog?.teams.find((t) => t.id === id);
  const { schedule, escalationPolicy: escalation, service, pagerdutyServiceObject: serviceObject } = teamOnCallView(plan, id);
  const features =
    catalog?.features.filter((f) => f.owner === id).map((f) => f.id) ??
    featureViews(plan)
      .filter((f) => f.team === id)
      .map((f) => f.id);
  const facts: string[] = [];
  if (team) {
    facts.push(`<dt>Slack</dt><dd><code>${e(team.slack)}</code></dd>`);
    facts.push(`<dt>Members</dt><dd>${team.onCall.members.map((m, i) => `${i + 1}. ${e(m)}`).join("<br>")}</dd>`);
    facts.push(
      `<dt>Handoff</dt><dd>${e(team.onCall.handoff.day)} ${e(team.onCall.handoff.time)} ${e(team.onCall.handoff.timeZone)}, ` +
        `anchored at ${e(team.onCall.rotationStart)}</dd>`,
    );
  }
  if (features.length) facts.push(`<dt>Features</dt><dd>${features.map((f) => `<code>${e(f)}</code>`).join(" ")}</dd>`);
  if (schedule) {
    const layers = arr(schedule.inputs.layers).map((l) => {
      const layer = obj(l);
      return (
        `${e(layer.name ?? "layer")}: ${duration(layer.rotationTurnLengthSeconds)} turns, ${arr(layer.users).length} engineers, ` +
        `start ${e(txt(layer.start))}, virtual start ${e(txt(layer.rotationVirtualStart))}`
      );
    });
    facts.push(
      `<dt>Rotation</dt><dd><code>${e(schedule.name)}</code> (${e(txt(schedule.inputs.timeZone))})<br>${layers.join("<br>")}</dd>`,
    );
  }
  if (escalation) {
    const rules = arr(escalation.inputs.rules).map((r, i) => {
      const rule = obj(r);
      const targets = arr(rule.targets).map((t) => `${e(txt(obj(t).type))} <code>${e(txt(obj(t).id))}</code>`);
      const delay = rule.escalationDelayInMinutes;
      return `${i + 1}. ${targets.join(", ")}${delay !== undefined ? `; escalates after ${e(txt(delay))} min unacknowledged` : ""}`;
    });
    const loops = escalation.inputs.numLoops !== undefined ? `, ${e(txt(escalation.inputs.numLoops))} loops` : "";
    facts.push(`<dt>Escalation</dt><dd><code>${e(escalation.name)}</code>${loops}<br>${rules.join("<br>")}</dd>`);
  }
  if (service) {
    const rule = obj(service.inputs.incidentUrgencyRule);
    const urgency = Object.keys(rule).length ? `, urgency ${e(txt(rule.type))}${rule.urgency ? ` ${e(txt(rule.urgency))}` : ""}` : "";
    facts.push(
      `<dt>Service</dt><dd><code>${e(txt(service.inputs.name) || service.name)}</code>, ` +
        `acknowledgement timeout ${e(duration(service.inputs.acknowledgementTimeout))}, ` +
        `auto-resolve ${e(duration(service.inputs.autoResolveTimeout))}${urgency}</dd>`,
    );
  }
  if (serviceObject)
    facts.push(`<dt>Datadog handle</dt><dd><code class="pager">${e(pagerdutyHandleOf(txt(serviceObject.inputs.serviceName)))}</code></dd>`);
  if (!schedule && !service) facts.push(`<dt>Paging</dt><dd>none on this stack</dd>`);
  const heading = `<h3>${e(team?.name ?? id)} <code>${e(id)}</code></h3>`;
  return `<article class="team" data-team="${e(id)}">${heading}<dl>${facts.join("")}</dl></article>`;
}

function renderSentry(plan: Plan, catalog?: Catalog): string {
  const rules = sentryRuleViews(plan);
  if (!rules.length) return `<p class="meta">No Sentry rules on this stack.</p>`;
  const byFeature = new Map<string, PlanResource[]>();
  for (const { featureId, resource } of rules) byFeature.set(featureId, [...(byFeature.get(featureId) ?? []), resource]);
  const rows = [...byFeature]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([feature, rs]) => {
      const name = catalog?.features.find((f) => f.id === feature)?.name;
      const rule = (r: PlanResource) =>
        `<div class="rule"><code>${e(r.name)}</code><br>${e(txt(r.inputs.name))}<br>` +
        `<span class="small">${describeSentryRule(r)}</span></div>`;
      const cells = rs
        .sort((a, b) => a.name.localeCompare(b.name))
        .map(rule)
        .join("");
      const heading = `<b>${e(name ?? feature)}</b><br><code class="small">${e(feature)}</code>`;
      return `<tr data-feature="${e(feature)}"><td>${heading}</td><td>${cells}</td></tr>`;
    });
  return `<table class="sentry"><thead><tr><th>feature</th><th>rules</th></tr></thead><tbody>${rows.join("\n")}</tbody></table>`;
}

function describeSentryRule(r: PlanResource): string {
  const i = r.inputs;
  const parts: string[] = [];
  if (i.project) parts.push(`project ${e(txt(i.project))}`);
  if (i.owner) parts.push(`owner ${e(txt(i.owner))}`);
  if (i.frequency !== undefined) parts.push(`at most every ${e(txt(i.frequency))} min`);
  if (i.timeWindow !== undefined) parts.push(`window ${e(txt(i.timeWindow))} min`);
  if (i.aggregate) parts.push(`${e(txt(i.aggregate))}${i.query ? ` where ${e(txt(i.query))}` : ""}`);
  for (const t of arr(i.triggers)) {
    const trigger = obj(t);
    const to = arr(trigger.actions).map((a) => `${txt(obj(a).type)} ${txt(obj(a).targetIdentifier)}`.trim());
    parts.push(`${e(txt(trigger.label))} above ${e(txt(trigger.alertThreshold))}${to.length ? ` → ${e(to.join(", "))}` : ""}`);
  }
  const short = (id: unknown) => txt(id).split(".").pop();
  const conditions = arr(i.conditions).map((c) => short(obj(c).id));
  if (conditions.length) parts.push(`when ${e(conditions.join(" or "))}`);
  const filters = arr(i.filters).map((f) => {
    const filter = obj(f);
    const match = filter.match ? ` ${txt(filter.match)}` : "";
    return `${short(filter.id)}${filter.key ? ` ${txt(filter.key)}${match} ${txt(filter.value ?? "")}` : ""}`;
  });
  if (filters.length) parts.push(`if ${e(filters.join(", "))}`);
  const actions = arr(i.actions).map((a) => {
    const action = obj(a);
    const rest = Object.entries(action)
      .filter(([k]) => k !== "id" && k !== "name")
      .map(([k, v]) => `${k}=${txt(v)}`)
      .join(" ");
    return `${short(action.id)}${rest ? ` (${rest})` : ""}`;
  });
  if (actions.length) parts.push(`then ${e(actions.join("; "))}`);
  return parts.join(" · ");
}

// ---------------------------------------------------------------------------------------------

const STYLE = `
:root { --fg:#1d2330; --muted:#5b6474; --line:#d6dae2; --bg:#f5f6f8; --card:#fff;
  --add:#1e8e3e; --chg:#b26a00; --mov:#1a66d2; --del:#c5221f; }
* { box-sizing: border-box; }
body { margin: 0; padding: 0 24px 48px; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  color: var(--fg); background: var(--bg); }
h1 { font-size: 20px; margin: 16px 0 4px; }
h2 { font-size: 17px; margin: 28px 0 4px; }
h3 { font-size: 14px; margin: 0 0 6px; }
code { font: 11.5px/1.35 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; word-break: break-word; }
.meta, .small { color: var(--muted); }
.small { font-size: 11px; }
header.page { border-bottom: 1px solid var(--line); padding-bottom: 8px; }
nav a { margin-right: 12px; color: var(--mov); text-decoration: none; }
nav.stacks a { margin-left: 12px; font-weight: 600; }
section.stack { border-top: 3px solid var(--line); margin-top: 32px; }
.legend { margin: 6px 0; }
.badge { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 11px; color: #fff; vertical-align: middle; }
.badge.added { background: var(--add); } .badge.changed { background: var(--chg); } .badge.moved { background: var(--mov); }
.removed { border-left: 4px solid var(--del); background: #fdecea; padding: 4px 10px; margin: 8px 0; }
.removed ul { margin: 2px 0; }
.dashboard { margin-top: 8px; }
.vars { display: flex; flex-wrap: wrap; gap: 4px 16px; list-style: none; padding: 0; margin: 4px 0 8px; }
.grid { display: grid; grid-template-columns: repeat(12, minmax(0, 1fr)); grid-auto-rows: minmax(36px, auto); gap: 8px; }
.widget { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 6px 8px; overflow: hidden; min-width: 0; }
.widget > header { display: flex; gap: 6px; align-items: baseline; margin-bottom: 4px; }
.widget > header b { flex: 1; }
.widget .size { color: var(--muted); font-size: 10px; }
.widget .type { font-size: 10px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); background: #eef0f4;
  padding: 0 4px; border-radius: 3px; }
.widget.type-group { background: #eceff4; border-style: dashed; }
.widget.added { border: 2px solid var(--add); box-shadow: 0 0 0 3px #1e8e3e22; }
.widget.changed { border: 2px solid var(--chg); box-shadow: 0 0 0 3px #b26a0022; }
.widget.moved { border: 2px solid var(--mov); box-shadow: 0 0 0 3px #1a66d222; }
dl { margin: 2px 0; }
dt { font-size: 10px; color: var(--muted); text-transform: uppercase; margin-top: 3px; }
dd { margin: 0 0 1px 8px; }
.markers dd code { color: var(--del); }
.changes { background: #fef3e0; border-radius: 4px; padding: 2px 6px; margin-bottom: 4px; }
.links dd code { color: var(--mov); }
pre.note { white-space: pre-wrap; margin: 0; font: 12px/1.4 inherit; max-height: 240px; overflow: auto; }
table { border-collapse: collapse; width: 100%; background: var(--card); }
th, td { border: 1px solid var(--line); padding: 4px 6px; vertical-align: top; text-align: left; }
th { background: #eceff4; font-weight: 600; }
tr.added { background: #e6f4ea; } tr.changed { background: #fef3e0; }
code.pager { color: var(--del); } code.notify { color: var(--mov); }
.teams { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 8px; }
.team { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; }
.team dl { display: grid; grid-template-columns: 110px 1fr; gap: 2px 8px; }
.team dt { text-transform: none; font-size: 12px; margin: 0; }
.rule { margin-bottom: 6px; }
`;
