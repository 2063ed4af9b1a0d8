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
import { stackNameProblem } from "../config/names";
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
 * A repository as the rules see it: its root (where Pulumi.<stack>.yaml live) and its catalog.
 * The pack reads this one (THIS_REPO); the tests read a fixture repository the same way.
 */
export interface Repo {
  root: string;
  features: unknown;
  teams: unknown;
}

export const THIS_REPO: Repo = { root: REPO_ROOT, features, teams };

/** Stacks with a Pulumi.<stack>.yaml in the repo. */
export function repoStacks(): string[] {
  return stacksOf(THIS_REPO);
}

export function stacksOf(repo: Repo): string[] {
  return fs
    .readdirSync(repo.root)
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
  const result = readStack(THIS_REPO, stack);
  cache.set(stack, result);
  return result;
}

/** What repoStack says of `stack` in `repo`, read afresh. */
export function readStack(repo: Repo, stack: string): RepoStack {
  const file = path.join(repo.root, `Pulumi.${stack}.yaml`);
  // A URN is data from the plan: its stack name is checked before it becomes part of a file name here.
  const problem = stackNameProblem(stack);
  if (problem) {
    return { ok: false, file, reason: `"${stack}" is not a Pulumi stack name (${problem})` };
  }
  if (!fs.existsSync(file)) {
    return {
      ok: false,
      file,
      reason: `there is no Pulumi.${stack}.yaml in ${repo.root} (stacks here: ${stacksOf(repo).join(", ") || "none"})`,
    };
  }
  let config: Record<string, string>;
  try {
    config = readStackFile(file).config;
  } catch (e) {
    const problems = e instanceof ConfigError ? e.problems.map(formatProblem).join("; ") : (e as Error).message;
    return { ok: false, file, reason: `Pulumi.${stack}.yaml cannot be read: ${problems}` };
  }
  const result = validateCatalog({ features: repo.features, teams: repo.teams, config: stackConfigFromPulumi(config) });
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
