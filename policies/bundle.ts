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
import { buildSync } from "esbuild";
import { consoleIo, parseCli } from "../tools/cli";
import { OutputPathError, replaceOwnedDir } from "../tools/paths";
import { policyConfigFor } from "./config";
import { repoCatalog, repoStacks } from "./context";

export { repoStacks };

const PACK_DIR = __dirname;
/** Loaded by the CLI from the downloaded pack's node_modules, never bundled. */
const RUNTIME_DEPENDENCIES = ["@pulumi/policy", "@pulumi/pulumi", "@pulumi/datadog", "@pulumiverse/sentry"];

/** What the bundle writes: a directory holding only these (or marked as ours) may be replaced. */
export function isBundleFile(relPath: string): boolean {
  return /^(index\.js|package\.json|PulumiPolicy\.yaml|config\/[^/]+\.json)$/.test(relPath);
}

export function bundle(outDir: string): void {
  const pkg = JSON.parse(fs.readFileSync(path.join(PACK_DIR, "package.json"), "utf8"));
  // esbuild is a pinned dev dependency (also what tsx runs on), so the bundle is built offline.
  const built = buildSync({
    entryPoints: [path.join(PACK_DIR, "index.ts")],
    bundle: true,
    platform: "node",
    target: "node20",
    external: RUNTIME_DEPENDENCIES,
    outfile: path.join(outDir, "index.js"),
    write: false,
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
  const files = [
    { path: "index.js", content: Buffer.from(built.outputFiles[0].contents) },
    { path: "package.json", content: `${JSON.stringify(published, null, 2)}\n` },
    { path: "PulumiPolicy.yaml", content: fs.readFileSync(path.join(PACK_DIR, "PulumiPolicy.yaml")) },
  ];
  for (const stack of repoStacks()) {
    const catalog = repoCatalog(stack);
    if (!catalog) throw new Error(`Pulumi.${stack}.yaml does not validate; run \`npm run synth -- --stack ${stack}\` to see why`);
    files.push({ path: `config/${stack}.json`, content: `${JSON.stringify(policyConfigFor(catalog), null, 2)}\n` });
  }
  // Replaces only a directory the bundle wrote (tools/paths.ts): `--out ..` cannot empty the repository.
  replaceOwnedDir(outDir, files, { tool: "bundle", owns: isBundleFile });
}

export const BUNDLE_USAGE = `usage: npx tsx policies/bundle.ts [--out policies/dist]

Bundles the policy pack for \`pulumi policy publish\`, with a policy config per stack.

  --out <dir>           where the bundle goes (default: policies/dist); replaced only if the bundle wrote it
  -h, --help            print this help

Exit codes: 0 written, 1 failed, 2 bad usage or an output directory it did not write.`;

if (require.main === module) {
  const parsed = parseCli(
    { command: "bundle", usage: BUNDLE_USAGE, options: { out: { type: "string", default: path.join(PACK_DIR, "dist") } } as const },
    process.argv.slice(2),
    consoleIo,
    (values) => values.out!,
  );
  if (!parsed.ok) process.exit(parsed.code);
  const out = parsed.value;
  try {
    bundle(path.resolve(out));
  } catch (e) {
    if (!(e instanceof OutputPathError)) throw e;
    console.error(e.message);
    process.exit(2);
  }
  console.log(
    `bundled the pack into ${out} (policy config per stack in ${path.join(out, "config")}); publish with: cd ${out} && pulumi ` +
      `policy publish <org>`,
  );
}
