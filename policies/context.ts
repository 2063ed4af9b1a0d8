// What a rule may know about the repository it runs from. Both the CrossGuard engine
// (`pulumi preview --policy-pack policies`, cwd = policies/) and `npm run check` run inside the
// repo, so a stack's settings come from the same files the program uses: features.ts, teams.ts
// and Pulumi.<stack>.yaml, the stack named by the resources' URNs. A published copy of the pack
// (policies/bundle.ts) has no repo around it; there the settings come from policy config.
import * as fs from "node:fs";
import * as path from "node:path";
import { features } from "../features";
import { teams } from "../teams";
import { readStackFile } from "../config/load";
import { ConfigError, formatProblem } from "../config/errors";
import { type Catalog, stackConfigFromPulumi, validateCatalog } from "../config/validate";

export const REPO_ROOT = path.resolve(__dirname, "..");
export const RUNBOOKS_DIR = path.join(REPO_ROOT, "runbooks");

/**
 * Whether the pack runs inside this repository (the CrossGuard engine with
 * `--policy-pack policies`, or `npm run check`), as opposed to a published copy of the pack
 * that has no stack files or runbooks/ to look at.
 */
export function runningFromRepo(): boolean {
  return fs.existsSync(path.join(REPO_ROOT, "Pulumi.yaml"));
}

/** `urn:pulumi:<stack>::<project>::...` -> stack name. */
export function stackFromUrn(urn: string): string | undefined {
  return /^urn:pulumi:([^:]+)::/.exec(urn)?.[1];
}

/**
 * Pulumi's rule for a stack name: `tokens.ParseStackName` in pulumi/pulumi v3.248.0,
 * sdk/go/common/tokens/stack_name.go (alphanumerics, hyphens, underscores or periods, 1-100
 * characters). A URN is data from the plan, so its stack name is checked before it becomes part
 * of a file name here; "." and ".." pass Pulumi's rule but never name a stack file of this repo.
 */
const STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/** Stacks with a Pulumi.<stack>.yaml in the repo. */
export function repoStacks(): string[] {
  return fs
    .readdirSync(REPO_ROOT)
    .map((f) => /^Pulumi\.([^.]+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/** A stack's validated catalog, or why this repository cannot give one. */
export type RepoStack = { ok: true; catalog: Catalog } | { ok: false; file: string; reason: string };

const cache = new Map<string, RepoStack>();

/**
 * The validated catalog of a stack, read from features.ts, teams.ts and Pulumi.<stack>.yaml in
 * this repo, or the reason there is none: the stack file is missing, unreadable or invalid.
 */
export function repoStack(stack: string): RepoStack {
  const cached = cache.get(stack);
  if (cached) return cached;
  const result = readRepoStack(stack);
  cache.set(stack, result);
  return result;
}

function readRepoStack(stack: string): RepoStack {
  const file = path.join(REPO_ROOT, `Pulumi.${stack}.yaml`);
  if (!STACK_NAME.test(stack) || stack === "." || stack === "..") {
    return { ok: false, file, reason: `"${stack}" is not a Pulumi stack name (letters, digits, "-", "_", "." only)` };
  }
  if (!fs.existsSync(file)) {
    return {
      ok: false,
      file,
      reason: `there is no Pulumi.${stack}.yaml in ${REPO_ROOT} (stacks here: ${repoStacks().join(", ") || "none"})`,
    };
  }
  let config: Record<string, string>;
  try {
    config = readStackFile(file).config;
  } catch (e) {
    const problems = e instanceof ConfigError ? e.problems.map(formatProblem).join("; ") : (e as Error).message;
    return { ok: false, file, reason: `Pulumi.${stack}.yaml cannot be read: ${problems}` };
  }
  const result = validateCatalog({ features, teams, config: stackConfigFromPulumi(config) });
  if (result.ok) return result;
  return {
    ok: false,
    file,
    reason:
      `the catalog of stack "${stack}" (features.ts, teams.ts, Pulumi.${stack}.yaml) does not validate: ` +
      result.problems.map(formatProblem).join("; "),
  };
}

/** The validated catalog for a stack; undefined when the stack file is missing or invalid here. */
export function repoCatalog(stack: string): Catalog | undefined {
  const result = repoStack(stack);
  return result.ok ? result.catalog : undefined;
}

/** Team ids known to the repo (teams.ts), the default for the owner rules. */
export function repoTeamIds(): string[] {
  return teams.map((t) => t.id);
}
