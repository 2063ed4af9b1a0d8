// The GitHub workflows cannot run here, so they are checked offline, and every trust boundary of
// docs/review.md "CI and its trust boundaries" is asserted, so that a later edit cannot quietly undo it:
// pull-request code never runs where a deploy secret is; the real preview waits for a
// maintainer; the sticky comment is written by the base branch's code from plan files; only
// main deploys and checks drift; checkouts keep no credentials; every action is pinned by SHA.
// The CommonJS helpers the workflows call are exercised against an in-memory fake of the API.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT } from "./helpers";

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  name?: string;
  needs?: string | string[];
  if?: string;
  environment?: string | { name: string };
  permissions?: Record<string, string> | string;
  env?: Record<string, string>;
  outputs?: Record<string, string>;
  strategy?: { matrix?: Record<string, unknown> };
  steps: Step[];
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  concurrency?: unknown;
  jobs: Record<string, Job>;
}

const DIR = path.join(ROOT, ".github", "workflows");
const WORKFLOWS = fs
  .readdirSync(DIR)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
const read = (file: string) => fs.readFileSync(path.join(DIR, file), "utf8");
const load = (file: string) => parse(read(file)) as Workflow;
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps);
const jobsOf = (file: string) => Object.entries(load(file).jobs);
const stacks = fs
  .readdirSync(ROOT)
  .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
  .filter((s): s is string => Boolean(s))
  .sort();
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
};

/** The secrets table of docs/review.md: rows whose first cell is a backticked NAME. */
function documentedSecrets(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, "docs", "review.md"), "utf8");
  return [...readme.matchAll(/^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|/gm)].map((m) => m[1]);
}

/** Secrets a job can see, other than the GITHUB_TOKEN every job gets: the deploy credentials. */
function credentialsOf(job: Job): string[] {
  const text = JSON.stringify({ env: job.env, steps: job.steps });
  return [...new Set([...text.matchAll(/secrets\.([A-Za-z0-9_]+)/g)].map((m) => m[1]))].filter((s) => s !== "GITHUB_TOKEN").sort();
}

const environmentOf = (job: Job) => (typeof job.environment === "object" ? job.environment.name : job.environment);
const MAIN_ONLY = "github.ref == 'refs/heads/main'";
const checkouts = (job: Job) => job.steps.filter((s) => s.uses?.startsWith("actions/checkout@"));

