// Every relative link in the README and in docs/ resolves: the file (or folder) exists, and a
// `#fragment` names a heading of the target, slugged the way GitHub renders it. External links
// are not fetched (no network here).
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers";

/** `[text](target)` links of a Markdown text, outside fenced code and inline code, with their line. */
function links(markdown: string): { line: number; target: string }[] {
  const out: { line: number; target: string }[] = [];
  let fenced = false;
  markdown.split("\n").forEach((text, i) => {
    if (text.trimStart().startsWith("```")) fenced = !fenced;
    if (fenced) return;
    const prose = text.replace(/`[^`]*`/g, "");
    for (const m of prose.matchAll(/\]\(([^)\s]+)\)/g)) out.push({ line: i + 1, target: m[1] });
  });
  return out;
}

/** GitHub's heading anchor: lowercase, punctuation dropped (hyphens and underscores kept), spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/`/g, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (line.trimStart().startsWith("```")) fenced = !fenced;
    const m = !fenced && /^#{1,6}\s+(.*?)\s*$/.exec(line);
    if (m) out.add(slug(m[1]));
  }
  return out;
}

/** What is wrong with each relative link of `file` (repo-relative); empty when every one resolves. */
function brokenLinks(file: string, markdown = fs.readFileSync(path.join(ROOT, file), "utf8")): string[] {
  const problems: string[] = [];
  for (const { line, target } of links(markdown)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
    const [file_, fragment] = target.split("#", 2);
    const resolved = file_ ? path.join(path.dirname(path.join(ROOT, file)), decodeURIComponent(file_)) : path.join(ROOT, file);
    const where = `${file}:${line}: ${target}`;
    if (!fs.existsSync(resolved)) {
      problems.push(`${where}: ${path.relative(ROOT, resolved)} does not exist`);
      continue;
    }
    if (fragment === undefined) continue;
    if (!resolved.endsWith(".md")) problems.push(`${where}: a fragment on a file that is not Markdown`);
    else if (!anchors(file_ ? fs.readFileSync(resolved, "utf8") : markdown).has(fragment)) {
      problems.push(`${where}: ${path.relative(ROOT, resolved)} has no heading #${fragment}`);
    }
  }
  return problems;
}

const PAGES = [
  "README.md",
  ...fs
    .readdirSync(path.join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

describe("links in the README and docs/", () => {
  it("covers the README and every page of docs/.", () => {
    expect(PAGES).toEqual(expect.arrayContaining(["README.md", "docs/README.md", "docs/chapter.md", "docs/alerting.md"]));
  });

  it.each(PAGES)("Every relative link in %s resolves, fragments included.", (page) => {
    expect(brokenLinks(page)).toEqual([]);
  });

  it("The README stays within 200 lines.", () => {
    expect(fs.readFileSync(path.join(ROOT, "README.md"), "utf8").trimEnd().split("\n").length).toBeLessThanOrEqual(200);
  });

  it.each([
    ["a missing file", "See [x](docs/nowhere.md).", "docs/nowhere.md does not exist"],
    ["a missing heading", "See [x](docs/alerting.md#no-such-heading).", "docs/alerting.md has no heading #no-such-heading"],
    ["a missing heading of the page itself", "# Title\n\nSee [x](#other).", "README.md has no heading #other"],
  ])("would report %s.", (_, markdown, problem) => {
    expect(brokenLinks("README.md", markdown)).toEqual([expect.stringContaining(problem)]);
  });

  it.each([
    ["an external link", "See [x](https://example.com/a#b)."],
    ["a heading with code and punctuation", "# Policy pack: `npm run check`\n\n[x](#policy-pack-npm-run-check)"],
    ["a link inside inline code", "Write `[x](nowhere.md)` to link."],
  ])("would accept %s.", (_, markdown) => {
    expect(brokenLinks("README.md", markdown)).toEqual([]);
  });
});
