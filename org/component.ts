// Thin Pulumi layer: one datadog.MetricTagConfiguration per definition. Created only by the
// stack with `ownsOrgResources` (program.ts); the tag policy and the cost monitor it also owns
// live in the Monitors component, next to the monitors they govern.
import * as datadog from "@pulumi/datadog";
import * as pulumi from "@pulumi/pulumi";
import type { TagConfigurationDefinition } from "./tag-configurations";

export interface OrgTagConfigurationsArgs {
  definitions: TagConfigurationDefinition[];
}

/** `llm.retrieval.duration` -> `metric-tags-llm-retrieval-duration`: stable, from the metric name. */
export function tagConfigurationResourceName(metricName: string): string {
  return `metric-tags-${metricName.replace(/[._]/g, "-")}`;
}

export class OrgTagConfigurations extends pulumi.ComponentResource {
  constructor(name: string, args: OrgTagConfigurationsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-observability:org:TagConfigurations", name, {}, opts);
    for (const d of args.definitions) {
      new datadog.MetricTagConfiguration(
        tagConfigurationResourceName(d.metricName),
        {
          metricName: d.metricName,
          metricType: d.metricType,
          tags: d.tags,
          // The provider rejects include_percentiles on anything but a distribution, even when
          // false (terraform-provider-datadog resource_datadog_metric_tag_configuration.go:28,46),
          // so it is only sent for distributions.
          ...(d.metricType === "distribution" ? { includePercentiles: d.includePercentiles } : {}),
        },
        { parent: this },
      );
    }
    this.registerOutputs({});
  }
}
