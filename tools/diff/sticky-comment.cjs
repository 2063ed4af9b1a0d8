// Posts the semantic diff as ONE pull-request comment and updates it on every push, instead of
// adding a new comment each time. Run by actions/github-script in .github/workflows/preview-comment.yml,
// from the base branch's checkout (plain CommonJS: github-script cannot load TypeScript). The comment is found by a hidden
// marker, so renaming the workflow or the bot does not orphan it; duplicates left by a race
// between two runs are deleted.
"use strict";

const MARKER = "<!-- llm-observability:semantic-diff -->";
/** GitHub rejects comment bodies over 65,536 characters. */
const GITHUB_LIMIT = 65536;

/**
 * @param {{ github: any, context: any, body: string, issueNumber?: number }} args github-script's `github` and
 *   `context`; `issueNumber` is required where the event is not the pull request itself (workflow_run)
 * @returns {Promise<{ action: "created" | "updated", id: number, deleted: number[] }>}
 */
async function upsertComment({ github, context, body, issueNumber }) {
  const { owner, repo } = context.repo;
  const issue_number = issueNumber ?? (context.payload.pull_request ? context.payload.pull_request.number : undefined);
  if (!Number.isInteger(issue_number) || issue_number <= 0) throw new Error("upsertComment: no pull request number");
  let text = `${MARKER}\n${body}`;
  if (text.length > GITHUB_LIMIT) {
    const note = "\n\n_… cut at GitHub's comment limit; the full diff is in the `review-preview` artifact._\n";
    text = text.slice(0, GITHUB_LIMIT - note.length) + note;
  }
  const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number, per_page: 100 });
  const ours = comments.filter((c) => typeof c.body === "string" && c.body.startsWith(MARKER));
  if (ours.length === 0) {
    const created = await github.rest.issues.createComment({ owner, repo, issue_number, body: text });
    return { action: "created", id: created.data.id, deleted: [] };
  }
  const [keep, ...extra] = ours;
  await github.rest.issues.updateComment({ owner, repo, comment_id: keep.id, body: text });
  for (const c of extra) await github.rest.issues.deleteComment({ owner, repo, comment_id: c.id });
  return { action: "updated", id: keep.id, deleted: extra.map((c) => c.id) };
}

module.exports = { upsertComment, MARKER, GITHUB_LIMIT };
