// The stack a scenario or a backtest runs against: synthesized exactly as `npm run synth` does
// (tools/synth.ts), then read back from the plan as Datadog would receive it.
import * as fs from "node:fs";
import * as path from "node:path";
import { readStackFile } from "../config/load";
import { CONFIG_NAMESPACE } from "../config/names";
import type { StackUnderTest } from "../evaluator/run";
import { stackFromPlan, withOrgConfigurations } from "./plan-stack";
import { synth, type SynthOptions } from "./synth";

export interface StackOptions extends SynthOptions {
  /**
   * The stack whose plan holds the org's tag configurations (`ownsOrgResources: true`), when it
   * is not this one. Default: the sibling `Pulumi.<stack>.yaml` that sets it.
   */
  orgStack?: string;
}

/** Synthesizes the stack, and the org stack when this one does not own the org's tag configurations. */
export async function synthStack(opts: StackOptions): Promise<StackUnderTest> {
  const { plan, catalog } = await synth(opts);
  const stack = stackFromPlan(opts.stack, plan, catalog);
  if (catalog.stack.ownsOrgResources) return stack;
  const org = opts.orgStack ?? orgStackBeside(opts.configFile);
  if (!org || org === opts.stack) return stack;
  const orgPlan = await synth({ ...opts, stack: org, configFile: path.join(path.dirname(opts.configFile), `Pulumi.${org}.yaml`) });
  return withOrgConfigurations(stack, orgPlan.plan);
}

/** The stack among the `Pulumi.<stack>.yaml` files next to `configFile` that owns the org's resources. */
export function orgStackBeside(configFile: string): string | undefined {
  const dir = path.dirname(configFile);
  for (const f of fs.readdirSync(dir).sort()) {
    const m = /^Pulumi\.(.+)\.yaml$/.exec(f);
    if (!m) continue;
    const { config } = readStackFile(path.join(dir, f));
    if (config[`${CONFIG_NAMESPACE}ownsOrgResources`] === "true") return m[1];
  }
  return undefined;
}

export { mutedMonitors, stackFromPlan, withOrgConfigurations } from "./plan-stack";
