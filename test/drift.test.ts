// Drift detection (issue 12): what `pulumi preview --refresh --expect-no-changes --json` says
// becomes a readable summary per stack (tools/ci/drift.ts). The digests below follow Pulumi's
// PreviewDigest (pkg/display/json.go at v3.248.0): with --refresh, a resource edited outside
// Pulumi appears as the refresh step rewritten to `update`, then the step that puts the code's
// version back.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main, summarizeDrift, valueAt } from "../tools/ci/drift";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "llmobs-drift-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const STACK_URN = "urn:pulumi:prod::llm-observability::pulumi:pulumi:Stack::llm-observability-prod";
const MONITOR_URN =
  "urn:pulumi:prod::llm-observability::llm-observability:monitors:Monitors$datadog:index/monitor:Monitor::" +
  "monitor-extract-clause-cost-budget";
const DASHBOARD_URN =
  "urn:pulumi:prod::llm-observability::llm-observability:dashboards:Dashboards$datadog:index/dashboardJson:DashboardJson::dashboard-cost";
const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" };

const code = { message: "Cost over budget @pagerduty-llm-prod-platform", monitorThresholds: { critical: 80, warning: 40 }, apiKey: SECRET };
const ui = { message: "Cost over budget (silenced by Sam)", monitorThresholds: { critical: 500, warning: 40 }, apiKey: SECRET };

function digest(steps: unknown[], changeSummary: Record<string, number>): string {
  return JSON.stringify({ steps, changeSummary, duration: 1234 });
}

const same = (urn: string) => ({ op: "same", urn, detailedDiff: null });
const refreshed = (urn: string) => ({ op: "refresh", urn, detailedDiff: null });

const editedInTheUi = digest(
  [
    same(STACK_URN),
    // The refresh found the monitor changed in Datadog...
    {
      op: "update",
      urn: MONITOR_URN,
      oldState: { inputs: code, outputs: code },
      newState: { inputs: code, outputs: ui },
      detailedDiff: { message: { kind: "update", inputDiff: false }, "monitorThresholds.critical": { kind: "update", inputDiff: false } },
    },
    // ...and the preview would put the code's version back.
    {
      op: "update",
      urn: MONITOR_URN,
      oldState: { inputs: code, outputs: ui },
      newState: { inputs: code, outputs: code },
      diffReasons: ["message", "monitorThresholds"],
      detailedDiff: { message: { kind: "update", inputDiff: false }, "monitorThresholds.critical": { kind: "update", inputDiff: false } },
    },
    refreshed(DASHBOARD_URN),
  ],
  { same: 60, update: 1 },
);

const deletedInTheUi = digest(
  [
    same(STACK_URN),
    { op: "delete", urn: DASHBOARD_URN, oldState: { inputs: {}, outputs: {} }, detailedDiff: null },
    { op: "create", urn: DASHBOARD_URN, newState: { inputs: { dashboard: "{}" } }, detailedDiff: null },
  ],
  { same: 60, create: 1 },
);

