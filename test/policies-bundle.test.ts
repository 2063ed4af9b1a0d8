// The publishable pack (policies/bundle.ts): one bundled index.js that runs outside the repo,
// where `pulumi policy publish` puts it. Started with the SDK's runner as the CLI would after
// installing the pack's dependencies (simulated by linking the root node_modules).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundle } from "../policies/bundle";
import { packArgs } from "../policies/rules";
import { type RunningPack, ruleMessage, startPack } from "./fixtures/analyzer";
import { monitor, serviceObject } from "./fixtures/policy-args";

const ROOT = path.resolve(__dirname, "..");
const out = fs.mkdtempSync(path.join(os.tmpdir(), "pack-dist-"));
let pack: RunningPack;

beforeAll(async () => {
  bundle(out);
  fs.symlinkSync(fs.realpathSync(path.join(ROOT, "node_modules")), path.join(out, "node_modules"));
  pack = await startPack(out);
}, 60_000);

afterAll(() => {
  pack?.stop();
  fs.rmSync(out, { recursive: true, force: true });
});

describe("the bundled pack", () => {
  it("is a complete pack directory whose only dependencies are the SDKs the CLI installs", () => {
    expect(fs.readdirSync(out).sort()).toEqual(["PulumiPolicy.yaml", "index.js", "node_modules", "package.json"]);
    const pkg = JSON.parse(fs.readFileSync(path.join(out, "package.json"), "utf8"));
    expect(pkg.main).toBe("index.js");
    expect(Object.keys(pkg.dependencies).sort()).toEqual(["@pulumi/datadog", "@pulumi/policy", "@pulumi/pulumi", "@pulumiverse/sentry"]);
    expect(fs.readFileSync(path.join(out, "index.js"), "utf8")).not.toMatch(/require\("\.\.\//);
  });

  it("serves every rule of the repo's pack", async () => {
    expect((await pack.info()).policies.map((p) => p.name)).toEqual(packArgs.policies.map((p) => p.name));
  });

  it("still knows the teams of teams.ts at bundle time", async () => {
    const { diagnostics } = await pack.analyze(monitor("m", { tags: ["team:growth"] }));
    expect(diagnostics.filter((d) => d.policy === "monitor-has-owner").map(ruleMessage)).toEqual([expect.stringMatching(/known: contracts-ai, research-assistant, platform/)]);
  });

  it("has no repo to read runbooks or stack config from, so it accepts a runbook link without looking for the file", async () => {
    const { diagnostics } = await pack.analyze(monitor());
    expect(diagnostics).toEqual([]);
  });

  it("leaves the feature catalog to policy config, which a published pack must be given", async () => {
    expect(await pack.analyzeStack([monitor(), serviceObject("contracts-ai")])).toEqual([]);
  });
});
