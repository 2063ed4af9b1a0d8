// The Pulumi SDK's own cost of a plan: registers every custom resource of a plan.json again,
// with its recorded inputs and the provider's own resource class, under the same mocks synth
// uses, and nothing else (no builders, no checks, no files). bench/synth.ts runs it as the floor
// of a synth at that size: what any program creating these resources pays.
// Run: node -r ./tools/ts-hook.cjs bench/sdk-replay.ts out/prod/plan.json
import * as fs from "node:fs";
import * as datadog from "@pulumi/datadog";
import * as pagerduty from "@pulumi/pagerduty";
import * as sentry from "@pulumiverse/sentry";
import { synthesize } from "../tools/mocks";
import type { Plan } from "../plan/plan";

const PACKAGES: Record<string, Record<string, unknown>> = { datadog, pagerduty, sentry };

/** The provider class of a type token, e.g. `datadog:pagerduty/serviceObject:ServiceObject` -> datadog.pagerduty.ServiceObject. */
function resourceClass(type: string): new (name: string, args: unknown) => unknown {
  const [pkg, module, name] = type.split(":");
  const namespace = module.split("/")[0];
  const scope = (namespace === "index" ? PACKAGES[pkg] : PACKAGES[pkg]?.[namespace]) as Record<string, unknown> | undefined;
  const cls = scope?.[name];
  if (typeof cls !== "function") throw new Error(`no provider class for ${type}`);
  return cls as new (name: string, args: unknown) => unknown;
}

async function main() {
  const plan = JSON.parse(fs.readFileSync(process.argv[2], "utf8")) as Plan;
  const custom = plan.resources.filter((r) => r.custom);
  const replayed = await synthesize({
    stack: plan.stack,
    config: {},
    program: () => {
      for (const r of custom) new (resourceClass(r.type))(r.name, r.inputs);
    },
  });
  if (replayed.resources.length !== custom.length) throw new Error(`replayed ${replayed.resources.length} of ${custom.length} resources`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
