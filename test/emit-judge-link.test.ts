// The judge loop's trace link: the trace id the emitter's README tells users to pass to
// recordJudgeScore must, once the quality dashboard's bottom-20 table substitutes it into the
// link it builds with traceUrl, open that trace where the README says it opens. And the score
// that row shows must be the one the metric got: on the contract's 0-100, whatever the judge's scale.
import * as fs from "node:fs";
import * as path from "node:path";
import { StatsD } from "hot-shots";
import { describe, expect, it } from "vitest";
import { traceUrl } from "../config/links";
import { type Catalog, loadCatalog, stackConfigFromPulumi } from "../config/validate";
import { buildDashboards } from "../dashboards";
import { createEmitter, type JudgeLogRecord, type JudgeScore } from "../emit";
import { ROOT } from "./helpers";
import { legalFeatures, legalTeams, legalStackConfig } from "./fixtures/legal";

interface DocumentedTraceId {
  tool: "langfuse" | "braintrust";
  example: string;
  /** e.g. `<baseUrl>/project/<projectId>/traces/<traceId>` */
  url: string;
}

/** The rows between the trace-links markers of emit/README.md. */
function documentedTraceIds(): DocumentedTraceId[] {
  const readme = fs.readFileSync(path.join(ROOT, "emit", "README.md"), "utf8");
  const table = /<!-- trace-links:start -->([\s\S]*?)<!-- trace-links:end -->/.exec(readme)?.[1] ?? "";
  return table
    .split("\n")
    .filter((l) => /^\| (langfuse|braintrust) \|/.test(l))
    .map((l) => {
      const cells = l.split("|").map((c) => c.trim());
      const code = (c: string) => /`([^`]+)`/.exec(c)?.[1] ?? "";
      return { tool: cells[1] as DocumentedTraceId["tool"], example: code(cells[3]), url: code(cells[4]) };
    });
}

const TRACE_TOOLS = {
  langfuse: undefined, // as configured in Pulumi.prod.yaml
  braintrust: { kind: "braintrust", baseUrl: "https://www.braintrust.dev", projectId: "contracts-ai", organization: "acme-legal" },
};

function catalogFor(tool: DocumentedTraceId["tool"]): Catalog {
  const overrides = TRACE_TOOLS[tool] ? { traceTool: TRACE_TOOLS[tool] } : {};
  return loadCatalog({
    features: legalFeatures(),
    teams: legalTeams(),
    config: stackConfigFromPulumi(legalStackConfig("prod", overrides)),
  });
}

/** What the judge sends for one trace id (the outcome) and writes to its log (the records). */
function judge(catalog: Catalog, traceId: string): { outcome: string; records: JudgeLogRecord[] } {
  const records: JudgeLogRecord[] = [];
  const emitter = createEmitter({
    features: catalog.features,
    statsd: { mock: true },
    judgeLog: (r) => records.push(r),
    logger: { warn: () => {} },
  });
  const outcome = emitter.recordJudgeScore({ feature: "extract-clause", tenant: "acme-legal", score: 31, scale: "0-100", traceId });
  return { outcome, records };
}

/** What the judge writes for one documented trace id. */
function judgeRecord(catalog: Catalog, traceId: string): JudgeLogRecord {
  const { outcome, records } = judge(catalog, traceId);
  expect(outcome).toBe("sent");
  expect(records).toHaveLength(1);
  return records[0];
}

/** Datadog's substitution of query variables (`{{@attr.value}}`) in a custom link, URL-encoded as Datadog does. */
function clickLink(template: string, row: JudgeLogRecord): string {
  return template.replace(/\{\{@([\w.]+)\.value\}\}/g, (_, attr: string) => encodeURIComponent(String(row[attr])));
}

function documentedUrl(doc: DocumentedTraceId, catalog: Catalog): string {
  const t = catalog.stack.traceTool;
  return doc.url
    .replace("<baseUrl>", t.baseUrl)
    .replace("<projectId>", t.projectId)
    .replace("<organization>", t.organization ?? "")
    .replace("<traceId>", doc.example);
}

const docs = documentedTraceIds();

describe("the judge trace link", () => {
  it("is documented for both supported trace tools", () => {
    expect(docs.map((d) => d.tool).sort()).toEqual(["braintrust", "langfuse"]);
    for (const d of docs) expect(d.example).not.toBe("");
  });

  it.each(docs)("opens the documented $tool URL when the bottom-20 table links a judged trace", (doc) => {
    const catalog = catalogFor(doc.tool);
    expect(catalog.stack.traceTool.kind).toBe(doc.tool);
    const record = judgeRecord(catalog, doc.example);
    const attribute = catalog.contract.judgeLog.attributes.traceId;
    expect(record[attribute]).toBe(doc.example);

    const link = traceUrl(catalog.stack.traceTool, `{{@${attribute}.value}}`);
    expect(clickLink(link, record)).toBe(documentedUrl(doc, catalog));
  });

  // Needs the dashboards branch: the bootstrap dashboards have no trace links yet.
  const dashboardLinks = (catalog: Catalog) => {
    // traceUrl puts the trace id last, so every link it builds starts with this.
    const prefix = traceUrl(catalog.stack.traceTool, "");
    const found: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === "string" && v.startsWith(prefix) && v.includes("{{")) found.push(v);
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === "object") Object.values(v).forEach(walk);
    };
    walk(buildDashboards(catalog).map((d) => d.body));
    return found;
  };
  const built = docs.map((doc) => ({ doc, links: dashboardLinks(catalogFor(doc.tool)) }));
  it.each(built)("is what the built $doc.tool dashboards link to", ({ doc, links }) => {
    expect(links.length, "the quality dashboard links judged traces").toBeGreaterThan(0);
    const catalog = catalogFor(doc.tool);
    const record = judgeRecord(catalog, doc.example);
    for (const link of links) expect(clickLink(link, record)).toBe(documentedUrl(doc, catalog));
  });

  it.each([
    ["a space", "trace 1"],
    ["a slash", "a/b"],
    ["a query string", "abc?r=1"],
    ["a fragment", "abc#x"],
    ["129 characters", "a".repeat(129)],
  ])("is left out of the judge log when the trace id has %s, so no broken link is ever rendered", (_, traceId) => {
    const catalog = catalogFor("langfuse");
    const { outcome, records } = judge(catalog, traceId);
    expect(outcome).toBe("bucketed");
    expect(records[0]).not.toHaveProperty(catalog.contract.judgeLog.attributes.traceId);
  });
});

describe("the judge score's scale", () => {
  const catalog = catalogFor("langfuse");
  const attributes = catalog.contract.judgeLog.attributes;

  /** The log attribute the built bottom-20 widget sorts and averages: its query's compute metric (`@score`). */
  const bottom20Measure = (() => {
    const found: string[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === "object") {
        const q = v as { data_source?: string; compute?: { metric?: string }; group_by?: { facet?: string }[] };
        if (q.data_source === "logs" && q.group_by?.some((g) => g.facet === `@${attributes.traceId}`)) found.push(q.compute?.metric ?? "");
        else Object.values(v).forEach(walk);
      }
    };
    walk(buildDashboards(catalog).map((d) => d.body));
    return found;
  })();

  it.each<[string, number, JudgeScore["scale"], number]>([
    ["0.83 on 0-1", 0.83, "0-1", 83],
    ["0.005 on 0-1", 0.005, "0-1", 0.5],
    ["1 on 0-1 (a perfect score)", 1, "0-1", 100],
    ["0 on 0-1", 0, "0-1", 0],
    ["83 on 0-100", 83, "0-100", 83],
    ["1 on 0-100 (an almost failed answer, not a perfect one)", 1, "0-100", 1],
  ])("sends %s as %s on the contract's 0-100, in the metric and in the log line the bottom-20 table reads", (_, score, scale, sent) => {
    const client = new StatsD({ mock: true });
    const records: JudgeLogRecord[] = [];
    const emitter = createEmitter({ features: catalog.features, client, judgeLog: (r) => records.push(r), logger: { warn: () => {} } });
    expect(emitter.recordJudgeScore({ feature: "extract-clause", tenant: "acme-legal", score, scale, traceId: "t-1" })).toBe("sent");
    // The quality SLI judges the converted score against the pass score (70 by default).
    const verdict = sent >= 70 ? "good" : "bad";
    expect(client.mockBuffer).toEqual([
      `${catalog.contract.metrics.judgeScore.name}:${sent}|d|#feature:extract-clause,tenant:acme-legal`,
      `${catalog.contract.metrics.sloEvents.name}:1|c|#feature:extract-clause,objective:quality,verdict:${verdict}`,
    ]);
    expect(bottom20Measure).toEqual([`@${attributes.score}`]);
    expect(records).toHaveLength(1);
    expect(records[0][attributes.score]).toBe(sent);
    expect(records[0].message).toBe(`judge score ${sent} for extract-clause`);
  });

  it.each<[string, Partial<JudgeScore>, string]>([
    ["no scale", { score: 0.83, scale: undefined }, "judge_scale_missing"],
    ["a scale the emitter does not know", { score: 83, scale: "percent" as JudgeScore["scale"] }, "judge_scale_missing"],
    ["a score above 1 on 0-1", { score: 83, scale: "0-1" }, "invalid_score"],
    ["a score above 100 on 0-100", { score: 830, scale: "0-100" }, "invalid_score"],
  ])("rejects a score with %s: no metric, no log line, counted and logged", (_, score, reason) => {
    const client = new StatsD({ mock: true });
    const records: JudgeLogRecord[] = [];
    const warnings: { message: string; reason: unknown }[] = [];
    const emitter = createEmitter({
      features: catalog.features,
      client,
      judgeLog: (r) => records.push(r),
      logger: { warn: (message, fields) => warnings.push({ message, reason: fields.reason }) },
    });
    const call = { feature: "extract-clause", tenant: "acme-legal", traceId: "t-1", ...score } as JudgeScore;
    expect(emitter.recordJudgeScore(call)).toBe("rejected");
    expect(client.mockBuffer).toEqual([]);
    expect(records).toEqual([]);
    expect(emitter.stats().reasons).toEqual({ [reason]: 1 });
    expect(warnings.map((w) => w.reason)).toEqual([reason]);
  });
});
