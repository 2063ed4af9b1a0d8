// Runbooks: one per monitor kind with the six sections and real content, every runbook
// link in every monitor message resolves to such a file, and the chapter's procedures and
// postmortem questions are there.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { buildMonitors } from "../monitors";
import { POSTMORTEM_TEMPLATE } from "../monitors/frame";
import { kindSpec, MONITOR_KINDS } from "../monitors/kinds";
import { ROOT } from "./helpers";
import { legalCatalog, LEGAL_STACKS } from "./fixtures/legal";
import { runbookProblems, SECTIONS, sections } from "./runbook-check";

const RUNBOOKS = path.join(ROOT, "runbooks");

function read(file: string): string {
  return fs.readFileSync(path.join(RUNBOOKS, file), "utf8");
}

describe("one runbook per monitor kind of the registry", () => {
  it.each(MONITOR_KINDS.map((k) => ({ kind: k.kind, file: k.runbook, spec: k })))(
    "The $kind runbook $file has exactly the six sections, each with real content, names its monitor tag and is linked from the README.",
    ({ spec }) => {
      expect(runbookProblems([spec], RUNBOOKS)).toEqual([]);
    },
  );

  it("The runbooks README links the postmortem template.", () => {
    expect(read("README.md")).toContain(`(${POSTMORTEM_TEMPLATE})`);
  });
});

describe("every link in every monitor resolves", () => {
  const links = LEGAL_STACKS.flatMap((stack) => {
    const catalog = legalCatalog(stack);
    const base = catalog.stack.runbookBaseUrl;
    return buildMonitors(catalog).flatMap((m) =>
      [...m.body.message.matchAll(new RegExp(`${base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/([\\w./-]+\\.md)`, "g"))].map((match) => ({
        stack,
        id: m.id,
        kind: m.kind,
        file: match[1],
      })),
    );
  });

  it("Every monitor of the legal fixture links at least its own runbook.", () => {
    for (const stack of LEGAL_STACKS) {
      for (const m of buildMonitors(legalCatalog(stack))) {
        expect(links.filter((l) => l.stack === stack && l.id === m.id).map((l) => l.file)).toContain(
          kindSpec(MONITOR_KINDS, m.kind)?.runbook,
        );
      }
    }
  });

  it.each(links)("The $stack monitor $id links $file, which exists with all six sections (or is the postmortem template).", ({ file }) => {
    expect(fs.existsSync(path.join(RUNBOOKS, file))).toBe(true);
    if (file !== POSTMORTEM_TEMPLATE) expect(sections(read(file)).map((s) => s.title)).toEqual(SECTIONS);
  });
});

describe("the chapter's procedures", () => {
  it.each([
    { file: "cost-budget.md", steps: ["kill switch", "Identify the tenant", "page the tenant's CSM"] },
    { file: "quality-drop.md", steps: ["Revert the most recent prompt change", "open an investigation", "eval set"] },
    { file: "provider-outage.md", steps: ["Verify failover", "Communicate status", "Monitor recovery"] },
    { file: "retrieval-slow.md", steps: ["IVFFlat list count", "Rebuild if drift is detected", "rows / 1000"] },
  ])("$file carries the chapter's steps.", ({ file, steps }) => {
    const text = read(file);
    for (const step of steps) expect(text).toContain(step);
  });

  it("The postmortem template is blameless and asks every question of the chapter.", () => {
    const text = read(POSTMORTEM_TEMPLATE);
    expect(text).toMatch(/blameless/i);
    for (const heading of [
      "What happened",
      "When",
      "How it was detected",
      "Customer impact",
      "Root cause",
      "What fixed it",
      "What would have caught it earlier",
      "Action items",
    ]) {
      expect(text).toContain(`## ${heading}`);
    }
    expect(text).toContain("without naming individuals");
    expect(text).toContain("48 hours");
    for (const item of ["New eval cases", "New or changed alert", "New or changed runbook"]) expect(text).toContain(item);
  });
});
