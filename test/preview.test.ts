// The preview page as HTML: what it shows, where it places each widget, that everything is
// escaped and nothing outside the file is referenced. test/preview-browser.test.ts renders it.
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { comparePlans } from "../tools/diff/compare";
import { dashboardsOf } from "../plan/dashboards";
import { type Plan } from "../plan/plan";
import { escapeHtml, renderPreview } from "../tools/preview/html";
import { highlightsFromDiff } from "../tools/diff/highlights";
import { synth } from "../tools/synth";
import { craftPlan, type WidgetSpec } from "./diff-fixtures";
import { countRawWidgets } from "./helpers";
import { LEGAL_DIR, legalCatalog, legalFeatures, LEGAL_STACKS, legalStackFile } from "./fixtures/legal";

function crafted(mutate: (f: ReturnType<typeof legalFeatures>) => void = () => {}, costWidgets?: (s: WidgetSpec[]) => WidgetSpec[]): Plan {
  const features = legalFeatures();
  mutate(features);
  return craftPlan(legalCatalog("prod", { features }), "prod", { costWidgets });
}

/** The HTML of one dashboard's section. */
function section(html: string, id: string): string {
  const start = html.indexOf(`<section class="dashboard`, html.indexOf(`data-dashboard="${id}"`) - 200);
  return html.slice(start, html.indexOf("</section>", start));
}

describe("the preview page", () => {
  it.each(LEGAL_STACKS)("is written by synth for %s, with every widget of every dashboard.", async (stack) => {
    const result = await synth({
      stack,
      configFile: legalStackFile(stack),
      featuresFile: path.join(LEGAL_DIR, "features.ts"),
      teamsFile: path.join(LEGAL_DIR, "teams.ts"),
    });
    const page = result.artifacts.find((a) => a.path === "preview/index.html");
    expect(page, "preview/index.html artifact").toBeDefined();
    for (const d of dashboardsOf(result.plan)) {
      const html = section(page!.content, d.id);
      const n = countRawWidgets(d.body.widgets);
      expect(n).toBeGreaterThan(0);
      expect(html).toContain(`data-widget-count="${n}"`);
      expect(html.match(/ data-widget-id="/g)?.length, d.id).toBe(n);
    }
  });

  it("places each widget on the 12-column grid where its layout says, groups holding their own grid.", () => {
    const html = renderPreview(crafted());
    const spend =
      /<article class="widget type-group" data-widget-id="\d+" data-type="group" style="grid-column: 1 \/ span 12; grid-row: 1 \/ span (\d+);">/.exec(
        html,
      );
    expect(spend?.[1]).toBe("7"); // header row + 3 + 3
    expect(html).toContain('data-type="timeseries" style="grid-column: 5 / span 8; grid-row: 1 / span 3;"');
    expect(html).toContain('data-type="toplist" style="grid-column: 1 / span 6; grid-row: 4 / span 3;"');
  });

  it("escapes titles, queries, links and notes, and keeps Datadog's {{…}} templates readable.", () => {
    const html = renderPreview(crafted());
    expect(html).toContain("Top 10 tenants &lt;by spend&gt; &amp; {{tenant.value}}");
    expect(html).toContain("https://app.datadoghq.com/dashboard/abc?tpl_var_tenant={{tenant.value}}&amp;from=1");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toMatch(/<script|<\/script/i);
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });

  it("loads nothing from outside the file and forbids it with a Content-Security-Policy.", () => {
    const html = renderPreview(crafted());
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    );
    expect(html).not.toMatch(/<(script|link|img|iframe|object|embed)\b|\bsrc=|url\(|@import/i);
  });

  it("shows template variables, and a monitor table with name, priority, team, query, thresholds, handles and runbook link.", () => {
    const html = renderPreview(crafted());
    expect(html).toContain("<li><code>$env</code> tag <code>env</code>, default <code>prod</code></li>");
    const row = html.slice(html.indexOf('data-monitor="monitor-legal-chat-cost-budget"'));
    const cells = row.slice(0, row.indexOf("</tr>"));
    expect(cells).toContain("<b>[llm] Legal research assistant: daily spend over budget</b>");
    expect(cells).toContain("<td>P2</td>");
    expect(cells).toContain("research-assistant");
    expect(cells).toContain("<code>sum(last_1d):sum:llm.cost.usd{feature:legal-chat,env:prod}.as_count() &gt; 500</code>");
    expect(cells).toContain("critical <code>500</code><br>warning <code>250</code>");
    expect(cells).toContain(
      '<code class="pager">@pagerduty-llm-prod-research-assistant (alert, alert to warning, recovery from alert)</code>',
    );
    expect(cells).toContain(
      '<a href="https://github.com/acme-legal/llm-observability/blob/main/runbooks/cost-budget.md" rel="noopener noreferrer">cost-budget.md</a>',
    );
  });

  it("shows the on-call overview per team and the Sentry rules per feature.", () => {
    const html = renderPreview(crafted(), { catalog: legalCatalog("prod") });
    const team = html.slice(html.indexOf('data-team="contracts-ai"'), html.indexOf("</article>", html.indexOf('data-team="contracts-ai"')));
    expect(team).toContain("1. amara.okafor@example.com");
    expect(team).toContain("monday 09:00 Europe/Berlin");
    expect(team).toContain("weekly turns, 4 engineers");
    expect(team).toContain("2 loops");
    expect(team).toContain('<code class="pager">@pagerduty-llm-prod-contracts-ai</code>');
    const sentry = html.slice(html.indexOf('<tr data-feature="legal-chat">'));
    expect(sentry.slice(0, sentry.indexOf("</tr>"))).toMatch(
      /sentry-issue-alert-legal-chat.*sentry-issue-page-legal-chat.*sentry-metric-alert-legal-chat.*critical above 80/s,
    );
  });

  it("says a stack without paging has no PagerDuty resources.", () => {
    const html = renderPreview(craftPlan(legalCatalog("staging"), "staging"), { catalog: legalCatalog("staging") });
    expect(html).toContain("No PagerDuty schedules or services on this stack: it does not page, and every monitor routes to Slack.");
  });

  it("highlights what a diff changed: added, changed and moved widgets, what changed in them, and what was removed.", () => {
    const base = crafted();
    const head = crafted(
      (f) => (f[0].budgetUsdPerDay = 50),
      (s) => {
        s[0].children!.splice(1, 0, { key: "spend/new", width: 4, height: 2, definition: { type: "note", content: "new" } });
        s[0].children!.splice(4, 1); // tokens widget removed
        return s;
      },
    );
    const html = renderPreview(head, { highlights: highlightsFromDiff(comparePlans(base, head), "origin/main") });
    expect(html.match(/class="widget [^"]*\badded\b/g)).toHaveLength(1);
    expect(html.match(/class="widget [^"]*\bchanged\b/g)).toHaveLength(1);
    expect(html).toContain(
      "<code>formula: 100 * f_extract_clause / 40 as &quot;Clause extraction ($40/day)&quot; → 100 * f_extract_clause / 50 as " +
        "&quot;Clause extraction ($50/day)&quot;</code>",
    );
    expect(html).toMatch(
      /<b>Removed widgets:<\/b><ul><li>Tokens by type <span class="type">timeseries<\/span> from group Spend<\/li><\/ul>/,
    );
    expect(html).toContain('<tr class="monitor changed" data-monitor="monitor-extract-clause-cost-budget">');
  });
});
