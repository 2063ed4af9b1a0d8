// Real-engine evidence without the Pulumi CLI: the pack is started exactly as `pulumi preview
// --policy-pack policies` starts it (the SDK's run-policy-pack runner, cwd = policies/,
// ts-node with type-checking), then spoken to over the analyzer gRPC protocol like the
// engine does. Slow by nature (ts-node type-checks the pack: ~4 s CPU, 10-20 s wall on a busy
// 2-CPU runner), so this file holds only what needs the real server. The pack runs from a copy of
// the repository whose catalog is the legal fixture, and the offline checker reads the same fixture.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { pagerdutyHandle } from "../config/names";
import { runPolicies } from "../policies/offline";
import { packArgs } from "../policies/rules";
import { type RunningPack, ruleMessage, startPack } from "./fixtures/analyzer";
import { cleanStack, monitor } from "./fixtures/policy-args";
import { legalPlan } from "./fixtures/legal";
import { copyRepo, legalCatalogFiles } from "./fixtures/repo-copy";

// The offline checker of the last test reads the legal fixture as its repository's catalog too (test/fixtures/legal-context.ts).
vi.mock("../policies/context", async (importOriginal) =>
  (await import("./fixtures/legal-context")).legalRepoContext(await importOriginal()),
);

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "llmobs-engine-"));
let pack: RunningPack;

beforeAll(async () => {
  const repo = copyRepo(path.join(scratch, "repo"), legalCatalogFiles());
  pack = await startPack(path.join(repo, "policies"));
}, 90_000);

afterAll(() => {
  pack?.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
});

describe("the pack under the SDK's own policy runner", () => {
  it("type-checks, loads and prints the port the engine connects to", () => {
    expect(pack.stderr()).toBe("");
    // Reported, not asserted: timing belongs in bench/; this only documents it in the log.
    console.info(`policy pack ready after ${pack.startupMs} ms`);
  });

  it("describes itself to the engine with every rule, its level and its config schema", async () => {
    const info = await pack.info();
    expect([info.name, info.version]).toEqual(["llm-observability-guard", "0.1.0"]);
    expect(info.policies.map((p) => p.name)).toEqual(packArgs.policies.map((p) => p.name));
    expect(info.policies.find((p) => p.name === "monitor-has-owner")).toEqual({
      name: "monitor-has-owner",
      level: "mandatory",
      configKeys: ["teams"],
    });
    expect(info.policies.find((p) => p.name === "paging-budget")?.level).toBe("advisory");
  });

  it("rejects an unowned monitor with a mandatory violation naming it", async () => {
    const unowned = monitor("monitor-legal-chat-ttft-p95", { tags: ["feature:legal-chat", "monitor:ttft-p95"] });
    const { diagnostics } = await pack.analyze(unowned);
    expect(diagnostics.map((d) => [d.policy, d.level, ruleMessage(d)])).toEqual([
      ["monitor-has-owner", "mandatory", expect.stringMatching(/^monitor "monitor-legal-chat-ttft-p95" has no team: tag/)],
    ]);
  });

  it("reports the monitor rules as not applicable to other resource types", async () => {
    const { diagnostics, notApplicable } = await pack.analyze(cleanStack().at(-1)!);
    expect(diagnostics).toEqual([]);
    expect(notApplicable).toContain("monitor-has-owner");
  });

  it("runs the stack rules over the whole stack, flagging a feature missing its TTFT monitor", async () => {
    const found = await pack.analyzeStack(cleanStack().filter((r) => r.name !== "monitor-legal-chat-ttft-p95"));
    expect(found.map((d) => [d.policy, d.level])).toEqual([["feature-has-all-monitors", "mandatory"]]);
    expect(ruleMessage(found[0])).toMatch(/^feature "legal-chat" has no ttft-p95 monitor/);
  });

  it("rejects a stack the repository has no Pulumi.<stack>.yaml for by stack-has-config alone, naming the missing file", async () => {
    const sandbox = cleanStack().map((r) => ({ ...r, urn: r.urn.replace("urn:pulumi:prod::", "urn:pulumi:sandbox::") }));
    const found = await pack.analyzeStack(sandbox);
    expect(found.map((d) => [d.policy, d.level, ruleMessage(d)])).toEqual([
      [
        "stack-has-config",
        "mandatory",
        expect.stringMatching(/^stack "sandbox": there is no Pulumi\.sandbox\.yaml in \S+ \(stacks here: prod, staging\), so the rules/),
      ],
    ]);
    const { diagnostics, notApplicable } = await pack.analyze(sandbox[0]);
    expect(diagnostics).toEqual([]);
    expect(notApplicable).toEqual(expect.arrayContaining(["monitor-has-runbook", "monitor-has-escalation-path"]));
  });

  it("accepts every resource of the synthesized prod stack, as npm run check does", async () => {
    const plan = await legalPlan("prod");
    const resources = plan.resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, parent: r.parent, props: r.inputs }));
    const found = [];
    for (const r of resources) found.push(...(await pack.analyze(r)).diagnostics);
    found.push(...(await pack.analyzeStack(resources)));
    expect(found).toEqual([]);
  });

  it("finds exactly what the offline checker finds on the same resources", async () => {
    const resources = cleanStack().filter((r) => r.name !== "monitor-cite-check-cost-budget");
    resources[0] = { ...resources[0], props: { ...resources[0].props, tags: ["team:growth"], priority: "P1" } };
    resources[1] = {
      ...resources[1],
      props: { ...resources[1].props, message: `{{#is_alert}}${pagerdutyHandle("prod", "legal")}{{/is_alert}}` },
    };
    const server: string[] = [];
    for (const r of resources) {
      for (const d of (await pack.analyze(r)).diagnostics) server.push(`${d.policy} ${d.level} ${r.urn} ${ruleMessage(d)}`);
    }
    for (const d of await pack.analyzeStack(resources)) server.push(`${d.policy} ${d.level} ${d.urn || "-"} ${ruleMessage(d)}`);
    const { violations } = await runPolicies(resources, { policies: packArgs.policies, packEnforcementLevel: packArgs.enforcementLevel });
    const offline = violations.map((v) => `${v.policyName} ${v.enforcementLevel} ${v.urn ?? "-"} ${v.message}`);
    expect(offline.length).toBeGreaterThanOrEqual(5);
    expect(offline.sort()).toEqual(server.sort());
  });
});
