// The user's catalog: the repository's own features.ts, teams.ts and Pulumi.<stack>.yaml, which
// users edit freely. Only the tests in test/catalog/ read it (import this module), and they check
// what holds for ANY valid catalog, never its numbers; tests that pin numbers use the fixture
// catalogs of test/fixtures/. test/catalog-swap.test.ts proves it: it runs test/catalog/ in a copy
// of the repository whose catalog is a different, generated one.
import * as fs from "node:fs";
import * as path from "node:path";
import { readStackFile } from "../../config/load";
import type { FeatureInput, TeamInput } from "../../config/schema";
import { type Catalog, loadCatalog, stackConfigFromPulumi } from "../../config/validate";
import { features } from "../../features";
import { teams } from "../../teams";
import { snapshotSources } from "../../tools/snapshots";
import { synth, type SynthResult } from "../../tools/synth";

export const REPO = path.resolve(__dirname, "..", "..");

/** The stacks the user defines: every Pulumi.<stack>.yaml at the root of the repository. */
export const USER_STACKS: readonly string[] = fs
  .readdirSync(REPO)
  .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
  .filter((s): s is string => s !== undefined)
  .sort();

export function userFeatures(): FeatureInput[] {
  return structuredClone(features);
}
export function userTeams(): TeamInput[] {
  return structuredClone(teams);
}

export function userStackFile(stack: string): string {
  return path.join(REPO, `Pulumi.${stack}.yaml`);
}

export function userCatalog(stack: string): Catalog {
  return loadCatalog({
    features: userFeatures(),
    teams: userTeams(),
    config: stackConfigFromPulumi(readStackFile(userStackFile(stack)).config),
  });
}

const synths = new Map<string, Promise<SynthResult>>();

/**
 * What `npm run synth -- --stack <stack>` (and `npm run snapshots`) render from the user's files,
 * by the same function with the same files, once per stack per test file: plan, validated catalog
 * and artifacts.
 */
export function userSynth(stack: string): Promise<SynthResult> {
  let result = synths.get(stack);
  if (!result) synths.set(stack, (result = synth(snapshotSources(stack))));
  return result;
}
