// Thin Pulumi layer: one datadog.ServiceLevelObjective per definition. Its `ids` are what the
// burn-rate monitors and the dashboards' SLO widgets substitute for their `@@slo-id:<name>@@`
// placeholders (config/links.ts).
import * as datadog from "@pulumi/datadog";
import * as pulumi from "@pulumi/pulumi";
import { COMPONENT } from "../config/names";
import { toSloInputs } from "./args";
import type { SloDefinition } from "./definition";

export interface SlosArgs {
  definitions: SloDefinition[];
}

export class ServiceLevelObjectives extends pulumi.ComponentResource {
  /** Datadog SLO id per definition id (`slo-<feature>-<objective>`). */
  readonly ids: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: SlosArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT.slos, name, {}, opts);
    for (const def of args.definitions) {
      const inputs: datadog.ServiceLevelObjectiveArgs = toSloInputs(def.body);
      this.ids[def.id] = new datadog.ServiceLevelObjective(def.id, inputs, { parent: this }).id;
    }
    this.registerOutputs({ ids: this.ids });
  }
}
