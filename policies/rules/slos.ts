// The SLO rule: on a stack that pages, every feature has its three SLOs (availability, latency,
// quality), each watched by every SLO alert kind of the registry (fast burn, slow burn, error
// budget), or it opted out with `slo: false` and says why in `sloOptOutReason`. A feature whose
// budget nobody watches is one whose slow leak nobody sees; an opt-out without a reason is one
// nobody can review. SLOs and monitors are found by their `feature:` and `objective:` tags (and
// `monitor:<kind>`), never by id: an SLO id exists only once Datadog created it.
import * as datadog from "@pulumi/datadog";
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { TAG } from "../../config/contract";
import { monitorName, RESOURCE_TAG, sloResourceName, tagValue } from "../../config/names";
import { SLO_OBJECTIVES } from "../../config/slo";
import { sloKinds } from "../../monitors/kinds";
import { stackSetting } from "../settings";
import { asStringArray, quoteList } from "./common";

/** The SLO alert kinds every objective of every feature with SLOs must have (monitors/kinds.ts). */
export const SLO_ALERT_KINDS: readonly string[] = sloKinds().map((k) => k.kind);

const POLICY = "feature-has-slos";

function tagsOf(r: PolicyResource): string[] {
  return asStringArray(r.props.tags);
}

export const featureHasSlos: StackValidationPolicy = {
  name: POLICY,
  description:
    "On a stack that pages, every feature has its availability, latency and quality SLOs, each watched by the fast-burn, " +
    "slow-burn and error-budget monitors, or opts out with slo: false and a sloOptOutReason.",
  remediationSteps:
    "SLOs and their monitors come from the builders for each feature of features.ts; restore what is missing there rather than " +
    'by hand. A feature that should have none sets `slo: false` and `sloOptOutReason: "<why>"` in features.ts.',
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      paging: { type: "boolean", description: "Whether this stack pages. Default: `paging` in the stack's Pulumi.<stack>.yaml." },
      features: { type: "array", items: { type: "string" }, description: "Feature ids. Default: features.ts." },
      sloOptOuts: {
        type: "object",
        additionalProperties: { type: "string" },
        description: "Feature id -> the reason it has no SLOs (empty: no reason given). Default: slo: false in features.ts.",
      },
      kinds: {
        type: "array",
        items: { type: "string" },
        description: `SLO alert kinds each objective needs. Default: ${SLO_ALERT_KINDS.join(", ")}.`,
      },
    },
  },
  validateStack: (args, report) => {
    // Each setting from this policy's config, else the stack's Pulumi.<stack>.yaml; without either
    // the pack fails closed (policies/settings.ts).
    const urn = args.resources[0]?.urn;
    if (urn === undefined) return args.notApplicable("the plan has no resources");
    const paging = stackSetting(args, urn, "paging", POLICY, (m) => report(m));
    if (paging === undefined) return;
    if (!paging) return args.notApplicable("the stack may not page (paging: false); SLOs are required on paging stacks only");
    const features = stackSetting(args, urn, "features", POLICY, (m) => report(m));
    const optOuts = stackSetting(args, urn, "sloOptOuts", POLICY, (m) => report(m));
    if (features === undefined || optOuts === undefined) return;
    const config = args.getConfig<{ kinds?: string[] }>();
    const kinds = config.kinds ?? [...SLO_ALERT_KINDS];
    const slos = args.resources.filter((r) => r.isType(datadog.ServiceLevelObjective));
    const monitors = args.resources.filter((r) => r.isType(datadog.Monitor));
    const has = (rs: PolicyResource[], feature: string, objective: string, kind?: string) =>
      rs.some((r) => {
        const tags = tagsOf(r);
        return (
          // A composite's building block (part:) does not notify: it cannot stand for the monitor.
          tagValue(tags, RESOURCE_TAG.part) === undefined &&
          tagValue(tags, TAG.feature) === feature &&
          tagValue(tags, RESOURCE_TAG.objective) === objective &&
          (kind === undefined || tagValue(tags, RESOURCE_TAG.monitor) === kind)
        );
      });
    for (const feature of features) {
      if (feature in optOuts) {
        if (!optOuts[feature].trim()) {
          report(
            `feature "${feature}" has no SLOs (slo: false) and no sloOptOutReason, on a stack that pages: nobody can review why its ` +
              `error budgets go unwatched. Add sloOptOutReason: "<why>" next to slo: false in features.ts, or give it SLOs.`,
          );
        }
        continue;
      }
      const missingSlos = SLO_OBJECTIVES.filter((o) => !has(slos, feature, o));
      if (missingSlos.length) {
        report(
          `feature "${feature}" has no ${missingSlos.join(", ")} SLO${missingSlos.length === 1 ? "" : "s"}: no ` +
            `datadog.ServiceLevelObjective is tagged ${TAG.feature}:${feature} with ` +
            `${missingSlos.map((o) => `${RESOURCE_TAG.objective}:${o}`).join(" / ")} (expected ` +
            `${missingSlos.map((o) => `"${sloResourceName(feature, o)}"`).join(", ")}). ` +
            `Restore ${missingSlos.length === 1 ? "it" : "them"} ` +
            `in the SLO builder, or set slo: false with a sloOptOutReason.`,
        );
      }
      const missing = SLO_OBJECTIVES.flatMap((o) =>
        kinds.filter((k) => !has(monitors, feature, o, k)).map((k) => monitorName(k, feature, o)),
      );
      if (missing.length) {
        report(
          `feature "${feature}" lacks ${missing.length} SLO monitor${missing.length === 1 ? "" : "s"} (${quoteList(missing)}): ` +
            `each objective needs its ${quoteList(kinds)} monitor, tagged ${TAG.feature}:${feature}, ` +
            `${RESOURCE_TAG.objective}:<objective> ` +
            `and ${RESOURCE_TAG.monitor}:<kind>, or its burn goes unnoticed. Restore them in the monitors builder (monitors/slo.ts).`,
        );
      }
    }
  },
};

export const sloRules = [featureHasSlos];
