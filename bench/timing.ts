// Timing of whole commands (child processes): wall time and CPU time, each reported as a median.
// CPU time (user + system of the child and whatever it waited for) is what to compare on a busy
// machine: wall time there mostly measures the other processes. It comes from the kernel's
// accounting of reaped children (/proc/self/stat, Linux); elsewhere it is reported as unknown.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";

export interface Timing {
  medianMs: number;
  runs: number[];
  /** Median CPU time (user + system) of the command, undefined where the OS does not tell. */
  cpuMedianMs: number | undefined;
  cpuRuns: number[];
}

/**
 * CPU time of all reaped children of this process so far, in ms. Fields 16 and 17 of
 * /proc/<pid>/stat (cutime, cstime) count in USER_HZ, which Linux fixes at 100 for userspace
 * (proc(5): "measured in clock ticks (divide by sysconf(_SC_CLK_TCK))"; the ABI value is 100).
 */
function childrenCpuMs(): number | undefined {
  try {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    // The command name (field 2) may contain spaces; fields after it start at the state (field 3).
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

export function timeCommand(cmd: string, args: string[], opts: { cwd: string; runs?: number; env?: NodeJS.ProcessEnv }): Timing {
  const runs: number[] = [];
  const cpuRuns: number[] = [];
  for (let i = 0; i < (opts.runs ?? 3); i++) {
    const cpuBefore = childrenCpuMs();
    const start = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd: opts.cwd, encoding: "utf8", env: { ...process.env, ...opts.env } });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const cpuAfter = childrenCpuMs();
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}):\n${r.stderr}`);
    runs.push(ms);
    if (cpuBefore !== undefined && cpuAfter !== undefined) cpuRuns.push(cpuAfter - cpuBefore);
  }
  return { medianMs: median(runs), runs, cpuMedianMs: cpuRuns.length ? median(cpuRuns) : undefined, cpuRuns };
}

export function fmtMs(ms: number | undefined): string {
  if (ms === undefined) return "n/a";
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

/** "1.23 s wall, 1.10 s CPU". */
export function fmtTiming(t: Timing): string {
  return `${fmtMs(t.medianMs)} wall, ${fmtMs(t.cpuMedianMs)} CPU`;
}

/** `a / b` as "4.1x", on CPU time when both have it, else on wall time. */
export function ratio(a: Timing, b: Timing): string {
  const cpu = a.cpuMedianMs !== undefined && b.cpuMedianMs !== undefined && b.cpuMedianMs > 0;
  return cpu ? `${(a.cpuMedianMs! / b.cpuMedianMs!).toFixed(1)}x CPU` : `${(a.medianMs / b.medianMs).toFixed(1)}x wall`;
}