describe("the drift summary", () => {
  it("says no drift when every step is `same` or a refresh that found nothing.", () => {
    expect(summarizeDrift("prod", digest([same(STACK_URN), refreshed(MONITOR_URN), same(DASHBOARD_URN)], { same: 62 }), 0)).toEqual({
      stack: "prod",
      status: "clean",
      summary: "### `prod`: no drift\n\nWhat runs matches the code.\n",
    });
  });

  it("names each resource edited outside Pulumi, each property, what runs and what the code says, secrets hidden.", () => {
    const report = summarizeDrift("prod", editedInTheUi, 255);
    expect(report.status).toBe("drift");
    expect(report.summary).toBe(
      [
        "### `prod`: 1 resource differs from the code",
        "",
        "Someone changed these outside Pulumi (or the provider now reports them differently). The next `pulumi up` puts the " +
          "code's version back (1 to update). Keep the change by making it in code; otherwise let the next deploy revert it.",
        "",
        "- `monitor-extract-clause-cost-budget` (datadog:index/monitor:Monitor): update",
        '  - `message`: runs `"Cost over budget (silenced by Sam)"`, code says `"Cost over budget @pagerduty-llm-prod-platform"`',
        '  - `monitorThresholds`: runs `{"critical":500,"warning":40}`, code says `{"critical":80,"warning":40}`',
        "  - `monitorThresholds.critical`: runs `500`, code says `80`",
        "",
      ].join("\n"),
    );
    expect(report.summary).not.toContain("v1:abc");
  });

  it("says a resource deleted outside Pulumi will be recreated.", () => {
    const report = summarizeDrift("prod", deletedInTheUi, 255);
    expect(report.status).toBe("drift");
    expect(report.summary).toContain(
      "- `dashboard-cost` (datadog:index/dashboardJson:DashboardJson): deleted outside Pulumi; the next deploy recreates it",
    );
    expect(report.summary).toContain("(1 to create)");
  });

  it("never shows a secret, even inside a changed object.", () => {
    const text = digest(
      [
        {
          op: "update",
          urn: MONITOR_URN,
          oldState: { outputs: { options: { key: SECRET, n: 1 } } },
          newState: { inputs: { options: { key: SECRET, n: 2 } } },
          detailedDiff: { options: { kind: "update" } },
        },
      ],
      { update: 1 },
    );
    const report = summarizeDrift("prod", text, 255);
    expect(report.summary).toContain('  - `options`: runs `{"key":"[secret]","n":1}`, code says `{"key":"[secret]","n":2}`');
    expect(report.summary).not.toContain("ciphertext");
  });

  it("keeps each value on one line, so a property cannot forge Markdown structure.", () => {
    const text = digest(
      [
        {
          op: "update",
          urn: MONITOR_URN,
          oldState: { outputs: { message: "a\r\n## Fake heading\n`x`" } },
          newState: { inputs: { message: "b" } },
          detailedDiff: { message: {} },
        },
      ],
      { update: 1 },
    );
    const line = summarizeDrift("prod", text, 255)
      .summary.split("\n")
      .find((l) => l.includes("`message`"))!;
    expect(line).toBe('  - `message`: runs `"a\\r\\n## Fake heading\\n\'x\'"`, code says `"b"`');
  });

  it("is an error, not a verdict, when the preview printed no JSON.", () => {
    const report = summarizeDrift("staging", "", 255);
    expect(report.status).toBe("error");
    expect(report.summary).toMatch(/^### `staging`: the drift check could not run\n\n`pulumi preview` exited 255 without a JSON digest/);
  });

  it("is an error, not a verdict, when the preview failed without proposing a change.", () => {
    const text = JSON.stringify({
      steps: [same(STACK_URN)],
      diagnostics: [{ severity: "error", message: "403 Forbidden: invalid API key\n" }],
    });
    expect(summarizeDrift("prod", text, 255)).toEqual({
      stack: "prod",
      status: "error",
      summary:
        "### `prod`: the drift check could not run\n\n`pulumi preview` exited 255 and proposed no change.\n- 403 Forbidden: " +
        "invalid API key\n",
    });
  });

  it.each([
    ["message", { message: "m" }, "m"],
    ["monitorThresholds.critical", { monitorThresholds: { critical: 80 } }, 80],
    ["tags[1]", { tags: ["a", "b"] }, "b"],
    ['options["a.b"]', { options: { "a.b": true } }, true],
    ["missing.path", { message: "m" }, undefined],
  ])("reads the property path %s from a state.", (p, state, value) => {
    expect(valueAt(state, p)).toEqual(value);
  });
});

describe("npx tsx tools/ci/drift.ts", () => {
  async function cli(preview: string, exitCode: number) {
    const file = path.join(scratch, `preview-${exitCode}-${preview.length}.json`);
    fs.writeFileSync(file, preview);
    const out = path.join(scratch, `report-${exitCode}-${preview.length}.json`);
    const lines: string[] = [];
    const code = await main(["--stack", "prod", "--preview", file, "--exit-code", String(exitCode), "--out", out], {
      out: (t) => lines.push(t),
      err: (t) => lines.push(t),
    });
    return { code, stdout: lines.join("\n"), report: JSON.parse(fs.readFileSync(out, "utf8")) };
  }

  it.each([
    ["no drift", digest([same(STACK_URN)], { same: 1 }), 0, 0, "clean"],
    ["drift", editedInTheUi, 255, 1, "drift"],
    ["a failed preview", "", 255, 3, "error"],
  ])("exits for %s with its own code and writes the report the issue job reads.", async (_case, preview, previewCode, exit, status) => {
    const r = await cli(preview, previewCode);
    expect(r.code).toBe(exit);
    expect(r.report.status).toBe(status);
    expect(r.report.stack).toBe("prod");
    expect(`${r.stdout}\n`).toBe(r.report.summary);
  });
});
