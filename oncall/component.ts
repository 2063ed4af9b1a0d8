// Thin Pulumi layer over the on-call definitions: PagerDuty schedule, escalation policy,
// service and Datadog integration per team, and the Datadog service object that makes
// `@pagerduty-<name>` resolve. The integration key only ever travels as a secret.
import * as datadog from "@pulumi/datadog";
import * as pagerduty from "@pulumi/pagerduty";
import * as pulumi from "@pulumi/pulumi";
import { COMPONENT, resourceName } from "../config/names";
import { type EscalationTarget, peopleOf, type TeamOnCall } from "./build";

export interface OnCallArgs {
  definitions: TeamOnCall[];
}

export interface TeamPaging {
  serviceName: string;
  handle: string;
  serviceId: pulumi.Output<string>;
  serviceUrl: pulumi.Output<string>;
}

export class OnCall extends pulumi.ComponentResource {
  /** Monitors that page must depend on these, or Datadog rejects their unknown `@pagerduty-` handles. */
  readonly serviceObjects: datadog.pagerduty.ServiceObject[] = [];
  /** Per team id; no secrets. */
  readonly teams: Record<string, TeamPaging> = {};

  constructor(name: string, args: OnCallArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT.onCall, name, {}, opts);
    const invokeOpts = { parent: this };

    const userIds = new Map<string, pulumi.Output<string>>();
    for (const email of peopleOf(args.definitions)) {
      userIds.set(email, pagerduty.getUserOutput({ email }, invokeOpts).id);
    }
    const userId = (email: string) => {
      const id = userIds.get(email.toLowerCase());
      if (!id) throw new Error(`no PagerDuty lookup for ${email}`);
      return id;
    };

    // Every schedule first: escalation policies may point at another team's schedule.
    const schedules = new Map<string, pagerduty.Schedule>();
    for (const d of args.definitions) {
      const { layer } = d.schedule;
      schedules.set(
        d.teamId,
        new pagerduty.Schedule(
          resourceName("schedule", d.teamId),
          {
            name: d.schedule.name,
            description: d.schedule.description,
            timeZone: d.schedule.timeZone,
            layers: [
              {
                name: layer.name,
                start: layer.start,
                rotationVirtualStart: layer.rotationVirtualStart,
                rotationTurnLengthSeconds: layer.rotationTurnLengthSeconds,
                users: layer.members.map(userId),
              },
            ],
          },
          { parent: this },
        ),
      );
    }
    const target = (t: EscalationTarget) => {
      if (t.type === "user_reference") return { type: t.type, id: userId(t.email) };
      const schedule = schedules.get(t.team);
      if (!schedule) throw new Error(`escalation to team "${t.team}", which has no schedule in this stack`);
      return { type: t.type, id: schedule.id };
    };

    const vendor = pagerduty.getVendorOutput({ name: "Datadog" }, invokeOpts);
    for (const d of args.definitions) {
      const policy = new pagerduty.EscalationPolicy(
        resourceName("escalationPolicy", d.teamId),
        {
          name: d.escalation.name,
          description: d.escalation.description,
          numLoops: d.escalation.numLoops,
          rules: d.escalation.rules.map((r) => ({ escalationDelayInMinutes: r.escalationDelayInMinutes, targets: r.targets.map(target) })),
        },
        { parent: this },
      );
      const service = new pagerduty.Service(
        resourceName("service", d.teamId),
        { ...d.service, escalationPolicy: policy.id },
        { parent: this },
      );
      const integration = new pagerduty.ServiceIntegration(
        resourceName("serviceIntegration", d.teamId),
        { name: d.integration.name, service: service.id, vendor: vendor.id },
        // The provider does not mark the key secret (3.4.0); this keeps it encrypted in state too.
        { parent: this, additionalSecretOutputs: ["integrationKey"] },
      );
      this.serviceObjects.push(
        new datadog.pagerduty.ServiceObject(
          resourceName("pagerdutyServiceObject", d.teamId),
          // The Datadog SDK marks serviceKey secret as well; this does not rely on it.
          { serviceName: d.serviceName, serviceKey: pulumi.secret(integration.integrationKey) },
          { parent: this },
        ),
      );
      this.teams[d.teamId] = { serviceName: d.serviceName, handle: d.handle, serviceId: service.id, serviceUrl: service.htmlUrl };
    }
    this.registerOutputs({ teams: this.teams });
  }
}
