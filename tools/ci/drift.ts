// The readable half of drift detection (.github/workflows/drift.yml): reads what
// `pulumi preview --refresh --expect-no-changes --json` printed for a stack and says, per
// resource, what differs between what runs and what the code declares.
//
// The input is Pulumi's preview digest (pkg/display/json.go, `PreviewDigest` and `PreviewStep`,
// pulumi/pulumi v3.248.0): `steps[]` of `{op, urn, oldState, newState, diffReasons,
// detailedDiff}`, `diagnostics[]`, `changeSummary`. With --refresh, a resource edited outside
// Pulumi shows as a refresh step rewritten to `update` (with `detailedDiff`) or `delete`
// (pkg/backend/display/json.go, ResourceOutputsEvent), followed by the step that would put the
// code's version back. `--expect-no-changes` makes the CLI exit non-zero after printing the
// digest when anything would change (pkg/cmd/pulumi/operations/preview.go:591).
import { SECRET } from "../../config/names";
import * as fs from "node:fs";
import * as path from "node:path";
import { consoleIo, type Io, parseCli, runCli, UsageError } from "../cli";
import { stackNameProblem } from "../paths";

export type DriftStatus = "clean" | "drift" | "error";

export interface DriftReport {
  stack: string;
  status: DriftStatus;
  /** Markdown: what an on-call engineer reads in the run log and the drift issue. */
  summary: string;
}

interface Step {
  op?: string;
  urn?: string;
  oldState?: { inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };
  newState?: { inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };
  diffReasons?: string[];
  detailedDiff?: Record<string, { kind?: string }> | null;
}

/** Steps that change nothing: `same`, a `refresh` that found nothing, and reads of external state. */
const QUIET_OPS = new Set(["same", "refresh", "read", "read-discard", "discard-replaced"]);
/** The key of Pulumi's secret envelope in serialized state (pulumi/pulumi v3.248.0, sdk/go/common/resource/sig/sig.go:21). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const MAX_VALUE = 160;
const MAX_RESOURCES = 50;

export function summarizeDrift(stack: string, previewText: string, exitCode: number): DriftReport {
  let digest: {
    steps?: Step[];
    diagnostics?: { severity?: string; message?: string; urn?: string }[];
    changeSummary?: Record<string, number>;
  };
  try {
    digest = JSON.parse(previewText);
    if (digest === null || typeof digest !== "object" || Array.isArray(digest)) throw new Error("not an object");
  } catch (e) {
    return {
      stack,
      status: "error",
      summary:
        `### \`${stack}\`: the drift check could not run\n\n\`pulumi preview\` exited ${exitCode} without a JSON digest ` +
        `(${(e as Error).message}). See the job log.\n`,
    };
  }
  const steps = Array.isArray(digest.steps) ? digest.steps : [];
  const changed = steps.filter((s) => typeof s.op === "string" && !QUIET_OPS.has(s.op) && typeof s.urn === "string" && !isStack(s.urn));
  const errors = (digest.diagnostics ?? []).filter((d) => d.severity === "error").map((d) => oneLine(String(d.message ?? "").trim()));

  if (changed.length === 0) {
    if (exitCode === 0) return { stack, status: "clean", summary: `### \`${stack}\`: no drift\n\nWhat runs matches the code.\n` };
    return {
      stack,
      status: "error",
      summary: [
        `### \`${stack}\`: the drift check could not run`,
        "",
        `\`pulumi preview\` exited ${exitCode} and proposed no change.`,
        ...errors.map((m) => `- ${m}`),
        "",
      ].join("\n"),
    };
  }

  const byUrn = new Map<string, Step[]>();
  for (const s of changed) byUrn.set(s.urn!, [...(byUrn.get(s.urn!) ?? []), s]);
  const counts = Object.entries(digest.changeSummary ?? {})
    .filter(([op, n]) => op !== "same" && n > 0)
    .map(([op, n]) => `${n} to ${op}`)
    .join(", ");
  const lines = [
    `### \`${stack}\`: ${byUrn.size} resource${byUrn.size === 1 ? " differs" : "s differ"} from the code`,
    "",
    `Someone changed these outside Pulumi (or the provider now reports them differently). The next \`pulumi up\` puts the code's ` +
      `version back${counts ? ` (${counts})` : ""}. Keep the change by making it in code; otherwise let the next deploy revert it.`,
    "",
  ];
  for (const [urn, ss] of [...byUrn].slice(0, MAX_RESOURCES)) lines.push(...describeResource(urn, ss));
  if (byUrn.size > MAX_RESOURCES) lines.push(`- … and ${byUrn.size - MAX_RESOURCES} more; the job log has the full preview.`);
  if (errors.length) lines.push("", "Errors reported by the preview:", ...errors.map((m) => `- ${m}`));
  return { stack, status: "drift", summary: `${lines.join("\n")}\n` };
}

function isStack(urn: string): boolean {
  return urn.includes("::pulumi:pulumi:Stack::");
}

/** `urn:pulumi:prod::llm-observability::…$datadog:index/monitor:Monitor::monitor-x` → type and name. */
function parseUrn(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  const name = parts.slice(3).join("::");
  const typePath = parts[2] ?? "";
  return { type: typePath.split("$").pop() ?? typePath, name };
}

