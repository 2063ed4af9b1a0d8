// The semantic diff on crafted plans in the pinned formats: exact lines for each kind of
// change a reviewer must see, and none for what did not change.
import { describe, expect, it } from "vitest";
import { comparePlans, hasChanges, type PlanDiff } from "../tools/diff/compare";
import { describeHandles, TYPE } from "../config/names";
import { featureViews } from "../plan/features";
import type { Plan } from "../plan/plan";
import { code, MAX_CHARS, NO_CHANGES, renderMarkdown, text } from "../tools/diff/markdown";
import { craftPlan, diffMarkdown, linesMatching, monitorRows, type WidgetSpec } from "./diff-fixtures";
import { legalCatalog, legalFeatures, legalTeams } from "./fixtures/legal";

function crafted(
  mutate: (f: ReturnType<typeof legalFeatures>, t: ReturnType<typeof legalTeams>) => void = () => {},
  opts: Parameters<typeof craftPlan>[2] = {},
): Plan {
  const features = legalFeatures();
  const teams = legalTeams();
  mutate(features, teams);
  return craftPlan(legalCatalog("prod", { features, teams }), "prod", opts);
}

function insert(specs: WidgetSpec[], group: string, index: number, widget: WidgetSpec): WidgetSpec[] {
  const g = specs.find((s) => s.key === group)!;
  g.children!.splice(index, 0, widget);
  return specs;
}

const NEW_WIDGET: WidgetSpec = {
  key: "spend/per-answer",
  width: 4,
  height: 3,
  definition: {
    type: "timeseries",
    title: "$ per answer",
    requests: [
      {
        response_format: "timeseries",
        queries: [{ data_source: "metrics", name: "a", query: "sum:llm.cost.usd{*}.as_count()" }],
        formulas: [{ formula: "a" }],
      },
    ],
  },
};

