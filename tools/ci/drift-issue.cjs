// Keeps ONE open issue about drift (.github/workflows/drift.yml), run by actions/github-script
// (plain CommonJS: github-script cannot load TypeScript). The issue is found by a fixed label
// and title, so every scheduled run updates the same issue instead of opening another; when a
// later run finds no drift, it says so on the issue and closes it. Stacks whose check could not
// run are reported in the run, not in the issue: an unreachable API is not drift.
"use strict";

const LABEL = "drift";
const TITLE = "Drift: deployed monitors or dashboards differ from the code";
const MARKER = "<!-- llm-observability:drift -->";
/** GitHub rejects issue bodies over 65,536 characters. */
const GITHUB_LIMIT = 65536;

/**
 * @param {{
 *   github: any, context: any, stacks: string[], runUrl: string,
 *   reports: { stack: string, status: "clean" | "drift" | "error", summary: string }[],
 * }} args
 *   `stacks`: every stack the run checks; one without a report counts as a check that could not run
 * @returns {Promise<{ action: "created" | "updated" | "closed" | "none", number?: number, closedDuplicates: number[] }>}
 */
async function reportDrift({ github, context, stacks, reports: given, runUrl }) {
  const { owner, repo } = context.repo;
  const reports = stacks.map(
    (stack) =>
      given.find((r) => r.stack === stack) || {
        stack,
        status: "error",
        summary: `### \`${stack}\`: the drift check did not report\n\nSee the run.\n`,
      },
  );
  const issues = await github.paginate(github.rest.issues.listForRepo, { owner, repo, state: "open", labels: LABEL, per_page: 100 });
  const ours = issues.filter((i) => !i.pull_request && i.title === TITLE).sort((a, b) => a.number - b.number);
  const drifted = reports.filter((r) => r.status === "drift");
  const [keep, ...duplicates] = ours;
  const closedDuplicates = [];
  for (const d of duplicates) {
    await github.rest.issues.createComment({ owner, repo, issue_number: d.number, body: `Duplicate of #${keep.number}.` });
    await github.rest.issues.update({ owner, repo, issue_number: d.number, state: "closed", state_reason: "not_planned" });
    closedDuplicates.push(d.number);
  }

  if (drifted.length === 0) {
    if (!keep || reports.some((r) => r.status === "error")) return { action: "none", number: keep && keep.number, closedDuplicates };
    await github.rest.issues.createComment({
      owner,
      repo,
      issue_number: keep.number,
      body: `No drift any more on ${reports.map((r) => `\`${r.stack}\``).join(", ")} ([run](${runUrl})). Closing.`,
    });
    await github.rest.issues.update({ owner, repo, issue_number: keep.number, state: "closed", state_reason: "completed" });
    return { action: "closed", number: keep.number, closedDuplicates };
  }

  let body = [
    MARKER,
    `What runs no longer matches the code on ${drifted.map((r) => `\`${r.stack}\``).join(", ")}, as of [this run](${runUrl}).`,
    "This issue is updated by every scheduled drift check and closed by the first one that finds no drift.",
    "",
    ...reports.map((r) => r.summary.trim()),
  ].join("\n");
  if (body.length > GITHUB_LIMIT) {
    const note = `\n\n_… cut at GitHub's limit; the full summary is in the [run](${runUrl})._\n`;
    body = body.slice(0, GITHUB_LIMIT - note.length) + note;
  }
  if (keep) {
    await github.rest.issues.update({ owner, repo, issue_number: keep.number, body });
    return { action: "updated", number: keep.number, closedDuplicates };
  }
  // The label must exist, or GitHub drops it silently and the next run would not find this issue.
  try {
    await github.rest.issues.getLabel({ owner, repo, name: LABEL });
  } catch (e) {
    if (e.status !== 404) throw e;
    await github.rest.issues.createLabel({
      owner,
      repo,
      name: LABEL,
      color: "d93f0b",
      description: "Deployed resources differ from the code",
    });
  }
  const created = await github.rest.issues.create({ owner, repo, title: TITLE, body, labels: [LABEL] });
  return { action: "created", number: created.data.number, closedDuplicates };
}

module.exports = { reportDrift, LABEL, TITLE, MARKER, GITHUB_LIMIT };
