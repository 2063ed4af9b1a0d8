// Runs the real Pulumi program under pulumi.runtime.setMocks and records every resource
// registration as the engine would receive it. Used by `npm run synth`, the tests and the
// benchmarks; the program itself has no idea it is mocked.
import * as pulumi from "@pulumi/pulumi";
import { PROJECT, SECRET, TYPE } from "../config/names";
import type { Plan, PlanResource } from "../plan/plan";
import { fakeId, mockResourceId } from "./mock-ids";

export type { Plan, PlanResource };
export { fakeId, mockResourceId };

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/**
 * Fabricates the outputs real providers compute (ids, URLs, integration keys). Inputs are
 * echoed back, as the provider would. The values are obviously synthetic on purpose.
 */
export function fabricatedOutputs(type: string, name: string): Record<string, unknown> {
  switch (type) {
    case TYPE.dashboard:
      return { url: `/dashboard/synth-${fakeId(name, 3)}-${fakeId(`${name}#`, 3)}` };
    case TYPE.serviceIntegration:
      // Secret in the program; tests assert this exact string never reaches plan.json.
      return { integrationKey: `synth-integration-key-${fakeId(name, 16)}` };
    default:
      return {};
  }
}

export function fabricatedInvoke(token: string, inputs: Record<string, unknown>): Record<string, unknown> {
  switch (token) {
    case "pagerduty:index/getUser:getUser":
      return { id: `PU${fakeId(String(inputs.email)).toUpperCase()}`, email: inputs.email, name: String(inputs.email).split("@")[0] };
    case "pagerduty:index/getVendor:getVendor":
      return { id: "PSYNTHDD", name: inputs.name, type: "generic_events_api_inbound_integration" };
    case "sentry:index/getSentryTeam:getSentryTeam":
      return { ...inputs, id: `${inputs.organization}/${inputs.slug}`, internalId: String(parseInt(fakeId(String(inputs.slug), 6), 16)) };
    case "sentry:index/getSentryOrganizationIntegration:getSentryOrganizationIntegration":
      return {
        ...inputs,
        id: String(parseInt(fakeId(`${inputs.providerKey}/${inputs.name}`, 6), 16)),
        internalId: `synth-${fakeId(String(inputs.name))}`,
      };
    default:
      return inputs;
  }
}

function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value !== null && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    if (obj[SECRET_SIG_KEY] === SECRET_SIG) return SECRET;
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, redactSecrets(v)]));
  }
  return value;
}

export interface SynthesizeOptions {
  stack: string;
  /** `project:key` -> value, as PULUMI_CONFIG carries it. */
  config: Record<string, string>;
  secretKeys?: string[];
  /** The program; may return outputs, which are awaited like the engine would. */
  program: () => unknown;
}

/**
 * Runs `program` under mocks and returns every registered resource, sorted by URN.
 * Errors thrown by the program (e.g. a ConfigError) propagate unchanged.
 */
export async function synthesize(opts: SynthesizeOptions): Promise<Plan> {
  pulumi.runtime.setAllConfig(opts.config, opts.secretKeys ?? []);
  // The inputs the mock monitor deserialized for newResource, per request, so the plan does not
  // deserialize every request a second time (see observeRegistrations).
  const deserialized = new WeakMap<RegisterRequest, Record<string, unknown>>();
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const req = registering;
        if (req && req.getType() === args.type && req.getName() === args.name) deserialized.set(req, args.inputs);
        return {
          id: args.custom ? mockResourceId(args.name, args.type) : undefined,
          state: { ...args.inputs, ...fabricatedOutputs(args.type, args.name) },
        };
      },
      call: (args) => fabricatedInvoke(args.token, args.inputs),
    },
    PROJECT,
    opts.stack,
    false,
  );

  const resources: PlanResource[] = [];
  observeRegistrations((req, urn) =>
    resources.push({
      urn,
      type: req.getType(),
      name: req.getName(),
      parent: req.getParent() || null,
      custom: req.getCustom(),
      inputs: redactSecrets(deserialized.get(req) ?? pulumi.runtime.deserializeProperties(req.getObject())) as Record<string, unknown>,
    }),
  );

  // The SDK records `new Error().stack` on every promise it makes: 4 per resource property
  // (@pulumi/pulumi 3.248.0, runtime/rpc.js transferProperties -> runtime/debuggable.js:85
  // debuggablePromise), only ever printed for PULUMI_DEBUG_PROMISE_LEAKS. Capturing and
  // formatting them (through source maps under tsx and vitest) was over half of synth at 200
  // features. No SDK option skips it, so stacks are off while the program runs, unless that
  // variable asks for them; set it too to see where a crash inside the program came from.
  // Resources' source positions are unaffected (resource.js callsites() lifts the limit itself).
  // `pulumi up` never runs this code.
  const limit = Error.stackTraceLimit;
  if (!process.env.PULUMI_DEBUG_PROMISE_LEAKS) Error.stackTraceLimit = 0;
  try {
    const outputs = opts.program();
    await settle(outputs);
    // Exported by the SDK's runtime at run time, though not in its typings: waits for every registration RPC.
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  } finally {
    Error.stackTraceLimit = limit;
  }
  resources.sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
  return { project: PROJECT, stack: opts.stack, resources };
}

/** The gRPC RegisterResourceRequest as the mock monitor receives it (the parts read here). */
export interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): Parameters<typeof pulumi.runtime.deserializeProperties>[0];
  getDependenciesList(): string[];
}

/**
 * The SDK's MockMonitor (@pulumi/pulumi runtime/mocks.js), which `runtime.getMonitor()` returns
 * under setMocks; the SDK types the getter as its gRPC client, so this names the methods used.
 */
interface MockMonitor {
  registerResource(req: RegisterRequest, callback: (err: unknown, resp: { getUrn(): string }) => void): void;
  getRegisteredResources(): Map<string, unknown>;
}

function mockMonitor(): MockMonitor {
  return pulumi.runtime.getMonitor() as unknown as MockMonitor;
}

/**
 * Calls `observe` for every resource registration the engine accepts, after setMocks. The mock
 * monitor is the engine's stand-in; wrapping it is how synth sees parents, dependencies and the
 * exact serialized inputs (secret markers included) without touching the program.
 */
export function observeRegistrations(observe: (req: RegisterRequest, urn: string) => void): void {
  const monitor = mockMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    // The mock monitor (runtime/mocks.js registerResource) calls newResource before its first
    // await, so while this call runs synchronously, a newResource call is this request's; the mock
    // above also checks type and name, and without a match the plan deserializes the request itself.
    registering = req;
    try {
      return register(req, (err, resp) => {
        if (!err) observe(req, resp.getUrn());
        callback(err, resp);
      });
    } finally {
      registering = undefined;
    }
  };
}

/** The request the mock monitor is registering, during its synchronous start (observeRegistrations). */
let registering: RegisterRequest | undefined;

/** How many resources the mock engine has registered in this process. */
export function registeredResourceCount(): number {
  return mockMonitor().getRegisteredResources().size;
}

/** Waits for every Output inside the program's return value, as the engine does for stack outputs. */
async function settle(value: unknown): Promise<void> {
  await new Promise<void>((resolve) => {
    (pulumi.output(value as object) as pulumi.Output<unknown>).apply(() => resolve());
  });
}
