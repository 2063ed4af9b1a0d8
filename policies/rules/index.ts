// Every rule of the pack, in report order. The CrossGuard entry (policies/index.ts) and the
// offline checker (tools/check.ts) both take this list, so no rule exists twice.
import type { PolicyPackArgs } from "@pulumi/policy";
import { cardinalityRules } from "./cardinality";
import { dashboardRules } from "./dashboards";
import { monitorRules } from "./monitors";
import { pagingRules } from "./paging";
import { queryRules } from "./queries";
import { runbookRules } from "./runbooks";
import { sentryRules } from "./sentry";
import { sloRules } from "./slos";
import { stackRules } from "./stack";
import { thresholdRules } from "./thresholds";
import type { Rule } from "./types";

export type { Rule };

export const rules: Rule[] = [
  ...stackRules,
  ...sloRules,
  ...monitorRules,
  ...runbookRules,
  ...pagingRules,
  ...thresholdRules,
  ...queryRules,
  ...dashboardRules,
  ...sentryRules,
  ...cardinalityRules,
];

/** The pack's name in `pulumi preview --policy-pack` output and in Pulumi Cloud policy groups. */
export const PACK_NAME = "llm-observability-guard";

/** Everything PolicyPack receives besides the name; the checker applies the same defaults. */
export const packArgs: PolicyPackArgs = {
  policies: rules,
  // Each rule sets its own level; this only covers a rule that forgets to.
  enforcementLevel: "mandatory",
  displayName: "LLM observability guard",
  description:
    "Every monitor has an owner, a runbook and an escalation path; no unbounded group-bys; every feature fully monitored, with its SLOs " +
    "on paging stacks; Sentry rules and dashboards owned.",
  provider: "datadog",
  tags: ["datadog", "pagerduty", "sentry", "observability"],
};
