// The feature catalog of a legal-document AI product. Adding a feature is one entry here:
// it gets its dashboards rows, monitors, SLOs, Sentry rules and paging from its owner.
// `id` is a stable slug (tags, resource names); `name` is display only and safe to rename.
import { defineFeatures } from "./config/schema";

export const features = defineFeatures([
  {
    id: "extract-clause",
    name: "Clause extraction",
    owner: "contracts-ai",
    budgetUsdPerDay: 40,
    latency: { ttftP95Ms: 800, totalP95Ms: 5000 },
    quality: { judgeSampleRate: 0.01, maxWeeklyDropPoints: 5, judgeModel: "claude-opus-4-1-20250805" },
    providers: ["anthropic", "openai"],
    sentryProject: "contracts-api",
    flags: ["clause-prompt-v2"],
    retrieval: { indexes: ["clause-library"] },
  },
  {
    id: "summarize-contract",
    name: "Contract summarization",
    owner: "contracts-ai",
    budgetUsdPerDay: 120,
    // Whole contracts in, long summaries out: the chapter's 5 s total would page every night.
    latency: { ttftP95Ms: 1500, totalP95Ms: 12000 },
    quality: { maxWeeklyDropPoints: 4 },
    // SLOs default from the stack (docs/slo.md); the longest contracts may run past 12 s, so 98 %
    // of calls within both thresholds, and a summary is good from a judge score of 75.
    slo: { latency: 98, quality: { target: 95, passScore: 75 } },
    providers: ["anthropic"],
    sentryProject: "contracts-api",
    flags: ["summary-long-context"],
  },
  {
    id: "legal-chat",
    name: "Legal research assistant",
    owner: "research-assistant",
    budgetUsdPerDay: 250,
    latency: { ttftP95Ms: 600, totalP95Ms: 8000 },
    quality: { judgeSampleRate: 0.02, judgeModel: "gpt-5-2025-08-07" },
    providers: ["anthropic", "openai"],
    sentryProject: "research-web",
    flags: ["chat-tool-use"],
    retrieval: { indexes: ["case-law", "clause-library"] },
    errors: { criticalCount10m: 80, warningCount10m: 30 },
  },
  {
    id: "intake-classify",
    name: "Intake classification",
    owner: "platform",
    budgetUsdPerDay: 15,
    latency: { ttftP95Ms: 400, totalP95Ms: 1500 },
    quality: { judgeSampleRate: 0.05, maxWeeklyDropPoints: 3 },
    providers: ["openai"],
    sentryProject: "intake-service",
  },
  {
    id: "cite-check",
    name: "Citation checking",
    owner: "research-assistant",
    budgetUsdPerDay: 60,
    providers: ["anthropic", "google"],
    sentryProject: "research-web",
    retrieval: { indexes: ["case-law"] },
  },
]);
