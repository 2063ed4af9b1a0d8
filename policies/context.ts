// What a rule may know about the repository it runs from. Both the CrossGuard engine
// (cwd = policies/) and `npm run check` run inside the repo, so defaults come from the
// same files the program uses; policy config can override each of them.
import * as fs from "node:fs";
import * as path from "node:path";
import { features } from "../features";
import { teams } from "../teams";
import { readStackFile } from "../config/load";
import { type Catalog, type ValidationResult, stackConfigFromPulumi, validateCatalog } from "../config/validate";

export const REPO_ROOT = path.resolve(__dirname, "..");
export const RUNBOOKS_DIR = path.join(REPO_ROOT, "runbooks");

/**
 * Whether the pack runs inside this repository (the CrossGuard engine with
 * `--policy-pack policies`, or `npm run check`), as opposed to a published copy of the
 * pack that has no runbooks/ to look at.
 */
export function runningFromRepo(): boolean {
  return fs.existsSync(path.join(REPO_ROOT, "Pulumi.yaml"));
}

/** `urn:pulumi:<stack>::<project>::...` -> stack name. */
export function stackFromUrn(urn: string): string | undefined {
  return /^urn:pulumi:([^:]+)::/.exec(urn)?.[1];
}

const cache = new Map<string, ValidationResult>();

/**
 * The validated catalog for a stack, read from features.ts, teams.ts and Pulumi.<stack>.yaml
 * in this repo; undefined when the stack file does not exist here.
 */
export function repoCatalog(stack: string): Catalog | undefined {
  const file = path.join(REPO_ROOT, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) return undefined;
  let result = cache.get(stack);
  if (!result) {
    result = validateCatalog({ features, teams, config: stackConfigFromPulumi(readStackFile(file).config) });
    cache.set(stack, result);
  }
  return result.ok ? result.catalog : undefined;
}

/** Team ids known to the repo (teams.ts), the default for the owner rules. */
export function repoTeamIds(): string[] {
  return teams.map((t) => t.id);
}
