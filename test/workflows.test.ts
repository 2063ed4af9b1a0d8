// The GitHub workflows cannot run here, so they are checked offline: they parse, every
// `npm run` script they call exists, every secret they use is documented in the README, the
// Pulumi steps run the policy pack and are skipped cleanly without secrets, and the sticky
// comment is updated, never duplicated.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
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
  environment?: string;
  env?: Record<string, string>;
  outputs?: Record<string, string>;
  strategy?: { matrix?: Record<string, unknown> };
  steps: Step[];
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const WORKFLOWS = ["preview.yml", "deploy.yml"] as const;
const read = (file: string) => fs.readFileSync(path.join(ROOT, ".github", "workflows", file), "utf8");
const load = (file: string) => parse(read(file)) as Workflow;
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps);
const stacks = fs
  .readdirSync(ROOT)
  .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
  .filter((s): s is string => Boolean(s))
  .sort();

/** The secrets table of the README: rows whose first cell is a backticked NAME. */
function documentedSecrets(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  return [...readme.matchAll(/^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|/gm)].map((m) => m[1]);
}

describe("the GitHub workflows", () => {
  it.each(WORKFLOWS)("%s parses, and every npm script it runs exists in package.json.", (file) => {
    const w = load(file);
    expect(Object.keys(w.jobs).length).toBeGreaterThan(0);
    const scripts = Object.keys(
      (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts,
    );
    const used = steps(w).flatMap((s) =>
      [...(s.run ?? "").matchAll(/\bnpm (?:run(?:-script)?\s+([\w:-]+)|(test|start)\b)/g)].map((m) => m[1] ?? m[2]),
    );
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect(scripts, `npm run ${name}`).toContain(name);
  });

  it.each(WORKFLOWS)("%s uses only secrets that the README documents.", (file) => {
    const used = [...new Set([...read(file).matchAll(/\bsecrets\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]))].sort();
    expect(used.length).toBeGreaterThan(0);
    const documented = documentedSecrets();
    expect(
      used.filter((s) => !documented.includes(s)),
      "secrets missing from the README's secrets table",
    ).toEqual([]);
  });

  it.each(WORKFLOWS)("%s pins every action to a version.", (file) => {
    for (const s of steps(load(file))) if (s.uses) expect(s.uses).toMatch(/@v\d+$|@[0-9a-f]{40}$/);
  });

  it.each(WORKFLOWS)("%s skips every step after the secrets check cleanly when a Pulumi or provider secret is missing.", (file) => {
    const w = load(file);
    const pulumiJobs = Object.entries(w.jobs).filter(([, j]) => j.steps.some((s) => s.uses?.startsWith("pulumi/actions@")));
    expect(pulumiJobs.length).toBeGreaterThan(0);
    for (const [name, job] of pulumiJobs) {
      const gate = job.steps[0];
      expect(gate.id, `${name}: the first step checks the secrets`).toBe("gate");
      // Every secret the job's environment carries is checked by the gate.
      const fromSecrets = [
        ...new Set(Object.values(job.env ?? {}).flatMap((v) => [...String(v).matchAll(/secrets\.([A-Z0-9_]+)/g)].map((m) => m[1]))),
      ];
      expect(fromSecrets).toContain("PULUMI_ACCESS_TOKEN");
      for (const secret of fromSecrets) expect(gate.run, `${name}: gate checks ${secret}`).toMatch(new RegExp(`\\b${secret}\\b`));
      expect(gate.run).toContain('echo "ready=false" >> "$GITHUB_OUTPUT"');
      expect(gate.run).toContain("::notice");
      for (const s of job.steps.slice(1)) expect(s.if, `${name}: ${s.name ?? s.uses ?? s.run}`).toBe("steps.gate.outputs.ready == 'true'");
    }
  });
});

describe("preview.yml", () => {
  const w = load("preview.yml");
  const all = steps(w);
  const runs = all.map((s) => s.run ?? "").join("\n");

  it("runs on pull requests with npm ci, npm test, and synth and check for every stack.", () => {
    expect(Object.keys(w.on)).toEqual(["pull_request"]);
    expect(w.permissions).toMatchObject({ "pull-requests": "write", contents: "read" });
    expect(runs).toMatch(/^npm ci$/m);
    expect(runs).toMatch(/^npm test$/m);
    expect(stacks).toEqual(["prod", "staging"]);
    const loop = all.find((s) => /npm run synth/.test(s.run ?? ""))!.run!;
    expect(loop).toMatch(new RegExp(`for stack in ${stacks.slice().reverse().join(" ")}|for stack in ${stacks.join(" ")}`));
    expect(loop).toContain('npm run synth -- --stack "$stack"');
    expect(loop).toContain('npm run check -- --plan "out/$stack/plan.json"');
  });

  it("diffs against the base branch with full history and posts it as one sticky comment from the same file.", () => {
    const checkout = w.jobs.review.steps.find((s) => s.uses?.startsWith("actions/checkout@"))!;
    expect(checkout.with).toMatchObject({ "fetch-depth": 0 });
    const diff = all.find((s) => /npm run diff/.test(s.run ?? ""))!;
    expect(diff.run).toBe('npm run diff -- --base "origin/$BASE_REF" --stack prod --stack staging --out out/diff.md');
    expect(diff.env).toEqual({ BASE_REF: "${{ github.base_ref }}" });
    const comment = all.find((s) => s.uses?.startsWith("actions/github-script@"))!;
    const script = String(comment.with!.script);
    expect(script).toContain('readFileSync("out/diff.md"');
    expect(script).toContain("/tools/diff/sticky-comment.cjs");
    expect(fs.existsSync(path.join(ROOT, "tools", "diff", "sticky-comment.cjs"))).toBe(true);
    expect(comment.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
  });

  it("uploads the preview pages and the diff as an artifact, even when a step failed.", () => {
    const upload = all.find((s) => s.uses?.startsWith("actions/upload-artifact@"))!;
    expect(upload.if).toBe("always()");
    expect(String(upload.with!.path).split("\n").filter(Boolean)).toEqual(
      expect.arrayContaining(["out/diff.md", "out/diff/", "out/*/preview/"]),
    );
  });

  it("runs pulumi preview with the policy pack and a PR comment, for every stack.", () => {
    const job = w.jobs["pulumi-preview"];
    expect(job.needs).toBe("review");
    expect((job.strategy!.matrix!.stack as string[]).slice().sort()).toEqual(stacks);
    const pulumi = job.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
    expect(pulumi.with).toMatchObject({
      command: "preview",
      policyPacks: "policies",
      "comment-on-pr": true,
      "edit-pr-comment": true,
      "always-include-summary": true,
    });
    expect(String(pulumi.with!["stack-name"])).toContain("matrix.stack");
  });
});

describe("deploy.yml", () => {
  const w = load("deploy.yml");

  it("runs on main, never two at once, and never cancels a deployment halfway.", () => {
    expect(w.on).toMatchObject({ push: { branches: ["main"] } });
    expect((w as unknown as { concurrency: unknown }).concurrency).toEqual({ group: "deploy", "cancel-in-progress": false });
  });

  it("runs pulumi up with the policy pack on staging first, and on prod only after staging deployed.", () => {
    const up = (job: Job) => job.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
    expect(w.jobs.staging.needs).toBe("verify");
    expect(w.jobs.prod.needs).toBe("staging");
    expect(w.jobs.prod.if).toBe("needs.staging.outputs.deployed == 'true'");
    expect(w.jobs.staging.outputs).toEqual({ deployed: "${{ steps.gate.outputs.ready }}" });
    for (const stack of ["staging", "prod"]) {
      expect(w.jobs[stack].environment).toBe(stack);
      expect(up(w.jobs[stack]).with).toMatchObject({ command: "up", policyPacks: "policies" });
      expect(String(up(w.jobs[stack]).with!["stack-name"])).toContain(`'${stack}'`);
    }
    const verify = w.jobs.verify.steps.map((s) => s.run ?? "").join("\n");
    expect(verify).toMatch(/^npm test$/m);
    expect(verify).toContain('npm run check -- --plan "out/$stack/plan.json"');
  });
});

describe("the sticky diff comment", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the workflow's script is plain CommonJS without typings
  const { upsertComment, MARKER, GITHUB_LIMIT } = require("../tools/diff/sticky-comment.cjs") as {
    upsertComment: (a: { github: unknown; context: unknown; body: string }) => Promise<{ action: string; id: number; deleted: number[] }>;
    MARKER: string;
    GITHUB_LIMIT: number;
  };

  /** Just enough of Octokit, with comments kept in memory. */
  function fakeGithub(existing: { id: number; body: string }[] = []) {
    const comments = [...existing];
    let next = 1000;
    const calls: string[] = [];
    const rest = {
      issues: {
        listComments: async () => ({ data: comments }),
        createComment: async ({ body }: { body: string }) => {
          calls.push("create");
          const c = { id: next++, body };
          comments.push(c);
          return { data: c };
        },
        updateComment: async ({ comment_id, body }: { comment_id: number; body: string }) => {
          calls.push(`update ${comment_id}`);
          comments.find((c) => c.id === comment_id)!.body = body;
          return { data: {} };
        },
        deleteComment: async ({ comment_id }: { comment_id: number }) => {
          calls.push(`delete ${comment_id}`);
          comments.splice(
            comments.findIndex((c) => c.id === comment_id),
            1,
          );
          return { data: {} };
        },
      },
    };
    const github = { rest, paginate: async (fn: (a: unknown) => Promise<{ data: unknown[] }>, args: unknown) => (await fn(args)).data };
    return { github, comments, calls };
  }
  const context = {
    repo: { owner: "acme-legal", repo: "llm-observability" },
    payload: { pull_request: { number: 7 } },
    issue: { number: 7 },
  };

  it("creates the comment once, then updates the same comment on every later push.", async () => {
    const gh = fakeGithub([{ id: 1, body: "a human's comment" }]);
    expect(await upsertComment({ github: gh.github, context, body: "first" })).toMatchObject({ action: "created", id: 1000 });
    expect(await upsertComment({ github: gh.github, context, body: "second" })).toMatchObject({ action: "updated", id: 1000 });
    expect(await upsertComment({ github: gh.github, context, body: "no changes" })).toMatchObject({ action: "updated", id: 1000 });
    expect(gh.calls).toEqual(["create", "update 1000", "update 1000"]);
    expect(gh.comments).toEqual([
      { id: 1, body: "a human's comment" },
      { id: 1000, body: `${MARKER}\nno changes` },
    ]);
  });

  it("removes duplicates that two racing runs left behind.", async () => {
    const gh = fakeGithub([
      { id: 5, body: `${MARKER}\nold` },
      { id: 6, body: `${MARKER}\nolder` },
    ]);
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
