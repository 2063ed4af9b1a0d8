// `npm run backtest`: replay exported Datadog history through one of the stack's monitors and
// say when it would have alerted, warned and recovered, and whom it would have notified.
// Exit codes: 0 done; 2 bad arguments, unreadable or missing exports, or an unmodelled query form.
import { ConfigError, formatProblem } from "../config/errors";
import { backtest, type BacktestResult, ExportError, exportCommand, neededQueries, readExports } from "../evaluator/backtest";
import type { MonitorUnderTest } from "../evaluator/monitor";
import { UnmodelledError } from "../evaluator/query";
import type { StackUnderTest } from "../evaluator/run";
import { monitorsNamed } from "../evaluator/scenario";
import { consoleIo, type Io, parseCli, runCli, UsageError } from "./cli";
import { assertStackName } from "./paths";

export const BACKTEST_USAGE = `usage: npm run backtest -- --monitor <name> (--series <file|dir> | --print-queries) [options]

Replays Datadog history, exported with GET /api/v1/query, through one of the stack's monitors (docs/scenarios.md).

  --monitor <name>      a kind naming one monitor, a resource name, or the monitor's Datadog name
  --series <file|dir>   the exports (JSON responses), one per query --print-queries lists
  --print-queries       list the queries the monitor reads, each with its export command
  --json                print {monitor, from, to, transitions, notifications}
  --stack <name>        the stack to synthesize, a Pulumi stack name (default: prod)
  --config <file>       its stack config (default: Pulumi.<stack>.yaml)
  --features <file>     the features catalog, .ts or .json (default: features.ts)
  --teams <file>        the teams catalog, .ts or .json (default: teams.ts)
  -h, --help            print this help

Exit codes: 0 done, 2 bad usage, unreadable or missing exports, or an unmodelled query form.`;

const BACKTEST_OPTIONS = {
  stack: { type: "string", default: "prod" },
  monitor: { type: "string" },
  series: { type: "string" },
  "print-queries": { type: "boolean", default: false },
  json: { type: "boolean", default: false },
  config: { type: "string" },
  features: { type: "string", default: "features.ts" },
  teams: { type: "string", default: "teams.ts" },
} as const;

interface Options {
  stack: string;
  monitor: string;
  series?: string;
  printQueries: boolean;
  json: boolean;
  configFile: string;
  featuresFile: string;
  teamsFile: string;
}