describe("every workflow", () => {
  it("the repository has the workflows docs/review.md describes.", () => {
    expect(WORKFLOWS).toEqual(["deploy.yml", "drift.yml", "preview-comment.yml", "preview.yml"]);
  });

  it.each(WORKFLOWS)("%s parses, and every npm script it runs exists in package.json.", (file) => {
    const w = load(file);
    expect(Object.keys(w.jobs).length).toBeGreaterThan(0);
    const used = steps(w).flatMap((s) =>
      [...(s.run ?? "").matchAll(/\bnpm (?:run(?:-script)?\s+([\w:-]+)|(test|start)\b)/g)].map((m) => m[1] ?? m[2]),
    );
    for (const name of used) expect(Object.keys(pkg.scripts), `npm run ${name}`).toContain(name);
    for (const s of steps(w)) {
      for (const script of (s.run ?? "").match(/tools\/[\w/.-]+\.(?:ts|cjs)/g) ?? [])
        expect(fs.existsSync(path.join(ROOT, script)), script).toBe(true);
      for (const script of String(s.with?.script ?? "").match(/tools\/[\w/.-]+\.cjs/g) ?? [])
        expect(fs.existsSync(path.join(ROOT, script)), script).toBe(true);
    }
  });

  it.each(WORKFLOWS)("%s uses only secrets that docs/review.md documents.", (file) => {
    const used = [...new Set([...read(file).matchAll(/\bsecrets\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]))].sort();
    const documented = documentedSecrets();
    expect(
      used.filter((s) => !documented.includes(s)),
      "secrets missing from the secrets table of docs/review.md",
    ).toEqual([]);
  });

  it.each(WORKFLOWS)("%s pins every action to a full commit SHA with its release tag in a comment, the same pin everywhere.", (file) => {
    const lines = read(file)
      .split("\n")
      .filter((l) => /^\s*(-\s+)?uses:/.test(l));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^\s*(-\s+)?uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it("pins each action to one SHA and tag across all workflows.", () => {
    const pins = new Map<string, Set<string>>();
    for (const file of WORKFLOWS) {
      for (const m of read(file).matchAll(/uses: ([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) # (v[\d.]+)/g)) {
        pins.set(m[1], new Set([...(pins.get(m[1]) ?? []), `${m[2]} ${m[3]}`]));
      }
    }
    for (const [action, versions] of pins) expect([...versions], action).toHaveLength(1);
  });

  it.each(WORKFLOWS)("%s checks out with persist-credentials: false, so no later step can read the token from .git.", (file) => {
    for (const [name, job] of jobsOf(file)) {
      for (const c of checkouts(job)) expect(c.with?.["persist-credentials"], `${name}`).toBe(false);
    }
  });

  it.each(WORKFLOWS)(
    "%s never expands an expression inside a shell script or github-script source (values arrive through env).",
    (file) => {
      for (const s of steps(load(file))) {
        expect(s.run ?? "", s.name ?? s.uses).not.toContain("${{");
        expect(String(s.with?.script ?? ""), s.name ?? s.uses).not.toContain("${{");
      }
    },
  );

  it.each(WORKFLOWS)(
    "%s limits its token: permissions at the top, never write-all, and no job widens them beyond what it names.",
    (file) => {
      const w = load(file);
      expect(w.permissions, "top-level permissions").toBeDefined();
      expect(read(file)).not.toMatch(/write-all|read-all/);
      const allowedWrites = new Set(["pull-requests", "issues"]);
      for (const [name, job] of Object.entries(w.jobs)) {
        const perms = (job.permissions ?? w.permissions) as Record<string, string>;
        expect(typeof perms, name).toBe("object");
        for (const [scope, level] of Object.entries(perms)) {
          if (level === "write") expect(allowedWrites.has(scope), `${name}: ${scope}: write`).toBe(true);
          else expect(level, `${name}: ${scope}`).toBe("read");
        }
      }
    },
  );

  it.each(WORKFLOWS)(
    "%s gives deploy credentials only to jobs in a protected environment, which install without scripts or cache.",
    (file) => {
      for (const [name, job] of jobsOf(file)) {
        if (credentialsOf(job).length === 0) continue;
        expect(environmentOf(job), `${name} holds ${credentialsOf(job).join(", ")}`).toBeDefined();
        const runs = job.steps.map((s) => s.run ?? "").join("\n");
        expect(runs, name).toMatch(/^npm ci --ignore-scripts$/m);
        expect(runs, name).not.toMatch(/^npm ci$/m);
        for (const s of job.steps.filter((x) => x.uses?.startsWith("actions/setup-node@"))) {
          expect(s.with?.cache, name).toBeUndefined();
          expect(s.with?.["package-manager-cache"], name).toBe(false);
        }
        // A job holding credentials never writes to the repository, pull requests or issues.
        expect(Object.values((job.permissions ?? load(file).permissions) as Record<string, string>)).not.toContain("write");
      }
    },
  );

  it.each(WORKFLOWS)("%s skips every step after the secrets check cleanly when a Pulumi or provider secret is missing.", (file) => {
    for (const [name, job] of jobsOf(file)) {
      if (credentialsOf(job).length === 0) continue;
      const gate = job.steps[0];
      expect(gate.id, `${name}: the first step checks the secrets`).toBe("gate");
      for (const secret of credentialsOf(job)) expect(gate.run, `${name}: gate checks ${secret}`).toMatch(new RegExp(`\\b${secret}\\b`));
      expect(gate.run).toContain('echo "ready=false" >> "$GITHUB_OUTPUT"');
      expect(gate.run).toContain("::notice");
      for (const s of job.steps.slice(1)) expect(s.if, `${name}: ${s.name ?? s.uses ?? s.run}`).toBe("steps.gate.outputs.ready == 'true'");
    }
  });

  it.each(WORKFLOWS)("%s runs the Pulumi CLI of the SDK's own version.", (file) => {
    for (const s of steps(load(file)).filter((x) => x.uses?.startsWith("pulumi/actions@"))) {
      expect(String(s.with?.["pulumi-version"])).toBe(pkg.dependencies["@pulumi/pulumi"]);
    }
  });

  it("no workflow runs on pull_request_target, which hands the base repository's secrets to a pull request's run.", () => {
    for (const file of WORKFLOWS) expect(Object.keys(load(file).on), file).not.toContain("pull_request_target");
  });

  it("a workflow that runs pull-request code holds no deploy credential outside the approval-gated preview environment.", () => {
    for (const file of WORKFLOWS.filter((f) => "pull_request" in load(f).on)) {
      for (const [name, job] of jobsOf(file)) {
        if (credentialsOf(job).length) expect(environmentOf(job), `${file}: ${name}`).toBe("preview");
      }
    }
  });
});

describe("preview.yml (pull-request code, untrusted)", () => {
  const w = load("preview.yml");
  const review = w.jobs.review;
  const runs = review.steps.map((s) => s.run ?? "").join("\n");

  it("runs only on pull requests, with a read-only token.", () => {
    expect(Object.keys(w.on)).toEqual(["pull_request"]);
    expect(w.permissions).toEqual({ contents: "read" });
    for (const [name, job] of Object.entries(w.jobs)) expect(job.permissions, name).toEqual({ contents: "read" });
  });

  it("tests, synthesizes and checks every stack with no secret at all.", () => {
    expect(credentialsOf(review)).toEqual([]);
    expect(JSON.stringify(review)).not.toMatch(/secrets\./);
    expect(environmentOf(review)).toBeUndefined();
    expect(runs).toMatch(/^npm ci$/m);
    expect(runs).toMatch(/^npm test$/m);
    const synth = review.steps.find((s) => /npm run synth/.test(s.run ?? ""))!.run!;
    const check = review.steps.find((s) => /npm run check/.test(s.run ?? ""))!.run!;
    for (const loop of [synth, check])
      expect(loop).toMatch(new RegExp(`for stack in (${stacks.join(" ")}|${[...stacks].reverse().join(" ")});`));
    expect(synth).toContain('npm run synth -- --stack "$stack"');
    expect(check).toContain('npm run check -- --plan "out/$stack/plan.json"');
  });

  it("uploads each stack's plan and the review commits as the pr-plans artifact, before the checks can fail, and never comments.", () => {
    const i = review.steps.findIndex((s) => s.uses?.startsWith("actions/upload-artifact@") && s.with?.name === "pr-plans");
    expect(i).toBeGreaterThan(0);
    const upload = review.steps[i];
    expect(String(upload.with!.path).split("\n").filter(Boolean).sort()).toEqual(
      ["out/review.json", ...stacks.map((s) => `out/${s}/plan.json`), "out/scenarios/"].sort(),
    );
    // The scenario files travel as data: copied, never run, before the upload.
    const copy = review.steps.findIndex((s) => /out\/scenarios/.test(s.run ?? ""));
    expect(copy).toBeGreaterThan(0);
    expect(copy).toBeLessThan(i);
    expect(review.steps[copy].run).toMatch(
      /^mkdir -p out\/scenarios\nfind scenarios -maxdepth 1 -type f .* -exec cp \{\} out\/scenarios\/ \\;\n$/,
    );
    expect(upload.with!["if-no-files-found"]).toBe("error");
    expect(review.steps.findIndex((s) => /npm run check/.test(s.run ?? ""))).toBeGreaterThan(i);
    expect(review.steps.findIndex((s) => s.run === "npm test")).toBeGreaterThan(i);
    const describe = review.steps.find((s) => /out\/review\.json/.test(s.run ?? ""))!;
    expect(describe.env).toEqual({ HEAD_SHA: "${{ github.event.pull_request.head.sha }}" });
    expect(describe.run).toContain('"$(git rev-parse HEAD^1)" "$HEAD_SHA"');
    expect(describe.run).toContain(`"stacks":[${stacks.map((s) => `"${s}"`).join(",")}]`);
    expect(checkouts(review)[0].with).toMatchObject({ "fetch-depth": 2 });
    expect(JSON.stringify(w)).not.toMatch(/github-script|sticky-comment/);
  });

  it("runs the real pulumi preview only in the preview environment, whose reviewers approve each run, and posts no comment.", () => {
    const job = w.jobs["pulumi-preview"];
    expect(environmentOf(job)).toBe("preview");
    expect(job.needs).toBe("review");
    expect(credentialsOf(job)).toContain("PULUMI_ACCESS_TOKEN");
    expect((job.strategy!.matrix!.stack as string[]).slice().sort()).toEqual(stacks);
    const pulumi = job.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
    expect(pulumi.with).toMatchObject({ command: "preview", policyPacks: "policies", "comment-on-pr": false });
    expect(String(pulumi.with!["stack-name"])).toContain("matrix.stack");
  });
});

describe("preview-comment.yml (the base branch's code, trusted)", () => {
  const w = load("preview-comment.yml");
  const job = w.jobs.comment;
  const all = job.steps;

  it("runs after the preview workflow, from the default branch, for pull requests only, with no permission at the top.", () => {
    expect(w.on).toEqual({ workflow_run: { workflows: [load("preview.yml").name], types: ["completed"] } });
    expect(w.permissions).toEqual({});
    expect(Object.keys(w.jobs)).toEqual(["comment"]);
    expect(job.if).toContain("github.event.workflow_run.event == 'pull_request'");
    expect(job.permissions).toEqual({ contents: "read", actions: "read", "pull-requests": "write" });
  });

  it("checks out only its own default branch, never the pull request's head, and holds no deploy credential.", () => {
    const [checkout] = checkouts(job);
    expect(checkouts(job)).toHaveLength(1);
    expect(Object.keys(checkout.with!).sort()).toEqual(["fetch-depth", "persist-credentials"]);
    expect(credentialsOf(job)).toEqual([]);
    expect(environmentOf(job)).toBeUndefined();
    // The pull request's commit and branch reach steps only as data in env, never as a ref to check out or run.
    for (const s of all) {
      for (const [key, value] of Object.entries(s.with ?? {})) {
        if (key !== "script") expect(String(value), `${s.name ?? s.uses}: ${key}`).not.toMatch(/workflow_run\.head|head_sha|head_branch/);
      }
    }
    const runs = all.map((s) => s.run ?? "").join("\n");
    expect(runs).not.toMatch(/npm (test|run (synth|check|snapshots))\b/);
    expect(runs).toMatch(/^npm ci --ignore-scripts$/m);
  });

  it("reads the pr-plans artifact as data with the run's head commit and the base branch, then diffs it as a plan directory.", () => {
    const find = all.find((s) => s.id === "pr")!;
    expect(String(find.with!.script)).toContain("/tools/ci/review-run.cjs");
    expect(find.env).toMatchObject({
      RUN_ID: "${{ github.event.workflow_run.id }}",
      HEAD_SHA: "${{ github.event.workflow_run.head_sha }}",
    });
    const diff = all.find((s) => s.id === "diff")!;
    expect(diff.env).toEqual({ HEAD_SHA: "${{ github.event.workflow_run.head_sha }}", BASE_REF: "${{ steps.pr.outputs.base_ref }}" });
    expect(diff.run).toContain('npx tsx tools/ci/pr-plans.ts --zip "$RUNNER_TEMP/pr-plans.zip" --out out/pr-head');
    expect(diff.run).toContain('--expect-head "$HEAD_SHA" --base-branch "refs/remotes/origin/$BASE_REF"');
    for (const s of stacks) expect(diff.run).toContain(`--stack ${s}`);
    expect(diff.run).toMatch(/npm run diff -- --base "\$base_sha" --head out\/pr-head( --stack \w+)+ --out out\/diff\.md/);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a workflow script is plain CommonJS without typings
    const { ARTIFACT } = require("../tools/ci/review-run.cjs") as { ARTIFACT: string };
    expect(ARTIFACT).toBe("pr-plans");
  });

  it("posts the diff as one sticky comment on the pull request it found, or says the diff could not be made.", () => {
    const post = all.find((s) => String(s.with?.script ?? "").includes("sticky-comment.cjs"))!;
    expect(post.if).toBe("always() && steps.pr.outputs.found == 'true'");
    expect(post.env).toMatchObject({ PR_NUMBER: "${{ steps.pr.outputs.number }}", DIFF_OUTCOME: "${{ steps.diff.outcome }}" });
    expect(String(post.with!.script)).toContain('readFileSync("out/diff.md"');
    expect(String(post.with!.script)).toContain("issueNumber: Number(PR_NUMBER)");
    const upload = all.find((s) => s.uses?.startsWith("actions/upload-artifact@"))!;
    expect(upload.with!.name).toBe("review-preview");
  });
});

describe("deploy.yml", () => {
  const w = load("deploy.yml");

  it("runs on main, never two at once, never cancels a deployment halfway, and every job refuses any other ref.", () => {
    expect(w.on).toMatchObject({ push: { branches: ["main"] } });
    expect(Object.keys(w.on)).toContain("workflow_dispatch");
    expect(w.concurrency).toEqual({ group: "deploy", "cancel-in-progress": false });
    for (const [name, job] of Object.entries(w.jobs)) expect(job.if?.startsWith(MAIN_ONLY), `${name}: ${job.if}`).toBe(true);
  });

  it("runs pulumi up with the policy pack on staging first, and on prod only after staging deployed.", () => {
    const up = (job: Job) => job.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
    expect(w.jobs.staging.needs).toBe("verify");
    expect(w.jobs.prod.needs).toBe("staging");
    expect(w.jobs.prod.if).toBe(`${MAIN_ONLY} && needs.staging.outputs.deployed == 'true'`);
    expect(w.jobs.staging.outputs).toEqual({ deployed: "${{ steps.gate.outputs.ready }}" });
    for (const stack of ["staging", "prod"]) {
      expect(environmentOf(w.jobs[stack])).toBe(stack);
      expect(up(w.jobs[stack]).with).toMatchObject({ command: "up", policyPacks: "policies" });
      expect(String(up(w.jobs[stack]).with!["stack-name"])).toContain(`'${stack}'`);
    }
    const verify = w.jobs.verify.steps.map((s) => s.run ?? "").join("\n");
    expect(verify).toMatch(/^npm test$/m);
    expect(verify).toContain('npm run check -- --plan "out/$stack/plan.json"');
    expect(credentialsOf(w.jobs.verify)).toEqual([]);
  });
});

describe("drift.yml", () => {
  const w = load("drift.yml");
  const drift = w.jobs.drift;
  const issue = w.jobs.issue;

  it("runs every night and on demand, on main only, in each stack's own deploy environment.", () => {
    const schedule = w.on.schedule as { cron: string }[];
    expect(schedule).toHaveLength(1);
    expect(schedule[0].cron.split(" ")).toHaveLength(5);
    expect(Object.keys(w.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    for (const [name, job] of Object.entries(w.jobs)) expect(job.if ?? "", name).toContain(MAIN_ONLY);
    expect(drift.environment).toBe("${{ matrix.stack }}");
    expect((drift.strategy!.matrix!.stack as string[]).slice().sort()).toEqual(stacks);
    expect(drift.permissions).toEqual({ contents: "read" });
  });

  it("runs pulumi preview --refresh --expect-no-changes as JSON per stack and summarizes it with tools/ci/drift.ts.", () => {
    const preview = drift.steps.find((s) => s.id === "preview")!;
    expect(preview.run).toContain(
      'pulumi preview --stack "$STACK" --refresh --expect-no-changes --json --non-interactive > "$RUNNER_TEMP/preview.json"',
    );
    expect(preview.env!.STACK).toContain("matrix.stack");
    const summary = drift.steps.find((s) => s.id === "summary")!;
    expect(summary.run).toContain(
      'npx tsx tools/ci/drift.ts --stack "$STACK_NAME" --preview "$RUNNER_TEMP/preview.json" --exit-code "$EXIT_CODE"',
    );
    expect(summary.run).toContain("$GITHUB_STEP_SUMMARY");
    expect(summary.env).toEqual({ STACK_NAME: "${{ matrix.stack }}", EXIT_CODE: "${{ steps.preview.outputs.exit_code }}" });
    const fail = drift.steps[drift.steps.length - 1];
    expect(fail.env).toEqual({ CODE: "${{ steps.summary.outputs.code }}" });
    expect(fail.run).toMatch(/0\) echo "no drift" ;;/);
    expect(fail.run).toMatch(/1\) .*exit 1 ;;/);
    expect(fail.run).toMatch(/\*\) .*exit 1 ;;/);
  });

  it("opens or updates one issue from a separate job that holds no credential and can write issues only.", () => {
    expect(issue.needs).toBe("drift");
    expect(issue.if).toBe(`always() && ${MAIN_ONLY}`);
    expect(issue.permissions).toEqual({ contents: "read", issues: "write" });
    expect(credentialsOf(issue)).toEqual([]);
    const script = issue.steps.find((s) => s.uses?.startsWith("actions/github-script@"))!;
    expect(String(script.with!.script)).toContain("/tools/ci/drift-issue.cjs");
    expect(script.env!.STACKS.split(" ").sort()).toEqual(stacks);
    const download = issue.steps.find((s) => s.uses?.startsWith("actions/download-artifact@"))!;
    expect(download.with).toMatchObject({ pattern: "drift-*", "merge-multiple": true, path: "out/drift" });
  });
});

// ---------------------------------------------------------------------------------------------
// The CommonJS helpers, against just enough of Octokit with its state in memory.

interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: string;
  labels: string[];
  pull_request?: unknown;
}

function fakeGithub(opts: { comments?: { id: number; body: string }[]; issues?: FakeIssue[]; labels?: string[] } = {}) {
  const comments = [...(opts.comments ?? [])];
  const issues = [...(opts.issues ?? [])];
  const labels = new Set(opts.labels ?? []);
  const calls: string[] = [];
  let next = 1000;
  const rest = {
    issues: {
      listComments: async () => ({ data: comments }),
      createComment: async ({ issue_number, body }: { issue_number: number; body: string }) => {
        calls.push(`comment #${issue_number}`);
        const c = { id: next++, body };
        comments.push(c);
        return { data: c };
      },
      updateComment: async ({ comment_id, body }: { comment_id: number; body: string }) => {
        calls.push(`update comment ${comment_id}`);
        comments.find((c) => c.id === comment_id)!.body = body;
        return { data: {} };
      },
      deleteComment: async ({ comment_id }: { comment_id: number }) => {
        calls.push(`delete comment ${comment_id}`);
        comments.splice(
          comments.findIndex((c) => c.id === comment_id),
          1,
        );
        return { data: {} };
      },
      listForRepo: async ({ state, labels: label }: { state: string; labels: string }) => ({
        data: issues.filter((i) => i.state === state && i.labels.includes(label)),
      }),
      create: async (a: { title: string; body: string; labels: string[] }) => {
        calls.push("create issue");
        const i = { number: next++, title: a.title, body: a.body, labels: a.labels.filter((l) => labels.has(l)), state: "open" };
        issues.push(i);
        return { data: i };
      },
      update: async (a: { issue_number: number; body?: string; state?: string }) => {
        calls.push(`update issue #${a.issue_number}${a.state ? ` ${a.state}` : ""}`);
        const i = issues.find((x) => x.number === a.issue_number)!;
        if (a.body !== undefined) i.body = a.body;
        if (a.state) i.state = a.state;
        return { data: i };
      },
      getLabel: async ({ name }: { name: string }) => {
        if (!labels.has(name)) throw Object.assign(new Error("Not Found"), { status: 404 });
        return { data: { name } };
      },
      createLabel: async ({ name }: { name: string }) => {
        calls.push(`create label ${name}`);
        labels.add(name);
        return { data: { name } };
      },
    },
  };
  const github = { rest, paginate: async (fn: (a: unknown) => Promise<{ data: unknown[] }>, args: unknown) => (await fn(args)).data };
  return { github, comments, issues, calls };
}

const context = {
  repo: { owner: "acme-legal", repo: "llm-observability" },
  payload: { pull_request: { number: 7 } },
  issue: { number: 7 },
};

describe("the sticky diff comment (tools/diff/sticky-comment.cjs)", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the workflow's script is plain CommonJS without typings
  const { upsertComment, MARKER, GITHUB_LIMIT } = require("../tools/diff/sticky-comment.cjs") as {
    upsertComment: (a: {
      github: unknown;
      context: unknown;
      body: string;
      issueNumber?: number;
    }) => Promise<{ action: string; id: number; deleted: number[] }>;
    MARKER: string;
    GITHUB_LIMIT: number;
  };

  it("creates the comment once, then updates the same comment on every later push.", async () => {
    const gh = fakeGithub({ comments: [{ id: 1, body: "a human's comment" }] });
    expect(await upsertComment({ github: gh.github, context, body: "first" })).toMatchObject({ action: "created", id: 1000 });
    expect(await upsertComment({ github: gh.github, context, body: "second" })).toMatchObject({ action: "updated", id: 1000 });
    expect(await upsertComment({ github: gh.github, context, body: "no changes" })).toMatchObject({ action: "updated", id: 1000 });
    expect(gh.calls).toEqual(["comment #7", "update comment 1000", "update comment 1000"]);
    expect(gh.comments).toEqual([
      { id: 1, body: "a human's comment" },
      { id: 1000, body: `${MARKER}\nno changes` },
    ]);
  });

  it("comments on the pull request it is told, from a workflow_run whose event is not the pull request.", async () => {
    const gh = fakeGithub();
    const workflowRun = { repo: context.repo, payload: { workflow_run: { id: 1 } }, issue: {} };
    await upsertComment({ github: gh.github, context: workflowRun, body: "diff", issueNumber: 12 });
    expect(gh.calls).toEqual(["comment #12"]);
    await expect(upsertComment({ github: gh.github, context: workflowRun, body: "diff" })).rejects.toThrow(/no pull request number/);
  });

  it("removes duplicates that two racing runs left behind.", async () => {
    const gh = fakeGithub({
      comments: [
        { id: 5, body: `${MARKER}\nold` },
        { id: 6, body: `${MARKER}\nolder` },
      ],
    });
    expect(await upsertComment({ github: gh.github, context, body: "new" })).toEqual({ action: "updated", id: 5, deleted: [6] });
    expect(gh.comments).toEqual([{ id: 5, body: `${MARKER}\nnew` }]);
  });

  it("cuts a body over GitHub's limit and says where the full diff is.", async () => {
    const gh = fakeGithub();
    await upsertComment({ github: gh.github, context, body: "x".repeat(GITHUB_LIMIT + 10) });
    expect(gh.comments[0].body.length).toBeLessThanOrEqual(GITHUB_LIMIT);
    expect(gh.comments[0].body).toMatch(/the full diff is in the `review-preview` artifact/);
  });
});

describe("the drift issue (tools/ci/drift-issue.cjs)", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a workflow script is plain CommonJS without typings
  const { reportDrift, LABEL, TITLE, MARKER } = require("../tools/ci/drift-issue.cjs") as {
    reportDrift: (a: unknown) => Promise<{ action: string; number?: number; closedDuplicates: number[] }>;
    LABEL: string;
    TITLE: string;
    MARKER: string;
  };
  const runUrl = "https://github.com/acme-legal/llm-observability/actions/runs/1";
  const drifted = { stack: "prod", status: "drift", summary: "### `prod`: 1 resource differs from the code\n" };
  const clean = (stack: string) => ({ stack, status: "clean", summary: `### \`${stack}\`: no drift\n` });
  const stacksChecked = ["prod", "staging"];

  it("opens one labelled issue on the first drift, and updates that same issue on every later run.", async () => {
    const gh = fakeGithub();
    const first = await reportDrift({ github: gh.github, context, stacks: stacksChecked, reports: [drifted, clean("staging")], runUrl });
    expect(first).toEqual({ action: "created", number: 1000, closedDuplicates: [] });
    expect(gh.issues[0]).toMatchObject({ title: TITLE, labels: [LABEL], state: "open" });
    expect(gh.issues[0].body.startsWith(`${MARKER}\nWhat runs no longer matches the code on \`prod\`, as of [this run](${runUrl}).`)).toBe(
      true,
    );
    expect(gh.issues[0].body).toContain("### `prod`: 1 resource differs from the code");
    const second = await reportDrift({
      github: gh.github,
      context,
      stacks: stacksChecked,
      reports: [{ ...drifted, summary: "### `prod`: 2 resources differ from the code\n" }, clean("staging")],
      runUrl,
    });
    expect(second).toEqual({ action: "updated", number: 1000, closedDuplicates: [] });
    expect(gh.issues).toHaveLength(1);
    expect(gh.issues[0].body).toContain("2 resources differ");
    expect(gh.calls).toEqual(["create label drift", "create issue", "update issue #1000"]);
  });

  it("closes the issue once every stack reports no drift, and leaves it open while a stack could not be checked.", async () => {
    const gh = fakeGithub({ labels: [LABEL], issues: [{ number: 3, title: TITLE, body: "", state: "open", labels: [LABEL] }] });
    const partial = await reportDrift({ github: gh.github, context, stacks: stacksChecked, reports: [clean("prod")], runUrl });
    expect(partial).toEqual({ action: "none", number: 3, closedDuplicates: [] });
    expect(gh.issues[0].state).toBe("open");
    const done = await reportDrift({
      github: gh.github,
      context,
      stacks: stacksChecked,
      reports: [clean("prod"), clean("staging")],
      runUrl,
    });
    expect(done).toEqual({ action: "closed", number: 3, closedDuplicates: [] });
    expect(gh.calls).toEqual(["comment #3", "update issue #3 closed"]);
  });

  it("does nothing when there is no drift and no open issue.", async () => {
    const gh = fakeGithub();
    expect(
      await reportDrift({ github: gh.github, context, stacks: stacksChecked, reports: [clean("prod"), clean("staging")], runUrl }),
    ).toEqual({ action: "none", number: undefined, closedDuplicates: [] });
    expect(gh.calls).toEqual([]);
  });

  it("keeps the oldest of several drift issues and closes the others as duplicates; ignores other issues with the label.", async () => {
    const gh = fakeGithub({
      labels: [LABEL],
      issues: [
        { number: 9, title: TITLE, body: "", state: "open", labels: [LABEL] },
        { number: 4, title: TITLE, body: "", state: "open", labels: [LABEL] },
        { number: 5, title: "Drift in the office plants", body: "", state: "open", labels: [LABEL] },
      ],
    });
    const r = await reportDrift({ github: gh.github, context, stacks: stacksChecked, reports: [drifted, clean("staging")], runUrl });
    expect(r).toEqual({ action: "updated", number: 4, closedDuplicates: [9] });
    expect(gh.issues.map((i) => [i.number, i.state])).toEqual([
      [9, "closed"],
      [4, "open"],
      [5, "open"],
    ]);
  });
});

