// A stand-in for the CrossGuard engine, so the pack's real rule objects run without the
// Pulumi CLI (`npm run check`, tests). It mirrors @pulumi/policy 1.21's analyzer server
// (server.js `makeAnalyzeRpcFun` / `makeAnalyzeStackRpcFun`): the same enforcement-level
// resolution, the same args bag (props behind `unknownCheckingProxy`, `notApplicable` that
// throws), each validation of a policy run separately, and violations collected the same way.
import type {
  EnforcementLevel,
  Policies,
  PolicyResource,
  PolicyResourceOptions,
  ReportViolation,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { unknownCheckingProxy, UnknownValueError } from "@pulumi/policy";

/** The `--policy-pack-config` file: per policy a level or `{enforcementLevel?, ...settings}`; `all` sets every level. */
export type PolicyPackConfig = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>;

export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** What the engine knows about a resource: a plan entry with its inputs. */
export interface CheckedResource {
  urn: string;
  type: string;
  name: string;
  parent: string | null;
  props: Record<string, unknown>;
}

export interface Violation {
  policyName: string;
  enforcementLevel: "advisory" | "mandatory";
  description: string;
  message: string;
  /** Absent for stack-level violations that name no resource. */
  urn?: string;
  resourceName?: string;
  resourceType?: string;
}

/** Thrown by `notApplicable`, exactly as the analyzer server does; the runner swallows it. */
export class NotApplicableError extends Error {
  constructor(readonly reason?: string) {
    super(reason ?? "Policy does not apply");
    this.name = "NotApplicableError";
  }
}

/** A rule threw something other than "not applicable": the engine fails the preview. */
export class PolicyCrashError extends Error {}

function throwNotApplicable(reason?: string): never {
  throw new NotApplicableError(reason);
}

/** Per-policy config beats `all`, which beats the policy's own level, which beats the pack default. */
export function effectiveLevel(
  policy: { name: string; enforcementLevel?: EnforcementLevel },
  config: PolicyPackConfig,
  packLevel: EnforcementLevel,
): EnforcementLevel {
  const own = config[policy.name];
  const configured = typeof own === "string" ? own : own?.enforcementLevel;
  const all = config.all;
  const allLevel = typeof all === "string" ? all : all?.enforcementLevel;
  return configured ?? allLevel ?? policy.enforcementLevel ?? packLevel;
}

/** What `args.getConfig()` returns: the policy's settings without its enforcement level. */
export function settingsFor(policyName: string, config: PolicyPackConfig): Record<string, unknown> {
  const own = config[policyName];
  if (own === undefined || typeof own === "string") return {};
  const { enforcementLevel: _level, ...settings } = own;
  return settings;
}

function isTypeOf(type: string, resourceClass: unknown): boolean {
  const token = (resourceClass as { __pulumiType?: unknown } | null)?.__pulumiType;
  if (typeof token === "string" && token.length > 0) return type === token;
  const isInstance = (resourceClass as { isInstance?: (o: unknown) => boolean } | null)?.isInstance;
  return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

function options(r: CheckedResource): PolicyResourceOptions {
  return {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(r.parent ? { parent: r.parent } : {}),
  };
}

const NO_STACK_TAGS: ReadonlyMap<string, string> = new Map();

/** The args bag the engine passes to `validateResource` for one resource's inputs. */
export function resourceValidationArgs(r: CheckedResource, settings: Record<string, unknown> = {}): ResourceValidationArgs {
  const props = unknownCheckingProxy(structuredClone(r.props)) as Record<string, unknown>;
  return {
    type: r.type,
    props,
    urn: r.urn,
    name: r.name,
    opts: options(r),
    stackTags: NO_STACK_TAGS,
    isType: (resourceClass) => isTypeOf(r.type, resourceClass),
    asType: ((resourceClass: unknown) => (isTypeOf(r.type, resourceClass) ? props : undefined)) as ResourceValidationArgs["asType"],
    getConfig: <T extends object>() => structuredClone(settings) as T,
    notApplicable: throwNotApplicable,
  };
}

/** The args bag the engine passes to `validateStack`: every resource, parents linked. */
export function stackValidationArgs(resources: CheckedResource[], settings: Record<string, unknown> = {}): StackValidationArgs {
  const byUrn = new Map<string, PolicyResource>();
  const out = resources.map((r) => {
    const props = unknownCheckingProxy(structuredClone(r.props)) as Record<string, unknown>;
    const resource: PolicyResource = {
      type: r.type,
      props,
      urn: r.urn,
      name: r.name,
      opts: options(r),
      dependencies: [],
      propertyDependencies: {},
      isType: (resourceClass) => isTypeOf(r.type, resourceClass),
      asType: ((resourceClass: unknown) => (isTypeOf(r.type, resourceClass) ? props : undefined)) as PolicyResource["asType"],
    };
    byUrn.set(r.urn, resource);
    return resource;
  });
  resources.forEach((r, i) => {
    const parent = r.parent ? byUrn.get(r.parent) : undefined;
    if (parent) out[i].parent = parent;
  });
  return {
    resources: out,
    stackTags: NO_STACK_TAGS,
    getConfig: <T extends object>() => structuredClone(settings) as T,
    notApplicable: throwNotApplicable,
  };
}

function isResourcePolicy(p: Policies[number]): p is ResourceValidationPolicy {
  return "validateResource" in p && p.validateResource !== undefined;
}
function isStackPolicy(p: Policies[number]): p is StackValidationPolicy {
  return typeof (p as StackValidationPolicy).validateStack === "function";
}

export interface RunOptions {
  policies: Policies;
  /** The pack's default level (PolicyPackArgs.enforcementLevel; the SDK defaults to advisory). */
  packEnforcementLevel?: EnforcementLevel;
  config?: PolicyPackConfig;
}

export interface RunResult {
  violations: Violation[];
  /** Policies that ran (not disabled). */
  policiesRun: number;
}

/**
 * Runs every enabled policy: resource policies over each resource (each validation function
 * on its own, as the server does), stack policies once over all resources.
 */
export async function runPolicies(resources: CheckedResource[], opts: RunOptions): Promise<RunResult> {
  const config = opts.config ?? {};
  const packLevel = opts.packEnforcementLevel ?? "advisory";
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const violations: Violation[] = [];
  let policiesRun = 0;

  for (const policy of opts.policies) {
    let level = effectiveLevel(policy, config, packLevel);
    if (level === "disabled") continue;
    // Remediation is not run offline; a remaining violation counts as mandatory, as in the engine.
    if (level === "remediate") level = "mandatory";
    policiesRun++;
    const settings = settingsFor(policy.name, config);
    const record = (message: string, urn: string | undefined) => {
      const r = urn ? byUrn.get(urn) : undefined;
      violations.push({
        policyName: policy.name,
        enforcementLevel: level as Violation["enforcementLevel"],
        description: policy.description,
        message,
        ...(urn ? { urn } : {}),
        ...(r ? { resourceName: r.name, resourceType: r.type } : {}),
      });
    };

    if (isResourcePolicy(policy)) {
      const validations = ([] as ResourceValidation[]).concat(policy.validateResource ?? []);
      for (const r of resources) {
        for (const validate of validations) {
          const token = (validate as { __pulumiType?: string }).__pulumiType;
          if (validations.length === 1 && token && token !== r.type) continue; // the server's fast path
          const report: ReportViolation = (message) => record(message, r.urn);
          await guard(policy.name, r.name, () => validate(resourceValidationArgs(r, settings), report));
        }
      }
    } else if (isStackPolicy(policy)) {
      const token = (policy.validateStack as { __pulumiType?: string }).__pulumiType;
      if (token && !resources.some((r) => r.type === token)) continue;
      const report: ReportViolation = (message, urn) => record(message, urn);
      await guard(policy.name, "the stack", () => policy.validateStack(stackValidationArgs(resources, settings), report));
    }
  }
  return { violations, policiesRun };
}

async function guard(policyName: string, subject: string, run: () => unknown): Promise<void> {
  try {
    await run();
  } catch (e) {
    if (e instanceof NotApplicableError) return;
    if (e instanceof UnknownValueError) {
      throw new PolicyCrashError(`policy ${policyName} read an unknown value on ${subject}: ${(e as Error).message}`);
    }
    throw new PolicyCrashError(`policy ${policyName} failed on ${subject}: ${(e as Error).stack ?? e}`);
  }
}
