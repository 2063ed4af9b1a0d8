// The publishable pack (policies/bundle.ts): one bundled index.js that runs outside the repo,
// where `pulumi policy publish` puts it. Started with the SDK's runner as the CLI would after
// installing the pack's dependencies (simulated by linking the root node_modules). It is bundled
// from a copy of the repository whose catalog is the legal fixture, so what it bundles (teams.ts)
// and the config it writes per stack are the fixture's, whatever the user's catalog says.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type * as Bundle from "../policies/bundle";
import { policyConfigFor } from "../policies/config";
import { readPolicyConfig } from "../tools/check";
import { OWNER_MARK } from "../tools/paths";
import { packArgs } from "../policies/rules";
import { type RunningPack, ruleMessage, startPack } from "./fixtures/analyzer";
import { monitor, serviceObject } from "./fixtures/policy-args";
import { legalCatalog, legalPlan, LEGAL_STACKS } from "./fixtures/legal";
import { copyRepo, legalCatalogFiles } from "./fixtures/repo-copy";

// The policy pack reads the legal fixture as its repository's catalog, never the user's (test/fixtures/legal-context.ts).
vi.mock("../policies/context", async (importOriginal) =>
  (await import("./fixtures/legal-context")).legalRepoContext(await importOriginal()),
);

const ROOT = path.resolve(__dirname, "..");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "llmobs-pack-dist-"));
const out = path.join(scratch, "dist");
let pack: RunningPack;

beforeAll(async () => {
  const repo = copyRepo(path.join(scratch, "repo"), legalCatalogFiles());
  const { bundle } = (await import(path.join(repo, "policies", "bundle.ts"))) as typeof Bundle;
  bundle(out);
  fs.symlinkSync(fs.realpathSync(path.join(ROOT, "node_modules")), path.join(out, "node_modules"));
  pack = await startPack(out);
}, 60_000);

afterAll(() => {
  pack?.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
});

describe("the bundled pack", () => {
  it("is a complete pack directory whose only dependencies are the SDKs the CLI installs", () => {
    // Plus the owner mark that lets the next bundle replace the directory (npm pack leaves it out: `files`).
    expect(fs.readdirSync(out).sort()).toEqual([OWNER_MARK, "PulumiPolicy.yaml", "config", "index.js", "node_modules", "package.json"]);
    const pkg = JSON.parse(fs.readFileSync(path.join(out, "package.json"), "utf8"));
    expect(pkg.main).toBe("index.js");
    expect(pkg.files).toEqual(["index.js", "PulumiPolicy.yaml"]);
    expect(Object.keys(pkg.dependencies).sort()).toEqual(["@pulumi/datadog", "@pulumi/policy", "@pulumi/pulumi", "@pulumiverse/sentry"]);
    expect(fs.readFileSync(path.join(out, "index.js"), "utf8")).not.toMatch(/require\("\.\.\//);
  });

  it("serves every rule of the repo's pack", async () => {
    expect((await pack.info()).policies.map((p) => p.name)).toEqual(packArgs.policies.map((p) => p.name));
  });

  it("still knows the teams of teams.ts at bundle time", async () => {
    const { diagnostics } = await pack.analyze(monitor("m", { tags: ["team:growth"] }));
    expect(diagnostics.filter((d) => d.policy === "monitor-has-owner").map(ruleMessage)).toEqual([
      expect.stringMatching(/known: contracts-ai, research-assistant, platform/),
    ]);
  });

  it("has no repo to read stack settings from, so without policy config it rejects a monitor, naming each setting it lacks", async () => {
    const { diagnostics } = await pack.analyze(monitor());
    expect(diagnostics.map((d) => [d.policy, d.level, ruleMessage(d)])).toEqual([
      [
        "monitor-has-runbook",
        "mandatory",
        expect.stringMatching(
          new RegExp(
            /^monitor-has-runbook needs the URL runbooks\/ is browsable at \(runbookBaseUrl\) for stack "prod", but this copy /.source +
              /of the pack runs outside the repository/.source,
          ),
        ),
      ],
      [
        "monitor-has-escalation-path",
        "mandatory",
        expect.stringMatching(
          /^monitor-has-escalation-path needs whether the stack may page \(paging\) .* --config config\/<stack>\.json\.$/,
        ),
      ],
    ]);
  });

  it("without policy config, rejects the stack in every stack rule that needs a setting, instead of skipping them", async () => {
    const found = await pack.analyzeStack([monitor(), serviceObject("contracts-ai")]);
    expect(found.map((d) => [d.policy, d.level])).toEqual([
      ["feature-has-all-monitors", "mandatory"],
      ["feature-has-slos", "mandatory"],
      ["monitor-pages-its-owner", "mandatory"],
      ["pagerduty-handles-resolve", "mandatory"],
      ["paging-budget", "advisory"],
    ]);
    for (const d of found) expect(ruleMessage(d)).toMatch(/runs outside the repository/);
  });

  it("writes one policy config per stack of the repo, which npm run check accepts against every policy's schema", () => {
    expect(fs.readdirSync(path.join(out, "config")).sort()).toEqual(LEGAL_STACKS.map((s) => `${s}.json`).sort());
    for (const stack of LEGAL_STACKS) {
      const config = readPolicyConfig(path.join(out, "config", `${stack}.json`), packArgs.policies);
      expect(config).toEqual(policyConfigFor(legalCatalog(stack)));
    }
  });

  it("given its stack's config, accepts the legal stack and catches a feature without its TTFT monitor, as in the repo", async () => {
    const config = JSON.parse(fs.readFileSync(path.join(out, "config", "prod.json"), "utf8")) as Record<string, Record<string, unknown>>;
    await pack.configure(
      Object.fromEntries(packArgs.policies.map((p) => [p.name, { level: p.enforcementLevel!, settings: config[p.name] ?? {} }])),
    );
    // Outside the repo the stack name says nothing; rename it so only the config can supply the settings.
    const plan = await legalPlan("prod");
    const resources = plan.resources.map((r) => ({
      urn: r.urn.replace("urn:pulumi:prod::", "urn:pulumi:prod-eu::"),
      type: r.type,
      name: r.name,
      parent: null,
      props: r.inputs,
    }));
    const found = [];
    for (const r of resources) found.push(...(await pack.analyze(r)).diagnostics);
    found.push(...(await pack.analyzeStack(resources)));
    expect(found).toEqual([]);
    const missing = await pack.analyzeStack(resources.filter((r) => r.name !== "monitor-legal-chat-ttft-p95"));
    expect(missing.map((d) => [d.policy, ruleMessage(d)])).toEqual([
      ["feature-has-all-monitors", expect.stringMatching(/^feature "legal-chat" has no ttft-p95 monitor/)],
    ]);
  });
});
