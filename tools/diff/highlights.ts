// What the diff marks on the head's preview page. The preview knows nothing of diffs (it takes
// plain Highlights); this is the one place that turns a PlanDiff into them.
import type { Highlights, WidgetStatus } from "../preview/html";
import type { DashboardDiff, PlanDiff } from "./compare";

export function highlightsFromDiff(diff: PlanDiff, baseLabel: string): Highlights {
  const widgets = new Map<string, Map<string, WidgetStatus>>();
  const widgetChanges = new Map<string, Map<string, string[]>>();
  const removedWidgets = new Map<string, { title: string; type: string; group?: string }[]>();
  const dashboards = new Map<string, "added" | "changed">();
  const removedDashboards: { id: string; title: string }[] = [];
  const mark = (d: DashboardDiff) => {
    const m = new Map<string, WidgetStatus>();
    const details = new Map<string, string[]>();
    for (const w of d.moved) {
      m.set(w.key, "moved");
      details.set(w.key, [`moved ${w.how}`]);
    }
    for (const w of d.changed) {
      m.set(w.key, "changed");
      details.set(w.key, [...(details.get(w.key) ?? []), ...w.changes.map((c) => `${c.field}: ${c.before ?? "—"} → ${c.after ?? "—"}`)]);
    }
    for (const w of d.added) m.set(w.key, "added");
    widgets.set(d.id, m);
    widgetChanges.set(d.id, details);
    if (d.removed.length) removedWidgets.set(d.id, d.removed);
  };
  for (const d of diff.dashboards) {
    if (d.status === "removed") removedDashboards.push({ id: d.id, title: d.title });
    else {
      dashboards.set(d.id, d.status);
      mark(d);
    }
  }
  const monitors = new Map<string, "added" | "changed">();
  const removedMonitors: { name: string; title: string }[] = [];
  for (const m of diff.monitors) {
    if (m.status === "removed") removedMonitors.push({ name: m.name, title: m.title });
    else monitors.set(m.name, m.status);
  }
  return { baseLabel, widgets, widgetChanges, removedWidgets, dashboards, removedDashboards, monitors, removedMonitors };
}
