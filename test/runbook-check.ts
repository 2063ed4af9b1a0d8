// What a runbook must be, checked for every kind of a monitor-kind registry: the file its entry
// names exists under runbooks/ with exactly the six sections, each with real content, it names
// its `monitor:<kind>` tag, and runbooks/README.md links it. Shared by the runbook test (over the
// registry) and the monitor-kind test (over the registry plus a dummy kind).
import * as fs from "node:fs";
import * as path from "node:path";
import { RESOURCE_TAG, tag } from "../config/names";
import type { MonitorKindSpec } from "../monitors/kinds";

export const SECTIONS = ["Symptom", "Dashboards", "Checks", "Mitigation", "Escalation", "Follow-up"];

/** `## <title>` sections in order, with their text. */
export function sections(markdown: string): { title: string; body: string }[] {
  const parts = markdown.split(/^## /m).slice(1);
  return parts.map((p) => {
    const newline = p.indexOf("\n");
    return { title: p.slice(0, newline).trim(), body: p.slice(newline + 1).trim() };
  });
}

function words(text: string): number {
  return text.split(/\s+/).filter((w) => /[a-z]/i.test(w)).length;
}

/** Every problem with the runbooks of these kinds in `dir`; empty when each is complete. */
export function runbookProblems(kinds: readonly MonitorKindSpec[], dir: string): string[] {
  const problems: string[] = [];
  const readmeFile = path.join(dir, "README.md");
  const readme = fs.existsSync(readmeFile) ? fs.readFileSync(readmeFile, "utf8") : "";
  for (const { kind, runbook } of kinds) {
    const file = path.join(dir, runbook);
    if (!fs.existsSync(file)) {
      problems.push(`${kind}: runbooks/${runbook} does not exist`);
      continue;
    }
    const text = fs.readFileSync(file, "utf8");
    const found = sections(text);
    if (found.map((s) => s.title).join() !== SECTIONS.join())
      problems.push(`${kind}: runbooks/${runbook} has sections ${found.map((s) => s.title).join(", ")}, not ${SECTIONS.join(", ")}`);
    if (/lorem|ipsum|TODO|TBD|FIXME/i.test(text)) problems.push(`${kind}: runbooks/${runbook} has placeholder text`);
    if (!text.includes(tag(RESOURCE_TAG.monitor, kind))) problems.push(`${kind}: runbooks/${runbook} does not name its monitor tag`);
    for (const s of found) if (words(s.body) < 30) problems.push(`${kind}: runbooks/${runbook} section ${s.title} has under 30 words`);
    if (!readme.includes(`[${runbook}](${runbook})`)) problems.push(`${kind}: runbooks/README.md does not link ${runbook}`);
  }
  return problems;
}
