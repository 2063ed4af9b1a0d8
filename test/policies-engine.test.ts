// Real-engine evidence without the Pulumi CLI: start the pack exactly as `pulumi preview
// --policy-pack policies` does (the SDK's run-policy-pack runner, cwd = policies/, ts-node
// with type-checking), wait for the port it prints, then speak the analyzer gRPC protocol to
// it the way the engine does. Slow by nature (ts-node type-checks the pack: ~3 s CPU, 5-15 s
// wall on a busy 2-CPU runner), so this file holds only what needs the real server.
import { type ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanStack, monitor } from "./fixtures/policy-args";
import { type CheckedResource, runPolicies } from "../policies/offline";
import { packArgs } from "../policies/rules";
import { pagerdutyHandle } from "../oncall/names";

/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
const analyzerpb = require("@pulumi/pulumi/proto/analyzer_pb");
const analyzerrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");

const POLICIES_DIR = path.resolve(__dirname, "../policies");
const RUNNER = require.resolve("@pulumi/pulumi/cmd/run-policy-pack/index.js");
const LEVEL: Record<number, string> = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" };

let pack: ChildProcess;
let client: any;
let startupMs = 0;
let stderr = "";

function options(): any {
  const o = new analyzerpb.AnalyzerResourceOptions();
  o.setProtect(false);
  return o;
}

function analyzeRequest(r: CheckedResource): any {
  const req = new analyzerpb.AnalyzeRequest();
  req.setType(r.type);
  req.setName(r.name);
  req.setUrn(r.urn);
  req.setProperties(Struct.fromJavaScript(r.props));
  req.setOptions(options());
  return req;
}

function stackRequest(resources: CheckedResource[]): any {
  const req = new analyzerpb.AnalyzeStackRequest();
  req.setResourcesList(
    resources.map((r) => {
      const a = new analyzerpb.AnalyzerResource();
      a.setType(r.type);
      a.setName(r.name);
      a.setUrn(r.urn);
      a.setProperties(Struct.fromJavaScript(r.props));
      a.setOptions(options());
      return a;
    }),
  );
  return req;
}

function call<T>(method: string, req: unknown): Promise<T> {
  return new Promise((resolve, reject) => client[method](req, (err: Error | null, resp: T) => (err ? reject(err) : resolve(resp))));
}

function diagnostics(resp: any): { policy: string; level: string; message: string; urn: string }[] {
  return resp.getDiagnosticsList().map((d: any) => ({ policy: d.getPolicyname(), level: LEVEL[d.getEnforcementlevel()], message: d.getMessage(), urn: d.getUrn() }));
}

beforeAll(async () => {
  const started = Date.now();
  pack = spawn(process.execPath, [RUNNER, "127.0.0.1:1", "."], { cwd: POLICIES_DIR, stdio: ["ignore", "pipe", "pipe"] });
  pack.stderr!.on("data", (d) => (stderr += d));
  const port = await new Promise<string>((resolve, reject) => {
    let out = "";
    pack.stdout!.on("data", (d) => {
      out += d;
      const m = /^(\d+)\s*$/m.exec(out);
      if (m) resolve(m[1]);
    });
    pack.on("exit", (code) => reject(new Error(`policy pack exited with ${code} before printing a port:\n${stderr}`)));
  });
  startupMs = Date.now() - started;
  client = new analyzerrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}, 90_000);

afterAll(() => {
  client?.close();
  if (pack && pack.exitCode === null) pack.kill();
});

describe("the pack under the SDK's own policy runner", () => {
  it("type-checks, loads and prints the port the engine connects to", () => {
    expect(stderr).toBe("");
    // Reported, not asserted: timing belongs in bench/, this only documents it in the log.
    console.info(`policy pack ready after ${startupMs} ms`);
  });

  it("describes itself to the engine with every rule and its config schema", async () => {
    const info: any = await call("getAnalyzerInfo", new Empty());
    expect(info.getName()).toBe("llm-observability-guard");
    expect(info.getVersion()).toBe("0.1.0");
    const policies = info.getPoliciesList().map((p: any) => [p.getName(), LEVEL[p.getEnforcementlevel()]]);
    expect(policies).toContainEqual(["monitor-has-owner", "mandatory"]);
    expect(policies).toContainEqual(["paging-budget", "advisory"]);
    const owner = info.getPoliciesList().find((p: any) => p.getName() === "monitor-has-owner");
    expect(owner.getConfigschema().getProperties().toJavaScript()).toHaveProperty("teams");
  });

  it("rejects an unowned monitor with a mandatory violation naming it", async () => {
    const unowned = monitor("monitor-legal-chat-ttft-p95", { tags: ["feature:legal-chat", "monitor:ttft-p95"] });
    const found = diagnostics(await call("analyze", analyzeRequest(unowned))).filter((d) => d.policy === "monitor-has-owner");
    expect(found).toEqual([
      {
        policy: "monitor-has-owner",
        level: "mandatory",
        message: expect.stringMatching(/\nmonitor "monitor-legal-chat-ttft-p95" has no team: tag/),
        urn: "",
      },
    ]);
  });

  it("reports the resource rules as not applicable to other resource types", async () => {
    const resp: any = await call("analyze", analyzeRequest(cleanStack().at(-1)!));
    expect(diagnostics(resp)).toEqual([]);
    expect(resp.getNotApplicableList().map((n: any) => n.getPolicyName())).toContain("monitor-has-owner");
  });

  it("runs the stack rules over the whole stack, flagging a feature missing its TTFT monitor", async () => {
    const resources = cleanStack().filter((r) => r.name !== "monitor-legal-chat-ttft-p95");
    const found = diagnostics(await call("analyzeStack", stackRequest(resources)));
    expect(found.map((d) => [d.policy, d.level])).toEqual([["feature-has-all-monitors", "mandatory"]]);
    expect(found[0].message).toMatch(/feature "legal-chat" has no ttft-p95 monitor/);
  });

  it("finds exactly what the offline checker finds on the same resources", async () => {
    const resources = cleanStack().filter((r) => r.name !== "monitor-cite-check-cost-budget");
    resources[0] = { ...resources[0], props: { ...resources[0].props, tags: ["team:growth"], priority: "P1" } };
    resources[1] = { ...resources[1], props: { ...resources[1].props, message: `{{#is_alert}}${pagerdutyHandle("prod", "legal")}{{/is_alert}}` } };
    const server: string[] = [];
    for (const r of resources) {
      for (const d of diagnostics(await call("analyze", analyzeRequest(r)))) server.push(`${d.policy} ${d.level} ${r.urn} ${d.message.split("\n").slice(1).join("\n")}`);
    }
    for (const d of diagnostics(await call("analyzeStack", stackRequest(resources)))) server.push(`${d.policy} ${d.level} ${d.urn || "-"} ${d.message.split("\n").slice(1).join("\n")}`);
    const { violations } = await runPolicies(resources, { policies: packArgs.policies, packEnforcementLevel: packArgs.enforcementLevel });
    const offline = violations.map((v) => `${v.policyName} ${v.enforcementLevel} ${v.urn ?? "-"} ${v.message}`);
    expect(offline.length).toBeGreaterThanOrEqual(5);
    expect(offline.sort()).toEqual(server.sort());
  });
});
