// Thin Pulumi layer: one datadog.MetricTagConfiguration per definition. Created only by the
// stack with `ownsOrgResources` (program.ts); the tag policy and the cost monitor it also owns
// live in the Monitors component, next to the monitors they govern.
import * as datadog from "@pulumi/datadog";
import * as pulumi from "@pulumi/pulumi";
import { COMPONENT, tagConfigurationResourceName } from "../config/names";
import { type TagConfigurationDefinition, tagConfigurationInputs } from "./tag-configurations";

export interface OrgTagConfigurationsArgs {
  definitions: TagConfigurationDefinition[];
}

/** `llm.retrieval.duration` -> `metric-tags-llm-retrieval-duration`: stable, from the metric name. */
export class OrgTagConfigurations extends pulumi.ComponentResource {
  constructor(name: string, args: OrgTagConfigurationsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT.orgTagConfigurations, name, {}, opts);
    for (const d of args.definitions) {
      new datadog.MetricTagConfiguration(tagConfigurationResourceName(d.metricName), tagConfigurationInputs(d), { parent: this });
    }
    this.registerOutputs({});
  }
}
