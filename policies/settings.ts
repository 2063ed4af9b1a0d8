// The stack settings the rules read, and the one way a rule gets one. A rule takes a setting
// from its own policy config first (`--policy-pack-config`, `npm run check -- --config`, or a
// published pack's policy group), else from the Pulumi.<stack>.yaml of this repository for the
// stack its resources' URNs name.
//
// The pack fails closed when neither has it, and says so exactly once:
// - run from the repository (the engine with `--policy-pack policies`, or `npm run check`), a
//   missing or invalid stack file is rejected by the stack rule `stack-has-config`, naming the
//   file and the reason; the rules that needed a setting step aside (not applicable, with that
//   reason) instead of judging with a guess;
// - run as a published pack (no repository around it), nothing else can report it, so each rule
//   that lacks a setting rejects the resource itself, naming the policy config it needs.
import { featureSlo } from "../config/slo";
import type { Catalog } from "../config/validate";
import { repoStack, runningFromRepo, stackFromUrn } from "./context";

/** The stack rule that rejects a plan whose stack this repository has no valid settings for. */
export const STACK_CONFIG_POLICY = "stack-has-config";

interface StackSetting<T> {
  /** What it is, for messages. */
  what: string;
  /** Its value in a validated catalog (features.ts, teams.ts, Pulumi.<stack>.yaml). */
  read: (catalog: Catalog) => T;
  /** The policies that read it; policies/config.ts writes it into each one's config. */
  policies: readonly string[];
}

const setting = <T>(s: StackSetting<T>) => s;

export const STACK_SETTINGS = {
  runbookBaseUrl: setting({
    what: "the URL runbooks/ is browsable at (runbookBaseUrl)",
    read: (c) => c.stack.runbookBaseUrl,
    policies: ["monitor-has-runbook"],
  }),
  paging: setting({
    what: "whether the stack may page (paging)",
    read: (c) => c.stack.paging,
    policies: ["monitor-has-escalation-path", "pagerduty-handles-resolve", "feature-has-slos"],
  }),
  env: setting({
    what: "the stack's env, which names its PagerDuty services (env)",
    read: (c) => c.stack.env,
    policies: ["monitor-pages-its-owner"],
  }),
  features: setting({
    what: "the feature ids of features.ts",
    read: (c) => c.features.map((f) => f.id),
    policies: ["feature-has-all-monitors", "feature-has-slos"],
  }),
  sloOptOuts: setting({
    what: "the features without SLOs (slo: false) and their sloOptOutReason",
    read: (c): Record<string, string> =>
      Object.fromEntries(c.features.filter((f) => !featureSlo(f, c.stack)).map((f) => [f.id, f.sloOptOutReason ?? ""])),
    policies: ["feature-has-slos"],
  }),
  maxPagingMonitorsPerTeam: setting({
    what: "the paging budget per team (monitoring.pagingBudgetPerTeam)",
    read: (c) => c.stack.monitoring.pagingBudgetPerTeam,
    policies: ["paging-budget"],
  }),
  pagerdutyServices: setting({
    what: "Sentry's id of each team's PagerDuty service (sentryPagerdutyServices)",
    read: (c): Record<string, number> => c.stack.sentryPagerdutyServices ?? {},
    policies: ["sentry-alert-has-owner-team"],
  }),
};

export type StackSettingName = keyof typeof STACK_SETTINGS;
export type StackSettingValue<K extends StackSettingName> = ReturnType<(typeof STACK_SETTINGS)[K]["read"]>;

/** The part of a rule's args bag a setting lookup needs (resource and stack rules alike). */
export interface SettingArgs {
  getConfig<T extends object>(): T;
  notApplicable(reason?: string): never;
}

/**
 * One stack setting for one rule, or undefined after the rule has rejected the resource for
 * lacking it (published pack only). From the repository, a stack without valid settings makes
 * the rule not applicable: `stack-has-config` rejects that stack once, with the reason.
 */
export function stackSetting<K extends StackSettingName>(
  args: SettingArgs,
  urn: string | undefined,
  name: K,
  policy: string,
  report: (message: string) => void,
): StackSettingValue<K> | undefined {
  const own = args.getConfig<Record<string, unknown>>()[name];
  if (own !== undefined && own !== null) return own as StackSettingValue<K>;
  const stack = urn === undefined ? undefined : stackFromUrn(urn);
  if (runningFromRepo()) {
    const found = stack === undefined ? undefined : repoStack(stack);
    if (found?.ok) return STACK_SETTINGS[name].read(found.catalog) as StackSettingValue<K>;
    return args.notApplicable(
      `no ${name} for stack "${stack ?? "(none)"}": ${found ? found.reason : "no resource URN names a stack"}; ${STACK_CONFIG_POLICY} ` +
        `rejects the stack`,
    );
  }
  report(
    `${policy} needs ${STACK_SETTINGS[name].what} for stack "${stack ?? "(none)"}", but this copy of the pack runs outside the ` +
      `repository, where there is no Pulumi.<stack>.yaml to read, and its policy config does not set ${policy}.${name}. Enable the ` +
      `pack with the config policies/bundle.ts writes for the stack: pulumi policy enable <org>/llm-observability-guard <version> ` +
      `--config config/<stack>.json.`,
  );
  return undefined;
}
