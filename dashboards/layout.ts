// Automatic layout on Datadog's 12-column grid: widgets flow left to right in the order
// they are added and wrap to a new row when the next one does not fit; a group lays its
// children out the same way on its own grid. Every widget gets a stable id from its key.
import { createHash } from "node:crypto";
import type { Definition, WidgetSpec } from "./widgets";

export const GRID_COLUMNS = 12;
/** A group's header row sits above its children. */
const GROUP_HEADER_ROWS = 1;

export interface WidgetLayout {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A widget as Datadog receives it. */
export interface PlacedWidget {
  id: number;
  definition: Definition;
  layout: WidgetLayout;
}

/**
 * The widget id Datadog receives: a positive integer derived from `<dashboardId>/<key>`
 * (the first 13 hex digits of its sha256, so < 2^52 and exact in JSON numbers). It depends
 * on nothing else, so inserting, moving or removing a widget never changes another
 * widget's id, and a review diff can match widgets across versions by id.
 */
export function stableWidgetId(dashboardId: string, key: string): number {
  const id = Number.parseInt(createHash("sha256").update(`${dashboardId}/${key}`).digest("hex").slice(0, 13), 16);
  return id === 0 ? 1 : id;
}

/** Places `specs` (recursively for groups) and assigns ids; throws on a bad size or a duplicate key or id. */
export function layoutWidgets(dashboardId: string, specs: WidgetSpec[]): PlacedWidget[] {
  const keys = new Map<string, string>();
  const ids = new Map<number, string>();
  const claim = (key: string): number => {
    if (keys.has(key)) throw new Error(`dashboard ${dashboardId}: duplicate widget key "${key}"`);
    keys.set(key, key);
    const id = stableWidgetId(dashboardId, key);
    const other = ids.get(id);
    if (other !== undefined)
      throw new Error(`dashboard ${dashboardId}: widget keys "${other}" and "${key}" hash to the same id; rename one`);
    ids.set(id, key);
    return id;
  };
  return flow(specs, claim, dashboardId).widgets;
}

function flow(specs: WidgetSpec[], claim: (key: string) => number, where: string): { widgets: PlacedWidget[]; height: number } {
  const widgets: PlacedWidget[] = [];
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  for (const s of specs) {
    if (!Number.isInteger(s.width) || s.width < 1 || s.width > GRID_COLUMNS) {
      throw new Error(`${where}: widget "${s.key}" is ${s.width} columns wide; the grid has ${GRID_COLUMNS}`);
    }
    const id = claim(s.key);
    let definition = s.definition;
    let height = s.height;
    if (s.children) {
      if (s.width !== GRID_COLUMNS) throw new Error(`${where}: group "${s.key}" must span all ${GRID_COLUMNS} columns`);
      const inner = flow(s.children, claim, `${where} > ${s.key}`);
      definition = { ...s.definition, widgets: inner.widgets };
      height = inner.height + GROUP_HEADER_ROWS;
    } else if (!Number.isInteger(height) || height < 1) {
      throw new Error(`${where}: widget "${s.key}" has height ${height}; it must be a positive integer`);
    }
    if (x + s.width > GRID_COLUMNS) {
      y += rowHeight;
      x = 0;
      rowHeight = 0;
    }
    widgets.push({ id, definition, layout: { x, y, width: s.width, height } });
    x += s.width;
    rowHeight = Math.max(rowHeight, height);
  }
  return { widgets, height: y + rowHeight };
}
