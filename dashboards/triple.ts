// The compact quality / cost / latency strip every dashboard opens with. The chapter: optimise
// one of the three in isolation and you wreck the others, so all three stay in view.
import { STATUS_VALUES, TAG } from "../config/contract";
import { metric, type Scope, sharedBy } from "./variables";
import { formula, group, queryValue, type WidgetSpec } from "./widgets";

const [OK, ERROR] = STATUS_VALUES;

export function tripleStrip(scope: Scope): WidgetSpec {
  const ratio = sharedBy(scope, "cost", "requests");
  return group({
    key: "triple",
    title: "Quality · cost · latency",
    children: [
      queryValue({
        key: "triple/judge-score",
        title: "Judge score",
        description: "Average LLM-as-judge score (0-100) of the sampled production traces in the time frame.",
        queries: [metric(scope, "score", "judgeScore", { aggregation: "avg", aggregator: "avg" })],
        formula: formula("score"),
        precision: 1,
      }),
      queryValue({
        key: "triple/spend",
        title: "Spend",
        queries: [metric(scope, "spend", "cost", { aggregation: "sum", aggregator: "sum" })],
        formula: formula("spend"),
        precision: 2,
        unit: "$",
      }),
      queryValue({
        key: "triple/cost-per-answer",
        title: "$ per answer",
        description: "Spend divided by successful requests.",
        queries: [
          metric(ratio, "spend", "cost", { aggregation: "sum", aggregator: "sum" }),
          metric(ratio, "answers", "requests", { aggregation: "sum", filters: { [TAG.status]: OK }, aggregator: "sum" }),
        ],
        formula: formula("spend / answers"),
        precision: 4,
        unit: "$",
      }),
      queryValue({
        key: "triple/ttft-p95",
        title: "TTFT p95",
        queries: [metric(scope, "ttft", "ttft", { aggregation: "p95", aggregator: "percentile" })],
        formula: formula("ttft"),
        precision: 0,
        unit: "ms",
      }),
      queryValue({
        key: "triple/total-p95",
        title: "Total p95",
        queries: [metric(scope, "total", "duration", { aggregation: "p95", aggregator: "percentile" })],
        formula: formula("total"),
        precision: 0,
        unit: "ms",
      }),
      queryValue({
        key: "triple/error-rate",
        title: "Error rate",
        queries: [
          metric(scope, "errors", "requests", { aggregation: "sum", filters: { [TAG.status]: ERROR }, aggregator: "sum" }),
          metric(scope, "reqs", "requests", { aggregation: "sum", aggregator: "sum" }),
        ],
        formula: formula("100 * errors / reqs"),
        precision: 2,
        unit: "%",
      }),
    ],
  });
}