/** The command line, or the exit code when it asks for help or is wrong. */
export function parseBacktestArgs(argv: string[], io: Io = consoleIo) {
  return parseCli({ command: "backtest", usage: BACKTEST_USAGE, options: BACKTEST_OPTIONS }, argv, io, (values): Options => {
    try {
      assertStackName(values.stack!);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (!values.monitor) throw new UsageError("--monitor is required");
    if (!values["print-queries"] && !values.series) throw new UsageError("--series is required (or --print-queries)");
    return {
      stack: values.stack!,
      monitor: values.monitor,
      series: values.series,
      printQueries: values["print-queries"]!,
      json: values.json!,
      configFile: values.config ?? `Pulumi.${values.stack}.yaml`,
      featuresFile: values.features!,
      teamsFile: values.teams!,
    };
  });
}

const iso = (t: number) => new Date(t * 1000).toISOString().replace(/\.000Z$/, "Z");
const minute = (t: number) => iso(t).replace("T", " ").slice(0, 16);
const groupText = (tags: Record<string, string>) => {
  const e = Object.entries(tags);
  return e.length ? `{${e.map(([k, v]) => `${k}:${v}`).join(",")}}` : "{}";
};

export function backtestJson(r: BacktestResult): string {
  return JSON.stringify(
    {
      monitor: r.monitor.id,
      from: iso(r.from),
      to: iso(r.to),
      transitions: r.run.transitions.map((t) => ({ at: iso(t.at), group: t.group, from: t.from, to: t.to })),
      // `renotify` (an addition to the issue's format) is present only on reminders.
      notifications: r.run.notifications.map((n) => ({
        at: iso(n.at),
        group: n.group,
        state: n.state,
        handles: n.handles,
        ...(n.renotify ? { renotify: true } : {}),
      })),
      ...(r.run.approximate ? { approximate: true } : {}),
      ...(r.run.notes.length ? { notes: r.run.notes } : {}),
    },
    null,
    2,
  );
}

export function backtestText(r: BacktestResult): string {
  const { run } = r;
  const lines = [`backtest: ${r.monitor.id} ("${r.monitor.body.name}"), ${minute(r.from)} to ${minute(r.to)} UTC`];
  if (run.approximate) lines.push("  approximate: the result depends on the anomalies() approximation (docs/scenarios.md)");
  for (const n of run.notes) lines.push(`  note: ${n}`);
  lines.push(`  transitions (${run.transitions.length}):`);
  for (const t of run.transitions) lines.push(`    ${minute(t.at)}  ${groupText(t.group)}  ${t.from} -> ${t.to}`);
  lines.push(`  notifications (${run.notifications.length}):`);
  for (const n of run.notifications)
    lines.push(
      `    ${minute(n.at)}  ${groupText(n.group)}  ${n.state}${n.renotify ? " (renotify)" : ""}  ${n.handles.join(" ") || "(no handle)"}`,
    );
  const count = (to: string) => run.transitions.filter((t) => t.to === to).length;
  const recovered = run.transitions.filter((t) => t.to === "ok" && t.from !== "ok").length;
  const reach = new Map<string, number>();
  for (const n of run.notifications) for (const h of n.handles) reach.set(h, (reach.get(h) ?? 0) + 1);
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;
  lines.push(
    `  would have alerted ${plural(count("alert"), "time")}, warned ${plural(count("warn"), "time")}, ` +
      `recovered ${plural(recovered, "time")}` +
      (reach.size ? `; notified ${[...reach].map(([h, n]) => `${h} ${plural(n, "time")}`).join(", ")}` : "; notified no one"),
  );
  return lines.join("\n");
}

function resolveMonitor(stack: StackUnderTest, name: string): MonitorUnderTest {
  const found = monitorsNamed(stack.monitors, name, stack.constituents);
  if (found.length === 1) return found[0];
  if (found.length === 0) throw new Error(`no monitor "${name}" in stack ${stack.name}`);
  throw new Error(`"${name}" names ${found.length} monitors; pick one: ${found.map((m) => m.id).join(", ")}`);
}

async function main(): Promise<number> {
  const parsed = parseBacktestArgs(process.argv.slice(2));
  if (!parsed.ok) return parsed.code;
  const opts = parsed.value;
  let stack: StackUnderTest;
  let monitor: MonitorUnderTest;
  try {
    // Loaded only now: the Pulumi SDK takes seconds to load, and --help or a usage error need none of it.
    const { synthStack } = await import("./scenario-stack");
    stack = await synthStack({
      stack: opts.stack,
      configFile: opts.configFile,
      featuresFile: opts.featuresFile,
      teamsFile: opts.teamsFile,
    });
    monitor = resolveMonitor(stack, opts.monitor);
  } catch (e) {
    if (e instanceof ConfigError) for (const p of e.problems) console.error(`  ${formatProblem(p)}`);
    console.error(`backtest: ${(e as Error).message.split("\n")[0]}`);
    return 2;
  }
  try {
    if (opts.printQueries) {
      const needed = neededQueries(monitor, stack.monitors, stack.monitorById);
      console.log(
        `${monitor.id} reads ${needed.length} metric quer${needed.length === 1 ? "y" : "ies"}. ` +
          "Export each with Datadog's GET /api/v1/query",
      );
      console.log("(FROM and TO in seconds since the epoch; keep each request to about a day so points stay at one minute):\n");
      needed.forEach((n, i) => {
        console.log(`${i + 1}. ${n.query}${n.monitor !== monitor.id ? `   (constituent ${n.monitor})` : ""}`);
        console.log(`   ${exportCommand(stack.catalog.stack.datadogSite, n.query, `export-${i + 1}-$FROM.json`)}\n`);
      });
      console.log(`Then: npm run backtest -- --stack ${opts.stack} --monitor ${monitor.id} --series <the directory of exports>`);
      return 0;
    }
    const exports = readExports(opts.series!);
    const result = backtest(monitor, stack.monitors, stack.monitorById, exports, stack.catalog.contract);
    if (result.missing.length) {
      console.error(
        `backtest: no export for ${result.missing.length} quer${result.missing.length === 1 ? "y" : "ies"} ${monitor.id} reads:`,
      );
      for (const q of result.missing) console.error(`  ${q}`);
      console.error(`(list them with --print-queries)`);
      return 2;
    }
    console.log(opts.json ? backtestJson(result) : backtestText(result));
    return 0;
  } catch (e) {
    if (e instanceof ExportError || e instanceof UnmodelledError) {
      console.error(`backtest: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

if (require.main === module) runCli(main, 2);