function describeResource(urn: string, steps: Step[]): string[] {
  const { type, name } = parseUrn(urn);
  const ops = [...new Set(steps.map((s) => s.op!))];
  const deleted = steps.some((s) => s.op === "delete") && steps.some((s) => s.op === "create");
  const what = deleted ? "deleted outside Pulumi; the next deploy recreates it" : ops.join(", ");
  const head = `- \`${oneLine(name)}\` (${oneLine(type)}): ${what}`;
  const paths = new Set<string>();
  for (const s of steps) {
    for (const p of Object.keys(s.detailedDiff ?? {})) paths.add(p);
    for (const p of s.diffReasons ?? []) paths.add(p);
  }
  if (deleted || paths.size === 0) return [head];
  // The last step is the one that would restore the code's version: its old state is what the
  // refresh read from the provider, its new state what the program declares.
  const last = [...steps].reverse().find((s) => s.oldState && s.newState) ?? steps[steps.length - 1];
  const running = last.oldState;
  const declared = last.newState;
  const out = [head];
  for (const p of [...paths].sort()) {
    const now = valueAt(running?.outputs, p) ?? valueAt(running?.inputs, p);
    const code = valueAt(declared?.inputs, p);
    out.push(`  - \`${oneLine(p)}\`: runs ${show(now)}, code says ${show(code)}`);
  }
  return out;
}

/** Reads a detailedDiff property path (`monitorThresholds.critical`, `tags[2]`, `["a.b"]`) out of a state object. */
export function valueAt(root: unknown, propertyPath: string): unknown {
  const tokens = [...propertyPath.matchAll(/\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|([^.[\]]+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
  let v: unknown = root;
  for (const t of tokens) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[t];
  }
  return v;
}

/** A value as one short, markdown-safe code span; secrets stay secret. */
function show(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value !== null && typeof value === "object" && SECRET_SIG in (value as object)) return `\`${SECRET}\``;
  let text =
    typeof value === "string"
      ? JSON.stringify(value)
      : JSON.stringify(value, (_k, v) => (v !== null && typeof v === "object" && SECRET_SIG in v ? SECRET : v));
  text = oneLine(text);
  if (text.length > MAX_VALUE) text = `${text.slice(0, MAX_VALUE)}…`;
  return `\`${text.replace(/`/g, "'")}\``;
}

function oneLine(s: string): string {
  return s.replace(/[\r\n\u2028\u2029]+/g, " ⏎ ").replace(/`/g, "'");
}

export const DRIFT_USAGE = `usage: npx tsx tools/ci/drift.ts --stack <name> --preview <preview.json> --exit-code <n> [options]

Summarizes \`pulumi preview --refresh --expect-no-changes --json\` for one stack: which resources
differ from the code, and how. Prints the summary; writes {"stack", "status", "summary"} to --out.

  --stack <name>        the stack previewed
  --preview <file>      what \`pulumi preview --json\` printed
  --exit-code <n>       the exit code of that preview
  --out <file>          also write the report as JSON (for the workflow's issue step)
  -h, --help            print this help

Exit codes: 0 no drift, 1 drift, 2 bad usage, 3 the preview failed without a verdict.`;

const OPTIONS = {
  stack: { type: "string" },
  preview: { type: "string" },
  "exit-code": { type: "string" },
  out: { type: "string" },
} as const;

export async function main(argv: string[], io: Io = consoleIo): Promise<number> {
  const parsed = parseCli({ command: "drift", usage: DRIFT_USAGE, options: OPTIONS }, argv, io, (v) => {
    if (!v.stack || !v.preview || v["exit-code"] === undefined) throw new UsageError("--stack, --preview and --exit-code are required");
    const problem = stackNameProblem(v.stack);
    if (problem) throw new UsageError(`--stack ${JSON.stringify(v.stack)}: ${problem}`);
    if (!/^\d+$/.test(v["exit-code"])) throw new UsageError("--exit-code must be a number");
    return { stack: v.stack, preview: v.preview, exitCode: Number(v["exit-code"]), out: v.out };
  });
  if (!parsed.ok) return parsed.code;
  const { stack, preview, exitCode, out } = parsed.value;
  const text = fs.existsSync(preview) ? fs.readFileSync(preview, "utf8") : "";
  const report = summarizeDrift(stack, text, exitCode);
  io.out(report.summary.trimEnd());
  if (out) {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  }
  return { clean: 0, drift: 1, error: 3 }[report.status];
}

if (require.main === module) runCli(() => main(process.argv.slice(2)));