describe("npm run diff on crafted plans", () => {
  it("prints exactly one line, `no changes`, for two identical plans.", () => {
    const plan = crafted();
    const diff = comparePlans(plan, structuredClone(plan));
    expect(hasChanges(diff)).toBe(false);
    expect(renderMarkdown([diff], { baseLabel: "a", headLabel: "b" }).markdown).toBe(NO_CHANGES);
  });

  it("turns a raised budget into exactly the cost monitor's query and threshold lines, and a cost alert moving from $80 to $100.", () => {
    const md = diffMarkdown(
      crafted(),
      crafted((f) => (f[0].budgetUsdPerDay = 50)),
    );
    expect(monitorRows(md, "monitor-extract-clause-cost-budget")).toEqual([
      "| query | `sum(last_1d):sum:llm.cost.usd{feature:extract-clause,env:prod}.as_count() > 80` | " +
        "`sum(last_1d):sum:llm.cost.usd{feature:extract-clause,env:prod}.as_count() > 100` |",
      "| critical threshold | `80` | `100` |",
      "| warning threshold | `40` | `50` |",
    ]);
    expect(linesMatching(md, /^#### `monitor-/)).toEqual([
      '#### `monitor-extract-clause-cost-budget`: "[llm] Clause extraction: daily spend over budget"',
    ]);
    expect(linesMatching(md, /^- `extract-clause`/)).toEqual([
      "- `extract-clause`: cost alert moves from $80 to $100 a day (2× its daily budget, which moves from $40 to $50).",
    ]);
    // Columns in the order of the monitor-kind registry: quality, cost, TTFT, total.
    expect(md).toContain("| `extract-clause` | contracts-ai | 5 points | **$40 → $50** | **$80 → $100** | 800 ms | 5,000 ms |");
  });

  it("reports an inserted widget as exactly one addition, with the widgets after it only shifting.", () => {
    const base = crafted();
    const head = crafted(undefined, { costWidgets: (s) => insert(s, "spend", 1, NEW_WIDGET) });
    const md = diffMarkdown(base, head);
    expect(linesMatching(md, /^- \*\*added\*\*/)).toEqual([
      '- **added** "$ per answer" (timeseries) in group "Spend", column 5, row 1, 4×3',
    ]);
    expect(linesMatching(md, /^- \*\*(removed|moved|changed)\*\*/)).toEqual([]);
    expect(md).toMatch(/- \d+ other widgets? shift position on the grid to make room \(content unchanged\)/);
  });

  it("reports a widget dragged to another group as moved, and a reordering as one move, not a cascade.", () => {
    const base = crafted();
    const toBudgets = crafted(undefined, {
      costWidgets: (s) => {
        const spend = s.find((x) => x.key === "spend")!;
        const [tokens] = spend.children!.splice(3, 1);
        s.find((x) => x.key === "budgets")!.children!.push(tokens);
        return s;
      },
    });
    expect(linesMatching(diffMarkdown(base, toBudgets), /^- \*\*(added|removed|moved|changed)\*\*/)).toEqual([
      '- **moved** "Tokens by type" (timeseries) from group "Spend" to group "Budgets"',
    ]);

    const reordered = crafted(undefined, {
      costWidgets: (s) => {
        const spend = s.find((x) => x.key === "spend")!;
        const [total] = spend.children!.splice(0, 1);
        spend.children!.push(total);
        return s;
      },
    });
    expect(linesMatching(diffMarkdown(base, reordered), /^- \*\*(added|removed|moved|changed)\*\*/)).toEqual([
      '- **moved** "Spend today" (query_value) now after "Tokens by type"',
    ]);
  });

  it("shows old → new for a widget's title, query, formula, marker, link and conditional format.", () => {
    /** The parts of a widget definition this test edits. */
    interface Editable {
      title: string;
      requests: { queries: { query: string }[]; formulas: { alias?: string }[]; conditional_formats: { value: number }[] }[];
      markers: { value: string }[];
      custom_links: { link: string }[];
    }
    const editable = (spec: { definition: unknown }) => spec.definition as Editable;
    const base = crafted();
    const head = crafted(undefined, {
      costWidgets: (s) => {
        const perFeature = editable(s[0].children![1]);
        perFeature.title = "Spend per feature per day";
        perFeature.requests[0].queries[0].query = "sum:llm.cost.usd{$feature,$tenant,$env,$provider} by {feature}.as_count()";
        perFeature.requests[0].formulas[0].alias = "USD/day";
        perFeature.markers[0].value = "y = 120";
        const top = editable(s[0].children![2]);
        top.custom_links[0].link = "https://app.datadoghq.com/dashboard/xyz?tpl_var_tenant={{tenant.value}}";
        const total = editable(s[0].children![0]);
        total.requests[0].conditional_formats[0].value = 800;
        return s;
      },
    });
    const md = diffMarkdown(base, head);
    const section = md.slice(md.indexOf("#### Dashboard `cost`"));
    expect(section.split("\n").filter((l) => /^ {2}- |^- \*\*/.test(l))).toEqual([
      '- **changed** "Spend today" (query_value) in group "Spend":',
      "  - marker: `value > 500 → white_on_red` → `value > 800 → white_on_red`",
      '- **changed** "Spend per feature per day" (timeseries) in group "Spend":',
      "  - title: `$/day per feature` → `Spend per feature per day`",
      "  - query spend: `spend: sum:llm.cost.usd{$feature,$tenant,$env} by {feature}.as_count() (sum)` → `spend: " +
        "sum:llm.cost.usd{$feature,$tenant,$env,$provider} by {feature}.as_count() (sum)`",
      '  - formula: `spend as "$/day"` → `spend as "USD/day"`',
      '  - marker: `y = 100 (warning dashed) "budget"` → `y = 120 (warning dashed) "budget"`',
      '- **changed** "Top 10 tenants &lt;by spend&gt; &amp; {{tenant.value}}" (toplist) in group "Spend":',
      "  - link Tenant view for {{tenant.value}}: `Tenant view for {{tenant.value}} → https://app.datadoghq.com/dashboard/abc?tpl_var_tenant={{tenant.value}}&from=1` → `Tenant view for {{tenant.value}} → https://app.datadoghq.com/dashboard/xyz?tpl_var_tenant={{tenant.value}}`",
    ]);
  });

  it("shows a renamed feature as new monitor names and message lines, never as new resources.", () => {
    const diff = comparePlans(
      crafted(),
      crafted((f) => (f[0].name = "Clause extraction (v2)")),
    );
    expect(diff.counts.every((c) => c.added + c.removed + c.replaced === 0)).toBe(true);
    const md = renderMarkdown([diff], { baseLabel: "a", headLabel: "b" }).markdown;
    expect(monitorRows(md, "monitor-extract-clause-cost-budget")).toEqual([
      "| name | `[llm] Clause extraction: daily spend over budget` | `[llm] Clause extraction (v2): daily spend over budget` |",
      "| message | `[llm] Clause extraction: daily spend over budget: {{value}} vs {{threshold}}.` | `[llm] Clause extraction " +
        "(v2): daily spend over budget: {{value}} vs {{threshold}}.` |",
    ]);
  });

  it("says in plain words which feature now pages a different team when its owner changes.", () => {
    const md = diffMarkdown(
      crafted(),
      crafted((f) => (f[2].owner = "platform")),
    );
    expect(linesMatching(md, /^- `legal-chat`/)).toEqual([
      "- `legal-chat`: owner moves from team `research-assistant` to team `platform`; **now pages " +
        "`@pagerduty-llm-prod-platform`, `Sentry → PagerDuty service 102`** instead of `@pagerduty-llm-prod-research-assistant`, " +
        "`Sentry → PagerDuty service 101`; now notifies `@slack-ai-platform-alerts` instead of `@slack-research-assistant-alerts`; " +
        "Sentry rules now owned by `team:ai-platform` (was `team:research-assistant`).",
    ]);
    expect(monitorRows(md, "monitor-legal-chat-ttft-p95")).toEqual([
      "| routing handles | `@pagerduty-llm-prod-research-assistant (alert, alert to warning, recovery from alert), " +
        "@slack-research-assistant-alerts (warning, alert to warning, recovery)` | " +
        "`@pagerduty-llm-prod-platform (alert, alert to warning, recovery from alert), @slack-ai-platform-alerts (warning, alert to " +
        "warning, recovery)` |",
      "| tags | `team:research-assistant` | `team:platform` |",
    ]);
  });

  it("puts PagerDuty and Sentry changes into plain words next to the raw input paths.", () => {
    const md = diffMarkdown(
      crafted(),
      crafted((f, t) => {
        t[1].onCall.escalationDelayMinutes = 20;
        f[2].errors = { criticalCount10m: 100, warningCount10m: 30 };
      }),
    );
    expect(md).toContain(
      "- **changed** PagerDuty escalation policy `escalation-research-assistant`: escalates after 20 minutes instead of 10\n",
    );
    expect(md).toContain("- **changed** Sentry metric alert `sentry-metric-alert-legal-chat`: a trigger moves from 80 to 100 errors");
    expect(md).toContain("  - `triggers[0].alertThreshold`: `80` → `100`");
    expect(linesMatching(md, /^- `legal-chat`/)).toEqual(["- `legal-chat`: Sentry critical error alert moves from 80 to 100 errors."]);
  });

  it("lists every monitor and Sentry rule of a removed feature as removed.", () => {
    const base = crafted();
    const head = crafted((f) => f.splice(4, 1));
    const md = diffMarkdown(base, head);
    const gone = base.resources
      .filter((r) => /^monitor-cite-check-|^sentry-.*-cite-check$/.test(r.name))
      .map((r) => r.name)
      .sort();
    expect(gone).toHaveLength(7); // 4 monitors, issue alert, metric alert, paging rule
    const removedLines = linesMatching(md, /^- \*\*removed\*\*/);
    for (const name of gone)
      expect(
        removedLines.some((l) => l.includes(`\`${name}\``)),
        name,
      ).toBe(true);
    expect(removedLines.filter((l) => l.includes("cite-check"))).toHaveLength(gone.length);
    expect(linesMatching(md, /^- `cite-check`/)[0]).toMatch(
      /^- `cite-check` is removed: its 4 monitors \(.*\) and 3 Sentry rules \(.*\) are removed\.$/,
    );
    const diff = comparePlans(base, head);
    expect(diff.counts.find((c) => c.type === TYPE.monitor)).toMatchObject({ added: 0, removed: 4, replaced: 0 });
  });

  it("flags a replacement when a monitor's type changes or a resource moves to another parent.", () => {
    const base = crafted();
    const head = structuredClone(base);
    const m = head.resources.find((r) => r.name === "monitor-provider-outage")!;
    m.inputs.type = "metric alert";
    const s = head.resources.find((r) => r.name === "schedule-platform")!;
    s.urn = s.urn.replace("llm-observability:oncall:OnCall$", "llm-observability:oncall:Rotations$");
    s.parent = "urn:pulumi:prod::llm-observability::llm-observability:oncall:Rotations::rotations";
    const diff = comparePlans(base, head);
    expect(diff.replacements.map((r) => r.name)).toEqual(["monitor-provider-outage", "schedule-platform"]);
    const md = renderMarkdown([diff], { baseLabel: "a", headLabel: "b" }).markdown;
    expect(md).toContain(
      "- Datadog monitor `monitor-provider-outage`: `type` changes (query alert → metric alert), which forces a new resource",
    );
    expect(md).toMatch(/- PagerDuty schedule `schedule-platform`: its URN changes .* add an alias to keep it/);
  });

  it("keeps a huge diff under 60,000 characters, keeps the summary and features, and says what it left out.", () => {
    const many = (prefix: string): WidgetSpec[] =>
      Array.from({ length: 900 }, (_, i) => ({
        key: `bulk/${i}`,
        width: 3,
        height: 2,
        definition: {
          type: "timeseries",
          title: `${prefix} widget ${i} ${"x".repeat(40)}`,
          requests: [
            { queries: [{ data_source: "metrics", name: "a", query: `sum:llm.requests{*} by {feature}.as_count() ${prefix}${i}` }] },
          ],
        },
      }));
    const withBulk = (prefix: string) => (s: WidgetSpec[]) => [
      ...s,
      { key: "bulk", width: 12, height: 0, definition: { type: "group", layout_type: "ordered", title: "Bulk" }, children: many(prefix) },
    ];
    const b = craftPlan(legalCatalog("prod"), "prod", { costWidgets: withBulk("old") });
    const features = legalFeatures();
    features[0].budgetUsdPerDay = 50;
    const h = craftPlan(legalCatalog("prod", { features }), "prod", { costWidgets: withBulk("new") });
    const result = renderMarkdown([comparePlans(b, h)], {
      baseLabel: "origin/main",
      headLabel: "working tree",
      fullDiffName: "out/diff/full.md",
    });
    expect(result.full.length).toBeGreaterThan(MAX_CHARS);
    expect(result.truncated).toBe(true);
    expect(result.markdown.length).toBeLessThanOrEqual(MAX_CHARS);
    expect(result.markdown).toContain("| resource type | added | changed | removed | replaced |");
    expect(result.markdown).toContain("- `extract-clause`: cost alert moves from $80 to $100 a day");
    expect(result.markdown).toMatch(
      /> \*\*Shortened\*\* to stay under 60,000 characters: left out \d+ dashboard changes\. The full diff is `out\/diff\/full\.md` in the preview artifact\./,
    );
    expect(result.markdown).toMatch(/_… and \d+ more dashboard changes, left out to keep this comment short/);
    const shown = linesMatching(result.markdown, /^- \*\*changed\*\* "(new widget|Budget use)/).length;
    const left = Number(/left out (\d+) dashboard changes/.exec(result.markdown)![1]);
    expect(shown + left).toBe(900 + 1); // every bulk widget plus the budget widget
  });

  it("notes that secrets are not compared when a changed resource holds one.", () => {
    const base = crafted();
    const head = structuredClone(base);
    head.resources.find((r) => r.name === "pagerduty-service-platform")!.inputs.serviceName = "llm-prod-platform-2";
    const md = diffMarkdown(base, head);
    expect(md).toContain("_Secret inputs appear as `[secret]` in plans and are not compared._");
    expect(md).toContain("monitors now page `@pagerduty-llm-prod-platform-2` instead of `@pagerduty-llm-prod-platform`");
  });
});

describe("monitor routing as the diff reads it (the message grammar of config/names.ts)", () => {
  it.each([
    [
      "{{#is_alert}}@pagerduty-llm-prod-x{{/is_alert}} {{#is_warning}}@slack-x{{/is_warning}}",
      ["@pagerduty-llm-prod-x (alert + renotify)", "@slack-x (warning + renotify, alert to warning)"],
    ],
    [
      "Runbook. @slack-team-a\n{{^is_recovery}}@pagerduty-svc{{/is_recovery}}",
      ["@pagerduty-svc (alert + renotify, warning + renotify, alert to warning, no data + renotify)", "@slack-team-a (always)"],
    ],
    [
      '{{#is_alert}}{{#is_match "tenant.name" "acme"}}@slack-acme{{/is_match}}{{/is_alert}}',
      ["@slack-acme (alert + renotify; conditional)"],
    ],
    ["mail ops@example.com or @webhook-ops.", ["@webhook-ops (always)"]],
    ["{{#is_alert}}@slack-a{{/is_alert}}{{#is_recovery}}@slack-a{{/is_recovery}}", ["@slack-a (alert + renotify, recovery)"]],
  ])("reads the handles of %j with the notifications that reach them.", (message, expected) => {
    expect(describeHandles(message).map((h) => h.text)).toEqual(expected);
  });
});

describe("markdown escaping", () => {
  it.each([
    ["plain", "`plain`"],
    ["a | b", "`a \\| b`"],
    ["uses `tick`", "`` uses `tick` ``"],
    ["`edge`", "`` `edge` ``"],
    ["line1\nline2", "`line1 ⏎ line2`"],
    ["a bare\rCR", "`a bare ⏎ CR`"],
    ["next\u0085line\u2028and\u2029more", "`next ⏎ line ⏎ and ⏎ more`"],
    ["nul\u0000 esc\u001b[31m", "`nul\uFFFD esc\uFFFD[31m`"],
  ])("renders %j as a code span that survives tables.", (input, expected) => {
    expect(code(input)).toBe(expected);
  });

  it.each([
    ["Clause\r#### Forged heading", '"Clause #### Forged heading"'],
    ["Clause\r\n- forged item", '"Clause - forged item"'],
    ["Clause\u2028line", '"Clause line"'],
  ])("keeps the title %j on one line, so a bare CR cannot forge a heading in the comment.", (input, expected) => {
    expect(text(input)).toBe(expected);
  });
});

describe("effective thresholds per feature", () => {
  it("are read back from the monitors and Sentry rules of a plan.", () => {
    const f = featureViews(crafted()).find((x) => x.id === "summarize-contract")!;
    expect(f).toMatchObject({
      team: "contracts-ai",
      values: { budget: 120, costAlert: 240, ttftMs: 1500, totalMs: 12000, qualityDrop: 4 },
      sentryErrors: { critical: 50, warning: 20 },
    });
    expect(f.pages).toEqual(["@pagerduty-llm-prod-contracts-ai", "Sentry → PagerDuty service 100"]);
  });

  it("make an unchanged diff stay empty whatever order the resources come in.", () => {
    const plan = crafted();
    const shuffled: Plan = { ...plan, resources: [...plan.resources].reverse() };
    const diff: PlanDiff = comparePlans(plan, shuffled);
    expect(hasChanges(diff)).toBe(false);
  });
});
