// The GitHub API half of the trusted review (.github/workflows/preview-comment.yml), run by
// actions/github-script from the default branch's checkout. It identifies the pull request
// from what GitHub itself reports about the finished run (never from the artifact), and
// fetches the run's `pr-plans` artifact as an opaque zip, refusing it above a size cap before
// downloading a byte. tools/ci/pr-plans.ts then reads the zip as data.
"use strict";

const fs = require("node:fs");

const ARTIFACT = "pr-plans";
/** Same cap as tools/ci/pr-plans.ts ARTIFACT_LIMITS.maxArchiveBytes. */
const MAX_ARTIFACT_BYTES = 32 * 1024 * 1024;

/**
 * The open pull request whose head is exactly the commit the run was for. `workflow_run.pull_requests`
 * is empty for pull requests from forks, so the head repository's owner and branch, as GitHub reports
 * them for the run, select the candidates, and the head commit must match.
 * @param {{ github: any, context: any, headSha: string, headOwner: string, headBranch: string }} args
 * @returns {Promise<{ number: number, baseRef: string } | undefined>} undefined when a newer push superseded the run
 */
async function findPullRequest({ github, context, headSha, headOwner, headBranch }) {
  const { owner, repo } = context.repo;
  const pulls = await github.paginate(github.rest.pulls.list, {
    owner,
    repo,
    state: "open",
    head: `${headOwner}:${headBranch}`,
    per_page: 100,
  });
  const match = pulls.find((p) => p.head && p.head.sha === headSha);
  if (!match) return undefined;
  return { number: match.number, baseRef: match.base.ref };
}

/**
 * Saves the run's `pr-plans` artifact to `dest` as a zip, unopened.
 * @param {{ github: any, context: any, runId: number, dest: string }} args
 * @returns {Promise<{ ok: true, bytes: number } | { ok: false, reason: string }>}
 */
async function downloadPlans({ github, context, runId, dest }) {
  const { owner, repo } = context.repo;
  const artifacts = await github.paginate(github.rest.actions.listWorkflowRunArtifacts, { owner, repo, run_id: runId, per_page: 100 });
  const found = artifacts.filter((a) => a.name === ARTIFACT && !a.expired);
  if (found.length !== 1) return { ok: false, reason: `the run has ${found.length} artifacts named ${ARTIFACT}` };
  const [artifact] = found;
  if (!(artifact.size_in_bytes <= MAX_ARTIFACT_BYTES)) {
    return { ok: false, reason: `${ARTIFACT} is ${artifact.size_in_bytes} bytes, over the cap of ${MAX_ARTIFACT_BYTES}` };
  }
  const response = await github.rest.actions.downloadArtifact({ owner, repo, artifact_id: artifact.id, archive_format: "zip" });
  const data = Buffer.from(response.data);
  if (data.length > MAX_ARTIFACT_BYTES) return { ok: false, reason: `${ARTIFACT} downloaded as ${data.length} bytes, over the cap` };
  fs.writeFileSync(dest, data);
  return { ok: true, bytes: data.length };
}

module.exports = { findPullRequest, downloadPlans, ARTIFACT, MAX_ARTIFACT_BYTES };
