// Thin Pulumi layer over the Sentry definitions: looks up the owning teams (and the
// PagerDuty integration) in Sentry, resolves the references, creates the rules.
import * as pulumi from "@pulumi/pulumi";
import * as sentry from "@pulumiverse/sentry";
import { COMPONENT, resourceName } from "../config/names";
import {
  type FeatureErrorAlerts,
  hasSentryRefs,
  resolveSentryRefs,
  type SentryIds,
  type SentryMetricAlertTrigger,
  sentryTeamsOf,
  usesPagerduty,
} from "./build";

export interface ErrorAlertsArgs {
  definitions: FeatureErrorAlerts[];
  organization: string;
  /** Name of the PagerDuty integration installed in Sentry (stack.sentryPagerdutyIntegration). */
  pagerdutyIntegration?: string;
}

export class ErrorAlerts extends pulumi.ComponentResource {
  /** Per feature id: the rule names, for stack outputs. */
  readonly features: Record<string, { issueAlert: string; metricAlert: string; pagingAlert?: string }> = {};

  constructor(name: string, args: ErrorAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT.errorAlerts, name, {}, opts);
    const invokeOpts = { parent: this };

    const teamIds = Object.fromEntries(
      sentryTeamsOf(args.definitions).map((slug) => [
        slug,
        sentry.getSentryTeamOutput({ organization: args.organization, slug }, invokeOpts).internalId,
      ]),
    );
    let pagerdutyAccount: pulumi.Output<string> | undefined;
    if (usesPagerduty(args.definitions)) {
      if (!args.pagerdutyIntegration) throw new Error("Sentry paging rules need the name of Sentry's PagerDuty integration");
      pagerdutyAccount = sentry.getSentryOrganizationIntegrationOutput(
        { organization: args.organization, providerKey: "pagerduty", name: args.pagerdutyIntegration },
        invokeOpts,
      ).id;
    }
    const ids: pulumi.Output<SentryIds> = pulumi
      .all([pulumi.all(teamIds), pagerdutyAccount ?? pulumi.output(undefined)])
      .apply(([teams, account]): SentryIds => ({ teams, pagerdutyAccount: account }));
    // Fields without references stay plain values, so previews show them as known.
    const resolve = <T>(value: T): pulumi.Input<T> =>
      hasSentryRefs(value) ? (ids.apply((i) => resolveSentryRefs(value, i)) as pulumi.Output<T>) : value;

    for (const d of args.definitions) {
      new sentry.SentryIssueAlert(resourceName("sentryIssueAlert", d.featureId), resolveFields(d.issueAlert, resolve), { parent: this });
      if (d.pagingAlert) {
        new sentry.SentryIssueAlert(resourceName("sentryIssuePage", d.featureId), resolveFields(d.pagingAlert, resolve), { parent: this });
      }
      const { triggers, ...metric } = d.metricAlert;
      new sentry.SentryMetricAlert(
        resourceName("sentryMetricAlert", d.featureId),
        { ...resolveFields(metric, resolve), triggers: pulumi.output(resolve(triggers)).apply(withNumericIntegrationIds) },
        { parent: this },
      );
      this.features[d.featureId] = { issueAlert: d.issueAlert.name, metricAlert: d.metricAlert.name, pagingAlert: d.pagingAlert?.name };
    }
    this.registerOutputs({ features: this.features });
  }
}

function resolveFields<T extends object>(value: T, resolve: <V>(v: V) => pulumi.Input<V>): { [K in keyof T]: pulumi.Input<T[K]> } {
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)])) as { [K in keyof T]: pulumi.Input<T[K]> };
}

/** The provider types `integrationId` as a number; Sentry's lookup returns the id as a string. */
function withNumericIntegrationIds(triggers: SentryMetricAlertTrigger[]) {
  return triggers.map((t) => ({
    ...t,
    actions: t.actions.map(({ integrationId, ...a }) => (integrationId === undefined ? a : { ...a, integrationId: Number(integrationId) })),
  }));
}