describe("finding the pull request and its plans (tools/ci/review-run.cjs)", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a workflow script is plain CommonJS without typings
  const { findPullRequest, downloadPlans, MAX_ARTIFACT_BYTES } = require("../tools/ci/review-run.cjs") as {
    findPullRequest: (a: unknown) => Promise<{ number: number; baseRef: string } | undefined>;
    downloadPlans: (a: unknown) => Promise<{ ok: boolean; reason?: string; bytes?: number }>;
    MAX_ARTIFACT_BYTES: number;
  };
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "llmobs-reviewrun-"));
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  function fake(
    pulls: unknown[],
    artifacts: { id: number; name: string; size_in_bytes: number; expired?: boolean }[],
    downloads: string[] = [],
  ) {
    const rest = {
      pulls: { list: async (a: { head: string }) => ({ data: pulls.filter((p) => (p as { label: string }).label === a.head) }) },
      actions: {
        listWorkflowRunArtifacts: async () => ({ data: artifacts }),
        downloadArtifact: async ({ artifact_id }: { artifact_id: number }) => {
          downloads.push(String(artifact_id));
          return { data: new Uint8Array([80, 75, 5, 6]).buffer };
        },
      },
    };
    return { rest, paginate: async (fn: (a: unknown) => Promise<{ data: unknown[] }>, args: unknown) => (await fn(args)).data };
  }
  const pr = (number: number, sha: string) => ({ number, label: "fork-owner:feature", head: { sha }, base: { ref: "main" } });

  it("finds the open pull request whose head is the run's commit, from a fork too, and none after a newer push moved it.", async () => {
    const github = fake([pr(41, "a".repeat(40)), pr(42, "b".repeat(40))], []);
    const args = { github, context, headOwner: "fork-owner", headBranch: "feature" };
    expect(await findPullRequest({ ...args, headSha: "b".repeat(40) })).toEqual({ number: 42, baseRef: "main" });
    expect(await findPullRequest({ ...args, headSha: "c".repeat(40) })).toBeUndefined();
  });

  it("saves the pr-plans artifact unopened, and refuses one over the cap without downloading it.", async () => {
    const downloads: string[] = [];
    const dest = path.join(scratch, "pr-plans.zip");
    const ok = await downloadPlans({
      github: fake([], [{ id: 1, name: "pr-plans", size_in_bytes: 4 }], downloads),
      context,
      runId: 1,
      dest,
    });
    expect(ok).toEqual({ ok: true, bytes: 4 });
    expect([...fs.readFileSync(dest)]).toEqual([80, 75, 5, 6]);
    const big = await downloadPlans({
      github: fake([], [{ id: 2, name: "pr-plans", size_in_bytes: MAX_ARTIFACT_BYTES + 1 }], downloads),
      context,
      runId: 1,
      dest,
    });
    expect(big).toEqual({ ok: false, reason: `pr-plans is ${MAX_ARTIFACT_BYTES + 1} bytes, over the cap of ${MAX_ARTIFACT_BYTES}` });
    const twice = await downloadPlans({
      github: fake(
        [],
        [
          { id: 3, name: "pr-plans", size_in_bytes: 4 },
          { id: 4, name: "pr-plans", size_in_bytes: 4 },
        ],
        downloads,
      ),
      context,
      runId: 1,
      dest,
    });
    expect(twice).toEqual({ ok: false, reason: "the run has 2 artifacts named pr-plans" });
    expect(downloads).toEqual(["1"]);
  });
});
