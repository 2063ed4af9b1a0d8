// Where the offline tools may write and what they may delete. Every CLI that replaces a
// directory (synth's out/<stack>/, diff's --html-dir, the snapshots, the policy bundle) goes
// through here, so that a stack name, a flag or a symlink can never make one delete or write
// outside the output root, and no tool ever replaces a directory it did not create.
import * as fs from "node:fs";
import * as path from "node:path";
import { stackNameProblem } from "../config/names";

/** Written into every directory a tool creates; its presence is what lets a later run replace it. */
export const OWNER_MARK = ".llm-observability-output";

export class OutputPathError extends Error {}

/** Pulumi's rule for a stack name lives with the other naming conventions; the tools re-export it. */
export { stackNameProblem };

/** Throws OutputPathError unless `name` is a valid Pulumi stack name. */
export function assertStackName(name: string, flag = "--stack"): string {
  const problem = stackNameProblem(name);
  if (problem) throw new OutputPathError(`${flag} ${JSON.stringify(name)}: ${problem}`);
  return name;
}

/**
 * `rel` resolved under `root`. Refuses an absolute path, any `..` segment, the root itself, and
 * an existing symlink anywhere between the root and the target (a symlink could point anywhere).
 */
export function resolveUnder(root: string, rel: string): string {
  if (rel === "" || path.isAbsolute(rel) || /^[A-Za-z]:/.test(rel))
    throw new OutputPathError(`${JSON.stringify(rel)} is not a relative path`);
  const segments = rel.split(/[\\/]+/).filter((s) => s !== "" && s !== ".");
  if (segments.length === 0) throw new OutputPathError(`${JSON.stringify(rel)} names the output root itself`);
  if (segments.includes("..")) throw new OutputPathError(`${JSON.stringify(rel)} leaves the output root ${root}`);
  const absRoot = path.resolve(root);
  let current = absRoot;
  for (const segment of segments) {
    current = path.join(current, segment);
    if (isSymlink(current)) throw new OutputPathError(`${current} is a symbolic link; refusing to write through it`);
  }
  return current;
}

function isSymlink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

export interface OutputFile {
  /** Relative to the directory, `/`-separated. */
  path: string;
  content: string | Buffer;
}

export interface ReplaceOptions {
  /** Named in refusals: `synth`, `diff`, ... */
  tool: string;
  /**
   * Whether a file (path relative to the directory) is one this tool writes. A directory without
   * the owner mark is still replaced when every file in it passes: the output of a version from
   * before the mark, or a committed directory such as snapshots/<stack>/.
   */
  owns: (relPath: string) => boolean;
  /** Write the owner mark (default true; false for committed directories). */
  mark?: boolean;
  /** A line added to the mark: synth names the checkout that wrote the plans (tools/plan-inputs.ts). */
  markNote?: string;
}

/**
 * Replaces `dir` with exactly `files`, atomically enough that a failed run leaves the old
 * directory in place: the new content is written into a fresh sibling, then swapped in.
 * Refuses a `dir` that is a symlink, contains one, or holds anything this tool did not write.
 */
export function replaceOwnedDir(dir: string, files: OutputFile[], opts: ReplaceOptions): void {
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  if (target === parent) throw new OutputPathError(`${opts.tool}: refusing to replace the filesystem root`);
  assertReplaceable(target, opts);
  fs.mkdirSync(parent, { recursive: true });
  const staging = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}.new-`));
  try {
    for (const f of files) {
      const file = resolveUnder(staging, f.path);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, f.content);
    }
    if (opts.mark !== false) {
      fs.writeFileSync(
        path.join(staging, OWNER_MARK),
        `Written by \`npm run ${opts.tool}\`, which replaces this directory on every run.\n${opts.markNote ? `${opts.markNote}\n` : ""}`,
      );
    }
    if (fs.existsSync(target)) {
      // Checked again right before the swap: the directory may have changed while we wrote.
      assertReplaceable(target, opts);
      const old = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}.old-`));
      fs.renameSync(target, path.join(old, "d"));
      fs.renameSync(staging, target);
      fs.rmSync(old, { recursive: true, force: true });
    } else {
      fs.renameSync(staging, target);
    }
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}

/** Throws unless `dir` is absent, an empty directory, marked as ours, or holds only files we write. */
export function assertReplaceable(dir: string, opts: Pick<ReplaceOptions, "tool" | "owns">): void {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(dir);
  } catch {
    return;
  }
  if (stat.isSymbolicLink()) throw new OutputPathError(`${opts.tool}: ${dir} is a symbolic link; refusing to replace it`);
  if (!stat.isDirectory()) throw new OutputPathError(`${opts.tool}: ${dir} exists and is not a directory; refusing to replace it`);
  const entries = listTree(dir);
  const links = entries.filter((e) => e.symlink);
  if (links.length) throw new OutputPathError(`${opts.tool}: ${dir} contains a symbolic link (${links[0].path}); refusing to replace it`);
  if (entries.some((e) => e.path === OWNER_MARK && !e.dir)) return;
  const foreign = entries.filter((e) => !e.dir && !opts.owns(e.path));
  if (foreign.length) {
    const shown = foreign
      .slice(0, 3)
      .map((e) => e.path)
      .join(", ");
    throw new OutputPathError(
      `${opts.tool}: ${dir} was not written by ${opts.tool} (it holds ` +
        `${shown}${foreign.length > 3 ? `, and ${foreign.length - 3} more` : ""}); ` +
        "refusing to replace it. Choose another output directory, or remove it yourself.",
    );
  }
}

function listTree(dir: string, rel = ""): { path: string; dir: boolean; symlink: boolean }[] {
  const out: { path: string; dir: boolean; symlink: boolean }[] = [];
  for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isSymbolicLink()) out.push({ path: p, dir: false, symlink: true });
    else if (entry.isDirectory()) out.push({ path: p, dir: true, symlink: false }, ...listTree(dir, p));
    else out.push({ path: p, dir: false, symlink: false });
  }
  return out;
}
