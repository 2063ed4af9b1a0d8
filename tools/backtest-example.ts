// `npx tsx tools/backtest-example.ts` writes the example export in examples/backtest/provider-outage/: what Datadog's GET /api/v1/query
// returns for the two queries the prod provider-outage monitor reads, one file per query and
// day, at one point per minute. The history is three days of traffic from the scenario traffic
// generator with one real incident (openai failing 35 % of calls for 25 minutes on day two).
import * as fs from "node:fs";
import * as path from "node:path";
import { monitorPlan } from "../evaluator/monitor";
import { numericSeries } from "../evaluator/series";
import { validateScenario } from "../evaluator/scenario";
import { MetricStore } from "../evaluator/store";
import { generateTraffic } from "../evaluator/traffic";
import { synthStack } from "./scenario-stack";
import { runCli } from "./cli";

const ROOT = path.resolve(__dirname, "..");
const OUT = path.join(ROOT, "examples", "backtest", "provider-outage");
const DAY = 86_400;

const SCENARIO = {
  name: "three days of prod traffic with one openai incident",
  start: "2026-03-02T00:00:00Z",
  duration: "3d",
  seed: 42,
  traffic: [{ feature: "*", tenants: 40, requestsPerMinute: { day: 40, night: 6 } }],
  events: [{ at: "2250m", until: "2275m", provider: "openai", set: { errorRate: 0.35 } }],
  expect: [{ monitor: "provider-outage", state: "alert" }],
};

async function main(): Promise<number> {
  const stack = await synthStack({
    stack: "prod",
    configFile: path.join(ROOT, "Pulumi.prod.yaml"),
    featuresFile: path.join(ROOT, "features.ts"),
    teamsFile: path.join(ROOT, "teams.ts"),
  });
  const { scenario, problems } = validateScenario(SCENARIO, "example", { catalog: stack.catalog, monitors: stack.monitors });
  if (!scenario) throw new Error(problems.join("\n"));
  const monitor = stack.monitors.find((m) => m.id === "monitor-provider-outage")!;
  const store = new MetricStore(new Set());
  for (const m of Object.values(stack.catalog.contract.metrics)) store.declare(m.name, m.type);
  const plan = monitorPlan(monitor, store)!;
  const terms = [...new Map(plan.terms.map((t) => [t.term.text, t])).values()];
  for (const t of terms) store.watch(t.term, t.shape, 60);
  generateTraffic(scenario, { catalog: stack.catalog, store, percentiles: new Set() });
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  terms.forEach((t, qi) => {
    const groups = store.read(t.term, "numeric", 60);
    for (let d = 0; d < 3; d++) {
      const from = scenario.start + d * DAY;
      const to = from + DAY;
      const series = [...groups.values()].map((g) => {
        const s = g.series.kind === "numeric" ? g.series : numericSeries(60, new Float64Array(), new Float64Array());
        const pointlist: [number, number | null][] = [];
        for (let i = 0; i < s.times.length; i++)
          if (s.times[i] >= from && s.times[i] < to) pointlist.push([s.times[i] * 1000, s.values[i]]);
        const tagSet = Object.entries(g.tags).map(([k, v]) => `${k}:${v}`);
        const scope = [...t.term.filters.map((f) => `${f.key}:${f.value}`), ...tagSet].join(",");
        return {
          aggr: "sum",
          display_name: t.term.metric,
          end: (to - 1) * 1000,
          expression: t.term.text,
          interval: 60,
          length: pointlist.length,
          metric: t.term.metric,
          pointlist,
          query_index: 0,
          scope,
          start: from * 1000,
          tag_set: tagSet,
          unit: [{ family: "general", name: "request", plural: "requests", scale_factor: 1, short_name: "req" }, null],
        };
      });
      const body = {
        status: "ok",
        res_type: "time_series",
        resp_version: 1,
        query: t.term.text,
        from_date: from * 1000,
        to_date: to * 1000,
        group_by: t.term.by,
        series,
        values: [],
        times: [],
        message: "",
      };
      const file = path.join(OUT, `query-${qi + 1}-day-${d + 1}.json`);
      fs.writeFileSync(file, `${JSON.stringify(body)}\n`);
      console.log(`${path.relative(ROOT, file)}: ${series.length} series, ${series.reduce((n, x) => n + x.length, 0)} points`);
    }
  });
  return 0;
}

if (require.main === module) runCli(main);
