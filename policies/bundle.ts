// Builds the publishable copy of the pack: `npx tsx policies/bundle.ts [--out policies/dist]`.
//
// `pulumi policy publish` uploads only the pack directory (it runs `npm pack` there), and the
// rules import repo files (../config, ../features.ts, ../teams.ts, ../monitors/kinds.ts).
// So the published pack is one bundled index.js plus the SDKs it needs at run time, which the
// CLI installs when it downloads the pack. Bundled teams.ts is a snapshot of publish time;
// stack settings (runbook base URL, paging, features, budget) come from the policy group's
// config, because a published pack has no Pulumi.<stack>.yaml to read: the bundle writes one
// config file per stack of this repo (config/<stack>.json, not part of the published package)
// for `pulumi policy enable ... --config`.
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { buildSync } from "esbuild";
import { policyConfigFor } from "./config";
import { REPO_ROOT, repoCatalog } from "./context";

const PACK_DIR = __dirname;
/** Loaded by the CLI from the downloaded pack's node_modules, never bundled. */
const RUNTIME_DEPENDENCIES = ["@pulumi/policy", "@pulumi/pulumi", "@pulumi/datadog", "@pulumiverse/sentry"];

export function bundle(outDir: string): void {
  const pkg = JSON.parse(fs.readFileSync(path.join(PACK_DIR, "package.json"), "utf8"));
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  // esbuild is a pinned dev dependency (also what tsx runs on), so the bundle is built offline.
  buildSync({
    entryPoints: [path.join(PACK_DIR, "index.ts")],
    bundle: true,
    platform: "node",
    target: "node20",
    external: RUNTIME_DEPENDENCIES,
    outfile: path.join(outDir, "index.js"),
    logLevel: "warning",
  });
  const published = {
    name: pkg.name,
    version: pkg.version,
    description: pkg.description,
    license: pkg.license,
    main: "index.js",
    // npm pack (what `pulumi policy publish` runs) uploads only these; config/ stays local.
    files: ["index.js", "PulumiPolicy.yaml"],
    dependencies: Object.fromEntries(RUNTIME_DEPENDENCIES.map((d) => [d, pkg.dependencies[d]])),
  };
  fs.writeFileSync(path.join(outDir, "package.json"), `${JSON.stringify(published, null, 2)}\n`);
  fs.copyFileSync(path.join(PACK_DIR, "PulumiPolicy.yaml"), path.join(outDir, "PulumiPolicy.yaml"));
  fs.mkdirSync(path.join(outDir, "config"));
  for (const stack of repoStacks()) {
    const catalog = repoCatalog(stack);
    if (!catalog) throw new Error(`Pulumi.${stack}.yaml does not validate; run \`npm run synth -- --stack ${stack}\` to see why`);
    fs.writeFileSync(path.join(outDir, "config", `${stack}.json`), `${JSON.stringify(policyConfigFor(catalog), null, 2)}\n`);
  }
}

/** Stacks with a Pulumi.<stack>.yaml in the repo. */
export function repoStacks(): string[] {
  return fs
    .readdirSync(REPO_ROOT)
    .map((f) => /^Pulumi\.([^.]+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

if (require.main === module) {
  const { values } = parseArgs({ options: { out: { type: "string", default: path.join(PACK_DIR, "dist") } }, strict: true });
  bundle(path.resolve(values.out!));
  console.log(
    `bundled the pack into ${values.out} (policy config per stack in ${path.join(values.out!, "config")}); publish with: cd ` +
      `${values.out} && pulumi policy publish <org>`,
  );
}
