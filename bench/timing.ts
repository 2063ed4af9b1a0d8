// Timing of whole commands (child processes): wall time and CPU time, each reported as a median.
// CPU time (user + system of the child and of whatever it waited for) is what to compare on a
// busy machine, where wall time mostly measures the other processes. It comes from the kernel's
// accounting of reaped children (/proc/self/stat, Linux); elsewhere it is reported as n/a.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";

export interface Command {
  label: string;
  cmd: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

export interface Timing {
  medianMs: number;
  runs: number[];
  /** Median CPU time (user + system), undefined where the OS does not tell. */
  cpuMedianMs: number | undefined;
  cpuRuns: number[];
}

/**
 * CPU time of all reaped children of this process so far, in ms: fields 16 and 17 of
 * /proc/self/stat (cutime, cstime), in clock ticks of 1/100 s (proc(5); USER_HZ is 100 on Linux).
 */
function childrenCpuMs(): number | undefined {
  try {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    // The command name (field 2) may contain spaces; what follows it starts at field 3.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function runOnce(c: Command): { ms: number; cpuMs: number | undefined } {
  const cpuBefore = childrenCpuMs();
  const start = process.hrtime.bigint();
  const r = spawnSync(c.cmd, c.args, { cwd: c.cwd, encoding: "utf8", env: { ...process.env, ...c.env } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const cpuAfter = childrenCpuMs();
  if (r.status !== 0) throw new Error(`${c.label}: ${c.cmd} ${c.args.join(" ")} failed (${r.status}):\n${r.stderr}`);
  return { ms, cpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore };
}

/**
 * Runs every command `runs` times, interleaved (one of each per round), so a burst of load on a
 * shared machine hits all of them alike instead of whichever happened to run then.
 */
export function timeCommands(commands: Command[], runs: number): Timing[] {
  const results = commands.map(() => ({ runs: [] as number[], cpuRuns: [] as number[] }));
  for (let round = 0; round < runs; round++) {
    commands.forEach((c, i) => {
      const { ms, cpuMs } = runOnce(c);
      results[i].runs.push(ms);
      if (cpuMs !== undefined) results[i].cpuRuns.push(cpuMs);
    });
  }
  return results.map((r) => ({
    medianMs: median(r.runs),
    runs: r.runs,
    cpuMedianMs: r.cpuRuns.length === r.runs.length ? median(r.cpuRuns) : undefined,
    cpuRuns: r.cpuRuns,
  }));
}

export function timeCommand(cmd: string, args: string[], opts: { cwd: string; runs?: number; env?: NodeJS.ProcessEnv }): Timing {
  return timeCommands([{ label: cmd, cmd, args, cwd: opts.cwd, env: opts.env }], opts.runs ?? 3)[0];
}

export function fmtMs(ms: number | undefined): string {
  if (ms === undefined) return "n/a";
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

/** `a / b` on wall time and on CPU time, e.g. "4.1x / 4.0x". */
export function ratios(a: Timing, b: Timing): string {
  const cpu = a.cpuMedianMs !== undefined && b.cpuMedianMs ? `${(a.cpuMedianMs / b.cpuMedianMs).toFixed(1)}x` : "n/a";
  return `${(a.medianMs / b.medianMs).toFixed(1)}x / ${cpu}`;
}

/** Prints rows of label, wall, CPU and an optional ratio column, aligned. */
export function printTable(title: string, rows: { label: string; t: Timing; ratio?: string }[]): void {
  console.log(title);
  const width = Math.max(...rows.map((r) => r.label.length));
  console.log(`  ${"".padEnd(width)}  ${"wall".padStart(8)}  ${"CPU".padStart(8)}`);
  for (const r of rows) {
    console.log(`  ${r.label.padEnd(width)}  ${fmtMs(r.t.medianMs).padStart(8)}  ${fmtMs(r.t.cpuMedianMs).padStart(8)}  ${r.ratio ?? ""}`);
  }
}

/** package.json's script `name` as a command for spawnSync: its leading `node` becomes this Node. */
export function npmScript(root: string, name: string): { cmd: string; args: string[] } {
  const pkg = JSON.parse(fs.readFileSync(`${root}/package.json`, "utf8")) as { scripts: Record<string, string> };
  const [bin, ...args] = pkg.scripts[name].split(/\s+/);
  if (bin !== "node") throw new Error(`bench expects the "${name}" script to start with node, got: ${pkg.scripts[name]}`);
  return { cmd: process.execPath, args };
}
