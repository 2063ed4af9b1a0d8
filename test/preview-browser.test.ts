// The preview page in a real browser: Debian's chromium (never downloaded; .ci/run installs it
// with apt-get), driven by playwright-core. No console errors, no request leaves the file, every
// widget of the dashboard JSON is rendered where its layout puts it, and a PNG per dashboard is
// saved under out/preview-screenshots/ for a human to look at.
import * as fs from "node:fs";
import * as path from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { comparePlans } from "../tools/diff/compare";
import { dashboardsOf } from "../plan/dashboards";
import { type Plan } from "../plan/plan";
import { highlightsFromDiff } from "../tools/diff/highlights";
import { renderPreview } from "../tools/preview/html";
import { countRawWidgets, ROOT } from "./helpers";
import { legalCatalog, legalFeatures, LEGAL_STACKS, synthLegal } from "./fixtures/legal";

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
/** The flags a root, offline machine needs (see .ci/run). */
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const OUT = path.join(ROOT, "out", "preview-screenshots");

let browser: Browser;
beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  fs.mkdirSync(OUT, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
});

interface Rendered {
  errors: string[];
  requests: string[];
  dashboards: {
    id: string;
    widgets: number;
    changed: number;
    boxes: {
      id: string;
      parent: string;
      x: number;
      y: number;
      w: number;
      h: number;
      col: number;
      row: number;
      span: number;
      rows: number;
    }[];
  }[];
}

/** Opens the page from disk and reads what the browser actually laid out. */
async function render(plan: Plan, html: string, name: string): Promise<Rendered> {
  const file = path.join(OUT, `${name}.html`);
  fs.writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(`file://${file}`);
  // A string, not a function: this project compiles without the DOM library.
  const dashboards = (await page.evaluate(`[...document.querySelectorAll("section.dashboard")].map((s) => ({
    id: s.dataset.dashboard,
    widgets: s.querySelectorAll(".widget").length,
    changed: s.querySelectorAll(".widget.changed").length,
    boxes: [...s.querySelectorAll(".widget")].map((w) => {
      const r = w.getBoundingClientRect();
      const num = (v) => v.split("/").map((x) => Number(x.replace("span", "").trim()));
      const [col, span] = num(w.style.gridColumn);
      const [row, rows] = num(w.style.gridRow);
      const parent = w.parentElement.closest(".widget");
      const id = w.dataset.widgetId;
      return { id, parent: parent ? parent.dataset.widgetId : "", x: r.x, y: r.y, w: r.width, h: r.height, col, span, row, rows };
    }),
  }))`)) as Rendered["dashboards"];
  for (const d of dashboardsOf(plan)) {
    const el = await page.$(`section[data-dashboard="${d.id}"]`);
    await el!.screenshot({ path: path.join(OUT, `${name}-${d.id}.png`) });
  }
  await page.close();
  return { errors, requests, dashboards };
}

function overlaps(a: { x: number; y: number; w: number; h: number }, b: { x: number; y: number; w: number; h: number }): boolean {
  return a.x < b.x + b.w - 0.5 && b.x < a.x + a.w - 0.5 && a.y < b.y + b.h - 0.5 && b.y < a.y + a.h - 0.5;
}

describe("the preview page in chromium", () => {
  it.each(LEGAL_STACKS)(
    "renders every widget of every %s dashboard, side by side as laid out, with no console error and no request.",
    async (stack) => {
      const plan = await synthLegal(stack);
      const r = await render(plan, renderPreview(plan, { catalog: legalCatalog(stack) }), stack);
      expect(r.errors).toEqual([]);
      expect(r.requests.filter((u) => !u.startsWith("file://"))).toEqual([]);
      const expected = dashboardsOf(plan).map((d) => ({ id: d.id, widgets: countRawWidgets(d.body.widgets) }));
      expect(r.dashboards.map((d) => ({ id: d.id, widgets: d.widgets }))).toEqual(expected);
      for (const d of r.dashboards) {
        for (const a of d.boxes) {
          for (const b of d.boxes) {
            if (a === b || a.parent !== b.parent || Number.isNaN(a.col) || Number.isNaN(b.col)) continue;
            // Same row, a further left in the JSON: a is drawn further left.
            if (a.row === b.row && a.col < b.col) expect(a.x, `${d.id}: ${a.id} left of ${b.id}`).toBeLessThan(b.x);
            expect(overlaps(a, b), `${d.id}: widgets ${a.id} and ${b.id} overlap`).toBe(false);
          }
        }
        expect(fs.statSync(path.join(OUT, `${stack}-${d.id}.png`)).size).toBeGreaterThan(10_000);
      }
    },
  );

  it("renders the diff page with the changed widget highlighted.", async () => {
    const base = await synthLegal("prod");
    const features = legalFeatures();
    features[0].budgetUsdPerDay = 50;
    features[2].latency = { ttftP95Ms: 700, totalP95Ms: 8000 };
    const head = await synthLegal("prod", { features });
    const diff = comparePlans(base, head);
    const r = await render(
      head,
      renderPreview(head, { catalog: legalCatalog("prod", { features }), highlights: highlightsFromDiff(diff, "origin/main") }),
      "diff-prod",
    );
    expect(r.errors).toEqual([]);
    const changed = diff.dashboards.flatMap((d) => d.changed.map((w) => w.key));
    expect(changed.length).toBeGreaterThan(0);
    expect(r.dashboards.reduce((n, d) => n + d.changed, 0)).toBe(changed.length);
    expect(r.dashboards.map((d) => d.widgets)).toEqual(dashboardsOf(head).map((d) => countRawWidgets(d.body.widgets)));
  });
});
